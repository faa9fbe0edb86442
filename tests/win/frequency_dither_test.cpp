// FrequencyDither: whole adjustment units whose phase error never accumulates. A servo asking
// 12.34 ppm every 125 ms from a clock with 0.1 ppm units: plainly rounded, the phase runs away by
// 40 ppb x the run; dithered, it stays within about one unit times one interval.
#include "ptp/win/frequency_dither.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace ptp::win {
namespace {

constexpr std::uint64_t kQpf = 10'000'000;  // the precise pair's increment: 0.1 ppm units

double applied_ppb(std::uint64_t adjustment, std::uint64_t increment) {
  return (static_cast<double>(adjustment) - static_cast<double>(increment)) * 1e9 /
         static_cast<double>(increment);
}

// Runs `calls` calls asking `asked(i)` at `interval(i)` apart; the largest |phase error| (the
// applied minus the asked frequency, integrated) at any call.
template <typename Asked, typename Interval>
double worst_phase_ns(FrequencyDither* dither, std::uint64_t increment, int calls, Asked asked,
                      Interval interval) {
  double now = 0;
  double phase = 0;
  double worst = 0;
  double last_error = 0;
  for (int i = 0; i < calls; ++i) {
    if (i > 0) {
      const double dt = interval(i);
      now += dt;
      phase += last_error * dt;
      worst = std::fmax(worst, std::fabs(phase));
    }
    const std::uint64_t written =
        dither != nullptr ? dither->adjustment_for(asked(i), increment, now)
                          : static_cast<std::uint64_t>(std::llround(static_cast<double>(increment) *
                                                                    (1.0 + asked(i) * 1e-9)));
    last_error = applied_ppb(written, increment) - asked(i);
  }
  return worst;
}

TEST(FrequencyDither, ThePhaseStaysWithinOneUnitOverOneIntervalWhereRoundingRunsAway) {
  const auto asked = [](int) { return 12'340.0; };
  const auto interval = [](int) { return 0.125; };
  FrequencyDither dither;
  // 100 s at 8 Hz: 0.1 ppm x 125 ms = 12.5 ns.
  EXPECT_LE(worst_phase_ns(&dither, kQpf, 800, asked, interval), 12.5 + 1e-6);
  EXPECT_GE(worst_phase_ns(nullptr, kQpf, 800, asked, interval), 3'900.0);  // 40 ppb x 100 s
}

TEST(FrequencyDither, AServosChangingFrequencyAtIrregularIntervals) {
  // A servo's frequency wandering through many units, sampled with lost and late Syncs.
  const auto asked = [](int i) { return -8'000.0 + 350.0 * std::sin(i * 0.05) + 17.3 * (i % 7); };
  const auto interval = [](int i) { return (i % 11 == 0) ? 0.25 : 0.125 + 0.001 * (i % 5); };
  FrequencyDither dither;
  EXPECT_LE(worst_phase_ns(&dither, kQpf, 2'000, asked, interval), 2 * 100.0 * 0.25);
}

TEST(FrequencyDither, TheLegacyUnitsAreDitheredToo) {
  // SetSystemTimeAdjustment: 6.4 ppm units (increment 156 250); 1 s sync interval.
  const auto asked = [](int) { return 10'000.0; };
  const auto interval = [](int) { return 1.0; };
  FrequencyDither dither;
  EXPECT_LE(worst_phase_ns(&dither, 156'250, 300, asked, interval), 6'400.0 + 1e-6);
  EXPECT_GE(worst_phase_ns(nullptr, 156'250, 300, asked, interval), 2.8e5);  // 2.8 ppm x 100 s
}

TEST(FrequencyDither, TheFirstValueAndOneAfterForgettingAreTheAskedOneRounded) {
  FrequencyDither dither;
  EXPECT_EQ(dither.adjustment_for(12'340.0, kQpf, 5.0), kQpf + 123);
  EXPECT_EQ(dither.adjustment_for(12'340.0, kQpf, 5.125), kQpf + 124);  // repays 40 ppb x 125 ms
  EXPECT_NEAR(dither.phase_owed_ns(), -40.0 * 0.125, 1e-9);
  dither.forget();
  EXPECT_EQ(dither.adjustment_for(12'340.0, kQpf, 9.0), kQpf + 123);
  EXPECT_EQ(dither.phase_owed_ns(), 0.0);
}

TEST(FrequencyDither, APauseDoesNotTurnTheOwedPhaseIntoALargeFrequency) {
  FrequencyDither dither;
  (void)dither.adjustment_for(12'349.0, kQpf, 0.0);
  // 10 minutes without a call (no master): 49 ppb x 600 s owed, but at most one unit is repaid.
  const std::uint64_t after = dither.adjustment_for(12'349.0, kQpf, 600.0);
  EXPECT_GE(after, kQpf + 122);
  EXPECT_LE(after, kQpf + 125);
}

}  // namespace
}  // namespace ptp::win
