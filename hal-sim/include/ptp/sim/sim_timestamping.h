// A simulated NIC's timestamping control: supported and active capability sets that a fault
// timeline can change at a given time (raising the change notification on the event loop), and
// cross-timestamps whose capture window is as wide and as jittery as configured, occasionally
// very wide (the capturing thread preempted), as on real systems.
#pragma once

#include <cstdint>
#include <vector>

#include "ptp/hal/timestamping_interface.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_clocks.h"

namespace ptp::sim {

struct CrossTimestampConfig {
  SimDuration min_window = SimDuration::nanoseconds(500);
  SimDuration max_window = SimDuration::microseconds(2);
  double wide_probability = 0.01;  // chance that a capture is preempted
  SimDuration wide_window = SimDuration::microseconds(50);
  // Chance that a capture fails (kUnavailable: the driver could not take one this time).
  double failure_probability = 0;
};

class SimTimestampingInterface final : public hal::TimestampingInterface {
 public:
  SimTimestampingInterface(Scheduler& scheduler, Oscillator& host_crystal,
                           SimMonotonicCounter& counter, SimHardwareClock* hardware_clock,
                           const hal::InterfaceTimestampCapabilities& capabilities,
                           const CrossTimestampConfig& cross_timestamps, Random random);
  // Cancels pending capability changes: their events point at this interface.
  ~SimTimestampingInterface() override;
  SimTimestampingInterface(const SimTimestampingInterface&) = delete;
  SimTimestampingInterface& operator=(const SimTimestampingInterface&) = delete;
  SimTimestampingInterface(SimTimestampingInterface&&) = delete;
  SimTimestampingInterface& operator=(SimTimestampingInterface&&) = delete;

  Result<hal::InterfaceTimestampCapabilities, hal::HalError> capabilities() override;
  Result<hal::CrossTimestamp, hal::HalError> capture_cross_timestamp() override;
  Result<hal::SubscriptionId, hal::HalError> subscribe(
      hal::CapabilityChangeListener& listener) override;
  void unsubscribe(hal::SubscriptionId id) override;

  // Replaces both sets at `at` and notifies every subscriber then, from a scheduler event.
  Result<void, SchedulerError> change_capabilities_at(
      SimTime at, const hal::InterfaceTimestampCapabilities& capabilities);

  // Ground truth of the last capture: where in its window the hardware clock was read.
  [[nodiscard]] SimTime last_capture_hardware_time() const { return last_hardware_time_; }

 private:
  void apply_change(std::size_t pending_index);

  struct Subscription {
    std::uint32_t id;
    hal::CapabilityChangeListener* listener;
  };
  struct PendingChange {
    hal::InterfaceTimestampCapabilities capabilities;
    EventId event;
  };

  Scheduler& scheduler_;
  Oscillator& crystal_;
  SimMonotonicCounter& counter_;
  SimHardwareClock* hardware_clock_;
  hal::InterfaceTimestampCapabilities capabilities_;
  CrossTimestampConfig cross_timestamps_;
  Random random_;
  std::vector<Subscription> subscriptions_;
  std::vector<PendingChange> pending_changes_;
  std::uint32_t next_subscription_ = 1;
  SimTime last_hardware_time_;
};

}  // namespace ptp::sim
