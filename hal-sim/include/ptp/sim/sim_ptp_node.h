// SimPtpNode: one simulated PTP ordinary clock — a SimHost and the clock hal::OrdinaryClockAssembly
// builds on it (servo, OrdinaryClock, the production PortDriver, the cross-timestamp correlation)
// — attached to a simulated Network. Scenario tests, ptpsim and the accuracy benchmark build
// their worlds from these, so they all run the assembly and the glue ptp4win runs on Windows.
//
// Ground truth: true_offset_ns() is the disciplined clock's PTP time minus the reference PTP
// time, where the reference is SimTime + the system clocks' common time_at_crystal_zero + the
// driver's UTC offset. Nodes of one world must share time_at_crystal_zero and utc_offset; then
// a node's offset from its grandmaster is the difference of the two nodes' true_offset_ns().
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "ptp/core/ordinary_clock.h"
#include "ptp/core/port_config.h"
#include "ptp/hal/nic_counter_correlation.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/hal/port_driver.h"
#include "ptp/result.h"
#include "ptp/servo/servo.h"
#include "ptp/servo/servo_config.h"
#include "ptp/sim/network.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"

namespace ptp::sim {

struct SimPtpNodeConfig {
  SimHostConfig host;
  PortConfig port;
  servo::ServoConfig servo;
  hal::AddressFamily family = hal::AddressFamily::kIpv4;
  // The ground truth runs every clock on the PTP timescale (TAI), so a grandmaster on its system
  // clock announces PTP and sends UTC + utc_offset (ptp4l on CLOCK_REALTIME would announce ARB and
  // send UTC, which real slaves follow, but which would put 37 s into the simulated truth).
  hal::PortDriverConfig driver = [] {
    hal::PortDriverConfig config;
    config.system_clock_on_ptp_timescale = true;
    return config;
  }();
  // Where the NIC clock is not disciplined but its hardware timestamps are used (Windows): the
  // assembly's defaults, the same as ptp4win's.
  hal::CorrelationSettings correlation;
};

enum class SimPtpNodeError : std::uint8_t {
  kBadHostConfig,   // SimHost::create refused it
  kBadPortConfig,   // validate(PortConfig) refused it
  kBadServoConfig,  // make_servo refused it
  kNetwork,         // the network refused the host
  kDriver,          // the driver could not attach to the host
};
std::string_view to_string(SimPtpNodeError error);

class SimPtpNode final : public hal::PortDriverObserver {
 public:
  // Creates the node and attaches its host to `network` (links are the caller's). Nothing runs
  // until start().
  static Result<std::unique_ptr<SimPtpNode>, SimPtpNodeError> create(Scheduler& scheduler,
                                                                     Network& network,
                                                                     const SimPtpNodeConfig& config,
                                                                     Random random);
  ~SimPtpNode() override;
  SimPtpNode(const SimPtpNode&) = delete;
  SimPtpNode& operator=(const SimPtpNode&) = delete;
  SimPtpNode(SimPtpNode&&) = delete;
  SimPtpNode& operator=(SimPtpNode&&) = delete;

  Result<void, SimPtpNodeError> start();

  // Where the driver's state changes and measurements go, besides this node's own records.
  void set_observer(hal::PortDriverObserver* observer) { observer_ = observer; }

  [[nodiscard]] NodeId node_id() const { return node_id_; }
  SimHost& host() { return *host_; }
  OrdinaryClock& clock() { return assembly_->clock(); }
  [[nodiscard]] const OrdinaryClock& clock() const { return assembly_->clock(); }
  hal::PortDriver& driver() { return assembly_->driver(); }
  servo::Servo& servo() { return assembly_->servo(); }
  [[nodiscard]] const SimPtpNodeConfig& config() const { return config_; }

  // The disciplined clock's error against the reference PTP time, nanoseconds (see above).
  [[nodiscard]] double true_offset_ns();

  // The NIC-to-counter correlation, when this node uses one.
  [[nodiscard]] const hal::NicCounterCorrelation* correlation() const {
    return assembly_->correlation();
  }

  // The newest measurement the port reported, if any.
  [[nodiscard]] const std::optional<OffsetMeasured>& last_measurement() const {
    return last_measurement_;
  }

  void on_state_changed(const StateChanged& change, Nanoseconds now) override;
  void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) override;
  void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                    Nanoseconds now) override;
  void on_utc_offset_changed(Nanoseconds applied, const TimePropertiesDataSet& time_properties,
                             Nanoseconds now) override;
  void on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) override;
  void on_cross_timestamp_capture_failed(const hal::HalError& error, std::uint64_t failures_so_far,
                                         Nanoseconds now) override;

 private:
  SimPtpNode(const SimPtpNodeConfig& config, std::unique_ptr<SimHost> host);

  SimPtpNodeConfig config_;
  std::unique_ptr<SimHost> host_;
  std::unique_ptr<hal::OrdinaryClockAssembly> assembly_;
  NodeId node_id_;
  hal::PortDriverObserver* observer_ = nullptr;
  std::optional<OffsetMeasured> last_measurement_;
};

}  // namespace ptp::sim
