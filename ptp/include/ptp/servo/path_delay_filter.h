// PathDelayFilter: smooths the port's raw mean-path-delay measurements before they reach the
// offset computation. A moving median over the last `length` accepted samples (ptp4l's default
// delay_filter "moving_median"), optionally preceded by a robust outlier gate that keeps a
// sample far from the median out of the window. The port uses the plain median, as ptp4l does:
// queueing delay has a one-sided tail, so a gate around the median rejects only long delays and
// pulls the estimate, and with it every offset, below the true mean (docs/conformance.md, "pi
// against ptp4l"). Fixed-capacity storage: adding a sample never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ptp/nanoseconds.h"
#include "ptp/result.h"

namespace ptp::servo {

// The largest window the filter stores (its arrays are this big).
inline constexpr std::size_t kMaxPathDelayFilterLength = 256;
// The most consecutive outliers the filter can be told to wait for before it accepts a change.
inline constexpr std::size_t kMaxConsecutiveOutliers = 32;

struct PathDelayFilterConfig {
  // Samples in the moving median; ptp4l's delay_filter_length default. 1..256 (see validate).
  std::size_t length = 10;
  // A sample is an outlier when |sample - median| > max(outlier_mad_factor * 1.4826 * MAD,
  // outlier_floor), MAD being the median absolute deviation of the window. 1.4826 * MAD
  // estimates a Gaussian sigma, so 5 rejects at about 5 sigma. 0 (the default) disables the
  // gate: the filter is ptp4l's moving median.
  double outlier_mad_factor = 0.0;
  // The smallest rejection distance: with a perfectly constant delay the MAD is 0, and without a
  // floor every sample that differs by a nanosecond would be thrown away.
  Nanoseconds outlier_floor = Nanoseconds(100);
  // The gate only runs once the window holds this many accepted samples (a spread estimated
  // from fewer is meaningless). With `length` below it the gate never runs: a short window is
  // a plain moving median, and length 1 passes every sample through.
  std::size_t outlier_min_samples = 5;
  // After this many consecutive outliers the filter decides the delay really changed (a new
  // route, a stepped clock): it empties the window and restarts from those samples.
  // 1..kMaxConsecutiveOutliers.
  std::size_t max_consecutive_outliers = 4;
};

enum class PathDelayFilterConfigError : std::uint8_t {
  kZeroLength,                     // length == 0
  kLengthTooLarge,                 // length > kMaxPathDelayFilterLength
  kNegativeOutlierFactor,          // outlier_mad_factor < 0 or not a number
  kNegativeOutlierFloor,           // outlier_floor < 0
  kConsecutiveOutliersOutOfRange,  // max_consecutive_outliers not in 1..kMaxConsecutiveOutliers
};

std::string_view to_string(PathDelayFilterConfigError error);

struct PathDelayFilterCounters {
  std::uint64_t samples = 0;            // every add()
  std::uint64_t rejected_outliers = 0;  // add()s the gate threw away
  std::uint64_t restarts = 0;           // times a run of outliers was accepted as a new delay

  friend bool operator==(const PathDelayFilterCounters&, const PathDelayFilterCounters&) = default;
};

class PathDelayFilter {
 public:
  // The constructor cannot fail, so it clamps what validate() would reject: length into
  // 1..kMaxPathDelayFilterLength, max_consecutive_outliers into 1..kMaxConsecutiveOutliers, a
  // negative factor or floor to 0. Call validate() first to report bad configuration instead.
  explicit PathDelayFilter(const PathDelayFilterConfig& config);

  [[nodiscard]] static Result<PathDelayFilterConfig, PathDelayFilterConfigError> validate(
      const PathDelayFilterConfig& config);

  // One raw meanPathDelay (negative values are valid input: noisy timestamps produce them).
  // Returns the estimate after this sample; an outlier leaves the previous estimate unchanged.
  std::optional<Nanoseconds> add(Nanoseconds raw_mean_path_delay);

  // The median of the accepted window; std::nullopt before the first accepted sample. With an
  // even count it is the mean of the two middle samples, rounded towards minus infinity.
  [[nodiscard]] std::optional<Nanoseconds> estimate() const;

  // Empty the window (new master, link change); the counters are kept.
  void reset();

  [[nodiscard]] const PathDelayFilterCounters& counters() const { return counters_; }
  [[nodiscard]] const PathDelayFilterConfig& config() const { return config_; }

 private:
  void accept(std::int64_t sample);
  [[nodiscard]] bool is_outlier(std::int64_t sample) const;
  [[nodiscard]] std::uint64_t median_absolute_deviation(std::int64_t median) const;

  PathDelayFilterConfig config_;
  std::array<std::int64_t, kMaxPathDelayFilterLength> window_{};  // ring buffer, arrival order
  std::array<std::int64_t, kMaxPathDelayFilterLength> sorted_{};  // the same samples, ascending
  std::size_t count_ = 0;
  std::size_t next_ = 0;  // where the next accepted sample goes
  std::array<std::int64_t, kMaxConsecutiveOutliers> pending_outliers_{};
  std::size_t pending_count_ = 0;
  std::optional<Nanoseconds> estimate_;
  PathDelayFilterCounters counters_;
};

}  // namespace ptp::servo
