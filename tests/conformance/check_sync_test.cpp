// check_sync on made-up series: the sync time is where the last out-of-sync stretch ends, the
// statistics start at the end of the sync window, and each failed criterion is named.
#include "check_sync.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ptp::conformance {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 100 s at 1 s: out of sync (10 us, 5e-6) until `sync_s`, then `offset_ns` and `frequency_ppb`.
std::vector<sim::TruthSample> series(double sync_s, double offset_ns, double frequency_ppb) {
  std::vector<sim::TruthSample> samples;
  for (int second = 1; second <= 100; ++second) {
    const double t = second;
    if (t < sync_s) {
      samples.push_back({t, 10'000, 5'000});
    } else {
      samples.push_back({t, offset_ns, frequency_ppb});
    }
  }
  return samples;
}

bool mentions(const std::vector<std::string>& violations, const std::string& figure) {
  for (const std::string& violation : violations) {
    if (violation.rfind(figure, 0) == 0) return true;
  }
  return false;
}

TEST(CheckSync, SyncTimeIsTheStartOfTheFinalInSyncStretch) {
  const auto figures = compute_sync_figures(series(25, 500, 100), SyncLimits{});
  ASSERT_TRUE(figures.sync_time_s.has_value());
  EXPECT_DOUBLE_EQ(*figures.sync_time_s, 25.0);
  EXPECT_DOUBLE_EQ(figures.max_offset_ns, 500.0);
  EXPECT_DOUBLE_EQ(figures.rms_offset_ns, 500.0);
  EXPECT_DOUBLE_EQ(figures.rms_frequency_ppb, 100.0);
  EXPECT_EQ(figures.statistics_samples, 61U);  // 40 s .. 100 s
  EXPECT_TRUE(sync_violations(figures, SyncLimits{}).empty());
}

TEST(CheckSync, ALateExcursionMovesTheSyncTime) {
  auto samples = series(25, 500, 100);
  samples[59].offset_ns = -2'500;  // at 60 s
  const auto figures = compute_sync_figures(samples, SyncLimits{});
  ASSERT_TRUE(figures.sync_time_s.has_value());
  EXPECT_DOUBLE_EQ(*figures.sync_time_s, 61.0);
  const auto violations = sync_violations(figures, SyncLimits{});
  EXPECT_TRUE(mentions(violations, "sync time"));
  EXPECT_TRUE(mentions(violations, "max |offset|"));
  EXPECT_FALSE(mentions(violations, "RMS offset"));
}

TEST(CheckSync, TooEarlyIsAFailureToo) {
  const auto figures = compute_sync_figures(series(5, 500, 100), SyncLimits{});
  EXPECT_TRUE(mentions(sync_violations(figures, SyncLimits{}), "sync time"));
}

TEST(CheckSync, FrequencyCountsForSyncAndStatistics) {
  const auto figures = compute_sync_figures(series(25, 100, 1'500), SyncLimits{});
  const auto violations = sync_violations(figures, SyncLimits{});
  EXPECT_FALSE(mentions(violations, "sync time"));
  EXPECT_FALSE(mentions(violations, "max |frequency error|"));
  EXPECT_TRUE(mentions(violations, "RMS frequency error"));
}

TEST(CheckSync, MissingFiguresAreOutOfSyncAndCounted) {
  auto samples = series(25, 100, 100);
  samples.back().offset_ns = kNaN;
  const auto figures = compute_sync_figures(samples, SyncLimits{});
  EXPECT_FALSE(figures.sync_time_s.has_value());
  EXPECT_EQ(figures.missing_samples, 1U);
  const auto violations = sync_violations(figures, SyncLimits{});
  EXPECT_TRUE(mentions(violations, "sync time"));
  EXPECT_TRUE(mentions(violations, "samples without a grandmaster"));
}

TEST(CheckSync, StatisticsStartWhereTheLimitsSay) {
  SyncLimits limits;
  limits.statistics_from_s = 91.0;
  const auto figures = compute_sync_figures(series(25, 100, 100), limits);
  EXPECT_EQ(figures.statistics_samples, 10U);
}

}  // namespace
}  // namespace ptp::conformance
