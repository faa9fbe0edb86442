// Tests of the servo factory: clock_servo names both ways, configuration validation with its
// specific errors, and that each kind builds the servo of that name.
#include "ptp/servo/servo_factory.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace ptp::servo {
namespace {

TEST(ServoFactory, ParsesTheClockServoNames) {
  EXPECT_EQ(parse_servo_kind("pi"), ServoKind::kPi);
  EXPECT_EQ(parse_servo_kind("linreg"), ServoKind::kLinreg);
  EXPECT_EQ(parse_servo_kind("kalman"), ServoKind::kKalman);
  EXPECT_EQ(parse_servo_kind("envelope"), ServoKind::kEnvelope);
  for (const std::string_view bad : {"", "PI", "nullf", "ntpshm", "pi ", "kalm"}) {
    EXPECT_EQ(parse_servo_kind(bad), unexpected(ServoError::kUnknownServoName)) << bad;
  }
  for (const ServoKind kind :
       {ServoKind::kPi, ServoKind::kLinreg, ServoKind::kKalman, ServoKind::kEnvelope}) {
    EXPECT_EQ(parse_servo_kind(to_string(kind)), kind);
  }
}

TEST(ServoFactory, BuildsEachKind) {
  for (const ServoKind kind :
       {ServoKind::kPi, ServoKind::kLinreg, ServoKind::kKalman, ServoKind::kEnvelope}) {
    ServoConfig config;
    config.kind = kind;
    auto servo = make_servo(config, 1234.0);
    ASSERT_TRUE(servo.has_value()) << to_string(kind);
    EXPECT_EQ((*servo)->name(), to_string(kind));
    // Before any sample, the servo wants what the clock already has.
    EXPECT_DOUBLE_EQ((*servo)->frequency_ppb(), 1234.0);
  }
}

TEST(ServoFactory, DefaultsAreThoseOfPtp4l) {
  const ServoConfig config;
  EXPECT_EQ(config.kind, ServoKind::kPi);
  EXPECT_EQ(config.step_threshold, Nanoseconds(0));
  EXPECT_EQ(config.first_step_threshold, Nanoseconds(20'000));
  EXPECT_EQ(config.max_frequency_ppb, 900'000'000.0);
  EXPECT_EQ(config.pi.proportional_const, 0.0);
  EXPECT_EQ(config.pi.integral_const, 0.0);
  EXPECT_EQ(config.pi.proportional_scale, 0.0);
  EXPECT_EQ(config.pi.proportional_exponent, -0.3);
  EXPECT_EQ(config.pi.proportional_norm_max, 0.7);
  EXPECT_EQ(config.pi.integral_scale, 0.0);
  EXPECT_EQ(config.pi.integral_exponent, 0.4);
  EXPECT_EQ(config.pi.integral_norm_max, 0.3);
  EXPECT_EQ(config.offset_threshold, Nanoseconds(0));
  EXPECT_EQ(config.num_offset_values, 10);
  EXPECT_TRUE(validate(config).has_value());
}

TEST(ServoFactory, FrequencyLimitIsTheSmallerPositiveOne) {
  ServoConfig config;
  config.clock_max_frequency_ppb = 500'000;
  EXPECT_EQ(effective_max_frequency_ppb(config), 500'000.0);
  config.max_frequency_ppb = 0;  // no configured limit: the clock's alone
  EXPECT_EQ(effective_max_frequency_ppb(config), 500'000.0);
  config.clock_max_frequency_ppb = 0;
  EXPECT_EQ(make_servo(config, 0).error(), ServoError::kNoFrequencyLimit);
}

TEST(ServoFactory, RejectsInvalidConfiguration) {
  const auto error_of = [](auto mutate, double initial_frequency = 0.0) {
    ServoConfig config;
    mutate(config);
    auto servo = make_servo(config, initial_frequency);
    EXPECT_FALSE(servo.has_value());
    return servo.has_value() ? ServoError::kUnknownServoKind : servo.error();
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(error_of([](ServoConfig& c) { c.kind = static_cast<ServoKind>(9); }),
            ServoError::kUnknownServoKind);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.step_threshold = Nanoseconds(-1); }),
            ServoError::kNegativeStepThreshold);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.first_step_threshold = Nanoseconds(-1); }),
            ServoError::kNegativeFirstStepThreshold);
  EXPECT_EQ(error_of([&](ServoConfig& c) { c.max_frequency_ppb = nan; }),
            ServoError::kBadFrequency);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.clock_max_frequency_ppb = -1; }),
            ServoError::kBadFrequency);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.max_frequency_ppb = 1000; }, 1001.0),
            ServoError::kBadFrequency);
  EXPECT_EQ(error_of([](ServoConfig&) {}, nan), ServoError::kBadFrequency);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.pi.proportional_const = -0.1; }),
            ServoError::kBadPiConstant);
  EXPECT_EQ(error_of([&](ServoConfig& c) { c.pi.integral_exponent = nan; }),
            ServoError::kBadPiConstant);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.pi.proportional_norm_max = 1.5; }),
            ServoError::kBadPiNormMax);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.pi.integral_norm_max = 0; }),
            ServoError::kBadPiNormMax);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.sync_interval = Nanoseconds(0); }),
            ServoError::kBadSyncInterval);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.offset_threshold = Nanoseconds(-5); }),
            ServoError::kBadOffsetThreshold);
  EXPECT_EQ(error_of([](ServoConfig& c) {
              c.kalman.min_frequency_wander_ppb2_per_s = 10;
              c.kalman.max_frequency_wander_ppb2_per_s = 1;
            }),
            ServoError::kBadKalmanParameter);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.kalman.phase_correction_intervals = 0.5; }),
            ServoError::kBadKalmanParameter);
  EXPECT_EQ(error_of([](ServoConfig& c) { c.kalman.outlier_holdover = Nanoseconds(-1); }),
            ServoError::kBadKalmanParameter);
  EXPECT_EQ(error_of([](ServoConfig& c) {
              c.kalman.path_change_holdover = Nanoseconds(c.kalman.outlier_holdover.count() - 1);
            }),
            ServoError::kBadKalmanParameter);
}

TEST(ServoFactory, EveryServoSurvivesExtremeInputs) {
  // Offsets and times at the ends of the int64 range, time going backwards and standing still:
  // no overflow (the sanitizers would abort), and every frequency finite and within the limit.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  const std::int64_t offsets[] = {kMax, kMin, 0, kMax, -1, kMin, 1, 1'000'000'000, kMax, kMin};
  const std::int64_t times[] = {kMin, 0, kMax, kMax, kMax - 1, kMin, 0, 1, kMax, kMin + 1};
  for (const ServoKind kind :
       {ServoKind::kPi, ServoKind::kLinreg, ServoKind::kKalman, ServoKind::kEnvelope}) {
    ServoConfig config;
    config.kind = kind;
    config.step_threshold = Nanoseconds(1000);
    auto servo = make_servo(config, 0.0);
    ASSERT_TRUE(servo.has_value());
    for (std::size_t round = 0; round < 3; ++round) {
      for (std::size_t i = 0; i < std::size(offsets); ++i) {
        const ServoDecision decision =
            (*servo)->sample(Nanoseconds(offsets[i]), Nanoseconds(times[(i + round) % 10]));
        ASSERT_TRUE(std::isfinite(decision.frequency_ppb)) << to_string(kind);
        ASSERT_LE(std::abs(decision.frequency_ppb), 900'000'000.0) << to_string(kind);
      }
    }
  }
}

TEST(ServoFactory, EveryErrorHasItsOwnText) {
  std::set<std::string_view> texts;
  for (int e = 0; e <= static_cast<int>(ServoError::kBadKalmanParameter); ++e) {
    texts.insert(to_string(static_cast<ServoError>(e)));
  }
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(ServoError::kBadKalmanParameter) + 1);
}

}  // namespace
}  // namespace ptp::servo
