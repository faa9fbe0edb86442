// GammaLineFit and excess_shape: where the queueing is a sum of several exponential tails (a
// chain of loaded switches: gamma of shape 3), the gamma likelihood's line recovers the phase and
// frequency better than the lower envelope's over the same points, leaves delay spikes out, and
// the excess's shape reads about 1 for one tail and about 3 for three.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ptp/servo/envelope_fit.h"
#include "ptp/servo/excess_shape.h"
#include "ptp/servo/gamma_line_fit.h"
#include "queueing_model.h"

namespace ptp::servo {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr double kFloorNs = 6'000;

using testing::Queueing;

struct Errors {
  double envelope_phase_ns = 0;
  double gamma_phase_ns = 0;
  double envelope_frequency_ppb = 0;
  double gamma_frequency_ppb = 0;
};

// 256 exchanges at 1 Hz of a clock with phase 50 ns + 30 ppb * t, the Delay_Req half a second
// after the Sync, three switches of Exp(1.5 us) each way (ptp_accuracy's chain); both fits over
// all of them at the last Sync. Every third Sync delayed by `spike_ns` more.
Errors fit_both(std::uint64_t seed, double spike_ns = 0) {
  constexpr int kPoints = 256;
  EnvelopeFit envelope;
  GammaLineFit gamma;
  Queueing queueing(seed, 1'500, 3);
  const auto phase = [](double t_s) { return 50 + 30 * t_s; };
  for (int i = 0; i < kPoints; ++i) {
    const double t = i;
    const double spike = i % 3 == 1 ? spike_ns : 0;
    const double a = phase(t) + kFloorNs + queueing.next() + spike;
    const double b = -phase(t + 0.5) + kFloorNs + queueing.next();
    const Nanoseconds sync_time(i * kSecondNs);
    const Nanoseconds request_time(i * kSecondNs + kSecondNs / 2);
    envelope.add_sync(sync_time, a);
    gamma.add_sync(sync_time, a);
    if (i + 1 < kPoints) {
      envelope.add_request(request_time, b);
      gamma.add_request(request_time, b);
    }
  }
  const Nanoseconds now((kPoints - 1) * kSecondNs);
  EnvelopeFit::Lines lines{};
  envelope.fit(now, Nanoseconds(kSecondNs), lines);
  const EnvelopeFit::Line& longest = lines.back();
  const EnvelopeFit::Line line = gamma.fit(now, Nanoseconds(kPoints * kSecondNs), 3.0, longest);
  EXPECT_TRUE(longest.valid);
  EXPECT_TRUE(line.valid);
  const double truth = phase(kPoints - 1);
  return Errors{longest.phase_at(now) - truth, line.phase_at(now) - truth,
                longest.frequency_ppb - 30, line.frequency_ppb - 30};
}

TEST(GammaLineFit, BeatsTheEnvelopeOnASumOfThreeTails) {
  constexpr int kSeeds = 20;
  double envelope_phase = 0;
  double gamma_phase = 0;
  double envelope_frequency = 0;
  double gamma_frequency = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Errors e = fit_both(seed);
    envelope_phase += e.envelope_phase_ns * e.envelope_phase_ns;
    gamma_phase += e.gamma_phase_ns * e.gamma_phase_ns;
    envelope_frequency += e.envelope_frequency_ppb * e.envelope_frequency_ppb;
    gamma_frequency += e.gamma_frequency_ppb * e.gamma_frequency_ppb;
  }
  envelope_phase = std::sqrt(envelope_phase / kSeeds);
  gamma_phase = std::sqrt(gamma_phase / kSeeds);
  envelope_frequency = std::sqrt(envelope_frequency / kSeeds);
  gamma_frequency = std::sqrt(gamma_frequency / kSeeds);
  RecordProperty("envelope_phase_rms_ns", std::to_string(envelope_phase));
  RecordProperty("gamma_phase_rms_ns", std::to_string(gamma_phase));
  // The paired error of one exchange here is 1.84 us; both fits use 256 of them. Measured
  // (seeds 1-20): phase 173 ns against the envelope's 257 ns, frequency 1.12 ppb against 1.45.
  EXPECT_LT(gamma_phase, 0.75 * envelope_phase);
  EXPECT_LT(gamma_frequency, 0.9 * envelope_frequency);
  EXPECT_LT(gamma_phase, 220.0);
}

TEST(GammaLineFit, LeavesDelaySpikesOut) {
  // Every third Sync 10 ms late: an average would move by milliseconds.
  double squares = 0;
  constexpr int kSeeds = 10;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Errors e = fit_both(seed, 10e6);
    squares += e.gamma_phase_ns * e.gamma_phase_ns;
  }
  EXPECT_LT(std::sqrt(squares / kSeeds), 600.0);
}

TEST(GammaLineFit, NeedsPointsInBothDirections) {
  GammaLineFit gamma;
  for (int i = 0; i < 10; ++i) gamma.add_sync(Nanoseconds(i * kSecondNs), 1'000);
  EnvelopeFit::Line start;
  start.valid = true;
  EXPECT_FALSE(
      gamma.fit(Nanoseconds(9 * kSecondNs), Nanoseconds(100 * kSecondNs), 3.0, start).valid);
}

// The shape of 256 excesses over their lowest, as the servo reads it.
double shape_of(std::uint64_t seed, int tails) {
  Queueing queueing(seed, 1'000, tails);
  std::vector<double> values(256);
  for (double& v : values) v = queueing.next();
  const double lowest = *std::min_element(values.begin(), values.end());
  double sum = 0;
  double square = 0;
  for (const double v : values) {
    sum += v - lowest;
    square += (v - lowest) * (v - lowest);
  }
  const double mean = sum / static_cast<double>(values.size());
  return excess_shape(mean, square / static_cast<double>(values.size()) - mean * mean,
                      values.size());
}

TEST(ExcessShape, ReadsOneTailAndThreeTails) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const double one = shape_of(seed, 1);
    const double three = shape_of(seed, 3);
    EXPECT_GT(one, 0.6) << "seed " << seed;
    EXPECT_LT(one, 1.6) << "seed " << seed;
    EXPECT_GT(three, 2.2) << "seed " << seed;
    EXPECT_LT(three, 4.5) << "seed " << seed;
  }
  EXPECT_EQ(excess_shape(100, 0, 256), 0);
  EXPECT_EQ(excess_shape(100, 100, 0), 0);
}

}  // namespace
}  // namespace ptp::servo
