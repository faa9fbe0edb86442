// The real WinSystemClock on a simulated Windows: SetSystemTimeAdjustmentPrecise changes the
// simulated clock's rate by adjustment / increment exactly (Windows' integer units show: 0.1 ppm
// for the precise pair, 6.4 ppm for the legacy one), the
// original setting comes back on close, SetSystemTime steps to a whole millisecond, a missing
// privilege is refused, and a running w32time both draws the HAL's warning and overrides the
// adjustment at its polls.
#include <gtest/gtest.h>

#include <cmath>

#include "sim_windows_world.h"

namespace ptp::simwin::test {
namespace {

TEST(SimWindowsClock, PreciseAdjustmentChangesTheRateByTheQuantizedAmount) {
  World world(41);
  Node& node = world.add({});
  win::WinSystemClock& clock = node.win_host->system_clock();
  ASSERT_TRUE(clock.precise_adjustment());
  ASSERT_TRUE(clock.adjust_frequency(hal::PartsPerBillion{10'030}));
  // 10'000'000 * (1 + 1.003e-5) = 10'000'100.3, rounded to 10'000'100: +10.0 ppm, not +10.03.
  EXPECT_EQ(node.windows->precise_time_adjustment(), 10'000'100U);
  EXPECT_FALSE(node.windows->time_adjustment_disabled());
  const double expected_ppb = 100.0 / 10'000'000.0 * 1e9;
  EXPECT_NEAR(node.host->system_clock().frequency_adjustment()->value, expected_ppb, 1e-6);
  EXPECT_NEAR(clock.frequency_adjustment()->value, expected_ppb, 1e-6);
  EXPECT_NEAR(*clock.frequency_resolution_ppb(), 100, 1e-9);
  // The legacy pair reads the same rate back in its own, coarser units.
  EXPECT_EQ(node.windows->legacy_time_adjustment(), 156'252U);  // 156251.5625

  const double before = node.host->system_clock().true_offset_ns();
  world.run_for(sim::SimDuration::seconds(10));
  const double gained = node.host->system_clock().true_offset_ns() - before;
  EXPECT_NEAR(gained, expected_ppb * 10, 0.01);  // 100 us in 10 s of an ideal crystal

  node.pump.reset();
  node.win_host.reset();  // restores the original: disabled, the nominal rate
  EXPECT_TRUE(node.windows->time_adjustment_disabled());
  EXPECT_EQ(node.host->system_clock().frequency_adjustment()->value, 0.0);
}

TEST(SimWindowsClock, TheLegacyPairServesWhenThePreciseOneIsMissing) {
  World world(42);
  NodeOptions options;
  options.windows.precise_adjustment_api = false;
  Node& node = world.add(options);
  win::WinSystemClock& clock = node.win_host->system_clock();
  EXPECT_FALSE(clock.precise_adjustment());
  ASSERT_TRUE(clock.adjust_frequency(hal::PartsPerBillion{-50'000}));
  EXPECT_EQ(node.windows->legacy_time_adjustment(), 156'242U);  // 156250 * (1 - 5e-5) = 156242.1875
  EXPECT_NEAR(*clock.frequency_resolution_ppb(), 6'400, 1e-9);
}

TEST(SimWindowsClock, SetSystemTimeStepsToAWholeMillisecond) {
  World world(43);
  Node& node = world.add({});
  world.run_for(sim::SimDuration::microseconds(123'457));
  const double before = node.host->system_clock().true_offset_ns();
  const auto applied = node.win_host->system_clock().step(Nanoseconds(1'234'567'891));
  ASSERT_TRUE(applied);
  const double after = node.host->system_clock().true_offset_ns();
  EXPECT_NEAR(after - before, 1'234'567'891.0, 500'000.0);          // rounded to the millisecond
  EXPECT_GT(std::fabs(after - before - 1'234'567'891.0), 1'000.0);  // and not by chance exact
  // The step reported is the one that landed, to the FILETIME read's half unit.
  EXPECT_NEAR(static_cast<double>(applied->count()), after - before, 50.0);
  const auto now = node.host->system_clock().now();
  EXPECT_EQ(now->since_epoch.count() % 1'000'000, 0);  // it reads a whole millisecond now
  EXPECT_EQ(node.windows->counters().system_time_sets, 1U);
}

TEST(SimWindowsClock, WithoutThePrivilegeChangesAreRefused) {
  World world(44);
  NodeOptions options;
  options.windows.system_time_privilege = win::ERROR_NOT_ALL_ASSIGNED;
  Node& node = world.add(options);
  const auto refused = node.win_host->system_clock().adjust_frequency(hal::PartsPerBillion{1000});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, hal::HalErrorCode::kPermissionDenied);
  EXPECT_TRUE(node.windows->time_adjustment_disabled());
  win::SYSTEMTIME time{2026, 1, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(node.windows->api().set_system_time(&time), win::FALSE);
  EXPECT_EQ(node.windows->api().get_last_error(), win::ERROR_PRIVILEGE_NOT_HELD);
}

TEST(SimWindowsClock, RunningW32TimeIsWarnedAboutAndOverridesTheAdjustment) {
  World world(45);
  NodeOptions options;
  options.windows.w32time.running = true;
  Node& node = world.add(options);
  // The system clock starts 2 ms off for w32time to correct.
  ASSERT_TRUE(node.host->system_clock().step(Nanoseconds(2'000'000)));
  win::WinSystemClock& clock = node.win_host->system_clock();
  ASSERT_TRUE(clock.adjust_frequency(hal::PartsPerBillion{0}));
  bool warned = false;
  for (const auto& line : node.log) warned |= line.find("w32time") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_EQ(node.windows->legacy_time_adjustment(), 156'250U);
  world.run_for(options.windows.w32time.first_poll + sim::SimDuration::milliseconds(1));
  EXPECT_EQ(node.windows->counters().w32time_adjustments, 1U);
  // -2 ms over 64 s is -31 ppm: w32time slows the clock, whatever the application had set.
  EXPECT_LT(node.windows->legacy_time_adjustment(), 156'250U - 4U);
  EXPECT_LT(clock.frequency_adjustment()->value, -25'000);
  world.run_for(options.windows.w32time.poll_interval * 3);
  EXPECT_EQ(node.windows->counters().w32time_adjustments, 4U);
  EXPECT_LT(std::fabs(node.host->system_clock().true_offset_ns()), 1'500'000);
}

TEST(SimWindowsClock, W32TimeWithAnUpdateIntervalSetsItsAdjustmentAgainBetweenPolls) {
  World world(46);
  NodeOptions options;
  options.windows.w32time.running = true;
  options.windows.w32time.update_interval = sim::SimDuration::seconds(1);
  Node& node = world.add(options);
  ASSERT_TRUE(node.host->system_clock().step(Nanoseconds(2'000'000)));
  win::WinSystemClock& clock = node.win_host->system_clock();
  world.run_for(options.windows.w32time.first_poll + sim::SimDuration::milliseconds(500));
  EXPECT_EQ(node.windows->counters().w32time_adjustments, 1U);
  const std::uint64_t w32time_value = node.windows->legacy_time_adjustment();
  EXPECT_LT(w32time_value, 156'250U - 4U);
  // The application's adjustment holds until w32time's next clock update, half a second later.
  ASSERT_TRUE(clock.adjust_frequency(hal::PartsPerBillion{0}));
  EXPECT_EQ(node.windows->legacy_time_adjustment(), 156'250U);
  world.run_for(sim::SimDuration::milliseconds(600));
  EXPECT_EQ(node.windows->counters().w32time_adjustments, 2U);
  EXPECT_EQ(node.windows->legacy_time_adjustment(), w32time_value);
  // To 81.1 s: the updates at 18 ... 79 s, the next poll at 80 s and its first update at 81 s.
  world.run_for(options.windows.w32time.poll_interval);
  EXPECT_EQ(node.windows->counters().w32time_adjustments, 66U);
}

}  // namespace
}  // namespace ptp::simwin::test
