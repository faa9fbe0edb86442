// Timers, and the contract on time: the application's event loop (Boost.Asio in ptp4win, the
// discrete-event scheduler in hal-sim) owns time. The protocol core never reads a clock; it asks
// for timers as actions, and the driver loop arms them here in the monotonic counter's domain.
#pragma once

#include <cstdint>

#include "ptp/hal/clock_readings.h"

namespace ptp::hal {

struct TimerId {
  std::uint32_t value = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(TimerId, TimerId) = default;
};

class TimerListener {
 public:
  virtual ~TimerListener() = default;
  // On the event-loop thread, at or after the deadline, once per arm().
  virtual void on_timer(TimerId id) = 0;
};

class Timers {
 public:
  virtual ~Timers() = default;
  virtual void set_listener(TimerListener* listener) = 0;
  // Arms `id` to fire at `deadline`; re-arming an armed timer replaces its deadline. A deadline
  // in the past fires on the next turn of the loop.
  virtual void arm(TimerId id, CounterTicks deadline) = 0;
  // Cancelling a timer that is not armed does nothing. A cancelled timer never fires.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace ptp::hal
