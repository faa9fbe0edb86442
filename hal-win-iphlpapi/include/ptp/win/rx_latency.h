// Receive-path latency: for each received event message, the time from its receive timestamp
// (converted to the counter's domain) to the moment the application holds it, as the Windows
// documentation's second sample estimates it; kept as min/mean/max for the application to log.
#pragma once

#include <cstdint>

#include "ptp/nanoseconds.h"

namespace ptp::win {

struct RxLatencySummary {
  std::uint64_t samples = 0;
  Nanoseconds min;
  Nanoseconds mean;
  Nanoseconds max;
};

class RxLatencyStatistics {
 public:
  void add(Nanoseconds latency);
  [[nodiscard]] RxLatencySummary summary() const;
  void reset() { *this = RxLatencyStatistics{}; }

 private:
  std::uint64_t samples_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
  double sum_ns_ = 0;  // a double: a long run of samples must not overflow
};

}  // namespace ptp::win
