// A small simulated world for scenario tests: ordinary clocks (SimPtpNode) behind one switch,
// built from a handful of knobs, plus the statistics the tests judge them by. Time is the
// simulator's only; a run is a pure function of the seed.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ptp/sim/network.h"
#include "ptp/sim/nic_capabilities.h"
#include "ptp/sim/sim_ptp_node.h"

namespace ptp::sim::testing {

// The system clocks' time at crystal zero: small, so that NIC clocks (picosecond phases) can
// hold the same timescale.
inline constexpr std::int64_t kEpochSeconds = 1'000;
inline constexpr std::int64_t kUtcOffsetSeconds = 37;

// kHardware: an adjustable NIC clock (a Linux PHC) is disciplined. kWindowsHardware: hardware
// timestamps from a free-running 125 MHz NIC clock, mapped to the counter by cross-timestamps;
// the system clock is disciplined. kSoftware: OS timestamps. kNone: the application's own.
enum class Timestamping { kHardware, kWindowsHardware, kSoftware, kNone };

struct NodeSpec {
  std::uint8_t priority1 = 128;
  Timestamping timestamping = Timestamping::kHardware;
  bool slave_only = false;
  double frequency_error_ppm = 0;
  // Where the disciplined clock starts, relative to true time.
  SimDuration initial_offset = SimDuration::microseconds(0);
  servo::ServoKind servo = servo::ServoKind::kPi;
};

inline hal::InterfaceTimestampCapabilities capabilities_for(Timestamping timestamping) {
  switch (timestamping) {
    case Timestamping::kHardware: return nic_capabilities(SimNicKind::kHardware, 1'000'000'000);
    case Timestamping::kWindowsHardware:
      return nic_capabilities(SimNicKind::kWindowsHardware, 125'000'000);
    case Timestamping::kSoftware: return nic_capabilities(SimNicKind::kSoftware, 0);
    case Timestamping::kNone: break;
  }
  return nic_capabilities(SimNicKind::kNone, 0);
}

inline SimPtpNodeConfig node_config(int index, const NodeSpec& spec) {
  SimPtpNodeConfig config;
  const auto octet = static_cast<std::uint8_t>(index + 1);
  config.host.ipv4 = hal::IpAddress::v4(10, 0, 0, octet);
  config.host.ipv6 = hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, octet});
  config.host.system_clock.time_at_crystal_zero =
      hal::SystemTime{Nanoseconds(kEpochSeconds * kNanosecondsPerSecond)};
  config.host.host_crystal.initial_frequency_error_ppm = spec.frequency_error_ppm;
  config.host.host_crystal.initial_phase_offset = spec.initial_offset;
  config.host.host_crystal.white_fm_adev_at_1s = 1e-10;
  config.host.nic_crystal.initial_frequency_error_ppm = spec.frequency_error_ppm;
  // The NIC clock (a PHC) starts on the PTP timescale, give or take the node's offset.
  config.host.nic_crystal.initial_phase_offset =
      SimDuration::seconds(kEpochSeconds + kUtcOffsetSeconds) + spec.initial_offset;
  config.host.nic_crystal.white_fm_adev_at_1s = 1e-10;
  config.host.nic_clock = spec.timestamping == Timestamping::kWindowsHardware
                              ? SimHardwareClockConfig{125'000'000, false}
                              : SimHardwareClockConfig{1'000'000'000, true};
  config.host.capabilities = capabilities_for(spec.timestamping);
  config.port.clock_identity.octets = {0x02, 0x00, 0x00, 0xFF, 0xFE, 0x00, 0x00, octet};
  config.port.priority1 = spec.priority1;
  config.port.slave_only = spec.slave_only;
  config.servo.kind = spec.servo;
  config.servo.hardware_timestamps = spec.timestamping == Timestamping::kHardware ||
                                     spec.timestamping == Timestamping::kWindowsHardware;
  config.driver.utc_offset = Nanoseconds(kUtcOffsetSeconds * kNanosecondsPerSecond);
  return config;
}

class SimWorld {
 public:
  explicit SimWorld(std::uint64_t seed, double link_loss = 0)
      : random_(seed), network_(scheduler_, random_.fork(1000)), link_loss_(link_loss) {
    DelayModelConfig residence;
    residence.propagation = SimDuration::microseconds(1);
    residence.variation = ExponentialDelayVariation{SimDuration::nanoseconds(100)};
    const auto switch_node = network_.add_switch(residence);
    EXPECT_TRUE(switch_node);
    switch_ = *switch_node;
  }

  SimPtpNode& add(const NodeSpec& spec) {
    return add(node_config(static_cast<int>(nodes_.size()), spec));
  }

  SimPtpNode& add(const SimPtpNodeConfig& config) {
    auto node = SimPtpNode::create(scheduler_, network_, config,
                                   random_.fork(static_cast<std::uint64_t>(nodes_.size())));
    EXPECT_TRUE(node) << (node ? "" : to_string(node.error()));
    LinkDirectionConfig link;
    link.delay.propagation = SimDuration::nanoseconds(500);
    link.delay.variation = ExponentialDelayVariation{SimDuration::nanoseconds(100)};
    if (link_loss_ > 0) link.loss = BernoulliLoss{link_loss_};
    const auto link_id = network_.add_link((*node)->node_id(), switch_, link, link);
    EXPECT_TRUE(link_id);
    links_.push_back(*link_id);
    nodes_.push_back(std::move(node.value()));
    return *nodes_.back();
  }

  void start_all() {
    for (auto& node : nodes_) EXPECT_TRUE(node->start());
  }

  void run_for(double seconds) {
    const auto duration = SimDuration::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
    EXPECT_TRUE(scheduler_.run_for(duration));
  }

  // Runs `seconds` in steps of `step_seconds`, calling `sample` after each.
  template <class Sample>
  void run_sampled(double seconds, double step_seconds, Sample&& sample) {
    const auto steps = static_cast<int>(seconds / step_seconds);
    for (int i = 0; i < steps; ++i) {
      run_for(step_seconds);
      sample();
    }
  }

  [[nodiscard]] double seconds() const {
    return static_cast<double>(scheduler_.now().since_start().picoseconds()) * 1e-12;
  }

  // Slave's offset from master by ground truth, nanoseconds.
  static double true_offset_ns(SimPtpNode& slave, SimPtpNode& master) {
    return slave.true_offset_ns() - master.true_offset_ns();
  }

  SimPtpNode& node(std::size_t index) { return *nodes_.at(index); }
  Scheduler& scheduler() { return scheduler_; }
  Network& network() { return network_; }
  LinkId link(std::size_t index) const { return links_.at(index); }

 private:
  Scheduler scheduler_;
  Random random_;
  Network network_;
  double link_loss_ = 0;
  NodeId switch_;
  std::vector<std::unique_ptr<SimPtpNode>> nodes_;
  std::vector<LinkId> links_;
};

}  // namespace ptp::sim::testing
