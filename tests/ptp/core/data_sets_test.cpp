// Tests of the clause 8 data sets' defaults (default PTP profile) and of PortState's numbering
// and names.
#include "ptp/core/data_sets.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "ptp/core/port_state.h"

namespace ptp {
namespace {

TEST(DataSets, DefaultDataSetHasTheDefaultProfileValues) {
  const DefaultDataSet ds;
  EXPECT_EQ(ds.priority1, 128);
  EXPECT_EQ(ds.priority2, 128);
  EXPECT_EQ(ds.clock_quality.clock_class, 248);
  EXPECT_EQ(ds.clock_quality.clock_accuracy, ClockAccuracy::kUnknown);
  EXPECT_EQ(ds.clock_quality.offset_scaled_log_variance, 0xFFFF);
  EXPECT_EQ(ds.domain_number, 0);
  EXPECT_FALSE(ds.slave_only);
  EXPECT_EQ(ds.number_ports, 1);
  EXPECT_EQ(ds.max_steps_removed, 255);
}

TEST(DataSets, PortDataSetHasTheDefaultProfileIntervals) {
  const PortDataSet port;
  EXPECT_EQ(port.log_announce_interval, 1);
  EXPECT_EQ(port.announce_receipt_timeout, 3);
  EXPECT_EQ(port.log_sync_interval, 0);
  EXPECT_EQ(port.log_min_delay_req_interval, 0);
  EXPECT_EQ(port.delay_mechanism, DelayMechanism::kE2E);
  EXPECT_EQ(port.version_number, 2);
  EXPECT_EQ(port.minor_version_number, 1);
  EXPECT_EQ(port.port_state, PortState::kInitializing);
  EXPECT_FALSE(port.master_only);
}

TEST(DataSets, ParentDataSetStartsWithUncomputedStatistics) {
  const ParentDataSet parent;
  EXPECT_FALSE(parent.parent_stats);
  EXPECT_EQ(parent.observed_parent_offset_scaled_log_variance, 0xFFFF);
  EXPECT_EQ(parent.observed_parent_clock_phase_change_rate, 0x7FFFFFFF);
}

TEST(DataSets, DelayMechanismHasTable21Values) {
  EXPECT_EQ(static_cast<int>(DelayMechanism::kE2E), 0x01);
  EXPECT_EQ(static_cast<int>(DelayMechanism::kP2P), 0x02);
  EXPECT_EQ(static_cast<int>(DelayMechanism::kCommonP2P), 0x03);
  EXPECT_EQ(static_cast<int>(DelayMechanism::kSpecial), 0x04);
  EXPECT_EQ(static_cast<int>(DelayMechanism::kNoMechanism), 0xFE);
}

TEST(PortState, HasTable20ValuesAndPtp4lNames) {
  struct Row {
    PortState state;
    int value;
    const char* name;
  };
  for (const Row& row :
       {Row{PortState::kInitializing, 1, "INITIALIZING"}, Row{PortState::kFaulty, 2, "FAULTY"},
        Row{PortState::kDisabled, 3, "DISABLED"}, Row{PortState::kListening, 4, "LISTENING"},
        Row{PortState::kPreMaster, 5, "PRE_MASTER"}, Row{PortState::kMaster, 6, "MASTER"},
        Row{PortState::kPassive, 7, "PASSIVE"}, Row{PortState::kUncalibrated, 8, "UNCALIBRATED"},
        Row{PortState::kSlave, 9, "SLAVE"}}) {
    EXPECT_EQ(static_cast<int>(row.state), row.value) << row.name;
    EXPECT_EQ(to_string(row.state), row.name);
  }
  EXPECT_EQ(to_string(static_cast<PortState>(0)), "UNKNOWN");
  EXPECT_EQ(to_string(static_cast<PortState>(10)), "UNKNOWN");
}

}  // namespace
}  // namespace ptp
