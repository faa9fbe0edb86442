// Scenarios of IEEE 1588-2019 clause 9 (BMCA and the port state machine) in the simulator, with
// the production driver between each clock and its simulated host.
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "ptp/sim/lock_statistics.h"
#include "sim_world.h"

namespace ptp::sim::testing {
namespace {

// 9.3: "the best master clock algorithm ... selects the best clock"; a slave of it reaches
// SLAVE (9.2.5: UNCALIBRATED, then MASTER_CLOCK_SELECTED).
TEST(BmcaScenario, TwoClocksElectTheBetterMasterAndTheOtherBecomesSlave) {
  SimWorld world(1);
  auto& better = world.add(NodeSpec{.priority1 = 100, .frequency_error_ppm = 3});
  auto& worse = world.add(NodeSpec{.priority1 = 120,
                                   .frequency_error_ppm = -20,
                                   .initial_offset = SimDuration::microseconds(300)});
  world.start_all();
  world.run_for(60);
  EXPECT_EQ(better.clock().state(), PortState::kMaster);
  EXPECT_EQ(worse.clock().state(), PortState::kSlave);
  EXPECT_EQ(worse.clock().parent_data_set().grandmaster_identity,
            better.config().port.clock_identity);
  EXPECT_EQ(worse.clock().current_data_set().steps_removed, 1);
  EXPECT_EQ(better.clock().counters().actions_dropped, 0U);
  EXPECT_EQ(worse.clock().counters().actions_dropped, 0U);
  // Hardware timestamps with 2 ns jitter, but each packet queues 0..~500 ns (exponential, 100 ns
  // mean per hop) in the switch and links: the PI servo keeps within a few hundred ns.
  std::vector<TruthSample> samples;
  world.run_sampled(60, 0.5, [&] {
    samples.push_back(TruthSample{world.seconds(), SimWorld::true_offset_ns(worse, better)});
  });
  const OffsetStatistics stats = offset_statistics(samples);
  EXPECT_LT(stats.max_abs_ns, 1000.0);
  EXPECT_LT(stats.rms_ns, 300.0);
  std::cout << "two clocks: offset rms " << stats.rms_ns << " ns, max " << stats.max_abs_ns
            << " ns\n";
  EXPECT_EQ(worse.clock().state(), PortState::kSlave);
}

TEST(BmcaScenario, ThreeClocksFollowTheBestPriority) {
  SimWorld world(2);
  auto& a = world.add(NodeSpec{.priority1 = 120});
  auto& b = world.add(NodeSpec{.priority1 = 110, .frequency_error_ppm = 10});
  auto& c = world.add(NodeSpec{.priority1 = 130, .frequency_error_ppm = -10});
  world.start_all();
  world.run_for(90);
  EXPECT_EQ(b.clock().state(), PortState::kMaster);
  EXPECT_EQ(a.clock().state(), PortState::kSlave);
  EXPECT_EQ(c.clock().state(), PortState::kSlave);
  EXPECT_EQ(a.clock().parent_data_set().parent_port_identity.clock_identity,
            b.config().port.clock_identity);
  EXPECT_EQ(c.clock().parent_data_set().parent_port_identity.clock_identity,
            b.config().port.clock_identity);
  EXPECT_LT(std::abs(SimWorld::true_offset_ns(a, b)), 1000.0);
  EXPECT_LT(std::abs(SimWorld::true_offset_ns(c, b)), 1000.0);
}

// 9.2.6.12: without Announces from the master for announceReceiptTimeout intervals the port
// leaves SLAVE; the next best clock must take over within that time plus qualification.
TEST(BmcaScenario, GrandmasterFailureHandsOverToTheNextBest) {
  SimWorld world(3);
  auto& grandmaster = world.add(NodeSpec{.priority1 = 100});
  auto& backup = world.add(NodeSpec{.priority1 = 110, .frequency_error_ppm = 5});
  auto& other = world.add(NodeSpec{.priority1 = 120, .frequency_error_ppm = -5});
  world.start_all();
  world.run_for(60);
  ASSERT_EQ(grandmaster.clock().state(), PortState::kMaster);
  ASSERT_EQ(backup.clock().state(), PortState::kSlave);
  ASSERT_EQ(other.clock().state(), PortState::kSlave);

  ASSERT_TRUE(world.network().detach_host(grandmaster.node_id(), world.scheduler().now()));
  // announceReceiptTimeout 3 x 2 s, plus up to one interval of randomisation, plus the other
  // clock's qualification of the backup (two Announces in the window).
  const double failed_at = world.seconds();
  double backup_master_at = -1;
  double other_slave_at = -1;
  world.run_sampled(30, 0.1, [&] {
    if (backup_master_at < 0 && backup.clock().state() == PortState::kMaster) {
      backup_master_at = world.seconds() - failed_at;
    }
    if (other_slave_at < 0 && other.clock().state() == PortState::kSlave &&
        other.clock().parent_data_set().grandmaster_identity ==
            backup.config().port.clock_identity) {
      other_slave_at = world.seconds() - failed_at;
    }
  });
  // The timeout counts from the last Announce heard, up to one interval (2 s) before the failure.
  EXPECT_GE(backup_master_at, 6.0 - 2.0);
  EXPECT_LE(backup_master_at, 8.0 + 0.2);
  EXPECT_GT(other_slave_at, 0.0);
  EXPECT_LE(other_slave_at, 8.0 + 2 * 2.0 + 4.0);  // timeout, qualification, a few Syncs to lock
  EXPECT_EQ(backup.clock().state(), PortState::kMaster);
  EXPECT_EQ(other.clock().state(), PortState::kSlave);
  EXPECT_LT(std::abs(SimWorld::true_offset_ns(other, backup)), 1000.0);
}

// 9.3.3: a better clock that appears later wins the next state decision everywhere.
TEST(BmcaScenario, ABetterClockJoiningTakesOver) {
  SimWorld world(4);
  auto& first = world.add(NodeSpec{.priority1 = 120});
  auto& second = world.add(NodeSpec{.priority1 = 125, .frequency_error_ppm = 7});
  ASSERT_TRUE(first.start());
  ASSERT_TRUE(second.start());
  world.run_for(40);
  ASSERT_EQ(first.clock().state(), PortState::kMaster);
  ASSERT_EQ(second.clock().state(), PortState::kSlave);

  auto& best = world.add(NodeSpec{.priority1 = 90, .frequency_error_ppm = -4});
  ASSERT_TRUE(best.start());
  world.run_for(40);
  EXPECT_EQ(best.clock().state(), PortState::kMaster);
  EXPECT_EQ(first.clock().state(), PortState::kSlave);
  EXPECT_EQ(second.clock().state(), PortState::kSlave);
  EXPECT_EQ(second.clock().parent_data_set().grandmaster_identity,
            best.config().port.clock_identity);
  EXPECT_LT(std::abs(SimWorld::true_offset_ns(first, best)), 1000.0);
}

// 9.2.2.1 / Figure 32: a slave-only clock never enters MASTER, even when nobody else is there.
TEST(BmcaScenario, SlaveOnlyClockNeverBecomesMaster) {
  SimWorld world(5);
  auto& master = world.add(NodeSpec{.priority1 = 200});
  auto& slave_only = world.add(NodeSpec{.priority1 = 1, .slave_only = true});
  bool ever_master = false;
  world.start_all();
  world.run_sampled(60, 0.25, [&] {
    ever_master = ever_master || slave_only.clock().state() == PortState::kMaster ||
                  slave_only.clock().state() == PortState::kPreMaster;
  });
  EXPECT_EQ(master.clock().state(), PortState::kMaster);
  EXPECT_EQ(slave_only.clock().state(), PortState::kSlave);
  EXPECT_EQ(slave_only.clock().default_data_set().clock_quality.clock_class, 255);

  ASSERT_TRUE(world.network().detach_host(master.node_id(), world.scheduler().now()));
  world.run_sampled(60, 0.25, [&] {
    ever_master = ever_master || slave_only.clock().state() == PortState::kMaster ||
                  slave_only.clock().state() == PortState::kPreMaster;
  });
  EXPECT_FALSE(ever_master);
  EXPECT_EQ(slave_only.clock().state(), PortState::kListening);
  EXPECT_GE(slave_only.clock().counters().announce_receipt_timeouts, 1U);
}

}  // namespace
}  // namespace ptp::sim::testing
