// Capability sets, change notification and cross-timestamps of a simulated NIC.
#include "ptp/sim/sim_timestamping.h"

#include <algorithm>
#include <cmath>

namespace ptp::sim {

SimTimestampingInterface::SimTimestampingInterface(
    Scheduler& scheduler, Oscillator& host_crystal, SimMonotonicCounter& counter,
    SimHardwareClock* hardware_clock, const hal::InterfaceTimestampCapabilities& capabilities,
    const CrossTimestampConfig& cross_timestamps, Random random)
    : scheduler_(scheduler),
      crystal_(host_crystal),
      counter_(counter),
      hardware_clock_(hardware_clock),
      capabilities_(capabilities),
      cross_timestamps_(cross_timestamps),
      random_(random) {}

SimTimestampingInterface::~SimTimestampingInterface() {
  for (const PendingChange& change : pending_changes_) scheduler_.cancel(change.event);
}

Result<hal::InterfaceTimestampCapabilities, hal::HalError>
SimTimestampingInterface::capabilities() {
  return capabilities_;
}

Result<hal::CrossTimestamp, hal::HalError> SimTimestampingInterface::capture_cross_timestamp() {
  if (!capabilities_.active.supports_cross_timestamp || hardware_clock_ == nullptr) {
    return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
  }
  // Drawn only when failures are asked for: a run without them keeps its random sequence.
  if (cross_timestamps_.failure_probability > 0 &&
      random_.bernoulli(cross_timestamps_.failure_probability)) {
    return unexpected(hal::HalError{hal::HalErrorCode::kUnavailable, 0});
  }
  const SimTime now = scheduler_.now();
  // Every clock is read at now(); the counter readings that bracket it are placed around it at
  // the crystal's current rate, which over a window of microseconds is exact to picoseconds.
  const SimDuration window =
      random_.bernoulli(cross_timestamps_.wide_probability)
          ? cross_timestamps_.wide_window
          : cross_timestamps_.min_window +
                SimDuration::picoseconds(static_cast<std::int64_t>(
                    random_.uniform() * static_cast<double>((cross_timestamps_.max_window -
                                                             cross_timestamps_.min_window)
                                                                .picoseconds())));
  const double position = random_.uniform();  // where in the window the NIC clock is read
  const auto reading = crystal_.reading(now);
  const auto frequency_error = crystal_.frequency_error_ppb(now);
  const auto hardware = hardware_clock_->now();
  if (!reading || !frequency_error || !hardware) {
    return unexpected(hal::HalError{hal::HalErrorCode::kOsError, 0});
  }
  const double rate = 1.0 + *frequency_error * 1e-9;
  const auto window_ps = static_cast<double>(window.picoseconds());
  const auto before = SimDuration::picoseconds(std::llround(position * window_ps * rate));
  const auto after = SimDuration::picoseconds(std::llround((1.0 - position) * window_ps * rate));
  last_hardware_time_ = now;
  return hal::CrossTimestamp{counter_.ticks_at_reading(*reading - before), *hardware,
                             counter_.ticks_at_reading(*reading + after)};
}

Result<hal::SubscriptionId, hal::HalError> SimTimestampingInterface::subscribe(
    hal::CapabilityChangeListener& listener) {
  const std::uint32_t id = next_subscription_++;
  subscriptions_.push_back(Subscription{id, &listener});
  return hal::SubscriptionId{id};
}

void SimTimestampingInterface::unsubscribe(hal::SubscriptionId id) {
  std::erase_if(subscriptions_, [&](const Subscription& s) { return s.id == id.value; });
}

Result<void, SchedulerError> SimTimestampingInterface::change_capabilities_at(
    SimTime at, const hal::InterfaceTimestampCapabilities& capabilities) {
  const std::size_t index = pending_changes_.size();
  auto scheduled = scheduler_.schedule_at(at, [this, index] { apply_change(index); });
  if (!scheduled) return unexpected(scheduled.error());
  pending_changes_.push_back(PendingChange{capabilities, *scheduled});
  return {};
}

void SimTimestampingInterface::apply_change(std::size_t pending_index) {
  capabilities_ = pending_changes_[pending_index].capabilities;
  // A listener may unsubscribe (itself or another) from inside its callback: walk a copy.
  const std::vector<Subscription> listeners = subscriptions_;
  for (const Subscription& subscription : listeners) {
    const bool still_subscribed =
        std::any_of(subscriptions_.begin(), subscriptions_.end(),
                    [&](const Subscription& s) { return s.id == subscription.id; });
    if (still_subscribed) subscription.listener->on_capabilities_changed();
  }
}

}  // namespace ptp::sim
