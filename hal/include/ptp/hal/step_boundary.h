// StepBoundary: where a clock step left the disciplined clock, to tell a receive timestamp taken
// before the step from one taken after it. A packet can be timestamped on arrival, sit in the
// receive queue while the port steps the clock, and reach the port afterwards: its timestamp is
// on the old timescale, off by the whole step, and no later message can show that.
#pragma once

#include <optional>

#include "ptp/nanoseconds.h"

namespace ptp::hal {

struct StepBoundary {
  Nanoseconds before;     // the clock's reading just before the step
  Nanoseconds after;      // `before` plus the step applied
  Nanoseconds host_time;  // the monotonic counter's reading at the step
};

// Whether `receive_time`, handed over at host time `now`, was taken before `step`. A timestamp
// taken after it reads at least `after` and at most `after` plus the host time since the step,
// with a quarter of it for the clock's frequency adjustment (at most 10% for a system clock) and
// its offset from the counter; one taken before reads at most `before`. Both can hold only for a
// packet queued about as long as a backward step: that one is kept, being then off by about
// its own queueing time.
[[nodiscard]] constexpr bool taken_before_step(const StepBoundary& step, Nanoseconds receive_time,
                                               Nanoseconds now) {
  if (receive_time > step.before) return false;
  if (receive_time < step.after) return true;
  const auto elapsed = now.checked_sub(step.host_time);
  if (!elapsed || elapsed->count() < 0) return false;
  const auto allowance = elapsed->checked_add(Nanoseconds(elapsed->count() / 4));
  const auto latest_after = allowance ? step.after.checked_add(*allowance) : std::nullopt;
  return latest_after && receive_time > *latest_after;
}

}  // namespace ptp::hal
