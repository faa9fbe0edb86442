// NodeStatistics: what the summary says about one node, accumulated sample by sample: time to
// lock (|true offset| below the node's bound, sustained for 10 s) and the true offset's RMS, 99th
// percentile and maximum from then on.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace ptp::ptpsim {

// How long |true offset| must stay within the bound for the node to count as locked.
inline constexpr double kLockHoldSeconds = 10.0;

class NodeStatistics {
 public:
  explicit NodeStatistics(double lock_bound_ns) : lock_bound_ns_(lock_bound_ns) {}

  // One sample of the node's true offset from the grandmaster of the moment, taken while the
  // node is neither the grandmaster nor crashed.
  void add(double time_s, double true_offset_ns);

  [[nodiscard]] double lock_bound_ns() const { return lock_bound_ns_; }
  // The start of the first stretch within the bound that lasted kLockHoldSeconds.
  [[nodiscard]] std::optional<double> lock_time_s() const { return lock_time_s_; }
  // Over the samples from the lock on (nullopt before a lock).
  [[nodiscard]] std::optional<double> rms_ns() const;
  [[nodiscard]] std::optional<double> percentile_99_ns() const;
  [[nodiscard]] std::optional<double> max_abs_ns() const;
  [[nodiscard]] std::size_t samples_after_lock() const { return after_lock_.size(); }

 private:
  double lock_bound_ns_;
  std::optional<double> streak_start_s_;
  std::vector<double> streak_;  // |offset| of the current stretch, until the lock
  std::optional<double> lock_time_s_;
  std::vector<double> after_lock_;  // |offset| from the lock on
  double sum_squares_ = 0;
};

}  // namespace ptp::ptpsim
