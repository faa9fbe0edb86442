// Lock statistics on made-up series: when a series locks (streaks, gaps, never), re-locking after
// a fault, linuxptp-testsuite's find_sync variant, and the figures after the lock (the nearest-rank
// 99th percentile, missing samples, empty input).
#include "ptp/sim/lock_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ptp::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One sample a second from 1 s, with the given offsets and a frequency error of 10 ppb.
std::vector<TruthSample> series(const std::vector<double>& offsets_ns) {
  std::vector<TruthSample> samples;
  for (std::size_t i = 0; i < offsets_ns.size(); ++i) {
    samples.push_back(TruthSample{static_cast<double>(i + 1), offsets_ns[i], 10});
  }
  return samples;
}

// `out` samples at 5 us, then `in` samples at `value`.
std::vector<double> out_then_in(int out, int in, double value = 100) {
  std::vector<double> offsets(static_cast<std::size_t>(out), 5'000);
  offsets.insert(offsets.end(), static_cast<std::size_t>(in), value);
  return offsets;
}

TEST(LockTime, IsTheStartOfTheFirstStretchThatSpansTheHoldTime) {
  // In bound from 4 s: the stretch spans 10 s at 14 s, so locked since 4 s.
  const auto samples = series(out_then_in(3, 20));
  const auto lock = lock_time_s(samples, LockRule{.offset_bound_ns = 1'000});
  ASSERT_TRUE(lock.has_value());
  EXPECT_DOUBLE_EQ(*lock, 4.0);
}

TEST(LockTime, AStretchShorterThanTheHoldTimeIsNoLock) {
  // 10 samples in bound span 9 s: one short. A stretch from 4 s to 13 s is not enough.
  auto offsets = out_then_in(3, 10);
  offsets.push_back(2'000);
  offsets.insert(offsets.end(), 11, 50.0);  // 15 s .. 25 s spans 10 s
  const auto lock = lock_time_s(series(offsets), LockRule{.offset_bound_ns = 1'000});
  ASSERT_TRUE(lock.has_value());
  EXPECT_DOUBLE_EQ(*lock, 15.0);
}

TEST(LockTime, TheBoundIsStrictAndAMissingSampleBreaksTheStretch) {
  auto offsets = out_then_in(0, 30);
  offsets[5] = 1'000;  // at 6 s: on the bound is out
  offsets[12] = kNaN;  // at 13 s: no figure
  const auto lock = lock_time_s(series(offsets), LockRule{.offset_bound_ns = 1'000});
  ASSERT_TRUE(lock.has_value());
  EXPECT_DOUBLE_EQ(*lock, 14.0);  // 7 s .. 12 s was too short
}

TEST(LockTime, NeverLockedAndEmpty) {
  EXPECT_FALSE(lock_time_s(series(out_then_in(30, 0)), LockRule{}).has_value());
  EXPECT_FALSE(lock_time_s({}, LockRule{}).has_value());
  const auto stats = lock_statistics(series(out_then_in(30, 5)), LockRule{});
  EXPECT_FALSE(stats.lock_time_s.has_value());
  EXPECT_EQ(stats.after_lock.samples, 0U);
}

TEST(LockTime, RelockAfterAFaultIsTheRuleFromTheFaultsEnd) {
  // Locked from 1 s; a fault from 30 s to 35 s throws the clock out until 39 s.
  auto offsets = out_then_in(0, 60);
  for (std::size_t i = 29; i < 38; ++i) offsets[i] = 20'000;
  const auto samples = series(offsets);
  const LockRule rule{.offset_bound_ns = 1'000};
  const auto stats = lock_statistics(samples, rule);
  ASSERT_TRUE(stats.lock_time_s.has_value());
  EXPECT_DOUBLE_EQ(*stats.lock_time_s, 1.0);
  // Excursions after the lock stay in the figures, and are counted.
  EXPECT_EQ(stats.after_lock.beyond_bound, 9U);
  EXPECT_DOUBLE_EQ(stats.after_lock.max_abs_ns, 20'000.0);
  const auto relock = lock_time_s(samples_from(samples, 35.0), rule);
  ASSERT_TRUE(relock.has_value());
  EXPECT_DOUBLE_EQ(*relock, 39.0);
}

TEST(FindSync, IsWhereTheLastOutOfSyncStretchEnded) {
  auto samples = series(out_then_in(3, 40));
  samples[20].frequency_error_ppb = 3'000;  // at 21 s the frequency is out
  const FindSyncRule rule{.max_offset_ns = 1'000, .max_frequency_ppb = 2'000};
  const auto sync = find_sync_time_s(samples, rule);
  ASSERT_TRUE(sync.has_value());
  EXPECT_DOUBLE_EQ(*sync, 22.0);
  // Unlike the default rule, the limits are inclusive, and the end must be in sync.
  samples.back().offset_ns = 1'000;
  EXPECT_TRUE(find_sync_time_s(samples, rule).has_value());
  samples.back().offset_ns = kNaN;
  EXPECT_FALSE(find_sync_time_s(samples, rule).has_value());
  EXPECT_FALSE(find_sync_time_s({}, rule).has_value());
}

TEST(OffsetStatistics, NearestRankPercentileRmsAndMax) {
  // |offset| 1..200 ns with alternating signs: the 99th percentile is the 198th smallest.
  std::vector<double> offsets;
  for (int i = 200; i >= 1; --i) offsets.push_back(i % 2 == 0 ? i : -i);
  const auto stats = offset_statistics(series(offsets));
  EXPECT_EQ(stats.samples, 200U);
  EXPECT_DOUBLE_EQ(stats.percentile_99_ns, 198.0);
  EXPECT_DOUBLE_EQ(stats.max_abs_ns, 200.0);
  // RMS of 1..n is sqrt((n + 1)(2n + 1) / 6).
  EXPECT_NEAR(stats.rms_ns, std::sqrt(201.0 * 401.0 / 6.0), 1e-9);
  EXPECT_DOUBLE_EQ(stats.frequency_rms_ppb, 10.0);
  EXPECT_EQ(stats.frequency_samples, 200U);
  // A single sample is its own percentile.
  EXPECT_DOUBLE_EQ(offset_statistics(series({-7})).percentile_99_ns, 7.0);
}

TEST(OffsetStatistics, MissingSamplesAreCountedAndInNoFigure) {
  auto samples = series({100, kNaN, -300});
  samples[0].frequency_error_ppb = kNaN;
  samples[2].frequency_error_ppb = -40;
  const auto stats = offset_statistics(samples);
  EXPECT_EQ(stats.samples, 2U);
  EXPECT_EQ(stats.missing, 1U);
  EXPECT_DOUBLE_EQ(stats.max_abs_ns, 300.0);
  EXPECT_NEAR(stats.rms_ns, std::sqrt((100.0 * 100 + 300.0 * 300) / 2), 1e-9);
  EXPECT_EQ(stats.frequency_samples, 1U);
  EXPECT_DOUBLE_EQ(stats.frequency_max_abs_ppb, 40.0);
}

TEST(OffsetStatistics, EmptyInputGivesZeroFigures) {
  const auto stats = offset_statistics({});
  EXPECT_EQ(stats.samples, 0U);
  EXPECT_EQ(stats.missing, 0U);
  EXPECT_EQ(stats.rms_ns, 0.0);
  EXPECT_EQ(stats.percentile_99_ns, 0.0);
  EXPECT_EQ(stats.max_abs_ns, 0.0);
  EXPECT_EQ(stats.frequency_rms_ppb, 0.0);
  EXPECT_TRUE(samples_from({}, 3.0).empty());
}

TEST(OffsetStatistics, SamplesFromStartsAtTheFirstSampleAtOrAfter) {
  const auto samples = series(out_then_in(0, 10));
  EXPECT_EQ(samples_from(samples, 4.0).size(), 7U);
  EXPECT_EQ(samples_from(samples, 4.5).size(), 6U);
  EXPECT_EQ(samples_from(samples, 11.0).size(), 0U);
}

}  // namespace
}  // namespace ptp::sim
