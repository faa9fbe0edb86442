// Tests of KalmanServo's recovery from disturbances (the conformance suite's findings): a start-up
// transient must not inflate the learnt noise, a slew at the frequency limit must not leave the
// filter with what it learnt there, a noiseless link must not turn quantization into outliers,
// and long sync intervals correct the phase gently.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "clock_model.h"
#include "ptp/servo/kalman_servo.h"

namespace ptp::servo {
namespace {

using testing::ClockModel;
using testing::ClockModelConfig;

ServoConfig kalman_config(double interval_s) {
  ServoConfig config;
  config.kind = ServoKind::kKalman;
  config.sync_interval = Nanoseconds(std::llround(interval_s * 1e9));
  return config;
}

Nanoseconds at(double seconds) { return Nanoseconds(std::llround(seconds * 1e9)); }

// One closed-loop sample whose measurement carries `error_ns` on top of the model's noise (the
// path delay still settling, say); returns the true offset before it.
double sample_with_error(KalmanServo& servo, ClockModel& clock, double error_ns) {
  const double truth = clock.true_offset_ns();
  const Nanoseconds measured(clock.measured_offset().count() + std::llround(error_ns));
  clock.apply(servo.sample(measured, clock.local_time()));
  clock.advance();
  return truth;
}

TEST(KalmanRecovery, AStartTransientDoesNotInflateTheNoise) {
  // As on linuxptp-testsuite's reference network after the first step: the path delay filter
  // still holds delays measured before it, and the offsets move by microseconds for ~10 s.
  ClockModelConfig model;
  model.interval_s = 1.0;
  model.frequency_offset_ppb = 100'000;
  model.phase_noise_sigma_ns = 100;
  model.seed = 3;
  ClockModel clock(model);
  KalmanServo servo(kalman_config(1.0), 0);
  const std::vector<double> transient = {-13600, -13600, -600, 3000, 6300, 7700,
                                         8700,   8900,   9200, 8200, 7900, 8200};
  for (int i = 0; i < 3; ++i) sample_with_error(servo, clock, 0);
  for (const double error : transient) sample_with_error(servo, clock, error);
  double worst_ns = 0;
  for (int i = 0; i < 60; ++i) {
    const double truth = sample_with_error(servo, clock, 0);
    if (i >= 20) worst_ns = std::max(worst_ns, std::abs(truth));
  }
  // The real noise is 100 ns; the transient is not noise (before: 1.4 us).
  EXPECT_LT(servo.measurement_noise_ns(), 400.0);
  // Recovered 20 s after the transient (the suite's 2 us limit; before: tens of seconds slower).
  EXPECT_LT(worst_ns, 1000.0);
}

TEST(KalmanRecovery, ASaturatedSlewIsForgottenOnceItEnds) {
  // Stepping forbidden and a 5 ms offset: the control sits at the 100 ppm limit for ~80 s. While
  // the clock slews, the offsets carry tens of microseconds of path delay error.
  ServoConfig config = kalman_config(1.0);
  config.first_step_threshold = Nanoseconds(0);
  config.clock_max_frequency_ppb = 100'000;
  ClockModelConfig model;
  model.interval_s = 1.0;
  model.frequency_offset_ppb = 37'000;
  model.initial_offset_ns = 5'000'000;
  model.phase_noise_sigma_ns = 50;
  model.seed = 5;
  ClockModel clock(model);
  KalmanServo servo(config, 0);
  int sample = 0;
  for (; sample < 200 && std::abs(clock.true_offset_ns()) > 100'000; ++sample) {
    sample_with_error(servo, clock, (sample % 2 == 0 ? 30'000.0 : -30'000.0));
  }
  ASSERT_LT(sample, 200);
  double worst_ns = 0;
  for (int i = 0; i < 100; ++i) {
    const double truth = sample_with_error(servo, clock, 0);
    if (i >= 40) worst_ns = std::max(worst_ns, std::abs(truth));
  }
  EXPECT_LT(servo.measurement_noise_ns(), 150.0);
  EXPECT_LT(worst_ns, 500.0);
}

TEST(KalmanRecovery, QuantizationOnANoiselessLinkIsNoOutlier) {
  // No packet noise at all (linuxptp-testsuite's delayed Follow_Up run): the offsets are whole
  // nanoseconds, and a 1 ns change must stay inside the gate however long the run.
  ClockModelConfig model;
  model.interval_s = 1.0;
  model.phase_noise_sigma_ns = 0;
  model.wander_ppb_per_sqrt_s = 0.001;
  ClockModel clock(model);
  KalmanServo servo(kalman_config(1.0), 0);
  double worst_ns = 0;
  for (int i = 0; i < 5000; ++i) {
    const double truth = sample_with_error(servo, clock, 0);
    if (i >= 100) worst_ns = std::max(worst_ns, std::abs(truth));
  }
  EXPECT_GE(servo.measurement_noise_ns(), 1.0);
  EXPECT_EQ(servo.rejected_samples(), 0U);
  EXPECT_LT(worst_ns, 5.0);
}

TEST(KalmanRecovery, LongSyncIntervalsCorrectThePhaseOverTwoIntervals) {
  // At logSyncInterval 3 the path delay is measured between Syncs while the phase term is in
  // force; dead-beat correction rang. Two samples: 1000 ppb fast, 8000 ns ahead.
  KalmanServo servo(kalman_config(8.0), 0);
  servo.sample(Nanoseconds(0), at(8));
  const ServoDecision second = servo.sample(Nanoseconds(8000), at(16));
  EXPECT_NEAR(servo.frequency_error_ppb(), 1000.0, 1.0);
  EXPECT_NEAR(second.frequency_ppb, -1000.0 - 8000.0 / 16.0, 2.0);
  // At one second and below, dead-beat as before.
  KalmanServo fast(kalman_config(1.0), 0);
  fast.sample(Nanoseconds(0), at(1));
  EXPECT_NEAR(fast.sample(Nanoseconds(1000), at(2)).frequency_ppb, -2000.0, 2.0);
}

TEST(KalmanRecovery, WarmUpSteersWithTheMostAgileWanderTheIntervalAllows) {
  // Until the scores are kept, the steering filter's wander over one interval (q T^3 / 3) stays
  // within the measurement noise (100 ns by default), capped at 1e4 ppb^2/s.
  for (const double interval_s : {0.125, 1.0, 8.0, 16.0}) {
    KalmanServo servo(kalman_config(interval_s), 0);
    servo.sample(Nanoseconds(0), at(interval_s));
    servo.sample(Nanoseconds(10), at(2 * interval_s));
    const double limit = std::min(1.0e4, 3.0 * 100.0 * 100.0 / std::pow(interval_s, 3));
    const double q = servo.frequency_wander_ppb2_per_s();
    EXPECT_LE(q, limit * 1.01) << interval_s;
    EXPECT_GT(q * std::sqrt(10.0), limit * 0.99) << interval_s;
  }
}

}  // namespace
}  // namespace ptp::servo
