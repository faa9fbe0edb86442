// Tests of the foreign master table: qualification by threshold and window (edges included),
// expiry, rejection of our own Announces, stepsRemoved limits, capacity and E_rbest.
#include "ptp/core/foreign_master_table.h"

#include <gtest/gtest.h>

#include <optional>

#include "test_data_sets.h"

namespace ptp {
namespace {

using test::announce;
using test::port_id;

constexpr Nanoseconds kWindow(8 * kNanosecondsPerSecond);  // logAnnounceInterval 1
const PortIdentity kThisPort = port_id(0x50, 3);

Nanoseconds at(std::int64_t ns) { return Nanoseconds(ns); }

// The rejection of a record() call, or nullopt when it was recorded.
std::optional<AnnounceRejection> rejection(const Result<void, AnnounceRejection>& result) {
  if (result) return std::nullopt;
  return result.error();
}

ForeignMasterTable make_table() {
  return ForeignMasterTable(ForeignMasterTableConfig{kThisPort, kWindow});
}

TEST(ForeignMasterTimeWindow, IsFourAnnounceIntervals) {
  EXPECT_EQ(foreign_master_time_window(0), Nanoseconds(4'000'000'000));
  EXPECT_EQ(foreign_master_time_window(1), Nanoseconds(8'000'000'000));
  EXPECT_EQ(foreign_master_time_window(4), Nanoseconds(64'000'000'000));
  EXPECT_EQ(foreign_master_time_window(-3), Nanoseconds(500'000'000));
  EXPECT_EQ(foreign_master_time_window(-128), Nanoseconds(0));
  EXPECT_EQ(foreign_master_time_window(31), Nanoseconds(4'000'000'000 * (std::int64_t{1} << 31)));
  EXPECT_EQ(foreign_master_time_window(32), unexpected(TimeError::kOverflow));
  EXPECT_EQ(foreign_master_time_window(127), unexpected(TimeError::kOverflow));
}

TEST(ForeignMasterTable, OneAnnounceDoesNotQualify) {
  auto table = make_table();
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(0)));
  EXPECT_EQ(table.best_qualified(at(0)), std::nullopt);
  EXPECT_EQ(table.size(), 1U);
}

TEST(ForeignMasterTable, TwoAnnouncesExactlyAWindowApartQualify) {
  auto table = make_table();
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), kWindow));
  // The first is exactly one window old: still within (closed window).
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), kWindow));
  // One nanosecond later it is out.
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(kWindow.count() + 1)));
}

TEST(ForeignMasterTable, TwoAnnouncesSpreadOverMoreThanTheWindowDoNotQualify) {
  auto table = make_table();
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(kWindow.count() + 1)));
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(kWindow.count() + 1)));
  // A third Announce soon after makes two recent ones.
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(kWindow.count() + 2)));
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), at(kWindow.count() + 2)));
}

TEST(ForeignMasterTable, QualificationLapsesWhenAnnouncesStop) {
  auto table = make_table();
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(2'000'000'000)));
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), kWindow));
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(kWindow.count() + 1)));
  EXPECT_EQ(table.best_qualified(at(kWindow.count() + 1)), std::nullopt);
}

TEST(ForeignMasterTable, ExpireDropsRecordsWithNoAnnounceInTheWindow) {
  auto table = make_table();
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x30, 0), at(1'000)));
  table.expire(kWindow);  // 0x20's Announce is exactly a window old: kept
  EXPECT_EQ(table.size(), 2U);
  table.expire(at(kWindow.count() + 1));
  EXPECT_EQ(table.size(), 1U);
  EXPECT_EQ(table.find(port_id(0x20, 1)), nullptr);
  ASSERT_NE(table.find(port_id(0x30, 1)), nullptr);
  table.expire(at(kWindow.count() + 1'001));
  EXPECT_EQ(table.size(), 0U);
}

TEST(ForeignMasterTable, RejectsAnnouncesFromThisClockAndCountsThem) {
  auto table = make_table();
  AnnounceDataSet own = announce(0x10, 0x50, 0);
  own.sender = port_id(0x50, 7);  // another port of this clock: still this clock
  EXPECT_EQ(rejection(table.record(own, at(0))), AnnounceRejection::kFromOwnClock);
  EXPECT_EQ(rejection(table.record(own, at(1))), AnnounceRejection::kFromOwnClock);
  EXPECT_EQ(table.size(), 0U);
  EXPECT_EQ(table.counters().rejected_from_own_clock, 2U);
  EXPECT_EQ(table.counters().rejected_table_full, 0U);
  EXPECT_EQ(to_string(AnnounceRejection::kFromOwnClock), "Announce from this clock");
}

TEST(ForeignMasterTable, StepsRemovedAtTheLimitNeverQualifies) {
  auto table = make_table();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(table.record(announce(0x10, 0x20, 254), at(i)));
    ASSERT_TRUE(table.record(announce(0x10, 0x30, 255), at(i)));
  }
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), at(3)));
  EXPECT_FALSE(table.is_qualified(port_id(0x30, 1), at(3)));
  // A qualified master whose newest Announce says 255 stops qualifying at once.
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 255), at(4)));
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(4)));
}

TEST(ForeignMasterTable, MaxStepsRemovedIsConfigurable) {
  ForeignMasterTable table(ForeignMasterTableConfig{kThisPort, kWindow, 10});
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 10), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 10), at(1)));
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(1)));
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 9), at(2)));
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), at(2)));
}

TEST(ForeignMasterTable, FullTableRejectsNewMastersAndCountsThem) {
  BasicForeignMasterTable<2> table(ForeignMasterTableConfig{kThisPort, kWindow});
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x30, 0), at(1)));
  EXPECT_EQ(rejection(table.record(announce(0x10, 0x40, 0), at(2))), AnnounceRejection::kTableFull);
  EXPECT_EQ(table.counters().rejected_table_full, 1U);
  EXPECT_EQ(table.find(port_id(0x40, 1)), nullptr);
  // Known masters still update.
  EXPECT_TRUE(table.record(announce(0x10, 0x20, 0), at(3)));
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), at(3)));
  EXPECT_EQ(table.capacity(), 2U);
}

TEST(ForeignMasterTable, FullTableMakesRoomByDroppingStaleRecords) {
  BasicForeignMasterTable<2> table(ForeignMasterTableConfig{kThisPort, kWindow});
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x30, 0), at(5)));
  // At window + 1, 0x20 is stale and 0x30 is not.
  EXPECT_TRUE(table.record(announce(0x10, 0x40, 0), at(kWindow.count() + 1)));
  EXPECT_EQ(table.find(port_id(0x20, 1)), nullptr);
  EXPECT_NE(table.find(port_id(0x30, 1)), nullptr);
  EXPECT_NE(table.find(port_id(0x40, 1)), nullptr);
  EXPECT_EQ(table.counters().rejected_table_full, 0U);
}

TEST(ForeignMasterTable, BestQualifiedIsTheBestOfTheQualifiedOnly) {
  auto table = make_table();
  AnnounceDataSet good = announce(0x10, 0x20, 0);
  good.grandmaster_priority1 = 100;
  AnnounceDataSet better = announce(0x11, 0x30, 0);
  better.grandmaster_priority1 = 50;
  AnnounceDataSet best_but_unqualified = announce(0x12, 0x40, 0);
  best_but_unqualified.grandmaster_priority1 = 1;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(table.record(good, at(i)));
    ASSERT_TRUE(table.record(better, at(i)));
  }
  ASSERT_TRUE(table.record(best_but_unqualified, at(2)));
  const auto erbest = table.best_qualified(at(2));
  ASSERT_TRUE(erbest);
  EXPECT_EQ(erbest->grandmaster_identity, better.grandmaster_identity);
  // The receiver is stamped with this port's identity.
  EXPECT_EQ(erbest->receiver, kThisPort);
  // Once the unqualified one qualifies it wins.
  ASSERT_TRUE(table.record(best_but_unqualified, at(3)));
  EXPECT_EQ(table.best_qualified(at(3))->grandmaster_identity,
            best_but_unqualified.grandmaster_identity);
}

TEST(ForeignMasterTable, KeepsTheMostRecentAnnounceData) {
  auto table = make_table();
  AnnounceDataSet data = announce(0x10, 0x20, 0);
  ASSERT_TRUE(table.record(data, at(0)));
  data.grandmaster_priority2 = 7;
  data.current_utc_offset = 37;
  ASSERT_TRUE(table.record(data, at(1)));
  const auto erbest = table.best_qualified(at(1));
  ASSERT_TRUE(erbest);
  EXPECT_EQ(erbest->grandmaster_priority2, 7);
  EXPECT_EQ(erbest->current_utc_offset, 37);
}

TEST(ForeignMasterTable, ShorterWindowAppliesToStoredTimes) {
  auto table = make_table();
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(0)));
  ASSERT_TRUE(table.record(announce(0x10, 0x20, 0), at(3'000'000'000)));
  EXPECT_TRUE(table.is_qualified(port_id(0x20, 1), at(3'000'000'000)));
  table.set_time_window(Nanoseconds(2'000'000'000));
  EXPECT_FALSE(table.is_qualified(port_id(0x20, 1), at(3'000'000'000)));
  table.clear();
  EXPECT_EQ(table.size(), 0U);
}

}  // namespace
}  // namespace ptp
