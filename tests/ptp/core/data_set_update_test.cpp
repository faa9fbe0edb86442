// Tests of the data set updates that follow a state decision (1588-2019 9.3.5, Tables 30-33).
#include <gtest/gtest.h>

#include <iterator>
#include <string>

#include "ptp/core/state_decision.h"
#include "test_data_sets.h"

namespace ptp {
namespace {

using test::announce;
using test::clock_id;
using test::port_id;

DefaultDataSet this_clock() {
  DefaultDataSet ds;
  ds.clock_identity = clock_id(0x50);
  ds.clock_quality = {187, ClockAccuracy::kWithin1us, 0x4321};
  ds.priority1 = 11;
  ds.priority2 = 22;
  return ds;
}

// Data sets as a slave of some other grandmaster would hold them: nothing at its default.
ClockDataSets following_someone() {
  ClockDataSets sets;
  sets.current.steps_removed = 4;
  sets.current.offset_from_master = TimeInterval::from_scaled(123 << 16);
  sets.current.mean_path_delay = TimeInterval::from_scaled(456 << 16);
  sets.parent.parent_port_identity = port_id(0x77, 2);
  sets.parent.parent_stats = true;
  sets.parent.observed_parent_offset_scaled_log_variance = 0x1000;
  sets.parent.observed_parent_clock_phase_change_rate = 42;
  sets.parent.grandmaster_identity = clock_id(0x78);
  sets.parent.grandmaster_clock_quality = {6, ClockAccuracy::kWithin25ns, 0x2000};
  sets.parent.grandmaster_priority1 = 1;
  sets.parent.grandmaster_priority2 = 2;
  sets.time_properties = {37, true, false, false, true, true, true, TimeSource::kGnss};
  return sets;
}

TimePropertiesDataSet local_time() {
  TimePropertiesDataSet local;
  local.current_utc_offset = 36;
  local.time_source = TimeSource::kHandSet;
  local.ptp_timescale = true;
  return local;
}

AnnounceDataSet ebest() {
  AnnounceDataSet e = announce(0x10, 0x20, 3);
  e.sender = port_id(0x20, 5);
  e.grandmaster_priority1 = 100;
  e.grandmaster_priority2 = 101;
  e.grandmaster_clock_quality = {7, ClockAccuracy::kWithin100ns, 0x3000};
  e.current_utc_offset = 37;
  e.time_source = TimeSource::kAtomicClock;
  e.flags = {.leap61 = true,
             .leap59 = false,
             .current_utc_offset_valid = true,
             .ptp_timescale = true,
             .time_traceable = false,
             .frequency_traceable = true};
  return e;
}

class M1AndM2 : public testing::TestWithParam<DecisionCode> {};

TEST_P(M1AndM2, Table30MakesThisClockTheGrandmaster) {
  const auto after =
      update_data_sets(GetParam(), following_someone(), this_clock(), ebest(), local_time());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->current, CurrentDataSet{});
  EXPECT_EQ(after->parent.parent_port_identity, port_id(0x50, 0));
  EXPECT_EQ(after->parent.grandmaster_identity, clock_id(0x50));
  EXPECT_EQ(after->parent.grandmaster_clock_quality, this_clock().clock_quality);
  EXPECT_EQ(after->parent.grandmaster_priority1, 11);
  EXPECT_EQ(after->parent.grandmaster_priority2, 22);
  EXPECT_FALSE(after->parent.parent_stats);
  EXPECT_EQ(after->parent.observed_parent_offset_scaled_log_variance, 0xFFFF);
  EXPECT_EQ(after->parent.observed_parent_clock_phase_change_rate, 0x7FFFFFFF);
  EXPECT_EQ(after->time_properties, local_time());
}

INSTANTIATE_TEST_SUITE_P(Codes, M1AndM2, testing::Values(DecisionCode::kM1, DecisionCode::kM2),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

class NoUpdate : public testing::TestWithParam<DecisionCode> {};

TEST_P(NoUpdate, Tables31And33LeaveEverythingAsItWas) {
  const auto after =
      update_data_sets(GetParam(), following_someone(), this_clock(), ebest(), local_time());
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, following_someone());
}

INSTANTIATE_TEST_SUITE_P(Codes, NoUpdate,
                         testing::Values(DecisionCode::kM3, DecisionCode::kP1, DecisionCode::kP2,
                                         DecisionCode::kNone),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

TEST(S1, Table32FollowsEbest) {
  const auto after =
      update_data_sets(DecisionCode::kS1, following_someone(), this_clock(), ebest(), local_time());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->current.steps_removed, 4);  // E_best's 3, plus one
  // offsetFromMaster and meanPathDelay are not the table's business.
  EXPECT_EQ(after->current.offset_from_master, following_someone().current.offset_from_master);
  EXPECT_EQ(after->current.mean_path_delay, following_someone().current.mean_path_delay);
  EXPECT_EQ(after->parent.parent_port_identity, port_id(0x20, 5));
  EXPECT_EQ(after->parent.grandmaster_identity, clock_id(0x10));
  EXPECT_EQ(after->parent.grandmaster_clock_quality, ebest().grandmaster_clock_quality);
  EXPECT_EQ(after->parent.grandmaster_priority1, 100);
  EXPECT_EQ(after->parent.grandmaster_priority2, 101);
  const TimePropertiesDataSet expected_time{37,    true, false, true,
                                            false, true, true,  TimeSource::kAtomicClock};
  EXPECT_EQ(after->time_properties, expected_time);
  // A new parent: its statistics are not known yet.
  EXPECT_FALSE(after->parent.parent_stats);
  EXPECT_EQ(after->parent.observed_parent_offset_scaled_log_variance, 0xFFFF);
  EXPECT_EQ(after->parent.observed_parent_clock_phase_change_rate, 0x7FFFFFFF);
}

TEST(S1, EachFlagIsCopiedFromItsOwnBit) {
  bool TimePropertiesFlags::*const flags[] = {&TimePropertiesFlags::leap61,
                                              &TimePropertiesFlags::leap59,
                                              &TimePropertiesFlags::current_utc_offset_valid,
                                              &TimePropertiesFlags::ptp_timescale,
                                              &TimePropertiesFlags::time_traceable,
                                              &TimePropertiesFlags::frequency_traceable};
  bool TimePropertiesDataSet::*const fields[] = {&TimePropertiesDataSet::leap61,
                                                 &TimePropertiesDataSet::leap59,
                                                 &TimePropertiesDataSet::current_utc_offset_valid,
                                                 &TimePropertiesDataSet::ptp_timescale,
                                                 &TimePropertiesDataSet::time_traceable,
                                                 &TimePropertiesDataSet::frequency_traceable};
  for (std::size_t i = 0; i < std::size(flags); ++i) {
    AnnounceDataSet e = ebest();
    e.flags = {};
    e.flags.*flags[i] = true;
    const auto after =
        update_data_sets(DecisionCode::kS1, ClockDataSets{}, this_clock(), e, local_time());
    ASSERT_TRUE(after);
    for (std::size_t j = 0; j < std::size(fields); ++j) {
      EXPECT_EQ(after->time_properties.*fields[j], i == j) << i << " " << j;
    }
  }
}

TEST(S1, SameParentKeepsItsStatistics) {
  ClockDataSets before = following_someone();
  before.parent.parent_port_identity = ebest().sender;
  const auto after =
      update_data_sets(DecisionCode::kS1, before, this_clock(), ebest(), local_time());
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->parent.parent_stats);
  EXPECT_EQ(after->parent.observed_parent_offset_scaled_log_variance, 0x1000);
  EXPECT_EQ(after->parent.observed_parent_clock_phase_change_rate, 42);
}

TEST(S1, WithoutEbestIsAnError) {
  const auto after = update_data_sets(DecisionCode::kS1, following_someone(), this_clock(),
                                      std::nullopt, local_time());
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error(), DataSetUpdateError::kNoEbest);
}

}  // namespace
}  // namespace ptp
