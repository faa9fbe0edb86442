// ClockNode: what ptpsim needs of one simulated clock, whichever program runs it — the library's
// clock assembly (LibraryClockNode over sim::SimPtpNode) or ptp4win's own code on a simulated
// Windows (Ptp4winNode, ptp4win_node.h). The world, the sampling loop and the report see only this.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ptp/core/ordinary_clock.h"
#include "ptp/core/port_io.h"
#include "ptp/hal/nic_counter_correlation.h"
#include "ptp/hal/port_driver.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/result.h"
#include "ptp/sim/network.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/sim/sim_ptp_node.h"

namespace ptp::ptpsim {

class ClockNode {
 public:
  ClockNode() = default;
  ClockNode(const ClockNode&) = delete;
  ClockNode& operator=(const ClockNode&) = delete;
  ClockNode(ClockNode&&) = delete;
  ClockNode& operator=(ClockNode&&) = delete;
  virtual ~ClockNode() = default;

  // Starts the program; the error is a sentence. clock() and driver() are valid after it.
  virtual Result<void, std::string> start() = 0;
  // Where the driver's state changes and measurements go, besides the program's own log.
  virtual void set_observer(hal::PortDriverObserver* observer) = 0;
  [[nodiscard]] virtual sim::NodeId node_id() const = 0;
  virtual sim::SimHost& host() = 0;
  [[nodiscard]] virtual const sim::SimHostConfig& host_config() const = 0;
  virtual OrdinaryClock& clock() = 0;
  [[nodiscard]] virtual const OrdinaryClock& clock() const = 0;
  virtual hal::PortDriver& driver() = 0;
  // The NIC-to-counter correlation, when the clock uses one (for the metrics).
  [[nodiscard]] virtual const hal::NicCounterCorrelation* correlation() const = 0;
  // The disciplined clock's error against the reference PTP time (sim_ptp_node.h), nanoseconds.
  [[nodiscard]] virtual double true_offset_ns() = 0;
  [[nodiscard]] virtual const std::optional<OffsetMeasured>& last_measurement() const = 0;
  // The adapter's timestamping changes to `capabilities` at `at`, as the OS reports it; with
  // `adapter_restart`, as Windows applies an adapter's advanced properties: the adapter is down
  // that long from `at` and comes back with them (simulated Windows nodes only).
  virtual Result<void, std::string> change_capabilities_at(
      sim::SimTime at, const hal::InterfaceTimestampCapabilities& capabilities,
      std::optional<sim::SimDuration> adapter_restart) = 0;
};

// The library's assembly, as the scenario tests and the benchmarks run it.
class LibraryClockNode final : public ClockNode {
 public:
  explicit LibraryClockNode(std::unique_ptr<sim::SimPtpNode> node) : node_(std::move(node)) {}

  Result<void, std::string> start() override {
    if (auto started = node_->start(); !started) {
      return unexpected(std::string(to_string(started.error())));
    }
    return {};
  }
  void set_observer(hal::PortDriverObserver* observer) override { node_->set_observer(observer); }
  [[nodiscard]] sim::NodeId node_id() const override { return node_->node_id(); }
  sim::SimHost& host() override { return node_->host(); }
  [[nodiscard]] const sim::SimHostConfig& host_config() const override {
    return node_->config().host;
  }
  OrdinaryClock& clock() override { return node_->clock(); }
  [[nodiscard]] const OrdinaryClock& clock() const override { return node_->clock(); }
  hal::PortDriver& driver() override { return node_->driver(); }
  [[nodiscard]] const hal::NicCounterCorrelation* correlation() const override {
    return node_->correlation();
  }
  [[nodiscard]] double true_offset_ns() override { return node_->true_offset_ns(); }
  [[nodiscard]] const std::optional<OffsetMeasured>& last_measurement() const override {
    return node_->last_measurement();
  }
  Result<void, std::string> change_capabilities_at(
      sim::SimTime at, const hal::InterfaceTimestampCapabilities& capabilities,
      std::optional<sim::SimDuration> adapter_restart) override {
    if (adapter_restart)
      return unexpected(std::string("only a simulated Windows restarts its adapter"));
    if (!node_->host().timestamping().change_capabilities_at(at, capabilities)) {
      return unexpected(std::string("cannot schedule the capability change"));
    }
    return {};
  }

 private:
  std::unique_ptr<sim::SimPtpNode> node_;
};

}  // namespace ptp::ptpsim
