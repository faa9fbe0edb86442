// The clocks a host exposes: the monotonic counter that time-stamps everything software sees, the
// system clock an ordinary clock disciplines, and the NIC's hardware clock.
#pragma once

#include <cstdint>

#include "ptp/hal/clock_readings.h"
#include "ptp/hal/hal_error.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"

namespace ptp::hal {

// Free-running, never adjusted, never steps (QueryPerformanceCounter on Windows).
class MonotonicCounter {
 public:
  virtual ~MonotonicCounter() = default;
  virtual CounterTicks now() = 0;
  [[nodiscard]] virtual std::uint64_t frequency_hz() const = 0;
};

// The clock applications read the time from. Frequency adjustments are absolute (relative to the
// clock's nominal rate, not to the previous adjustment), as ptp4l's clockadj does.
class SystemClock {
 public:
  virtual ~SystemClock() = default;
  virtual Result<SystemTime, HalError> now() = 0;
  // The system time at the instant the monotonic counter read `counter`, by the clock's current
  // mapping (how software and application-level timestamps become system time).
  virtual Result<SystemTime, HalError> at_counter(CounterTicks counter) = 0;
  virtual Result<void, HalError> adjust_frequency(PartsPerBillion adjustment) = 0;
  virtual Result<PartsPerBillion, HalError> frequency_adjustment() = 0;
  // Moves the clock by `offset` (positive = forward) at once and returns the step it applied. A
  // clock that can only be set coarsely (Windows' SetSystemTime, to the millisecond) lands near
  // `offset`, not on it: the servo is told the difference, so that the remainder counts as phase
  // still to correct rather than as a frequency error it has to learn.
  virtual Result<Nanoseconds, HalError> step(Nanoseconds offset) = 0;
  // The largest |adjustment| adjust_frequency accepts.
  [[nodiscard]] virtual PartsPerBillion max_frequency_adjustment() const = 0;
};

// The NIC's clock. Readable; adjustable only where the hardware and OS allow it (a Linux PHC is,
// a Windows NIC clock is not: there the system clock is disciplined through cross-timestamps).
class HardwareClock {
 public:
  virtual ~HardwareClock() = default;
  virtual Result<NicTicks, HalError> now() = 0;
  [[nodiscard]] virtual std::uint64_t frequency_hz() const = 0;
  [[nodiscard]] virtual bool adjustable() const = 0;
  // kNotSupported when !adjustable().
  virtual Result<void, HalError> adjust_frequency(PartsPerBillion adjustment) = 0;
  // As SystemClock::step: the step applied.
  virtual Result<Nanoseconds, HalError> step(Nanoseconds offset) = 0;
};

}  // namespace ptp::hal
