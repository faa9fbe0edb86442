// WanderTest: a random walk of the frequency is shown within tens of points with its wander
// estimated within a factor of four (what the first far filter is chosen by); independent one-sided
// noise, phase steps (a delay that shifts for a while) and a usual crystal's wander under the noise
// are not shown.
#include "ptp/servo/wander_test.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <random>

namespace ptp::servo {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
const Nanoseconds kInterval{kSecondNs};

// Uniform and normal values from a fixed seed on the generator's raw bits (the same on every
// standard library).
class Random {
 public:
  explicit Random(std::uint64_t seed) : random_(seed) {}
  double uniform() { return (static_cast<double>(random_() >> 11) + 0.5) * 0x1.0p-53; }
  double normal() {
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double exponential() { return -std::log(uniform()); }

 private:
  std::mt19937_64 random_;
};

// A clock whose frequency takes a normal step of sqrt(q) ppb each second (q ppb^2/s), measured
// with exponential noise of mean `noise_ns` once a second; `step_ns` is added to the phase
// for `step_seconds` out of every 2 x step_seconds (a delay that shifts).
struct Clock {
  double wander_ppb2_per_s = 0;
  double noise_ns = 100;
  double step_ns = 0;
  int step_seconds = 0;
};

// The test's verdict after `points` points.
std::optional<double> shown_after(const Clock& clock, int points, std::uint64_t seed) {
  Random random(seed);
  WanderTest test;
  double phase_ns = 0;
  double frequency_ppb = 1e5;
  for (int i = 0; i < points; ++i) {
    phase_ns += frequency_ppb;
    frequency_ppb += std::sqrt(clock.wander_ppb2_per_s) * random.normal();
    const bool stepped = clock.step_seconds > 0 && (i / clock.step_seconds) % 2 == 1;
    const double measured_ns =
        phase_ns + clock.noise_ns * random.exponential() + (stepped ? clock.step_ns : 0.0);
    // A few milliseconds of jitter in when each Sync arrives.
    const auto time = Nanoseconds(static_cast<std::int64_t>(i) * kSecondNs +
                                  std::llround(4e6 * random.uniform()));
    test.add(time, measured_ns, kInterval);
  }
  return test.shown_wander_ppb2_per_s();
}

TEST(WanderTest, FarWanderIsShownEarly) {
  // linuxptp-testsuite's large_wander: 1e5 ppb steps each second over 100 ns of queueing.
  int shown = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const std::optional<double> wander = shown_after(Clock{1e10}, 20, seed);
    if (!wander) continue;
    ++shown;
    EXPECT_GT(*wander, 0.25e10) << "seed " << seed;
    EXPECT_LT(*wander, 4e10) << "seed " << seed;
  }
  EXPECT_GE(shown, 45);
}

TEST(WanderTest, NoiseIsNotShown) {
  // Queueing alone, and a usual crystal's wander (1e2 ppb^2/s) under it.
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    EXPECT_FALSE(shown_after(Clock{0, 100}, 200, seed)) << "seed " << seed;
    EXPECT_FALSE(shown_after(Clock{100, 100}, 200, seed)) << "seed " << seed;
    EXPECT_FALSE(shown_after(Clock{0, 10'000}, 40, seed)) << "seed " << seed;
  }
}

TEST(WanderTest, PhaseStepsAreNotShown) {
  // Bursts of 20 us of extra delay, each a few seconds, over 1 us of queueing.
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    EXPECT_FALSE(shown_after(Clock{0, 1000, 20'000, 5}, 200, seed)) << "seed " << seed;
  }
}

TEST(WanderTest, IrregularSpacingStartsTheSeriesOver) {
  WanderTest test;
  double phase_ns = 0;
  double frequency_ppb = 0;
  Random random(7);
  // Points two intervals apart: no difference is ever taken.
  for (int i = 0; i < 40; ++i) {
    phase_ns += 2 * frequency_ppb;
    frequency_ppb += 1e5 * random.normal();
    test.add(Nanoseconds(static_cast<std::int64_t>(2 * i) * kSecondNs), phase_ns, kInterval);
  }
  EXPECT_FALSE(test.shown_wander_ppb2_per_s());
  EXPECT_EQ(test.variance_ratio(), 0.0);
}

}  // namespace
}  // namespace ptp::servo
