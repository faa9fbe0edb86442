// Tests of KalmanServo: start-up (s0, then s1/s2 from two samples), the first step, the adapted
// noise terms against the model's known ones, the outlier gate, step_threshold and hold-over.
#include "ptp/servo/kalman_servo.h"

#include <gtest/gtest.h>

#include <cmath>

#include "clock_model.h"

namespace ptp::servo {
namespace {

using testing::ClockModel;
using testing::ClockModelConfig;
using testing::run_loop;

ServoConfig kalman_config(double interval_s = 0.125) {
  ServoConfig config;
  config.kind = ServoKind::kKalman;
  config.sync_interval = Nanoseconds(std::llround(interval_s * 1e9));
  return config;
}

Nanoseconds at(double seconds) { return Nanoseconds(std::llround(seconds * 1e9)); }

TEST(KalmanServo, TwoSamplesGiveFrequencyAndPhase) {
  KalmanServo servo(kalman_config(1.0), 0);
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(1)).state, ServoState::kUnlocked);
  const ServoDecision second = servo.sample(Nanoseconds(1000), at(2));
  EXPECT_EQ(second.state, ServoState::kLocked);
  // With an uninformative frequency prior, two samples determine the line: 1000 ppb fast, 1000 ns
  // ahead. Dead-beat: cancel the frequency and remove the 1000 ns within the next second.
  EXPECT_NEAR(servo.frequency_error_ppb(), 1000.0, 1.0);
  EXPECT_NEAR(second.frequency_ppb, -2000.0, 2.0);
  EXPECT_NEAR(servo.frequency_ppb(), -1000.0, 1.0);  // hold-over: no phase term
}

TEST(KalmanServo, FirstStepOnTheSecondSample) {
  KalmanServo servo(kalman_config(1.0), 0);
  servo.sample(Nanoseconds(50'000), at(1));
  const ServoDecision jump = servo.sample(Nanoseconds(50'000), at(2));
  EXPECT_EQ(jump.state, ServoState::kJump);
  ASSERT_TRUE(jump.step.has_value());
  EXPECT_NEAR(static_cast<double>(jump.step->count()), -50'000.0, 1.0);
  // The clock was stepped: its next reading is 50 us lower and on time.
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(3 - 50e-6)).state, ServoState::kLocked);
}

TEST(KalmanServo, AdaptsTheMeasurementNoiseToTheModels) {
  for (const double sigma : {20.0, 500.0}) {
    ClockModelConfig model;
    model.phase_noise_sigma_ns = sigma;
    model.seed = 11;
    ClockModel clock(model);
    KalmanServo servo(kalman_config(), 0);
    run_loop(servo, clock, 3000);
    // 256-sample averaging: the estimate's own spread is about sigma * sqrt(1 / 256) = 6%.
    EXPECT_NEAR(servo.measurement_noise_ns(), sigma, 0.2 * sigma);
  }
}

TEST(KalmanServo, ChoosesTheWanderNearTheModels) {
  // A random-walk frequency of 5 ppb per sqrt(s) is a wander density of 25 ppb^2/s.
  ClockModelConfig model;
  model.wander_ppb_per_sqrt_s = 5;
  model.seed = 3;
  ClockModel wandering(model);
  KalmanServo servo(kalman_config(), 0);
  run_loop(servo, wandering, 4000);
  EXPECT_GT(servo.frequency_wander_ppb2_per_s(), 25.0 / 10);
  EXPECT_LT(servo.frequency_wander_ppb2_per_s(), 25.0 * 10);
  // Without wander it settles at the bottom of the range, a long memory.
  model.wander_ppb_per_sqrt_s = 0;
  ClockModel stable(model);
  KalmanServo steady(kalman_config(), 0);
  run_loop(steady, stable, 4000);
  EXPECT_LT(steady.frequency_wander_ppb2_per_s(), 0.01);
}

TEST(KalmanServo, IgnoresASpikeButFollowsAPersistentJump) {
  ClockModelConfig model;
  model.seed = 5;
  ClockModel clock(model);
  KalmanServo servo(kalman_config(), 0);
  run_loop(servo, clock, 800);
  const double holdover = servo.frequency_ppb();
  // One 1 ms spike: coasted through. The decision keeps cancelling the oscillator (the phase term
  // is a few ns over 125 ms, tens of ppb at most).
  const Nanoseconds t = clock.local_time();
  const ServoDecision spike = servo.sample(Nanoseconds(1'000'000), t);
  EXPECT_EQ(spike.state, ServoState::kLocked);
  EXPECT_FALSE(spike.step.has_value());
  EXPECT_NEAR(spike.frequency_ppb, holdover, 200.0);
  EXPECT_NEAR(servo.frequency_ppb(), holdover, 1.0);
  // The same offset again and again: coasted through for outlier_holdover (2 s, 16 samples)
  // since the first of them, then believed and steered away (1 ms within 125 ms is 8e6 ppb).
  ServoDecision last;
  const auto sample_at = [&](int i) {
    return servo.sample(Nanoseconds(1'000'000), Nanoseconds(t.count() + 125'000'000LL * i));
  };
  for (int i = 1; i <= 16; ++i) {
    last = sample_at(i);
    EXPECT_NEAR(last.frequency_ppb, holdover, 1'000.0) << i;
  }
  last = sample_at(17);
  EXPECT_LT(last.frequency_ppb, holdover - 1e6);
}

TEST(KalmanServo, StepThresholdStartsOver) {
  ServoConfig config = kalman_config(1.0);
  config.step_threshold = Nanoseconds(1'000'000);
  KalmanServo servo(config, 0);
  servo.sample(Nanoseconds(0), at(1));
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(2)).state, ServoState::kLocked);
  EXPECT_EQ(servo.sample(Nanoseconds(3'000'000), at(3)).state, ServoState::kUnlocked);
  EXPECT_EQ(servo.sample(Nanoseconds(3'000'000), at(4)).state, ServoState::kUnlocked);
  const ServoDecision jump = servo.sample(Nanoseconds(3'000'000), at(5));
  EXPECT_EQ(jump.state, ServoState::kJump);
}

TEST(KalmanServo, HoldsTheFrequencyEstimateAcrossReset) {
  ClockModelConfig model;
  model.seed = 8;
  ClockModel clock(model);
  KalmanServo servo(kalman_config(), 0);
  run_loop(servo, clock, 1000);
  // Hold-over: the oscillator's +37 ppm, cancelled.
  EXPECT_NEAR(servo.frequency_ppb(), -37'000.0, 1.0);
  servo.reset();
  EXPECT_NEAR(servo.frequency_ppb(), -37'000.0, 1.0);
  EXPECT_EQ(servo.sample(clock.measured_offset(), clock.local_time()).state, ServoState::kUnlocked);
  EXPECT_EQ(servo.name(), "kalman");
}

TEST(KalmanServo, TimeGoingBackwardsStartsOver) {
  KalmanServo servo(kalman_config(1.0), 0);
  servo.sample(Nanoseconds(0), at(5));
  servo.sample(Nanoseconds(0), at(6));
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(4)).state, ServoState::kUnlocked);
}

}  // namespace
}  // namespace ptp::servo
