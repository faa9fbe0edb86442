// 2^log seconds as Nanoseconds, for the log-base-2 message intervals of PTP (logSyncInterval and
// friends). The port configuration keeps them within -10..10, far from any overflow.
#pragma once

#include <cstdint>

#include "ptp/nanoseconds.h"

namespace ptp::core_detail {

constexpr Nanoseconds log_interval_duration(std::int8_t log_interval) {
  if (log_interval >= 0) {
    return Nanoseconds(kNanosecondsPerSecond << log_interval);
  }
  return Nanoseconds(kNanosecondsPerSecond >> -log_interval);
}

// A random point in [0, span), from a fraction in [0, 1).
constexpr Nanoseconds fraction_of(Nanoseconds span, double fraction) {
  return Nanoseconds(static_cast<std::int64_t>(static_cast<double>(span.count()) * fraction));
}

}  // namespace ptp::core_detail
