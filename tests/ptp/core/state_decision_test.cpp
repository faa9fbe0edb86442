// Tests of the state decision algorithm: every exit of 1588-2019 Figure 33, for an ordinary clock
// (one port) and a boundary clock (several ports), and the slaveOnly and masterOnly rules.
#include "ptp/core/state_decision.h"

#include <gtest/gtest.h>

#include "test_data_sets.h"

namespace ptp {
namespace {

using test::announce;
using test::clock_id;
using test::port_id;
using S = RecommendedState;
using C = DecisionCode;

constexpr std::uint8_t kThisClock = 0x50;

DefaultDataSet this_clock(std::uint8_t clock_class = 248, std::uint16_t ports = 1) {
  DefaultDataSet ds;
  ds.clock_identity = clock_id(kThisClock);
  ds.clock_quality.clock_class = clock_class;
  ds.number_ports = ports;
  return ds;
}

// An Announce of a grandmaster better than this clock (priority1 100 < 128).
AnnounceDataSet better_master(std::uint8_t grandmaster, std::uint8_t sender,
                              std::uint16_t steps = 0, std::uint16_t rx_port = 1) {
  AnnounceDataSet data = announce(grandmaster, sender, steps);
  data.grandmaster_priority1 = 100;
  data.receiver = port_id(kThisClock, rx_port);
  return data;
}

// An Announce of a grandmaster worse than this clock (priority1 200).
AnnounceDataSet worse_master(std::uint8_t grandmaster, std::uint8_t sender,
                             std::uint16_t rx_port = 1) {
  AnnounceDataSet data = better_master(grandmaster, sender, 0, rx_port);
  data.grandmaster_priority1 = 200;
  return data;
}

StateDecision decide(const DefaultDataSet& ds, PortState state,
                     const std::optional<AnnounceDataSet>& erbest,
                     const std::optional<AnnounceDataSet>& ebest, bool ebest_on_this_port,
                     bool master_only = false) {
  return decide_port_state(
      StateDecisionInput{ds, state, erbest, ebest, ebest_on_this_port, master_only});
}

// ---- The LISTENING exit -------------------------------------------------------------------------

TEST(Figure33, NoErbestWhileListeningStaysListening) {
  EXPECT_EQ(decide(this_clock(), PortState::kListening, std::nullopt, std::nullopt, false),
            (StateDecision{S::kListening, C::kNone}));
  // Even when another port has a master (E_best is not empty): only this port's E_rbest counts.
  EXPECT_EQ(decide(this_clock(248, 2), PortState::kListening, std::nullopt,
                   better_master(0x10, 0x20), false),
            (StateDecision{S::kListening, C::kNone}));
  // And even for a class 6 clock.
  EXPECT_EQ(decide(this_clock(6), PortState::kListening, std::nullopt, std::nullopt, false),
            (StateDecision{S::kListening, C::kNone}));
}

TEST(Figure33, NoErbestInAnotherStateDecides) {
  EXPECT_EQ(decide(this_clock(), PortState::kMaster, std::nullopt, std::nullopt, false),
            (StateDecision{S::kMaster, C::kM2}));
  EXPECT_EQ(decide(this_clock(), PortState::kSlave, std::nullopt, std::nullopt, false),
            (StateDecision{S::kMaster, C::kM2}));
}

// ---- clockClass 1..127: M1 / P1
// -------------------------------------------------------------------

TEST(Figure33, ClassUpTo127IsMasterM1WhenBetterThanErbest) {
  const auto erbest = worse_master(0x10, 0x20);
  EXPECT_EQ(decide(this_clock(6), PortState::kListening, erbest, erbest, true),
            (StateDecision{S::kMaster, C::kM1}));
  EXPECT_EQ(decide(this_clock(127), PortState::kListening, erbest, erbest, true),
            (StateDecision{S::kMaster, C::kM1}));
  // No E_rbest outside LISTENING: D0 is better than nothing.
  EXPECT_EQ(decide(this_clock(6), PortState::kMaster, std::nullopt, std::nullopt, false),
            (StateDecision{S::kMaster, C::kM1}));
}

TEST(Figure33, ClassUpTo127IsPassiveP1WhenErbestIsBetterNeverSlave) {
  const auto erbest = better_master(0x10, 0x20);
  // Even though E_best is on this port, a class 1..127 clock does not become a slave.
  EXPECT_EQ(decide(this_clock(6), PortState::kListening, erbest, erbest, true),
            (StateDecision{S::kPassive, C::kP1}));
  EXPECT_EQ(decide(this_clock(127), PortState::kSlave, erbest, erbest, true),
            (StateDecision{S::kPassive, C::kP1}));
}

TEST(Figure33, ClassUpTo127LooksAtErbestNotEbest) {
  // E_best (another port) is better than D0, this port's E_rbest is worse: M1, not P1.
  EXPECT_EQ(decide(this_clock(6, 2), PortState::kMaster, worse_master(0x11, 0x21),
                   better_master(0x10, 0x20, 0, 2), false),
            (StateDecision{S::kMaster, C::kM1}));
}

TEST(Figure33, Class128AndClass0TakeTheOtherBranch) {
  const auto erbest = better_master(0x10, 0x20);
  EXPECT_EQ(decide(this_clock(128), PortState::kListening, erbest, erbest, true),
            (StateDecision{S::kSlave, C::kS1}));
  EXPECT_EQ(decide(this_clock(0), PortState::kListening, erbest, erbest, true),
            (StateDecision{S::kSlave, C::kS1}));
}

// ---- Ordinary clock: M2 / S1
// ---------------------------------------------------------------------

TEST(Figure33, OrdinaryClockIsMasterM2WhenD0BeatsEbest) {
  const auto e = worse_master(0x10, 0x20);
  EXPECT_EQ(decide(this_clock(), PortState::kListening, e, e, true),
            (StateDecision{S::kMaster, C::kM2}));
}

TEST(Figure33, OrdinaryClockIsSlaveS1WhenEbestBeatsD0) {
  const auto e = better_master(0x10, 0x20);
  EXPECT_EQ(decide(this_clock(), PortState::kListening, e, e, true),
            (StateDecision{S::kSlave, C::kS1}));
  EXPECT_EQ(decide(this_clock(), PortState::kMaster, e, e, true),
            (StateDecision{S::kSlave, C::kS1}));
}

TEST(Figure33, D0BetterByTopologyThanEbestIsM2) {
  // E_best names this clock as grandmaster one step away (a loop), sent by a higher identity
  // than this port: Figure 35 says D0 is better by topology.
  AnnounceDataSet e = announce(kThisClock, 0x60, 1);
  e.receiver = port_id(kThisClock, 1);
  e.grandmaster_priority1 = 128;
  ASSERT_EQ(compare_data_sets(d0_data_set(this_clock()), e), ComparisonResult::kABetter);
  e.sender = port_id(0x40, 1);
  ASSERT_EQ(compare_data_sets(d0_data_set(this_clock()), e), ComparisonResult::kABetterByTopology);
  EXPECT_EQ(decide(this_clock(), PortState::kSlave, e, e, true),
            (StateDecision{S::kMaster, C::kM2}));
}

// ---- Boundary clock: S1 / M3 / P2
// ----------------------------------------------------------------

TEST(Figure33, BoundaryClockPortsFollowEbest) {
  const DefaultDataSet bc = this_clock(248, 3);
  const auto ebest = better_master(0x10, 0x20, 1, 1);  // port 1, via clock 0x20
  // Port 1 received E_best.
  EXPECT_EQ(decide(bc, PortState::kListening, ebest, ebest, true),
            (StateDecision{S::kSlave, C::kS1}));
  // Port 2 hears a different, worse grandmaster (still better than D0): M3.
  const auto other_gm = better_master(0x11, 0x30, 0, 2);
  EXPECT_EQ(decide(bc, PortState::kListening, other_gm, ebest, false),
            (StateDecision{S::kMaster, C::kM3}));
  // Port 3 hears the same grandmaster through a higher sender at the same distance: E_best is
  // better by topology, so port 3 goes PASSIVE to break the loop.
  const auto same_gm = better_master(0x10, 0x40, 1, 3);
  ASSERT_EQ(compare_data_sets(ebest, same_gm), ComparisonResult::kABetterByTopology);
  EXPECT_EQ(decide(bc, PortState::kMaster, same_gm, ebest, false),
            (StateDecision{S::kPassive, C::kP2}));
  // A port with no E_rbest outside LISTENING: M3.
  EXPECT_EQ(decide(bc, PortState::kMaster, std::nullopt, ebest, false),
            (StateDecision{S::kMaster, C::kM3}));
}

TEST(Figure33, EbestStrictlyBetterThanErbestOfTheSameGrandmasterIsM3NotP2) {
  const DefaultDataSet bc = this_clock(248, 2);
  const auto ebest = better_master(0x10, 0x20, 1, 1);
  // Same grandmaster, two more steps away: "better", not "better by topology".
  const auto far = better_master(0x10, 0x40, 3, 2);
  ASSERT_EQ(compare_data_sets(ebest, far), ComparisonResult::kABetter);
  EXPECT_EQ(decide(bc, PortState::kPassive, far, ebest, false),
            (StateDecision{S::kMaster, C::kM3}));
}

TEST(Figure33, TwoPortsOnOneSegmentOnePassive) {
  // Ports 1 and 2 both hear the same Announce (same sender): E_best is port 1's by receiver port
  // number, and port 2 goes PASSIVE (P2).
  const DefaultDataSet bc = this_clock(248, 2);
  const auto on_port1 = better_master(0x10, 0x20, 0, 1);
  const auto on_port2 = better_master(0x10, 0x20, 0, 2);
  EXPECT_EQ(decide(bc, PortState::kListening, on_port1, on_port1, true),
            (StateDecision{S::kSlave, C::kS1}));
  EXPECT_EQ(decide(bc, PortState::kListening, on_port2, on_port1, false),
            (StateDecision{S::kPassive, C::kP2}));
}

TEST(Figure33, BoundaryClockAsGrandmasterIsM2OnEveryPort) {
  const DefaultDataSet bc = this_clock(248, 2);
  const auto worse = worse_master(0x10, 0x20, 1);
  EXPECT_EQ(decide(bc, PortState::kListening, worse, worse, true),
            (StateDecision{S::kMaster, C::kM2}));
  EXPECT_EQ(decide(bc, PortState::kMaster, std::nullopt, worse, false),
            (StateDecision{S::kMaster, C::kM2}));
}

// ---- slaveOnly and masterOnly ------------------------------------------------------------------

TEST(StateDecision, SlaveOnlyNeverRecommendsMasterOrPassive) {
  DefaultDataSet ds = this_clock(255, 2);
  ds.slave_only = true;
  const auto better = better_master(0x10, 0x20, 1, 1);
  const auto worse = worse_master(0x11, 0x30, 1);
  EXPECT_EQ(decide(ds, PortState::kListening, better, better, true),
            (StateDecision{S::kSlave, C::kS1}));
  // D0 is no candidate: even a master D0 would beat is followed.
  EXPECT_EQ(decide(ds, PortState::kListening, worse, worse, true),
            (StateDecision{S::kSlave, C::kS1}));
  EXPECT_EQ(decide(ds, PortState::kListening, worse, std::nullopt, false),
            (StateDecision{S::kListening, C::kM2}));
  EXPECT_EQ(decide(ds, PortState::kSlave, std::nullopt, better, false),
            (StateDecision{S::kListening, C::kM3}));
  const auto same_gm_port2 = better_master(0x10, 0x40, 1, 2);
  EXPECT_EQ(decide(ds, PortState::kSlave, same_gm_port2, better, false),
            (StateDecision{S::kListening, C::kP2}));
  EXPECT_EQ(decide(ds, PortState::kListening, std::nullopt, std::nullopt, false),
            (StateDecision{S::kListening, C::kNone}));
}

TEST(StateDecision, MasterOnlyPortNeverRecommendsSlaveOrPassive) {
  const auto better = better_master(0x10, 0x20, 1, 1);
  EXPECT_EQ(decide(this_clock(), PortState::kListening, better, better, true, true),
            (StateDecision{S::kMaster, C::kM3}));
  EXPECT_EQ(decide(this_clock(6), PortState::kListening, better, better, true, true),
            (StateDecision{S::kMaster, C::kP1}));
  const auto same_gm_port2 = better_master(0x10, 0x40, 1, 2);
  EXPECT_EQ(decide(this_clock(248, 2), PortState::kMaster, same_gm_port2, better, false, true),
            (StateDecision{S::kMaster, C::kP2}));
  // It still waits in LISTENING like any port.
  EXPECT_EQ(decide(this_clock(), PortState::kListening, std::nullopt, std::nullopt, false, true),
            (StateDecision{S::kListening, C::kNone}));
}

TEST(StateDecision, NamesCodesAndStates) {
  EXPECT_EQ(to_string(C::kM1), "M1");
  EXPECT_EQ(to_string(C::kM2), "M2");
  EXPECT_EQ(to_string(C::kM3), "M3");
  EXPECT_EQ(to_string(C::kS1), "S1");
  EXPECT_EQ(to_string(C::kP1), "P1");
  EXPECT_EQ(to_string(C::kP2), "P2");
  EXPECT_EQ(to_string(C::kNone), "none");
  EXPECT_EQ(to_string(S::kMaster), "BMC_MASTER");
  EXPECT_EQ(to_string(S::kSlave), "BMC_SLAVE");
  EXPECT_EQ(to_string(S::kPassive), "BMC_PASSIVE");
  EXPECT_EQ(to_string(S::kListening), "BMC_LISTENING");
}

}  // namespace
}  // namespace ptp
