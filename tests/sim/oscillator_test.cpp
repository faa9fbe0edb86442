// Unit tests of the oscillator model, each against the configured truth: exact drift from a
// frequency offset, closed-form ramp and sinusoidal drift, overlapping Allan deviation of long
// simulated runs against the configured white-FM and random-walk-FM levels, frequency
// adjustments and phase steps applied exactly, and one trajectory per seed whatever the
// pattern of evaluation.
#include "ptp/sim/oscillator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <vector>

namespace ptp::sim {
namespace {

constexpr double kPicosecondsPerSecond = 1e12;

SimTime at_seconds(std::int64_t seconds) {
  return SimTime::from_start(SimDuration::seconds(seconds));
}
SimTime at_milliseconds(std::int64_t milliseconds) {
  return SimTime::from_start(SimDuration::milliseconds(milliseconds));
}

Oscillator make(const OscillatorConfig& config, std::uint64_t seed = 1) {
  auto oscillator = Oscillator::create(config, Random(seed));
  EXPECT_TRUE(oscillator);
  return oscillator.value();
}

double phase_error_ps(Oscillator& oscillator, SimTime at) {
  auto error = oscillator.phase_error_ps(at);
  EXPECT_TRUE(error);
  return error ? *error : 0.0;
}

double frequency_error_ppb(Oscillator& oscillator, SimTime at) {
  auto error = oscillator.frequency_error_ppb(at);
  EXPECT_TRUE(error);
  return error ? *error : 0.0;
}

std::int64_t reading_ps(Oscillator& oscillator, SimTime at) {
  auto reading = oscillator.reading(at);
  EXPECT_TRUE(reading);
  return reading ? reading->picoseconds() : 0;
}

TEST(OscillatorTest, ConstantFrequencyErrorDriftsExactly) {
  OscillatorConfig config;
  config.initial_phase_offset = SimDuration::nanoseconds(5);
  config.initial_frequency_error_ppm = 10.0;
  Oscillator oscillator = make(config);

  EXPECT_EQ(reading_ps(oscillator, SimTime{}), 5'000);
  // 1.5 ns at +10 ppm gains 0.015 ps, which the reading rounds down.
  EXPECT_EQ(reading_ps(oscillator, SimTime::from_start(SimDuration::picoseconds(1'500))), 6'500);
  // 65 ns gain 0.65 ps: still rounded down, not to nearest.
  EXPECT_EQ(reading_ps(oscillator, SimTime::from_start(SimDuration::nanoseconds(65))), 70'000);
  EXPECT_EQ(reading_ps(oscillator, at_seconds(1)), 1'000'000'000'000 + 10'000'000 + 5'000);
  EXPECT_EQ(reading_ps(oscillator, at_seconds(3600)),
            3'600'000'000'000'000 + 36'000'000'000 + 5'000);
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(3600)), 36'000'005'000.0, 1e-3);
  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(3600)), 10'000.0, 1e-9);

  OscillatorConfig slow;
  slow.initial_frequency_error_ppm = -37.5;
  Oscillator slow_oscillator = make(slow);
  // 1.5 ns at -37.5 ppm lose 0.05625 ps: the reading rounds down to the picosecond below.
  EXPECT_EQ(reading_ps(slow_oscillator, SimTime::from_start(SimDuration::picoseconds(1'500))),
            1'499);
  EXPECT_EQ(reading_ps(slow_oscillator, at_seconds(1)), 1'000'000'000'000 - 37'500'000);
  // Over a simulated day, still to the picosecond.
  EXPECT_EQ(reading_ps(slow_oscillator, at_seconds(86'400)),
            86'400'000'000'000'000 - 3'240'000'000'000);
}

TEST(OscillatorTest, LinearRampFollowsItsClosedForm) {
  OscillatorConfig config;
  config.ramp.rate_ppm_per_minute = 1.0;
  config.ramp.start = at_seconds(60);
  config.ramp.end = at_seconds(180);
  Oscillator oscillator = make(config);

  EXPECT_EQ(frequency_error_ppb(oscillator, at_seconds(30)), 0.0);
  EXPECT_EQ(phase_error_ps(oscillator, at_seconds(60)), 0.0);
  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(120)), 1'000.0, 1e-9);
  // Half of 2 ppm over two minutes: 120 us.
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(180)), 120e6, 1e-3);
  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(180)), 2'000.0, 1e-9);
  // The reached 2 ppm then holds: another 240 us over two minutes.
  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(300)), 2'000.0, 1e-9);
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(300)), 360e6, 1e-3);
  EXPECT_NEAR(static_cast<double>(reading_ps(oscillator, at_seconds(300))), 300e12 + 360e6, 1.0);
}

TEST(OscillatorTest, DeterministicTermsStaySubPicosecondOverAnHour) {
  OscillatorConfig config;
  config.initial_phase_offset = SimDuration::picoseconds(-123'456'789);
  config.initial_frequency_error_ppm = 87.654321;
  config.ramp.rate_ppm_per_minute = -0.25;
  config.ramp.start = at_seconds(600);
  config.sinusoidal_drift.amplitude_ppm = 0.75;
  config.sinusoidal_drift.period = SimDuration::seconds(900);
  config.sinusoidal_drift.initial_phase_radians = 1.0;
  Oscillator oscillator = make(config);

  // The configured truth, integrated by hand in long double.
  const long double offset_ps = -123'456'789.0L;
  const long double frequency = 87.654321e-6L;
  const long double ramp_per_s = -0.25e-6L / 60.0L;
  const long double amplitude = 0.75e-6L;
  const long double omega = 2.0L * std::numbers::pi_v<long double> / 900.0L;
  for (std::int64_t seconds = 0; seconds <= 3600; seconds += 7) {
    const auto t = static_cast<long double>(seconds);
    const long double ramp_s = t > 600 ? t - 600 : 0.0L;
    const long double expected_s =
        frequency * t + 0.5L * ramp_per_s * ramp_s * ramp_s +
        amplitude / omega * (std::cos(1.0L) - std::cos(omega * t + 1.0L));
    const long double expected_ps = offset_ps + expected_s * 1e12L;
    ASSERT_NEAR(phase_error_ps(oscillator, at_seconds(seconds)), static_cast<double>(expected_ps),
                1e-3)
        << "at " << seconds << " s";
  }
}

TEST(OscillatorTest, SinusoidalDriftAmplitudeAndPeriodAreRecovered) {
  OscillatorConfig config;
  config.sinusoidal_drift.amplitude_ppm = 2.0;
  config.sinusoidal_drift.period = SimDuration::seconds(600);
  config.sinusoidal_drift.initial_phase_radians = 0.3;
  Oscillator oscillator = make(config);

  // The frequency as a counter would measure it: reading differences over 1 s gates.
  std::vector<double> measured_ppm;
  std::int64_t previous = reading_ps(oscillator, SimTime{});
  for (std::int64_t second = 1; second <= 1800; ++second) {
    const std::int64_t now = reading_ps(oscillator, at_seconds(second));
    measured_ppm.push_back(static_cast<double>(now - previous - 1'000'000'000'000) * 1e-6);
    previous = now;
  }
  double peak_ppm = 0;
  std::vector<double> zero_crossings_s;
  for (std::size_t i = 0; i < measured_ppm.size(); ++i) {
    peak_ppm = std::max(peak_ppm, std::abs(measured_ppm[i]));
    if (i > 0 && (measured_ppm[i - 1] < 0) != (measured_ppm[i] < 0)) {
      // Gate i covers [i, i + 1] s: its mean sits at its centre.
      const double fraction = measured_ppm[i - 1] / (measured_ppm[i - 1] - measured_ppm[i]);
      zero_crossings_s.push_back(static_cast<double>(i) - 0.5 + fraction);
    }
  }
  EXPECT_NEAR(peak_ppm, 2.0, 2.0 * 1e-3);
  ASSERT_GE(zero_crossings_s.size(), 5U);
  const double half_periods = static_cast<double>(zero_crossings_s.size() - 1);
  const double period_s = 2.0 * (zero_crossings_s.back() - zero_crossings_s.front()) / half_periods;
  EXPECT_NEAR(period_s, 600.0, 600.0 * 1e-3);
  // The first crossing (downward): 2 pi t / 600 + 0.3 = pi.
  EXPECT_NEAR(zero_crossings_s.front(), 600.0 * (0.5 - 0.3 / (2.0 * std::numbers::pi)), 0.05);

  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(1900)),
              2000.0 * std::sin(2.0 * std::numbers::pi * 1900.0 / 600.0 + 0.3), 1e-9);
}

TEST(OscillatorTest, FrequencyAdjustmentScalesTheRateFromWhenItIsMade) {
  OscillatorConfig config;
  config.initial_frequency_error_ppm = 10.0;
  Oscillator oscillator = make(config);

  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(100)), 1e9, 1e-3);
  ASSERT_TRUE(oscillator.adjust_frequency(at_seconds(100), 5'000.0));
  EXPECT_EQ(oscillator.frequency_adjustment_ppb(), 5'000.0);
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(100)), 1e9, 1e-3);
  // (1 + 10 ppm) * (1 + 5 ppm) - 1 = 15.00005 ppm, so 10 s gain 150.0005 us.
  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(105)), 15'000.05, 1e-6);
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(110)), 1e9 + 150'000'500.0, 1e-3);

  // A new adjustment replaces the old: (1 + 10 ppm) * (1 - 10 ppm) - 1 = -1e-10, so 100 s lose
  // 10 ns.
  ASSERT_TRUE(oscillator.adjust_frequency(at_seconds(110), -10'000.0));
  EXPECT_NEAR(frequency_error_ppb(oscillator, at_seconds(150)), -0.1, 1e-9);
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(210)), 1e9 + 150'000'500.0 - 10'000.0, 1e-3);
  EXPECT_NEAR(static_cast<double>(reading_ps(oscillator, at_seconds(210)) - 210'000'000'000'000),
              1'149'990'500.0, 1.0);
}

TEST(OscillatorTest, StepJumpsTheReadingExactly) {
  OscillatorConfig config;
  config.initial_frequency_error_ppm = -3.0;
  Oscillator oscillator = make(config);
  ASSERT_TRUE(oscillator.adjust_frequency(at_seconds(10), 1'000.0));
  const std::int64_t before = reading_ps(oscillator, at_seconds(50));
  ASSERT_TRUE(oscillator.step(at_seconds(50), SimDuration::microseconds(1)));
  EXPECT_EQ(reading_ps(oscillator, at_seconds(50)), before + 1'000'000);
  ASSERT_TRUE(oscillator.step(at_seconds(50), SimDuration::picoseconds(-2'500'000)));
  EXPECT_EQ(reading_ps(oscillator, at_seconds(50)), before - 1'500'000);
  // The step is not scaled by the adjustment; the rate afterwards is unchanged.
  const double rate = -3e-6 + 1e-6 + (-3e-6 * 1e-6);  // (1 - 3 ppm) * (1 + 1 ppm) - 1
  EXPECT_NEAR(phase_error_ps(oscillator, at_seconds(60)),
              -3e-6 * 10e12 + rate * 50e12 - 1'500'000.0, 1e-3);
}

TEST(OscillatorTest, RejectsGoingBackInTime) {
  Oscillator oscillator = make(OscillatorConfig{});
  ASSERT_TRUE(oscillator.reading(at_seconds(10)));
  auto reading = oscillator.reading(at_seconds(9));
  ASSERT_FALSE(reading);
  EXPECT_EQ(reading.error(), OscillatorError::kTimeWentBackwards);
  auto adjusted = oscillator.adjust_frequency(at_seconds(9), 1.0);
  ASSERT_FALSE(adjusted);
  EXPECT_EQ(adjusted.error(), OscillatorError::kTimeWentBackwards);
  auto stepped = oscillator.step(at_seconds(9), SimDuration::nanoseconds(1));
  ASSERT_FALSE(stepped);
  EXPECT_EQ(stepped.error(), OscillatorError::kTimeWentBackwards);
  EXPECT_FALSE(oscillator.frequency_error_ppb(at_seconds(9)));
  EXPECT_TRUE(oscillator.reading(at_seconds(10)));  // the same instant again is fine
}

TEST(OscillatorTest, RejectsInvalidConfigurations) {
  auto error_of = [](const OscillatorConfig& config) {
    auto oscillator = Oscillator::create(config, Random(1));
    return oscillator ? std::optional<OscillatorError>() : oscillator.error();
  };
  OscillatorConfig config;
  EXPECT_EQ(error_of(config), std::nullopt);
  config.white_fm_adev_at_1s = -1e-9;
  EXPECT_EQ(error_of(config), OscillatorError::kNegativeNoiseLevel);
  config = {};
  config.initial_frequency_error_ppm = std::nan("");
  EXPECT_EQ(error_of(config), OscillatorError::kNonFiniteParameter);
  config = {};
  config.noise_update_interval = SimDuration{};
  EXPECT_EQ(error_of(config), OscillatorError::kNonPositiveUpdateInterval);
  config = {};
  config.sinusoidal_drift.amplitude_ppm = 1.0;
  config.sinusoidal_drift.period = SimDuration::seconds(-1);
  EXPECT_EQ(error_of(config), OscillatorError::kNonPositiveDriftPeriod);
  config = {};
  config.ramp.start = at_seconds(10);
  config.ramp.end = at_seconds(5);
  EXPECT_EQ(error_of(config), OscillatorError::kRampEndsBeforeStart);

  Oscillator oscillator = make(OscillatorConfig{});
  auto adjusted = oscillator.adjust_frequency(SimTime{}, std::numeric_limits<double>::infinity());
  ASSERT_FALSE(adjusted);
  EXPECT_EQ(adjusted.error(), OscillatorError::kNonFiniteParameter);
}

TEST(OscillatorTest, DataSheetCoefficientsConvertToAllanDeviation) {
  // h0 = 2e-20 is white FM of 1e-10 at 1 s; h-2 = 3 sigma^2 / (2 pi^2) for sigma = 1e-11.
  EXPECT_NEAR(white_fm_adev_at_1s_from_h0(2e-20), 1e-10, 1e-22);
  const double h_minus2 = 3.0 * 1e-22 / (2.0 * std::numbers::pi * std::numbers::pi);
  EXPECT_NEAR(random_walk_fm_adev_at_1s_from_h_minus2(h_minus2), 1e-11, 1e-23);
}

// --- Noise, measured the way a frequency-stability analyser would. ---

// Phase error samples (in seconds), one every `interval`, from SimTime zero to `duration`.
std::vector<double> sample_phase_s(Oscillator& oscillator, SimDuration interval,
                                   SimDuration duration) {
  std::vector<double> phase_s;
  for (SimTime t; t <= SimTime{} + duration; t = t + interval) {
    phase_s.push_back(phase_error_ps(oscillator, t) / kPicosecondsPerSecond);
  }
  return phase_s;
}

// The overlapping Allan deviation at tau = stride * sample interval.
double overlapping_adev(const std::vector<double>& phase_s, std::size_t stride,
                        double sample_interval_s) {
  long double sum = 0;
  const std::size_t terms = phase_s.size() - 2 * stride;
  for (std::size_t i = 0; i < terms; ++i) {
    const long double second_difference =
        static_cast<long double>(phase_s[i + 2 * stride]) - 2.0L * phase_s[i + stride] + phase_s[i];
    sum += second_difference * second_difference;
  }
  const double tau_s = static_cast<double>(stride) * sample_interval_s;
  return std::sqrt(static_cast<double>(sum / static_cast<long double>(terms)) /
                   (2.0 * tau_s * tau_s));
}

TEST(OscillatorTest, WhiteFrequencyNoiseHasTheConfiguredAllanDeviation) {
  OscillatorConfig config;
  config.initial_frequency_error_ppm = 3.0;  // a constant offset must not show in the ADEV
  config.white_fm_adev_at_1s = 1e-9;
  config.noise_update_interval = SimDuration::milliseconds(100);
  Oscillator oscillator = make(config, 2024);
  const std::vector<double> phase_s =
      sample_phase_s(oscillator, SimDuration::milliseconds(100), SimDuration::seconds(20'000));
  for (std::size_t stride : {1U, 10U, 100U, 1000U}) {
    const double tau_s = 0.1 * static_cast<double>(stride);
    const double expected = 1e-9 / std::sqrt(tau_s);
    const double measured = overlapping_adev(phase_s, stride, 0.1);
    EXPECT_NEAR(measured / expected, 1.0, 0.15) << "tau " << tau_s << " s: " << measured;
  }
  // The tau^-1/2 slope across four decades.
  const double slope =
      std::log10(overlapping_adev(phase_s, 1000, 0.1) / overlapping_adev(phase_s, 1, 0.1)) / 3.0;
  EXPECT_NEAR(slope, -0.5, 0.05);
}

TEST(OscillatorTest, RandomWalkFrequencyNoiseHasTheConfiguredAllanDeviation) {
  OscillatorConfig config;
  config.random_walk_fm_adev_at_1s = 1e-11;
  config.noise_update_interval = SimDuration::milliseconds(100);
  Oscillator oscillator = make(config, 77);
  const std::vector<double> phase_s =
      sample_phase_s(oscillator, SimDuration::seconds(1), SimDuration::seconds(40'000));
  for (std::size_t stride : {1U, 10U, 100U}) {
    const double tau_s = static_cast<double>(stride);
    const double expected = 1e-11 * std::sqrt(tau_s);
    const double measured = overlapping_adev(phase_s, stride, 1.0);
    EXPECT_NEAR(measured / expected, 1.0, 0.2) << "tau " << tau_s << " s: " << measured;
  }
  const double slope =
      std::log10(overlapping_adev(phase_s, 100, 1.0) / overlapping_adev(phase_s, 1, 1.0)) / 2.0;
  EXPECT_NEAR(slope, 0.5, 0.07);
}

TEST(OscillatorTest, CombinedNoisesAddInAllanVariance) {
  // White FM dominates short taus, random-walk FM long ones; they cross at tau = 10 s.
  OscillatorConfig config;
  config.white_fm_adev_at_1s = 1e-10;
  config.random_walk_fm_adev_at_1s = 1e-11;
  config.noise_update_interval = SimDuration::milliseconds(100);
  Oscillator oscillator = make(config, 5);
  const std::vector<double> phase_s =
      sample_phase_s(oscillator, SimDuration::seconds(1), SimDuration::seconds(40'000));
  for (std::size_t stride : {1U, 10U, 100U}) {
    const double tau_s = static_cast<double>(stride);
    const double expected = std::sqrt(1e-20 / tau_s + 1e-22 * tau_s);
    const double measured = overlapping_adev(phase_s, stride, 1.0);
    EXPECT_NEAR(measured / expected, 1.0, 0.2) << "tau " << tau_s << " s: " << measured;
  }
}

TEST(OscillatorTest, NoisyPhaseIsTheExactIntegralOfItsFrequency) {
  OscillatorConfig config;
  config.initial_frequency_error_ppm = 95.0;
  config.white_fm_adev_at_1s = 1e-9;
  config.random_walk_fm_adev_at_1s = 1e-10;
  config.noise_update_interval = SimDuration::milliseconds(10);
  Oscillator oscillator = make(config, 9);
  // The frequency holds over each update interval: sum it interval by interval for an hour,
  // compensating the sum, and compare with the phase the model accumulated.
  long double integral_ps = 0;
  long double compensation_ps = 0;
  constexpr std::int64_t kIntervals = 360'000;
  for (std::int64_t i = 0; i < kIntervals; ++i) {
    const long double step_ps =
        static_cast<long double>(frequency_error_ppb(oscillator, at_milliseconds(10 * i))) * 1e-9L *
        1e10L;
    const long double corrected = step_ps - compensation_ps;
    const long double sum = integral_ps + corrected;
    compensation_ps = (sum - integral_ps) - corrected;
    integral_ps = sum;
  }
  EXPECT_GT(std::abs(static_cast<double>(integral_ps)), 3e11);  // over a third of a second
  const SimTime end = at_milliseconds(10 * kIntervals);
  const double phase_ps = phase_error_ps(oscillator, end);
  EXPECT_NEAR(phase_ps, static_cast<double>(integral_ps), 1e-2);
  // And the reading is that phase on top of true time, rounded down.
  EXPECT_NEAR(static_cast<double>(reading_ps(oscillator, end) - end.since_start().picoseconds()),
              std::floor(phase_ps), 1.0);
}

TEST(OscillatorTest, OneTrajectoryPerSeedWhateverTheEvaluationPattern) {
  OscillatorConfig config;
  config.white_fm_adev_at_1s = 1e-9;
  config.random_walk_fm_adev_at_1s = 1e-10;
  Oscillator densely = make(config, 31);
  Oscillator sparsely = make(config, 31);
  Oscillator other_seed = make(config, 32);
  std::vector<std::int64_t> dense_readings;
  for (std::int64_t ms = 0; ms <= 70'000; ++ms) {
    const std::int64_t reading = reading_ps(densely, at_milliseconds(ms));
    if (ms % 7'000 == 0) dense_readings.push_back(reading);
  }
  std::vector<std::int64_t> sparse_readings;
  for (std::int64_t s = 0; s <= 70; s += 7)
    sparse_readings.push_back(reading_ps(sparsely, at_seconds(s)));
  EXPECT_EQ(dense_readings, sparse_readings);
  EXPECT_NE(reading_ps(other_seed, at_seconds(70)), sparse_readings.back());
}

}  // namespace
}  // namespace ptp::sim
