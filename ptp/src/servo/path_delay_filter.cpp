// PathDelayFilter: the moving median and its outlier gate (see the header for the rules).
#include "ptp/servo/path_delay_filter.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

namespace ptp::servo {
namespace {

// 1 / Phi^-1(3/4): scales a median absolute deviation to a Gaussian standard deviation.
constexpr double kMadToSigma = 1.4826;

// Median of a sorted, non-empty span; the lower-rounded mean of the middle two for an even count.
std::int64_t sorted_median(std::span<const std::int64_t> sorted) {
  const std::size_t half = sorted.size() / 2;
  if (sorted.size() % 2 != 0) return sorted[half];
  return std::midpoint(sorted[half - 1], sorted[half]);  // rounds towards the first, i.e. down
}

std::uint64_t distance(std::int64_t a, std::int64_t b) {
  // Unsigned wrap-around gives the exact distance even across the whole int64 range.
  return a >= b ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)
                : static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
}

PathDelayFilterConfig clamped(PathDelayFilterConfig config) {
  config.length = std::clamp<std::size_t>(config.length, 1, kMaxPathDelayFilterLength);
  config.max_consecutive_outliers =
      std::clamp<std::size_t>(config.max_consecutive_outliers, 1, kMaxConsecutiveOutliers);
  if (!(config.outlier_mad_factor >= 0)) config.outlier_mad_factor = 0;
  if (config.outlier_floor < Nanoseconds(0)) config.outlier_floor = Nanoseconds(0);
  config.outlier_min_samples = std::max<std::size_t>(config.outlier_min_samples, 1);
  return config;
}

}  // namespace

std::string_view to_string(PathDelayFilterConfigError error) {
  switch (error) {
    case PathDelayFilterConfigError::kZeroLength: return "zero filter length";
    case PathDelayFilterConfigError::kLengthTooLarge: return "filter length above 256";
    case PathDelayFilterConfigError::kNegativeOutlierFactor: return "negative outlier factor";
    case PathDelayFilterConfigError::kNegativeOutlierFloor: return "negative outlier floor";
    case PathDelayFilterConfigError::kConsecutiveOutliersOutOfRange:
      return "max_consecutive_outliers out of range";
  }
  return "unknown path delay filter error";
}

PathDelayFilter::PathDelayFilter(const PathDelayFilterConfig& config) : config_(clamped(config)) {}

Result<PathDelayFilterConfig, PathDelayFilterConfigError> PathDelayFilter::validate(
    const PathDelayFilterConfig& config) {
  if (config.length == 0) return unexpected(PathDelayFilterConfigError::kZeroLength);
  if (config.length > kMaxPathDelayFilterLength) {
    return unexpected(PathDelayFilterConfigError::kLengthTooLarge);
  }
  if (!(config.outlier_mad_factor >= 0)) {
    return unexpected(PathDelayFilterConfigError::kNegativeOutlierFactor);
  }
  if (config.outlier_floor < Nanoseconds(0)) {
    return unexpected(PathDelayFilterConfigError::kNegativeOutlierFloor);
  }
  if (config.max_consecutive_outliers == 0 ||
      config.max_consecutive_outliers > kMaxConsecutiveOutliers) {
    return unexpected(PathDelayFilterConfigError::kConsecutiveOutliersOutOfRange);
  }
  return clamped(config);
}

std::optional<Nanoseconds> PathDelayFilter::add(Nanoseconds raw_mean_path_delay) {
  ++counters_.samples;
  const std::int64_t sample = raw_mean_path_delay.count();
  if (!is_outlier(sample)) {
    pending_count_ = 0;
    accept(sample);
    return estimate_;
  }
  ++counters_.rejected_outliers;
  pending_outliers_[pending_count_++] = sample;
  if (pending_count_ >= config_.max_consecutive_outliers) {
    // A run this long is not noise: the delay itself moved. Start over from the run, so the
    // estimate jumps to the new level now instead of after `length` samples.
    ++counters_.restarts;
    const std::size_t run = pending_count_;
    count_ = 0;
    next_ = 0;
    pending_count_ = 0;
    for (std::size_t i = 0; i < run; ++i) accept(pending_outliers_[i]);
  }
  return estimate_;
}

std::optional<Nanoseconds> PathDelayFilter::estimate() const { return estimate_; }

void PathDelayFilter::reset() {
  count_ = 0;
  next_ = 0;
  pending_count_ = 0;
  estimate_.reset();
}

void PathDelayFilter::accept(std::int64_t sample) {
  // The window is kept twice: in arrival order (which sample leaves next) and sorted (the
  // median and the MAD in linear time, without copying).
  if (count_ == config_.length) {
    const std::int64_t leaving = window_[next_];
    const auto end = sorted_.begin() + static_cast<std::ptrdiff_t>(count_);
    const auto position = std::lower_bound(sorted_.begin(), end, leaving);
    std::copy(position + 1, end, position);
    --count_;
  }
  window_[next_] = sample;
  next_ = (next_ + 1) % config_.length;
  const auto end = sorted_.begin() + static_cast<std::ptrdiff_t>(count_);
  const auto position = std::upper_bound(sorted_.begin(), end, sample);
  std::copy_backward(position, end, end + 1);
  *position = sample;
  ++count_;
  estimate_ = Nanoseconds(sorted_median(std::span(sorted_.data(), count_)));
}

std::uint64_t PathDelayFilter::median_absolute_deviation(std::int64_t median) const {
  // The deviations below the median grow leftwards from it, those above grow rightwards: merging
  // the two runs visits the deviations in order, so the middle one is found in one pass.
  const auto first = sorted_.begin();
  const auto end = first + static_cast<std::ptrdiff_t>(count_);
  std::size_t left = static_cast<std::size_t>(std::lower_bound(first, end, median) - first);
  std::size_t right = left;
  const std::size_t wanted = count_ / 2;  // the index of the upper middle deviation
  std::uint64_t previous = 0;
  std::uint64_t current = 0;
  for (std::size_t i = 0; i <= wanted; ++i) {
    const bool take_left = left > 0 && (right == count_ || distance(sorted_[left - 1], median) <=
                                                               distance(sorted_[right], median));
    previous = current;
    current = take_left ? distance(sorted_[--left], median) : distance(sorted_[right++], median);
  }
  return count_ % 2 != 0 ? current : std::midpoint(previous, current);
}

bool PathDelayFilter::is_outlier(std::int64_t sample) const {
  if (config_.outlier_mad_factor == 0 || count_ < config_.outlier_min_samples ||
      !estimate_.has_value()) {
    return false;
  }
  const std::int64_t median = estimate_->count();
  const auto mad = static_cast<double>(median_absolute_deviation(median));
  const double threshold = std::max(config_.outlier_mad_factor * kMadToSigma * mad,
                                    static_cast<double>(config_.outlier_floor.count()));
  return static_cast<double>(distance(sample, median)) > threshold;
}

}  // namespace ptp::servo
