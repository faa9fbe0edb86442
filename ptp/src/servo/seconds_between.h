// The time from `earlier` to `later` in seconds, as the servos' floating-point models use it.
// Exact for nearby times: PTP times are about 1.7e18 ns, so their difference is taken in
// integers before it becomes a double.
// Differences too large for Nanoseconds (far beyond any servo's horizon) are taken in double
// rather than failing: the models only compare and scale them.
#pragma once

#include "ptp/nanoseconds.h"

namespace ptp::servo::detail {

inline double seconds_between(Nanoseconds later, Nanoseconds earlier) {
  constexpr double kNanosecondsPerSecondDouble = 1e9;
  if (const auto difference = later.checked_sub(earlier)) {
    return static_cast<double>(difference->count()) / kNanosecondsPerSecondDouble;
  }
  return (static_cast<double>(later.count()) - static_cast<double>(earlier.count())) /
         kNanosecondsPerSecondDouble;
}

}  // namespace ptp::servo::detail
