// Tests of PathDelayFilter: the moving median against a sorted reference, the default being
// ptp4l's plain median, the optional outlier gate, the recovery from a genuine step in the delay,
// reset, length 1 and configuration validation.
#include "ptp/servo/path_delay_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <vector>

namespace ptp::servo {
namespace {

PathDelayFilterConfig no_gate(std::size_t length) {
  PathDelayFilterConfig config;
  config.length = length;
  config.outlier_mad_factor = 0;
  return config;
}

// The outlier gate at 5 scaled MADs, over the other defaults.
PathDelayFilterConfig gated() {
  PathDelayFilterConfig config;
  config.outlier_mad_factor = 5.0;
  return config;
}

// The median as a textbook defines it, by full sorting; even counts average the middle two with
// floor division (what the filter documents).
std::int64_t reference_median(const std::deque<std::int64_t>& window) {
  std::vector<std::int64_t> sorted(window.begin(), window.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  const std::int64_t sum = sorted[n / 2 - 1] + sorted[n / 2];  // small test values: no overflow
  return sum >= 0 ? sum / 2 : -((-sum + 1) / 2);
}

TEST(PathDelayFilter, NoEstimateBeforeTheFirstSample) {
  const PathDelayFilter filter(PathDelayFilterConfig{});
  EXPECT_FALSE(filter.estimate().has_value());
  EXPECT_EQ(filter.counters(), PathDelayFilterCounters{});
}

TEST(PathDelayFilter, DefaultIsAPlainMovingMedianThatKeepsTheDelayTail) {
  // ptp4l's filter: a moving median of 10 and nothing else. A queueing delay has a one-sided
  // tail (here the mean of two exponential one-way draws of mean 10 us, as a peer-delay or
  // E2E exchange sees it); any gate around the median rejects only that tail, which lowers the
  // median and biases every offset by the same amount.
  PathDelayFilter filter(PathDelayFilterConfig{});
  std::deque<std::int64_t> window;
  std::mt19937_64 rng(20261207);
  std::exponential_distribution<double> one_way(1.0 / 10'000.0);
  for (int i = 0; i < 20'000; ++i) {
    const auto sample = static_cast<std::int64_t>(100.0 + (one_way(rng) + one_way(rng)) / 2.0);
    window.push_back(sample);
    if (window.size() > 10) window.pop_front();
    ASSERT_EQ(filter.add(Nanoseconds(sample)), Nanoseconds(reference_median(window))) << i;
  }
  EXPECT_EQ(filter.counters().rejected_outliers, 0U);
}

TEST(PathDelayFilter, MedianMatchesSortedReferenceOverRandomSequences) {
  std::mt19937_64 rng(20261125);
  for (const std::size_t length : {1U, 2U, 3U, 4U, 10U, 11U, 64U, 255U, 256U}) {
    PathDelayFilter filter(no_gate(length));
    std::deque<std::int64_t> window;
    std::uniform_int_distribution<std::int64_t> values(-5000, 50000);
    for (int i = 0; i < 1000; ++i) {
      const std::int64_t sample = values(rng);
      window.push_back(sample);
      if (window.size() > length) window.pop_front();
      const auto estimate = filter.add(Nanoseconds(sample));
      ASSERT_TRUE(estimate.has_value());
      ASSERT_EQ(estimate->count(), reference_median(window)) << "length " << length << " i " << i;
      ASSERT_EQ(filter.estimate(), estimate);
    }
    EXPECT_EQ(filter.counters().samples, 1000U);
    EXPECT_EQ(filter.counters().rejected_outliers, 0U);
  }
}

TEST(PathDelayFilter, EvenCountRoundsDown) {
  PathDelayFilter filter(no_gate(2));
  filter.add(Nanoseconds(-3));
  EXPECT_EQ(filter.add(Nanoseconds(0)), Nanoseconds(-2));  // -1.5 rounds down
  filter.add(Nanoseconds(4));
  EXPECT_EQ(filter.estimate(), Nanoseconds(2));  // window {0, 4}
}

TEST(PathDelayFilter, NegativeDelaysAreOrdinarySamples) {
  PathDelayFilter filter(no_gate(3));
  filter.add(Nanoseconds(-40));
  filter.add(Nanoseconds(-10));
  EXPECT_EQ(filter.add(Nanoseconds(-20)), Nanoseconds(-20));
}

TEST(PathDelayFilter, RejectsASpikeFarOutsideTheSpread) {
  PathDelayFilter filter(gated());
  // A delay of 5 us +- 50 ns: the spread is far below the floor-free threshold of a 1 ms spike.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 50.0);
  for (int i = 0; i < 20; ++i) {
    filter.add(Nanoseconds(5000 + static_cast<std::int64_t>(noise(rng))));
  }
  const auto before = filter.estimate();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(filter.add(Nanoseconds(1'005'000)), before);
  EXPECT_EQ(filter.counters().rejected_outliers, 1U);
  // An ordinary sample afterwards is accepted and clears the run.
  filter.add(Nanoseconds(5010));
  EXPECT_EQ(filter.counters().rejected_outliers, 1U);
  EXPECT_NEAR(static_cast<double>(filter.estimate()->count()), 5000.0, 60.0);
}

// Whether `sample` is an outlier for a filter that has accepted exactly `window` (floor 0).
bool rejected_after(const std::vector<std::int64_t>& window, std::int64_t sample) {
  PathDelayFilterConfig config = gated();
  config.length = window.size();
  config.outlier_floor = Nanoseconds(0);
  PathDelayFilter filter(config);
  for (const std::int64_t value : window) filter.add(Nanoseconds(value));
  filter.add(Nanoseconds(sample));
  return filter.counters().rejected_outliers == 1;
}

TEST(PathDelayFilter, ThresholdIsFiveScaledMedianAbsoluteDeviations) {
  // Median 120, deviations {20, 10, 0, 10, 20}: MAD 10, threshold 5 * 1.4826 * 10 = 74.13.
  const std::vector<std::int64_t> odd{140, 100, 130, 110, 120};
  EXPECT_FALSE(rejected_after(odd, 120 + 74));
  EXPECT_TRUE(rejected_after(odd, 120 + 75));
  EXPECT_FALSE(rejected_after(odd, 120 - 74));
  EXPECT_TRUE(rejected_after(odd, 120 - 75));
  // Median 125, deviations {25, 15, 5, 5, 15, 25}: MAD 15, threshold 111.19.
  const std::vector<std::int64_t> even{150, 100, 140, 110, 130, 120};
  EXPECT_FALSE(rejected_after(even, 125 + 111));
  EXPECT_TRUE(rejected_after(even, 125 + 112));
}

TEST(PathDelayFilter, GateMatchesABruteForceReferenceOnNoisyDelays) {
  PathDelayFilterConfig config = gated();
  config.length = 16;
  config.max_consecutive_outliers = kMaxConsecutiveOutliers;
  PathDelayFilter filter(config);
  std::deque<std::int64_t> window;
  std::mt19937_64 rng(99);
  std::normal_distribution<double> noise(0.0, 300.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uint64_t expected_rejections = 0;
  for (int i = 0; i < 5000; ++i) {
    const double spike = uniform(rng) < 0.05 ? 20'000.0 : 0.0;
    const auto sample = static_cast<std::int64_t>(std::llround(10'000 + noise(rng) + spike));
    bool outlier = false;
    if (window.size() >= config.outlier_min_samples) {
      const std::int64_t median = reference_median(window);
      std::deque<std::int64_t> deviations;
      for (const std::int64_t value : window) deviations.push_back(std::abs(value - median));
      const double threshold =
          std::max(5.0 * 1.4826 * static_cast<double>(reference_median(deviations)), 100.0);
      outlier = static_cast<double>(std::abs(sample - median)) > threshold;
    }
    filter.add(Nanoseconds(sample));
    if (outlier) {
      ++expected_rejections;
    } else {
      window.push_back(sample);
      if (window.size() > config.length) window.pop_front();
    }
    ASSERT_EQ(filter.counters().rejected_outliers, expected_rejections) << i;
    ASSERT_EQ(filter.estimate()->count(), reference_median(window)) << i;
  }
  EXPECT_GT(expected_rejections, 200U);  // the spikes (5% of 5000) are caught
  EXPECT_EQ(filter.counters().restarts, 0U);
}

TEST(PathDelayFilter, ConstantDelayDoesNotRejectSmallChangesBelowTheFloor) {
  PathDelayFilter filter(gated());  // floor 100 ns
  for (int i = 0; i < 10; ++i) filter.add(Nanoseconds(1000));
  // The MAD is 0; without the floor a 1 ns change would be an outlier.
  filter.add(Nanoseconds(1001));
  filter.add(Nanoseconds(1099));
  EXPECT_EQ(filter.counters().rejected_outliers, 0U);
  filter.add(Nanoseconds(1101));
  EXPECT_EQ(filter.counters().rejected_outliers, 1U);
}

TEST(PathDelayFilter, NoGateUntilTheWindowHasEnoughSamples) {
  PathDelayFilter filter(gated());  // outlier_min_samples 5
  for (int i = 0; i < 4; ++i) filter.add(Nanoseconds(1000));
  filter.add(Nanoseconds(900'000));  // the 5th sample: only 4 in the window, so accepted
  EXPECT_EQ(filter.counters().rejected_outliers, 0U);
}

TEST(PathDelayFilter, AcceptsAPermanentStepAfterConsecutiveOutliers) {
  PathDelayFilterConfig config = gated();  // max_consecutive_outliers 4
  PathDelayFilter filter(config);
  for (int i = 0; i < 10; ++i) filter.add(Nanoseconds(2000 + (i % 3)));
  // The route changes: the delay is 7 us from now on.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(filter.add(Nanoseconds(7000 + i)), Nanoseconds(2001)) << i;
  }
  EXPECT_EQ(filter.add(Nanoseconds(7003)), Nanoseconds(7001));  // median of 7000..7003, down
  EXPECT_EQ(filter.counters().rejected_outliers, 4U);
  EXPECT_EQ(filter.counters().restarts, 1U);
  // The new level is the reference now: further samples near it are accepted.
  for (int i = 0; i < 10; ++i) filter.add(Nanoseconds(7000));
  EXPECT_EQ(filter.estimate(), Nanoseconds(7000));
  EXPECT_EQ(filter.counters().rejected_outliers, 4U);
}

TEST(PathDelayFilter, ResetForgetsTheWindowButKeepsCounters) {
  PathDelayFilter filter(PathDelayFilterConfig{});
  for (int i = 0; i < 10; ++i) filter.add(Nanoseconds(1000));
  filter.reset();
  EXPECT_FALSE(filter.estimate().has_value());
  EXPECT_EQ(filter.counters().samples, 10U);
  // Nothing of the old window survives: a very different delay is accepted at once.
  EXPECT_EQ(filter.add(Nanoseconds(50'000)), Nanoseconds(50'000));
  EXPECT_EQ(filter.counters().rejected_outliers, 0U);
}

TEST(PathDelayFilter, LengthOneFollowsEverySample) {
  PathDelayFilterConfig config;
  config.length = 1;
  PathDelayFilter filter(config);
  for (const std::int64_t value : {100, -5, 1'000'000, 3, 3, 77}) {
    EXPECT_EQ(filter.add(Nanoseconds(value)), Nanoseconds(value));
  }
  EXPECT_EQ(filter.counters().rejected_outliers, 0U);
}

TEST(PathDelayFilter, ExtremeValuesDoNotOverflow) {
  // The sanitizers abort on signed overflow: the median, the MAD and the gate must not.
  PathDelayFilterConfig config;
  config.length = 6;
  PathDelayFilter filter(config);
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t values[] = {max, min, max, min, 0, max, min, -1, max, min, min, min};
  for (const std::int64_t value : values) {
    ASSERT_TRUE(filter.add(Nanoseconds(value)).has_value());
  }
  filter.reset();
  filter.add(Nanoseconds(min));
  EXPECT_EQ(filter.add(Nanoseconds(max)), Nanoseconds(-1));  // midpoint of the two, rounded down
}

TEST(PathDelayFilter, ValidateRejectsBadConfigurationAndTheConstructorClamps) {
  PathDelayFilterConfig config;
  config.length = 0;
  EXPECT_EQ(PathDelayFilter::validate(config), unexpected(PathDelayFilterConfigError::kZeroLength));
  config.length = kMaxPathDelayFilterLength + 1;
  EXPECT_EQ(PathDelayFilter::validate(config),
            unexpected(PathDelayFilterConfigError::kLengthTooLarge));
  EXPECT_EQ(PathDelayFilter(config).config().length, kMaxPathDelayFilterLength);
  config.length = 10;
  config.outlier_mad_factor = -1;
  EXPECT_EQ(PathDelayFilter::validate(config),
            unexpected(PathDelayFilterConfigError::kNegativeOutlierFactor));
  config.outlier_mad_factor = 5;
  config.outlier_floor = Nanoseconds(-1);
  EXPECT_EQ(PathDelayFilter::validate(config),
            unexpected(PathDelayFilterConfigError::kNegativeOutlierFloor));
  config.outlier_floor = Nanoseconds(0);
  config.max_consecutive_outliers = 0;
  EXPECT_EQ(PathDelayFilter::validate(config),
            unexpected(PathDelayFilterConfigError::kConsecutiveOutliersOutOfRange));
  config.max_consecutive_outliers = 4;
  EXPECT_TRUE(PathDelayFilter::validate(config).has_value());
  EXPECT_EQ(to_string(PathDelayFilterConfigError::kZeroLength), "zero filter length");
}

}  // namespace
}  // namespace ptp::servo
