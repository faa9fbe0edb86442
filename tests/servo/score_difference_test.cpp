// ScoreDifference: a paired difference's mean is called significant on noise alone about as
// often as its bound says (also where successive values run in stretches), a real shift is
// found (above the margin or below it), a few values never decide, and what it has forgotten no
// longer counts.
#include "ptp/servo/score_difference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace ptp::servo {
namespace {

constexpr double kSpread = 1000.0;
constexpr int kRuns = 400;
constexpr int kValues = 200;
constexpr double kTwoStandardErrors = 2.0;

// Normal values from a fixed seed by the Box-Muller transform on the generator's raw bits (the
// same on every standard library).
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : random_(seed) {}
  double next() {
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  double uniform() { return (static_cast<double>(random_() >> 11) + 0.5) * 0x1.0p-53; }
  std::mt19937_64 random_;
};

// How many of kRuns runs of kValues values (an AR(1) series of lag-one correlation
// `correlation` and mean `mean`) end with the mean called above 0.
int significant_runs(double correlation, double mean, double memory, std::uint64_t seed) {
  Normal normal(seed);
  int significant = 0;
  for (int run = 0; run < kRuns; ++run) {
    ScoreDifference difference(memory);
    double noise = normal.next() * kSpread;
    for (int i = 0; i < kValues; ++i) {
      noise =
          correlation * noise + std::sqrt(1 - correlation * correlation) * normal.next() * kSpread;
      difference.add(mean + noise);
    }
    if (difference.above(0.0, kTwoStandardErrors)) ++significant;
  }
  return significant;
}

TEST(ScoreDifference, NoiseAloneIsRarelySignificant) {
  // Two standard errors one-sided: 2.3 % of runs in theory.
  for (std::uint64_t seed : {1U, 2U, 3U}) {
    EXPECT_LE(significant_runs(0.0, 0.0, 256.0, seed), kRuns * 5 / 100) << "seed " << seed;
  }
}

TEST(ScoreDifference, ValuesInStretchesCountAsFewer) {
  // A lag-one correlation of 0.9 leaves about 1 in 19 values independent: counted as all of
  // them, the bound would be 4.4 x too narrow and about a third of the runs significant.
  for (std::uint64_t seed : {4U, 5U, 6U}) {
    EXPECT_LE(significant_runs(0.9, 0.0, 256.0, seed), kRuns * 8 / 100) << "seed " << seed;
  }
}

TEST(ScoreDifference, AShiftBeyondTheNoiseIsFound) {
  // Half a spread over 200 independent values is seven standard errors.
  for (std::uint64_t seed : {7U, 8U}) {
    EXPECT_GE(significant_runs(0.0, 0.5 * kSpread, 256.0, seed), kRuns * 99 / 100);
  }
  // Below the margin it is not above it.
  ScoreDifference difference(256.0);
  Normal normal(9);
  for (int i = 0; i < kValues; ++i) difference.add(0.5 * kSpread + normal.next() * kSpread);
  EXPECT_TRUE(difference.above(0.0, kTwoStandardErrors));
  EXPECT_FALSE(difference.above(kSpread, kTwoStandardErrors));
}

TEST(ScoreDifference, BelowIsTheMirrorOfAbove) {
  // A shift down is found below the margin, noise alone rarely; a few values never decide.
  Normal normal(11);
  int noise_below = 0;
  for (int run = 0; run < kRuns; ++run) {
    ScoreDifference difference(256.0);
    for (int i = 0; i < kValues; ++i) difference.add(normal.next() * kSpread);
    if (difference.below(0.0, kTwoStandardErrors)) ++noise_below;
  }
  EXPECT_LE(noise_below, kRuns * 5 / 100);
  ScoreDifference shifted(256.0);
  for (int i = 0; i < kValues; ++i) shifted.add(-0.5 * kSpread + normal.next() * kSpread);
  EXPECT_TRUE(shifted.below(0.0, kTwoStandardErrors));
  EXPECT_FALSE(shifted.below(-kSpread, kTwoStandardErrors));
  EXPECT_FALSE(shifted.above(0.0, kTwoStandardErrors));
  ScoreDifference few(256.0);
  few.add(-1e6);
  few.add(-1.1e6);
  EXPECT_FALSE(few.below(0.0, kTwoStandardErrors));
}

TEST(ScoreDifference, EveryProductWeighsAsTheValuesDo) {
  // n values make n - 1 products of successive values: +1, -1, +1, ... has mean 0, variance 1
  // and every product -1, a lag-one correlation of exactly -1 however few the values (weighing
  // n - 1 products as n values would read -(n - 1) / n: -0.94 at 16), and about -1 past the
  // memory, where the mean forgets and oscillates a little about 0.
  ScoreDifference keeping;
  ScoreDifference forgetting(8.0);
  for (int i = 0; i < 16; ++i) {
    keeping.add(i % 2 == 0 ? 1.0 : -1.0);
    forgetting.add(i % 2 == 0 ? 1.0 : -1.0);
    if (i % 2 == 1) {
      EXPECT_NEAR(keeping.lag_correlation(), -1.0, 1e-12) << i + 1 << " values";
    }
  }
  EXPECT_NEAR(forgetting.lag_correlation(), -1.0, 0.01);
}

TEST(ScoreDifference, AFewValuesNeverDecide) {
  ScoreDifference difference(256.0);
  difference.add(1e6);
  EXPECT_FALSE(difference.above(0.0, kTwoStandardErrors));
  difference.add(1.1e6);
  EXPECT_FALSE(difference.above(0.0, kTwoStandardErrors));
  difference.clear();
  EXPECT_EQ(difference.count(), 0);
  EXPECT_EQ(difference.mean(), 0.0);
}

TEST(ScoreDifference, WhatIsForgottenNoLongerCounts) {
  // A shift of one spread over the first 1000 values, none over the next 2000: forgotten with a
  // memory of 256 values, still there in a mean that never forgets.
  Normal normal(10);
  ScoreDifference forgetting(256.0);
  ScoreDifference keeping;
  for (int i = 0; i < 3000; ++i) {
    const double value = (i < 1000 ? kSpread : 0.0) + normal.next() * kSpread;
    forgetting.add(value);
    keeping.add(value);
  }
  EXPECT_FALSE(forgetting.above(0.0, kTwoStandardErrors));
  EXPECT_TRUE(keeping.above(0.0, kTwoStandardErrors));
}

}  // namespace
}  // namespace ptp::servo
