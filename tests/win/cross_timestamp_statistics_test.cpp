// win::summarize_cross_timestamps on constructed samples: known windows, a known rate, a preempted
// capture left out of the rate, and a rate change seen as drift.
#include <gtest/gtest.h>

#include <vector>

#include "ptp/win/diagnosis.h"

namespace ptp::win {
namespace {

// QPC at 10 MHz, a NIC clock nominally 1 GHz running `ppm` fast (after sample `change_at`,
// `ppm2`), each capture's window 5 QPC ticks (500 ns), sample 100 a preempted 1000 ticks.
std::vector<CrossTimestampSample> samples(double ppm, double ppm2, std::size_t change_at) {
  std::vector<CrossTimestampSample> out;
  double nic = 5e12;
  std::uint64_t qpc = 1'000'000'000;
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::uint64_t window = i == 100 ? 1000 : 5;
    const double rate = 100.0 * (1 + 1e-6 * (i < change_at ? ppm : ppm2));
    out.push_back({qpc, static_cast<std::uint64_t>(nic + rate * static_cast<double>(window) / 2),
                   qpc + window});
    qpc += 10'000;  // 1 ms apart
    nic += rate * 10'000;
  }
  return out;
}

TEST(CrossTimestampStatistics, WindowsAndRate) {
  const auto s = summarize_cross_timestamps(samples(100, 100, 1000), 10'000'000, 1'000'000'000);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->samples, 1000U);
  EXPECT_DOUBLE_EQ(s->window_min_ns, 500);
  EXPECT_DOUBLE_EQ(s->window_median_ns, 500);
  EXPECT_DOUBLE_EQ(s->window_p99_ns, 500);
  EXPECT_DOUBLE_EQ(s->window_max_ns, 100'000);
  EXPECT_EQ(s->samples_in_rate, 999U);  // the preempted capture left out
  ASSERT_TRUE(s->nic_per_qpc_ratio);
  EXPECT_TRUE(s->ratio_scaled_by_nominal_frequencies);
  EXPECT_NEAR(*s->nic_per_qpc_ratio, 1.0001, 1e-8);
  EXPECT_NEAR(s->ratio_drift_ppb, 0, 2);
}

TEST(CrossTimestampStatistics, RateChangeIsDrift) {
  // +100 ppm for the first half, +100.05 ppm for the second: 50 ppb of drift.
  const auto s = summarize_cross_timestamps(samples(100, 100.05, 500), 10'000'000, 1'000'000'000);
  ASSERT_TRUE(s) << s.error();
  EXPECT_NEAR(s->ratio_drift_ppb, 50, 2);
}

TEST(CrossTimestampStatistics, UnscaledWithoutANominalNicFrequency) {
  const auto s = summarize_cross_timestamps(samples(0, 0, 1000), 10'000'000, 0);
  ASSERT_TRUE(s) << s.error();
  EXPECT_FALSE(s->ratio_scaled_by_nominal_frequencies);
  EXPECT_NEAR(*s->nic_per_qpc_ratio, 100, 1e-6);  // 1 GHz ticks per 10 MHz tick
}

TEST(CrossTimestampStatistics, TooFewSamplesSayWhy) {
  EXPECT_FALSE(summarize_cross_timestamps({}, 10'000'000, 0));
  const auto three = samples(0, 0, 1000);
  EXPECT_FALSE(summarize_cross_timestamps(std::span(three).first(3), 10'000'000, 0));
  EXPECT_FALSE(summarize_cross_timestamps(three, 0, 0));
}

}  // namespace
}  // namespace ptp::win
