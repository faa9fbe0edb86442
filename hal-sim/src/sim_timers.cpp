// Counter-domain timers over the scheduler: each deadline is converted to a true time at the
// crystal's current rate; if the counter has not reached it when the event runs (the rate
// changed), the remainder is scheduled again, so a timer never fires early.
#include "ptp/sim/sim_timers.h"

#include <cmath>

namespace ptp::sim {

SimTimers::SimTimers(Scheduler& scheduler, Oscillator& host_crystal, SimMonotonicCounter& counter)
    : scheduler_(scheduler), crystal_(host_crystal), counter_(counter) {}

SimTimers::~SimTimers() {
  for (auto& [id, armed] : armed_) scheduler_.cancel(armed.event);
}

void SimTimers::arm(hal::TimerId id, hal::CounterTicks deadline) {
  cancel(id);
  Armed& armed = armed_[id];
  armed.deadline = deadline;
  schedule(id, armed);
}

void SimTimers::cancel(hal::TimerId id) {
  const auto found = armed_.find(id);
  if (found == armed_.end()) return;
  scheduler_.cancel(found->second.event);
  armed_.erase(found);
}

void SimTimers::schedule(hal::TimerId id, Armed& armed) {
  const SimTime now = scheduler_.now();
  const auto reading = crystal_.reading(now);
  // From the crystal's reading now (not from the start of the counter's current tick, which
  // would fire up to a tick late) to the first reading at which the counter shows the deadline.
  const SimDuration target = counter_.reading_at_ticks(armed.deadline);
  SimDuration delay;
  if (reading && target > *reading) {
    const auto rate = crystal_.frequency_error_ppb(now);
    // True time = crystal time / rate; round up so the first try is not early by a picosecond.
    const double true_ps = static_cast<double>((target - *reading).picoseconds()) /
                           (1.0 + (rate ? *rate : 0.0) * 1e-9);
    delay = SimDuration::picoseconds(static_cast<std::int64_t>(std::ceil(true_ps)));
  }
  auto event = scheduler_.schedule_after(delay, [this, id] { on_event(id); });
  armed.event = event ? *event : EventId{};
}

void SimTimers::on_event(hal::TimerId id) {
  const auto found = armed_.find(id);
  if (found == armed_.end()) return;
  if (counter_.now() < found->second.deadline) {
    schedule(id, found->second);
    return;
  }
  armed_.erase(found);
  if (listener_ != nullptr) listener_->on_timer(id);
}

}  // namespace ptp::sim
