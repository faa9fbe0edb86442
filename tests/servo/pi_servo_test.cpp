// Tests of PiServo against ptp4l's documented PI behaviour: the gains for a sync interval, the
// two-sample frequency estimate (s0 -> s1), first_step_threshold and step_threshold, the
// frequency limit, and s3. Expected values are worked out by hand from ptp4l's formulas.
#include "ptp/servo/pi_servo.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ptp::servo {
namespace {

constexpr Nanoseconds kSecond(kNanosecondsPerSecond);

ServoConfig config_with(Nanoseconds sync_interval, bool hardware = true) {
  ServoConfig config;
  config.sync_interval = sync_interval;
  config.hardware_timestamps = hardware;
  return config;
}

Nanoseconds at(double seconds) { return Nanoseconds(std::llround(seconds * 1e9)); }

TEST(PiServo, HardwareGainsFollowTheSyncInterval) {
  PiServo servo(config_with(kSecond), 0);
  EXPECT_DOUBLE_EQ(servo.kp(), 0.7);  // 0.7 * 1^-0.3
  EXPECT_DOUBLE_EQ(servo.ki(), 0.3);  // 0.3 * 1^0.4
  servo.set_sync_interval(Nanoseconds(125'000'000));
  EXPECT_NEAR(servo.kp(), 1.306, 0.001);    // 0.7 * 0.125^-0.3 = 0.7 * 1.8661
  EXPECT_NEAR(servo.ki(), 0.1306, 0.0001);  // 0.3 * 0.125^0.4 = 0.3 * 0.4353
  servo.set_sync_interval(Nanoseconds(16 * kNanosecondsPerSecond));
  // 0.7 * 16^-0.3 = 0.305 exceeds norm_max / interval = 0.7 / 16; likewise 0.3 * 16^0.4 = 0.909.
  EXPECT_DOUBLE_EQ(servo.kp(), 0.7 / 16);
  EXPECT_DOUBLE_EQ(servo.ki(), 0.3 / 16);
}

TEST(PiServo, SoftwareTimestampsUseTheSoftwareScales) {
  const PiServo servo(config_with(kSecond, /*hardware=*/false), 0);
  EXPECT_DOUBLE_EQ(servo.kp(), 0.1);
  EXPECT_DOUBLE_EQ(servo.ki(), 0.001);
}

TEST(PiServo, ExplicitConstantsNeedBothAndAreCappedForStability) {
  ServoConfig config = config_with(kSecond);
  config.pi.proportional_const = 0.5;
  config.pi.integral_const = 0.05;
  PiServo servo(config, 0);
  EXPECT_DOUBLE_EQ(servo.kp(), 0.5);
  EXPECT_DOUBLE_EQ(servo.ki(), 0.05);
  servo.set_sync_interval(at(4));  // caps 1.0 / 4 and 2.0 / 4
  EXPECT_DOUBLE_EQ(servo.kp(), 0.25);
  EXPECT_DOUBLE_EQ(servo.ki(), 0.05);
  config.pi.integral_const = 0;  // only one given: ptp4l ignores it
  EXPECT_DOUBLE_EQ(PiServo(config, 0).kp(), 0.7);
}

TEST(PiServo, ExplicitScalesReplaceTheDefaults) {
  ServoConfig config = config_with(at(0.5));
  config.pi.proportional_scale = 0.2;
  config.pi.integral_scale = 0.02;
  const PiServo servo(config, 0);
  EXPECT_DOUBLE_EQ(servo.kp(), 0.2 * std::pow(0.5, -0.3));
  EXPECT_DOUBLE_EQ(servo.ki(), 0.02 * std::pow(0.5, 0.4));
}

TEST(PiServo, TwoSamplesEstimateTheFrequencyThenLock) {
  PiServo servo(config_with(kSecond), 0);
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(10)).state, ServoState::kUnlocked);
  // The offset grew 1000 ns in 1 s: the clock is 1000 ppb fast, so slow it by 1000 ppb.
  const ServoDecision second = servo.sample(Nanoseconds(1000), at(11));
  EXPECT_EQ(second.state, ServoState::kLocked);
  EXPECT_FALSE(second.step.has_value());
  EXPECT_DOUBLE_EQ(second.frequency_ppb, -1000.0);
  // Locked: frequency = -(kp * offset + drift + ki * offset) = -(0.7 * 100 + 1000 + 0.3 * 100).
  const ServoDecision third = servo.sample(Nanoseconds(100), at(12));
  EXPECT_EQ(third.state, ServoState::kLocked);
  EXPECT_DOUBLE_EQ(third.frequency_ppb, -1100.0);
  // What to hold when samples stop: the drift (1000 + 30), not the proportional term's 70.
  EXPECT_DOUBLE_EQ(servo.frequency_ppb(), -1030.0);
  // The integral term stays in the drift: next, 0 offset leaves -(1000 + 30).
  EXPECT_DOUBLE_EQ(servo.sample(Nanoseconds(0), at(13)).frequency_ppb, -1030.0);
  EXPECT_DOUBLE_EQ(servo.frequency_ppb(), -1030.0);
}

TEST(PiServo, FrequencyEstimateStartsFromTheClocksAdjustment) {
  PiServo servo(config_with(kSecond), 500);  // the clock already runs +500 ppb
  servo.sample(Nanoseconds(0), at(1));
  // drift(ptp4l sign) = -500 + (1e9 + 500) * 1000 / 1e9 = 500.0005 -> frequency -500.0005.
  EXPECT_NEAR(servo.sample(Nanoseconds(1000), at(2)).frequency_ppb, -500.0005, 1e-9);
}

TEST(PiServo, WaitsUntilTheSamplesAreFarEnoughApart) {
  // Software gains at 1 s: ki = 0.001, so the estimate needs 0.016 / 0.001 = 16 s between the
  // two samples, with a 0.1% margin: 15.99 s qualifies (15.99 * 1.001 = 16.006), 15.98 does not.
  PiServo servo(config_with(kSecond, /*hardware=*/false), 0);
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(100)).state, ServoState::kUnlocked);
  EXPECT_EQ(servo.sample(Nanoseconds(10), at(101)).state, ServoState::kUnlocked);
  EXPECT_EQ(servo.sample(Nanoseconds(10), at(115.98)).state, ServoState::kUnlocked);
  const ServoDecision decision = servo.sample(Nanoseconds(1599), at(115.99));
  EXPECT_EQ(decision.state, ServoState::kLocked);
  // Measured against the first sample: 1599 ns over 15.99 s = 100 ppb fast.
  EXPECT_NEAR(decision.frequency_ppb, -100.0, 1e-9);
}

TEST(PiServo, TimeGoingBackwardsRestartsTheEstimate) {
  PiServo servo(config_with(kSecond), 0);
  servo.sample(Nanoseconds(0), at(5));
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(4)).state, ServoState::kUnlocked);
  // Both samples are dropped (as ptp4l does): the next one starts the pair again.
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(5)).state, ServoState::kUnlocked);
  EXPECT_EQ(servo.sample(Nanoseconds(200), at(6)).state, ServoState::kLocked);
  EXPECT_DOUBLE_EQ(servo.frequency_ppb(), -200.0);
}

TEST(PiServo, FirstStepThresholdStepsOnlyTheFirstUpdate) {
  PiServo servo(config_with(kSecond), 0);  // first_step_threshold 20 us, step_threshold 0
  servo.sample(Nanoseconds(30'000), at(1));
  const ServoDecision jump = servo.sample(Nanoseconds(30'000), at(2));
  EXPECT_EQ(jump.state, ServoState::kJump);
  EXPECT_EQ(jump.step, Nanoseconds(-30'000));
  EXPECT_DOUBLE_EQ(jump.frequency_ppb, 0.0);
  // After the first update, with step_threshold 0, a large offset is slewed, never stepped.
  servo.reset();
  servo.sample(Nanoseconds(50'000), at(3));
  const ServoDecision later = servo.sample(Nanoseconds(50'000), at(4));
  EXPECT_EQ(later.state, ServoState::kLocked);
  EXPECT_FALSE(later.step.has_value());
}

TEST(PiServo, OffsetsWithinFirstStepThresholdAreSlewed) {
  PiServo servo(config_with(kSecond), 0);
  servo.sample(Nanoseconds(20'000), at(1));
  EXPECT_EQ(servo.sample(Nanoseconds(20'000), at(2)).state, ServoState::kLocked);  // not above
}

TEST(PiServo, ZeroFirstStepThresholdNeverSteps) {
  ServoConfig config = config_with(kSecond);
  config.first_step_threshold = Nanoseconds(0);
  PiServo servo(config, 0);
  servo.sample(Nanoseconds(5'000'000), at(1));
  EXPECT_EQ(servo.sample(Nanoseconds(5'000'000), at(2)).state, ServoState::kLocked);
}

TEST(PiServo, StepThresholdUnlocksThenStepsAfterReestimating) {
  ServoConfig config = config_with(kSecond);
  config.step_threshold = Nanoseconds(1'000'000);  // 1 ms
  PiServo servo(config, 0);
  servo.sample(Nanoseconds(0), at(1));
  EXPECT_EQ(servo.sample(Nanoseconds(0), at(2)).state, ServoState::kLocked);
  EXPECT_EQ(servo.sample(Nanoseconds(10), at(3)).state, ServoState::kLocked);
  // A 2 ms offset: start over (s0), re-estimate, then step (s1).
  EXPECT_EQ(servo.sample(Nanoseconds(2'000'000), at(4)).state, ServoState::kUnlocked);
  EXPECT_EQ(servo.sample(Nanoseconds(2'000'000), at(5)).state, ServoState::kUnlocked);
  const ServoDecision jump = servo.sample(Nanoseconds(2'000'000), at(6));
  EXPECT_EQ(jump.state, ServoState::kJump);
  EXPECT_EQ(jump.step, Nanoseconds(-2'000'000));
}

TEST(PiServo, FrequencyIsClampedAndTheIntegralDoesNotWindUp) {
  ServoConfig config = config_with(kSecond);
  config.max_frequency_ppb = 900'000'000;
  config.clock_max_frequency_ppb = 5000;  // the clock's own limit is the smaller one
  PiServo servo(config, 0);
  servo.sample(Nanoseconds(0), at(1));
  // 10 000 ppb fast: the estimate is clamped to the clock's 5000.
  EXPECT_DOUBLE_EQ(servo.sample(Nanoseconds(10'000), at(2)).frequency_ppb, -5000.0);
  EXPECT_DOUBLE_EQ(servo.sample(Nanoseconds(15'000), at(3)).frequency_ppb, -5000.0);
  // Saturated samples left the drift at 5000 (ptp4l sign): a zero offset asks for exactly that.
  EXPECT_DOUBLE_EQ(servo.sample(Nanoseconds(0), at(4)).frequency_ppb, -5000.0);
  EXPECT_DOUBLE_EQ(servo.sample(Nanoseconds(-1000), at(5)).frequency_ppb, -(5000.0 - 1000.0));
}

TEST(PiServo, LockedStableAfterARunOfSmallOffsets) {
  ServoConfig config = config_with(kSecond);
  config.offset_threshold = Nanoseconds(100);
  config.num_offset_values = 3;
  PiServo servo(config, 0);
  servo.sample(Nanoseconds(0), at(1));
  EXPECT_EQ(servo.sample(Nanoseconds(10), at(2)).state, ServoState::kLocked);   // 2 to go
  EXPECT_EQ(servo.sample(Nanoseconds(-10), at(3)).state, ServoState::kLocked);  // 1 to go
  EXPECT_EQ(servo.sample(Nanoseconds(5), at(4)).state, ServoState::kLockedStable);
  EXPECT_EQ(servo.sample(Nanoseconds(500), at(5)).state, ServoState::kLocked);  // run broken
  EXPECT_EQ(servo.sample(Nanoseconds(5), at(6)).state, ServoState::kLocked);
}

TEST(PiServo, ResetKeepsTheFrequency) {
  PiServo servo(config_with(kSecond), 0);
  servo.sample(Nanoseconds(0), at(1));
  servo.sample(Nanoseconds(300), at(2));
  servo.reset();
  const ServoDecision decision = servo.sample(Nanoseconds(0), at(3));
  EXPECT_EQ(decision.state, ServoState::kUnlocked);
  EXPECT_DOUBLE_EQ(servo.frequency_ppb(), -300.0);
  EXPECT_EQ(servo.name(), "pi");
}

}  // namespace
}  // namespace ptp::servo
