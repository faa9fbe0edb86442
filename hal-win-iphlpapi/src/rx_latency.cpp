// Running min/mean/max of receive-path latency.
#include "ptp/win/rx_latency.h"

#include <algorithm>
#include <cmath>

namespace ptp::win {

void RxLatencyStatistics::add(Nanoseconds latency) {
  const std::int64_t ns = latency.count();
  min_ns_ = samples_ == 0 ? ns : std::min(min_ns_, ns);
  max_ns_ = samples_ == 0 ? ns : std::max(max_ns_, ns);
  sum_ns_ += static_cast<double>(ns);
  ++samples_;
}

RxLatencySummary RxLatencyStatistics::summary() const {
  if (samples_ == 0) return {};
  return RxLatencySummary{samples_, Nanoseconds(min_ns_),
                          Nanoseconds(std::llround(sum_ns_ / static_cast<double>(samples_))),
                          Nanoseconds(max_ns_)};
}

}  // namespace ptp::win
