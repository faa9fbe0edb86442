// Readings of the three clocks a host has, each in its own domain so that a conversion cannot be
// forgotten: the NIC's hardware clock (raw ticks), the monotonic counter (QPC on Windows, ticks),
// and the system clock the ordinary clock disciplines (nanoseconds since the Unix epoch, in the
// system's timescale: UTC on Windows). Converting between them is explicit: through cross-
// timestamps (NIC <-> counter) or the SystemClock interface (counter -> system time).
#pragma once

#include <compare>
#include <cstdint>

#include "ptp/nanoseconds.h"

namespace ptp::hal {

// A raw reading of a NIC's free-running hardware clock. Its rate is the clock's nominal frequency
// (TimestampCapabilities::hardware_clock_frequency_hz); a Linux PHC counts nanoseconds.
struct NicTicks {
  std::uint64_t count = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(NicTicks, NicTicks) = default;
};

// A reading of the host's monotonic counter (QueryPerformanceCounter on Windows,
// CLOCK_MONOTONIC_RAW on Linux); its frequency comes from MonotonicCounter::frequency_hz().
struct CounterTicks {
  std::int64_t count = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(CounterTicks, CounterTicks) = default;
};

// A reading of the system clock: nanoseconds since 1970-01-01T00:00:00 in the system's timescale.
struct SystemTime {
  Nanoseconds since_epoch;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(SystemTime, SystemTime) = default;
};

// A fractional frequency adjustment, in parts per billion (positive = run faster).
struct PartsPerBillion {
  double value = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(PartsPerBillion, PartsPerBillion) = default;
};

}  // namespace ptp::hal
