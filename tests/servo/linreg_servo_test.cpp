// Tests of LinregServo: no decision before four points, the frequency and offset correction of an
// exact line worked out by hand, the first step, step_threshold, reset and the frequency limit.
#include "ptp/servo/linreg_servo.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ptp::servo {
namespace {

ServoConfig one_second() {
  ServoConfig config;
  config.kind = ServoKind::kLinreg;
  config.sync_interval = Nanoseconds(kNanosecondsPerSecond);
  return config;
}

// A free-running clock 1000 ppb fast, sampled every master second: local time advances 1e9 + 1000
// ns per sample and the offset grows 1000 ns per sample.
ServoDecision feed_ramp(LinregServo& servo, int k) {
  return servo.sample(Nanoseconds(1000LL * k), Nanoseconds((1'000'000'000LL + 1000) * k + 5));
}

TEST(LinregServo, UnlockedUntilFourPoints) {
  LinregServo servo(one_second(), 0);
  for (int k = 0; k < 3; ++k) {
    const ServoDecision decision = feed_ramp(servo, k);
    EXPECT_EQ(decision.state, ServoState::kUnlocked) << k;
    EXPECT_DOUBLE_EQ(decision.frequency_ppb, 0.0);
  }
  EXPECT_EQ(servo.fit_size(), 0U);
  EXPECT_EQ(feed_ramp(servo, 3).state, ServoState::kLocked);
  EXPECT_EQ(servo.fit_size(), 4U);
}

TEST(LinregServo, ExactLineGivesSlopeAndOffsetCorrection) {
  LinregServo servo(one_second(), 0);
  for (int k = 0; k < 3; ++k) feed_ramp(servo, k);
  const ServoDecision decision = feed_ramp(servo, 3);
  // Master time per uncorrected local time: slope = 1e9 / (1e9 + 1000). The newest offset is
  // 3000 ns, removed within one interval (1 s): -3000 ppb on top of the slope's frequency.
  const double slope_ppb = 1e9 * (1e9 / (1e9 + 1000) - 1);
  EXPECT_NEAR(decision.frequency_ppb, slope_ppb - 3000.0, 1e-3);
  // What to hold when samples stop: the slope's frequency, not the offset's correction.
  EXPECT_NEAR(servo.frequency_ppb(), slope_ppb, 1e-3);
}

TEST(LinregServo, FirstUpdateStepsBeyondFirstStepThreshold) {
  LinregServo servo(one_second(), 0);
  for (int k = 0; k < 3; ++k) {
    servo.sample(Nanoseconds(30'000), Nanoseconds(1'000'000'000LL * k));
  }
  const ServoDecision jump = servo.sample(Nanoseconds(30'000), Nanoseconds(3'000'000'000LL));
  EXPECT_EQ(jump.state, ServoState::kJump);
  EXPECT_EQ(jump.step, Nanoseconds(-30'000));
  EXPECT_NEAR(jump.frequency_ppb, 0.0, 1e-6);  // no drift, and the offset is stepped away
  // After the step the clock reads 30 us less; the servo's history was moved with it.
  const ServoDecision next = servo.sample(Nanoseconds(0), Nanoseconds(4'000'000'000LL - 30'000));
  EXPECT_EQ(next.state, ServoState::kLocked);
  EXPECT_NEAR(next.frequency_ppb, 0.0, 1e-3);
}

TEST(LinregServo, StepThresholdStepsWhileLocked) {
  ServoConfig config = one_second();
  config.step_threshold = Nanoseconds(1'000'000);
  LinregServo servo(config, 0);
  std::int64_t t = 0;
  for (int k = 0; k < 6; ++k, t += 1'000'000'000) {
    EXPECT_NE(servo.sample(Nanoseconds(0), Nanoseconds(t)).state, ServoState::kJump);
  }
  // A 5 ms jump: the 4-point fit's intercept crosses 1 ms after a few samples, then it steps.
  bool stepped = false;
  for (int k = 0; k < 4 && !stepped; ++k, t += 1'000'000'000) {
    stepped = servo.sample(Nanoseconds(5'000'000), Nanoseconds(t)).state == ServoState::kJump;
  }
  EXPECT_TRUE(stepped);
}

TEST(LinregServo, ResetNeedsFourNewPointsButKeepsTheFrequency) {
  LinregServo servo(one_second(), 0);
  for (int k = 0; k < 5; ++k) feed_ramp(servo, k);
  const double frequency = servo.frequency_ppb();
  servo.reset();
  EXPECT_EQ(feed_ramp(servo, 5).state, ServoState::kUnlocked);
  EXPECT_DOUBLE_EQ(servo.frequency_ppb(), frequency);
  EXPECT_EQ(servo.name(), "linreg");
}

TEST(LinregServo, FrequencyIsClamped) {
  ServoConfig config = one_second();
  config.clock_max_frequency_ppb = 500;
  LinregServo servo(config, 0);
  for (int k = 0; k < 4; ++k) feed_ramp(servo, k);
  EXPECT_DOUBLE_EQ(servo.frequency_ppb(), -500.0);
}

}  // namespace
}  // namespace ptp::servo
