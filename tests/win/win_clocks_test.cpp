// The Windows clocks over faked kernel32/kernelbase entries: FILETIME conversion, the QPC->system
// time mapping from the narrowest sample, absolute frequency adjustments with the precise and the
// legacy API, steps through SetSystemTime, the missing privilege, read-only mode, restoring the
// original adjustment, and the NIC clock read through cross-timestamps.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_clocks.h"
#include "fake_ip_helper.h"
#include "manual_loop.h"
#include "ptp/win/win_clocks.h"
#include "ptp/win/win_system_clock.h"

namespace ptp::win {
namespace {

// 2026-11-25T10:00:00Z as FILETIME.
constexpr std::uint64_t kNovember25 = 116'444'736'000'000'000ULL + 1'795'600'800ULL * 10'000'000ULL;

class WinSystemClockTest : public ::testing::Test {
 protected:
  WinSystemClockTest() { clocks_.file_time = kNovember25; }
  std::unique_ptr<WinSystemClock> make(bool precise, WinSystemClockConfig config = {}) {
    clocks_.install(api_, precise);
    return std::make_unique<WinSystemClock>(
        api_, config, [this](LogLevel, std::string_view text) { log_.emplace_back(text); });
  }
  test::FakeClocks clocks_;
  WinApi api_;
  std::vector<std::string> log_;
};

TEST(FileTime, ConvertsToAndFromTheUnixEpoch) {
  EXPECT_EQ(system_time_from_file_time(116'444'736'000'000'000ULL + 10),
            hal::SystemTime{Nanoseconds(1000)});
  EXPECT_EQ(file_time_from_system_time(hal::SystemTime{Nanoseconds(1099)}),
            116'444'736'000'000'010ULL);
  EXPECT_EQ(file_time_from_system_time(hal::SystemTime{Nanoseconds(-1)}),
            116'444'735'999'999'999ULL);
  // The earliest SystemTime (1677) is still after FILETIME's epoch.
  EXPECT_EQ(file_time_from_system_time(hal::SystemTime{Nanoseconds::min()}),
            116'444'736'000'000'000ULL - 92'233'720'368'547'759ULL);
}

TEST_F(WinSystemClockTest, NowReadsThePreciseSystemTime) {
  const auto clock = make(true);
  EXPECT_EQ(clock->now(), (hal::SystemTime{Nanoseconds(1'795'600'800LL * kNanosecondsPerSecond)}));
}

TEST_F(WinSystemClockTest, AtCounterUsesTheNarrowestQpcBracket) {
  const auto clock = make(true);
  // Three (before, after) brackets around the same system-time read: 100, 10 and 50 ticks wide.
  clocks_.counter_readings = {1000, 1100, 2000, 2010, 3000, 3050};
  // The middle bracket's midpoint (2005) is "now"; 10 000 ticks at 10 MHz later is +1 ms, and
  // the read, truncated to 100 ns, was the system time 50 ns ago on average.
  const auto time = clock->at_counter(hal::CounterTicks{12'005});
  ASSERT_TRUE(time);
  EXPECT_EQ(time->since_epoch.count(), 1'795'600'800LL * kNanosecondsPerSecond + 1'000'050);
}

TEST_F(WinSystemClockTest, AtCounterFarInThePastDoesNotOverflow) {
  const auto clock = make(true);
  clocks_.counter = 10'000'000LL * 86'400 * 365;  // a year of uptime
  const auto time = clock->at_counter(hal::CounterTicks{0});
  ASSERT_TRUE(time);
  EXPECT_EQ(time->since_epoch.count(),
            (1'795'600'800LL - 86'400LL * 365) * kNanosecondsPerSecond + 50);
}

TEST_F(WinSystemClockTest, PreciseAdjustmentIsAbsoluteAndReadsBack) {
  clocks_.increment = 1'000'000'000;
  clocks_.adjustment = 1'000'000'000;
  const auto clock = make(true);
  EXPECT_TRUE(clock->precise_adjustment());
  ASSERT_TRUE(clock->adjust_frequency(hal::PartsPerBillion{250}));
  ASSERT_TRUE(clock->adjust_frequency(hal::PartsPerBillion{-100}));  // not cumulative
  ASSERT_EQ(clocks_.writes.size(), 2U);
  EXPECT_EQ(clocks_.writes[1], (std::pair<std::uint64_t, bool>{999'999'900, false}));
  EXPECT_DOUBLE_EQ(clock->frequency_adjustment()->value, -100.0);
  EXPECT_DOUBLE_EQ(*clock->frequency_resolution_ppb(), 1.0);
}

TEST_F(WinSystemClockTest, LegacyAdjustmentWhereThePreciseOneIsMissing) {
  const auto clock = make(false);  // Wine: 156250/156250, disabled
  EXPECT_FALSE(clock->precise_adjustment());
  EXPECT_EQ(clock->frequency_adjustment()->value, 0.0);              // disabled: the OS disciplines
  ASSERT_TRUE(clock->adjust_frequency(hal::PartsPerBillion{6400}));  // one unit of 6.4 ppm
  ASSERT_EQ(clocks_.writes.size(), 1U);
  EXPECT_EQ(clocks_.writes[0], (std::pair<std::uint64_t, bool>{156'251, false}));
  EXPECT_DOUBLE_EQ(*clock->frequency_resolution_ppb(), 6400.0);
}

TEST_F(WinSystemClockTest, OutOfRangeAdjustmentIsRefused) {
  const auto clock = make(true);
  EXPECT_EQ(clock->max_frequency_adjustment(), hal::PartsPerBillion{500'000});
  EXPECT_EQ(clock->adjust_frequency(hal::PartsPerBillion{600'000}).error().code,
            hal::HalErrorCode::kInvalidArgument);
  EXPECT_TRUE(clocks_.writes.empty());
}

TEST_F(WinSystemClockTest, MissingPrivilegeIsPermissionDeniedSaidOnceAndNothingChanges) {
  clocks_.privilege_result = ERROR_NOT_ALL_ASSIGNED;
  const auto clock = make(true);
  EXPECT_EQ(clock->adjust_frequency(hal::PartsPerBillion{10}).error(),
            (hal::HalError{hal::HalErrorCode::kPermissionDenied, ERROR_NOT_ALL_ASSIGNED}));
  EXPECT_EQ(clock->step(Nanoseconds(1'000'000)).error().code, hal::HalErrorCode::kPermissionDenied);
  EXPECT_TRUE(clocks_.writes.empty());
  EXPECT_TRUE(clocks_.steps.empty());
  ASSERT_EQ(log_.size(), 1U);
  EXPECT_NE(log_[0].find("SE_SYSTEMTIME_NAME"), std::string::npos) << log_[0];
  EXPECT_TRUE(clock->now());  // reading still works
}

TEST_F(WinSystemClockTest, OsRefusalIsReturnedNotThrown) {
  const auto clock = make(true);
  clocks_.set_error = ERROR_PRIVILEGE_NOT_HELD;
  EXPECT_EQ(clock->adjust_frequency(hal::PartsPerBillion{10}).error(),
            (hal::HalError{hal::HalErrorCode::kPermissionDenied, ERROR_PRIVILEGE_NOT_HELD}));
  clocks_.set_error = ERROR_INVALID_PARAMETER;
  EXPECT_EQ(clock->step(Nanoseconds(5)).error(),
            (hal::HalError{hal::HalErrorCode::kOsError, ERROR_INVALID_PARAMETER}));
}

TEST_F(WinSystemClockTest, ReadOnlyNeverTouchesTheClockNorAsksForThePrivilege) {
  WinSystemClockConfig config;
  config.read_only = true;
  const auto clock = make(true, config);
  EXPECT_EQ(clocks_.privilege_requests, 0);
  EXPECT_EQ(clock->adjust_frequency(hal::PartsPerBillion{1}).error().code,
            hal::HalErrorCode::kNotSupported);
  EXPECT_EQ(clock->step(Nanoseconds(1)).error().code, hal::HalErrorCode::kNotSupported);
  EXPECT_TRUE(clock->frequency_adjustment());
  EXPECT_TRUE(clocks_.writes.empty());
  EXPECT_TRUE(clocks_.steps.empty());
}

TEST_F(WinSystemClockTest, StepSetsTheUtcTimeRoundedToTheMillisecond) {
  const auto clock = make(true);
  ASSERT_TRUE(clock->step(Nanoseconds(1'500'400'000)));                      // +1.5004 s
  ASSERT_TRUE(clock->step(Nanoseconds(-86'400LL * kNanosecondsPerSecond)));  // a day back
  ASSERT_EQ(clocks_.steps.size(), 2U);
  const SYSTEMTIME& forward = clocks_.steps[0];
  EXPECT_EQ(forward.wYear, 2026);
  EXPECT_EQ(forward.wMonth, 11);
  EXPECT_EQ(forward.wDay, 25);
  EXPECT_EQ(forward.wDayOfWeek, 3);  // a Wednesday
  EXPECT_EQ(forward.wHour, 10);
  EXPECT_EQ(forward.wMinute, 0);
  EXPECT_EQ(forward.wSecond, 1);
  EXPECT_EQ(forward.wMilliseconds, 500);
  EXPECT_EQ(clocks_.steps[1].wDay, 24);
  EXPECT_EQ(clocks_.steps[1].wHour, 10);
}

TEST_F(WinSystemClockTest, StepReturnsTheStepThatLandedOnTheMillisecond) {
  // The clock reads 345.6 us past a millisecond (FILETIME: the middle of its 100 ns unit counts);
  // SetSystemTime is called 200 us after the read and takes 2 us: the clock is set to the whole
  // millisecond 1 s on, when it would have read 345.6 us + 50 ns + 201 us past the last one.
  clocks_.file_time = kNovember25 + 3'456;
  const auto clock = make(true);
  clocks_.counter_readings = {1'000, 3'000, 3'020};
  const auto applied = clock->step(Nanoseconds(kNanosecondsPerSecond));
  ASSERT_TRUE(applied);
  EXPECT_EQ(applied->count(), kNanosecondsPerSecond - 345'600 - 50 - 201'000);
  ASSERT_EQ(clocks_.steps.size(), 1U);
  EXPECT_EQ(clocks_.steps[0].wSecond, 1);
  EXPECT_EQ(clocks_.steps[0].wMilliseconds, 0);
}

TEST_F(WinSystemClockTest, DestructionRestoresTheAdjustmentFoundBeforeTheFirstChange) {
  clocks_.adjustment = 156'240;
  clocks_.disabled = true;
  auto clock = make(true);
  ASSERT_TRUE(clock->adjust_frequency(hal::PartsPerBillion{1000}));
  ASSERT_TRUE(clock->adjust_frequency(hal::PartsPerBillion{2000}));
  clock.reset();
  ASSERT_EQ(clocks_.writes.size(), 3U);
  EXPECT_EQ(clocks_.writes.back(), (std::pair<std::uint64_t, bool>{156'240, true}));
}

TEST_F(WinSystemClockTest, RunningW32timeIsReportedOnceAtTheFirstChange) {
  clocks_.w32time = true;
  const auto clock = make(true);
  EXPECT_EQ(clocks_.w32time_queries, 0);  // not at construction: read-only users never care
  ASSERT_TRUE(clock->adjust_frequency(hal::PartsPerBillion{1}));
  ASSERT_TRUE(clock->step(Nanoseconds(1'000'000)));
  EXPECT_EQ(clocks_.w32time_queries, 1);
  ASSERT_EQ(log_.size(), 1U);
  EXPECT_NE(log_[0].find("w32time"), std::string::npos) << log_[0];
}

TEST_F(WinSystemClockTest, NoRestoreWhenNothingWasChanged) {
  auto clock = make(true);
  clock.reset();
  EXPECT_TRUE(clocks_.writes.empty());
}

TEST(WinMonotonicCounter, IsQpc) {
  test::FakeClocks clocks;
  WinApi api;
  clocks.install(api, false);
  clocks.counter = 77;
  WinMonotonicCounter counter(api);
  EXPECT_EQ(counter.now(), hal::CounterTicks{77});
  EXPECT_EQ(counter.frequency_hz(), 10'000'000U);
}

TEST(WinHardwareClock, ReadsThroughCrossTimestampsAndIsNotAdjustable) {
  test::FakeIpHelper ip_helper;
  WinApi api;
  ip_helper.install(api);
  IfTimestampCapabilities caps{};
  caps.hardware_clock_frequency_hz = 125'000'000;
  caps.supports_cross_timestamp = 1;
  ip_helper.supported[1] = caps;
  ip_helper.active[1] = caps;
  ip_helper.cross_timestamp = IfHardwareCrossTimestamp{10, 999, 20};
  test::ManualLoop loop;
  WinTimestampingInterface timestamping(api, 1, loop.hook(), nullptr);
  WinHardwareClock clock(timestamping);
  EXPECT_EQ(clock.now(), hal::NicTicks{999});
  EXPECT_EQ(clock.frequency_hz(), 125'000'000U);
  EXPECT_FALSE(clock.adjustable());
  EXPECT_EQ(clock.adjust_frequency(hal::PartsPerBillion{1}).error().code,
            hal::HalErrorCode::kNotSupported);
  EXPECT_EQ(clock.step(Nanoseconds(1)).error().code, hal::HalErrorCode::kNotSupported);
  ip_helper.cross_timestamp_result = ERROR_NOT_SUPPORTED;
  EXPECT_EQ(clock.now().error().code, hal::HalErrorCode::kNotSupported);
}

}  // namespace
}  // namespace ptp::win
