// Tests of the time value types: Nanoseconds' checked arithmetic and the checked conversions of
// Timestamp and TimeInterval at their limits.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "ptp/nanoseconds.h"
#include "ptp/time_interval.h"
#include "ptp/timestamp.h"

namespace ptp {
namespace {

TEST(Nanoseconds, CheckedArithmeticReportsOverflow) {
  EXPECT_EQ(Nanoseconds(5).checked_add(Nanoseconds(7)), Nanoseconds(12));
  EXPECT_EQ(Nanoseconds::max().checked_add(Nanoseconds(1)), std::nullopt);
  EXPECT_EQ(Nanoseconds::min().checked_sub(Nanoseconds(1)), std::nullopt);
  EXPECT_EQ(Nanoseconds(-3).checked_sub(Nanoseconds(4)), Nanoseconds(-7));
  EXPECT_EQ(Nanoseconds::min().checked_negate(), std::nullopt);
  EXPECT_EQ(Nanoseconds(9).checked_negate(), Nanoseconds(-9));
  EXPECT_EQ(Nanoseconds(INT64_MAX / 2 + 1).checked_mul(2), std::nullopt);
  EXPECT_EQ(Nanoseconds(-4).checked_mul(3), Nanoseconds(-12));
}

TEST(Nanoseconds, RoundingFromDoubleStaysInsideTheInt64Range) {
  EXPECT_EQ(rounded_nanoseconds(2.5), Nanoseconds(3));
  EXPECT_EQ(rounded_nanoseconds(-2.5), Nanoseconds(-3));
  EXPECT_EQ(rounded_nanoseconds(kMaxRoundedNanoseconds), Nanoseconds(9'000'000'000'000'000'000));
  EXPECT_EQ(rounded_nanoseconds(1e19), std::nullopt);
  EXPECT_EQ(rounded_nanoseconds(-1e19), std::nullopt);
  EXPECT_EQ(rounded_nanoseconds(std::numeric_limits<double>::quiet_NaN()), std::nullopt);
  EXPECT_EQ(rounded_nanoseconds(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(saturated_nanoseconds(-7.4), Nanoseconds(-7));
  EXPECT_EQ(saturated_nanoseconds(1e300), Nanoseconds(9'000'000'000'000'000'000));
  EXPECT_EQ(saturated_nanoseconds(-std::numeric_limits<double>::infinity()),
            Nanoseconds(-9'000'000'000'000'000'000));
  EXPECT_EQ(saturated_nanoseconds(std::numeric_limits<double>::quiet_NaN()), Nanoseconds(0));
}

TEST(TimeInterval, ScaledUnitsAreTwoToTheMinusSixteenNanoseconds) {
  const auto one_ns = TimeInterval::from_nanoseconds(Nanoseconds(1));
  ASSERT_TRUE(one_ns);
  EXPECT_EQ(one_ns->scaled(), 65536);
  // 2.5 ns
  const auto interval = TimeInterval::from_scaled(0x28000);
  EXPECT_EQ(interval.to_nanoseconds(), Nanoseconds(2));
  EXPECT_EQ(interval.fractional_part(), 0x8000);
}

TEST(TimeInterval, ToNanosecondsRoundsTowardNegativeInfinity) {
  EXPECT_EQ(TimeInterval::from_scaled(-1).to_nanoseconds(), Nanoseconds(-1));
  EXPECT_EQ(TimeInterval::from_scaled(-65536).to_nanoseconds(), Nanoseconds(-1));
  EXPECT_EQ(TimeInterval::from_scaled(-65537).to_nanoseconds(), Nanoseconds(-2));
  EXPECT_EQ(TimeInterval::from_scaled(65535).to_nanoseconds(), Nanoseconds(0));
}

TEST(TimeInterval, FromNanosecondsRejectsValuesTheWireCannotCarry) {
  constexpr std::int64_t kLimit = (std::int64_t{1} << 47) - 1;
  EXPECT_TRUE(TimeInterval::from_nanoseconds(Nanoseconds(kLimit)));
  EXPECT_TRUE(TimeInterval::from_nanoseconds(Nanoseconds(-kLimit)));
  const auto too_large = TimeInterval::from_nanoseconds(Nanoseconds(kLimit + 1));
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error(), TimeError::kOverflow);
  EXPECT_FALSE(TimeInterval::from_nanoseconds(Nanoseconds(-kLimit - 1)));
  EXPECT_FALSE(TimeInterval::from_nanoseconds(Nanoseconds::min()));
}

TEST(TimeInterval, TooBigIsTheLargestValue) {
  EXPECT_TRUE(TimeInterval::too_big().is_too_big());
  EXPECT_EQ(TimeInterval::too_big().scaled(), std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(TimeInterval::from_scaled(0).is_too_big());
}

TEST(Timestamp, RoundTripsThroughNanoseconds) {
  const Nanoseconds value(1'700'000'000'123'456'789);
  const auto timestamp = Timestamp::from_nanoseconds(value);
  ASSERT_TRUE(timestamp);
  EXPECT_EQ(timestamp->seconds, 1'700'000'000U);
  EXPECT_EQ(timestamp->nanoseconds, 123'456'789U);
  EXPECT_EQ(timestamp->to_nanoseconds(), value);
}

TEST(Timestamp, RejectsNegativeTimes) {
  const auto timestamp = Timestamp::from_nanoseconds(Nanoseconds(-1));
  ASSERT_FALSE(timestamp);
  EXPECT_EQ(timestamp.error(), TimeError::kNegative);
}

TEST(Timestamp, ConversionFailsPastTheRangeOfNanoseconds) {
  // INT64_MAX ns = 9223372036 s + 854775807 ns.
  EXPECT_EQ((Timestamp{9'223'372'036, 854'775'807}.to_nanoseconds()), Nanoseconds::max());
  const auto one_past = Timestamp{9'223'372'036, 854'775'808}.to_nanoseconds();
  ASSERT_FALSE(one_past);
  EXPECT_EQ(one_past.error(), TimeError::kOverflow);
  const auto far = Timestamp{Timestamp::kMaxSeconds, 0}.to_nanoseconds();
  ASSERT_FALSE(far);
  EXPECT_EQ(far.error(), TimeError::kOverflow);
  EXPECT_EQ(Timestamp::from_nanoseconds(Nanoseconds::max())->to_nanoseconds(), Nanoseconds::max());
}

TEST(Timestamp, RejectsNanosecondsFieldOfOneSecondOrMore) {
  const auto bad = Timestamp{1, 1'000'000'000}.to_nanoseconds();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), TimeError::kInvalidNanoseconds);
  EXPECT_FALSE((Timestamp{1, 1'000'000'000}.is_valid()));
  EXPECT_TRUE((Timestamp{Timestamp::kMaxSeconds, 999'999'999}.is_valid()));
  EXPECT_FALSE((Timestamp{Timestamp::kMaxSeconds + 1, 0}.is_valid()));
}

}  // namespace
}  // namespace ptp
