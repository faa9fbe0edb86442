// NodeStatistics: lock detection and the after-lock figures.
#include "node_statistics.h"

#include <algorithm>
#include <cmath>

namespace ptp::ptpsim {

void NodeStatistics::add(double time_s, double true_offset_ns) {
  const double magnitude = std::fabs(true_offset_ns);
  if (lock_time_s_) {
    after_lock_.push_back(magnitude);
    sum_squares_ += magnitude * magnitude;
    return;
  }
  if (!(magnitude < lock_bound_ns_)) {  // NaN too
    streak_start_s_.reset();
    streak_.clear();
    return;
  }
  if (!streak_start_s_) streak_start_s_ = time_s;
  streak_.push_back(magnitude);
  if (time_s - *streak_start_s_ >= kLockHoldSeconds) {
    // Locked since the stretch began: its samples are the first after the lock.
    lock_time_s_ = streak_start_s_;
    for (const double value : streak_) {
      after_lock_.push_back(value);
      sum_squares_ += value * value;
    }
    streak_.clear();
  }
}

std::optional<double> NodeStatistics::rms_ns() const {
  if (after_lock_.empty()) return std::nullopt;
  return std::sqrt(sum_squares_ / static_cast<double>(after_lock_.size()));
}

std::optional<double> NodeStatistics::percentile_99_ns() const {
  if (after_lock_.empty()) return std::nullopt;
  std::vector<double> sorted = after_lock_;
  // Nearest rank: the smallest value with at least 99% of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(sorted.size())));
  const std::size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(index),
                   sorted.end());
  return sorted[index];
}

std::optional<double> NodeStatistics::max_abs_ns() const {
  if (after_lock_.empty()) return std::nullopt;
  return *std::max_element(after_lock_.begin(), after_lock_.end());
}

}  // namespace ptp::ptpsim
