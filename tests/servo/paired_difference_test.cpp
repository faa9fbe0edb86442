// ForgettingMoments and PairedDifference: the moments average the first values equally and then
// forget; the paired comparison's not_worse says worse on noise alone about as rarely as its bound
// says, finds a real shift, and past its ceiling judges only what it has not forgotten.
#include "ptp/servo/paired_difference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "ptp/servo/forgetting_moments.h"
#include "queueing_model.h"

namespace ptp::servo {
namespace {

using testing::Queueing;

constexpr double kTailNs = 1000.0;  // each difference is that of two Exp(kTailNs) errors
constexpr int kRuns = 400;
constexpr int kValues = 200;
constexpr double kCeiling = 256.0;
constexpr double kTwoStandardErrors = 2.0;

// How many of kRuns comparisons of kValues differences (mean `shift` plus the difference of two
// exponential errors: symmetric, heavier-tailed than a normal) end with the first predictor
// called worse.
int worse_runs(double shift, std::uint64_t seed) {
  Queueing first(seed, kTailNs);
  Queueing second(seed + 1000, kTailNs);
  int worse = 0;
  for (int run = 0; run < kRuns; ++run) {
    PairedDifference difference;
    for (int i = 0; i < kValues; ++i) {
      difference.add(shift + first.next() - second.next(), kCeiling);
    }
    if (!difference.not_worse(kTwoStandardErrors, kCeiling)) ++worse;
  }
  return worse;
}

TEST(ForgettingMoments, AveragesTheFirstValuesEquallyThenForgets) {
  ForgettingMoments moments;
  for (const double value : {1.0, 2.0, 3.0, 4.0}) moments.add(value, 4.0);
  EXPECT_DOUBLE_EQ(moments.mean, 2.5);
  EXPECT_DOUBLE_EQ(moments.variance(), 1.25);
  // The fifth value weighs 1 / memory, not 1 / 5.
  EXPECT_DOUBLE_EQ(moments.add(12.0, 4.0), 0.25);
  EXPECT_DOUBLE_EQ(moments.mean, 2.5 + 0.25 * (12.0 - 2.5));
  EXPECT_EQ(moments.count, 5);
  EXPECT_DOUBLE_EQ(forgetting_weight(2, 4.0), 0.5);
  EXPECT_DOUBLE_EQ(forgetting_weight(9, 4.0), 0.25);
}

TEST(ForgettingMoments, VarianceIsNeverNegative) {
  // Equal values: the mean square and the squared mean round apart, never below zero.
  ForgettingMoments moments;
  for (int i = 0; i < 1000; ++i) moments.add(0.1, kCeiling);
  EXPECT_GE(moments.variance(), 0.0);
  EXPECT_LT(moments.variance(), 1e-12);
}

TEST(PairedDifference, NoiseAloneIsRarelyWorse) {
  // Two standard errors one-sided: 2.3 % of runs in theory.
  for (const std::uint64_t seed : {1U, 2U, 3U}) {
    EXPECT_LE(worse_runs(0.0, seed), kRuns * 5 / 100) << "seed " << seed;
  }
}

TEST(PairedDifference, AShiftBeyondTheNoiseIsFound) {
  // The differences' spread is sqrt(2) kTailNs: half a tail over 200 values is five standard
  // errors.
  for (const std::uint64_t seed : {4U, 5U}) {
    EXPECT_GE(worse_runs(0.5 * kTailNs, seed), kRuns * 99 / 100) << "seed " << seed;
  }
  // A shift in favour of the first predictor is never worse.
  for (const std::uint64_t seed : {6U, 7U}) EXPECT_EQ(worse_runs(-0.5 * kTailNs, seed), 0);
}

TEST(PairedDifference, PastTheCeilingNoiseIsWorseAsOftenAsTheBoundSays) {
  // Far past a ceiling of 32, the forgetting mean varies as 2 x 32 - 1 = 63 values do: two
  // standard errors one-sided call noise alone worse in about 2.3 % of runs (counted as 32
  // values, the bound would be 1.4 x too wide, and about 0.3 %).
  constexpr double kSmallCeiling = 32.0;
  int worse = 0;
  for (const std::uint64_t seed : {10U, 11U, 12U}) {
    Queueing first(seed, kTailNs);
    Queueing second(seed + 1000, kTailNs);
    for (int run = 0; run < kRuns; ++run) {
      PairedDifference difference;
      for (int i = 0; i < kValues; ++i) difference.add(first.next() - second.next(), kSmallCeiling);
      if (!difference.not_worse(kTwoStandardErrors, kSmallCeiling)) ++worse;
    }
  }
  EXPECT_GE(worse, 3 * kRuns * 1 / 100);
  EXPECT_LE(worse, 3 * kRuns * 5 / 100);
}

TEST(PairedDifference, PastTheCeilingOnlyTheRecentValuesCount) {
  // Worse by one tail over the first 1000 differences, by nothing over the next 2000: forgotten
  // with a ceiling of 256, still there in a comparison that never forgets.
  Queueing first(8, kTailNs);
  Queueing second(9, kTailNs);
  constexpr double kNever = std::numeric_limits<double>::infinity();
  PairedDifference forgetting;
  PairedDifference keeping;
  bool worse_after_shift = false;
  for (int i = 0; i < 3000; ++i) {
    const double value = (i < 1000 ? kTailNs : 0.0) + first.next() - second.next();
    forgetting.add(value, kCeiling);
    keeping.add(value, kNever);
    if (i == 999) worse_after_shift = !forgetting.not_worse(kTwoStandardErrors, kCeiling);
  }
  EXPECT_TRUE(worse_after_shift);
  EXPECT_TRUE(forgetting.not_worse(kTwoStandardErrors, kCeiling));
  EXPECT_FALSE(keeping.not_worse(kTwoStandardErrors, kNever));
  EXPECT_EQ(forgetting.count, 3000);
}

}  // namespace
}  // namespace ptp::servo
