// OrdinaryClock's best master clock algorithm end to end (1588-2019 9.3): foreign master
// qualification by Announce count, the state decision and its data set updates (S1: Table 32,
// M1/M2: Table 30), PRE_MASTER's qualification timeout (9.2.6.11), the announce receipt timeout
// in SLAVE (9.2.6.12), and the slaveOnly and masterOnly variants.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ordinary_clock_test_support.h"

namespace ptp::clock_test {
namespace {

using testing::Return;
using wire::MessageType;

constexpr Nanoseconds kStart = seconds(1000);
using Transitions = std::vector<std::pair<PortState, PortState>>;

TEST(OrdinaryClockBmcaTest, TwoAnnouncesOfABetterMasterMakeTheClockUncalibrated) {
  Harness h;
  h.start(kStart);
  AnnounceSpec spec;
  spec.steps_removed = 2;
  spec.grandmaster = clock_id(0x05);
  spec.current_utc_offset = 37;
  spec.flags = wire::HeaderFlags::kPtpTimescale | wire::HeaderFlags::kCurrentUtcOffsetValid |
               wire::HeaderFlags::kFrequencyTraceable | wire::HeaderFlags::kLeap59;
  spec.time_source = TimeSource::kAtomicClock;

  // One Announce does not qualify A (FOREIGN_MASTER_THRESHOLD is 2).
  const auto first = h.general(announce(spec), kStart + seconds(1));
  EXPECT_TRUE(all_of<StateChanged>(first).empty());
  EXPECT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);

  spec.sequence_id = 1;
  const Nanoseconds second_at = kStart + seconds(3);
  const auto second = h.general(announce(spec), second_at);
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(transitions(second), (Transitions{{PortState::kListening, PortState::kUncalibrated}}));
  EXPECT_EQ(events(second), std::vector<PortEvent>{PortEvent::kRsSlave});
  EXPECT_EQ(h.clock().last_decision(), DecisionCode::kS1);

  const ParentDataSet& parent = h.clock().parent_data_set();
  EXPECT_EQ(parent.parent_port_identity, kMasterA);
  EXPECT_EQ(parent.grandmaster_identity, clock_id(0x05));
  EXPECT_EQ(parent.grandmaster_priority1, 100);
  EXPECT_EQ(parent.grandmaster_priority2, 128);
  EXPECT_EQ(parent.grandmaster_clock_quality,
            (ClockQuality{6, ClockAccuracy::kWithin100ns, 0x4E5D}));
  EXPECT_EQ(h.clock().current_data_set().steps_removed, 3);
  const TimePropertiesDataSet& time = h.clock().time_properties_data_set();
  EXPECT_EQ(time.current_utc_offset, 37);
  EXPECT_TRUE(time.current_utc_offset_valid);
  EXPECT_TRUE(time.ptp_timescale);
  EXPECT_TRUE(time.frequency_traceable);
  EXPECT_FALSE(time.time_traceable);
  EXPECT_TRUE(time.leap59);
  EXPECT_FALSE(time.leap61);
  EXPECT_EQ(time.time_source, TimeSource::kAtomicClock);

  // Delay_Req within the first 2^logMinDelayReqInterval = 1 s, receipt timer from now.
  const auto delay_request = h.deadline(PortTimer::kDelayRequest);
  ASSERT_TRUE(delay_request.has_value());
  EXPECT_GE(*delay_request, second_at);
  EXPECT_LT(*delay_request, second_at + seconds(1));
  const auto receipt = h.deadline(PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_GE(*receipt, second_at + seconds(6));
  EXPECT_LT(*receipt, second_at + seconds(8));
  EXPECT_TRUE(all_of<SendMessage>(second).empty());
}

TEST(OrdinaryClockBmcaTest, AnnouncesTooFarApartDoNotQualify) {
  Harness h;
  h.start(kStart);
  AnnounceSpec spec;
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  // FOREIGN_MASTER_TIME_WINDOW is 4 announce intervals = 8 s.
  h.general(announce(spec), kStart + seconds(10));
  EXPECT_EQ(h.state(), PortState::kListening);
}

TEST(OrdinaryClockBmcaTest, SingleAnnounceThenTimeoutBecomesMaster) {
  Harness h;
  h.start(kStart);
  AnnounceSpec spec;
  h.general(announce(spec), kStart + seconds(1));
  h.timer(PortTimer::kAnnounceReceipt, kStart + seconds(8));
  EXPECT_EQ(h.state(), PortState::kMaster);
}

TEST(OrdinaryClockBmcaTest, WorseMasterMakesUsPreMasterThenMasterAfterQualification) {
  Harness h;
  h.start(kStart);
  h.general(worse_announce(0), kStart + seconds(1));
  const Nanoseconds second_at = kStart + seconds(3);
  const auto second = h.general(worse_announce(1), second_at);
  EXPECT_EQ(h.state(), PortState::kPreMaster);
  EXPECT_EQ(transitions(second), (Transitions{{PortState::kListening, PortState::kPreMaster}}));
  EXPECT_EQ(events(second), std::vector<PortEvent>{PortEvent::kRsGrandMaster});
  EXPECT_EQ(h.clock().last_decision(), DecisionCode::kM2);
  EXPECT_TRUE(all_of<SendMessage>(second).empty());
  // (stepsRemoved 0 + 1) announce intervals of 2 s.
  EXPECT_EQ(h.deadline(PortTimer::kQualification), second_at + seconds(2));
  EXPECT_FALSE(h.deadline(PortTimer::kAnnounceReceipt).has_value());
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);

  const auto qualified = h.timer(PortTimer::kQualification, second_at + seconds(2));
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_EQ(events(qualified), std::vector<PortEvent>{PortEvent::kQualificationTimeoutExpires});
  const auto announces = sends_of(qualified, MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_EQ(std::get<wire::Announce>(decode(announces[0]).body).grandmaster_identity, kOurClock);
  EXPECT_EQ(sends_of(qualified, MessageType::kSync).size(), 1U);
  EXPECT_FALSE(h.deadline(PortTimer::kQualification).has_value());
}

TEST(OrdinaryClockBmcaTest, QualificationTimerOutsidePreMasterIsIgnored) {
  Harness h;
  h.start(kStart);
  EXPECT_TRUE(h.timer(PortTimer::kQualification, kStart + seconds(1)).empty());
  EXPECT_EQ(h.state(), PortState::kListening);
}

TEST(OrdinaryClockBmcaTest, BetterMasterAppearingWhileMasterTakesOver) {
  Harness h;
  h.start(kStart);
  h.timer(PortTimer::kAnnounceReceipt, kStart + seconds(7));
  ASSERT_EQ(h.state(), PortState::kMaster);
  AnnounceSpec spec;
  EXPECT_TRUE(all_of<StateChanged>(h.general(announce(spec), kStart + seconds(8))).empty());
  EXPECT_EQ(h.state(), PortState::kMaster);
  spec.sequence_id = 1;
  const auto actions = h.general(announce(spec), kStart + seconds(10));
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(transitions(actions), (Transitions{{PortState::kMaster, PortState::kUncalibrated}}));
  EXPECT_FALSE(h.deadline(PortTimer::kAnnounceTransmit).has_value());
  EXPECT_FALSE(h.deadline(PortTimer::kSyncTransmit).has_value());
  EXPECT_TRUE(h.deadline(PortTimer::kDelayRequest).has_value());
  EXPECT_TRUE(h.deadline(PortTimer::kAnnounceReceipt).has_value());
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterA);
  // A leftover transmit timer does nothing now.
  EXPECT_TRUE(h.timer(PortTimer::kSyncTransmit, kStart + seconds(11)).empty());
}

TEST(OrdinaryClockBmcaTest, AnnounceOfTheParentKeepsTheReceiptTimerGoing) {
  Harness h;
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  master.advance(seconds(2));
  const auto actions = master.announce_once();
  const auto receipt = armed_at(actions, PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_GE(*receipt, master.now + seconds(6));
  EXPECT_LT(*receipt, master.now + seconds(8));
  // Another clock's Announces do not keep the parent alive.
  master.advance(seconds(1));
  EXPECT_FALSE(armed_at(h.general(worse_announce(0), master.now), PortTimer::kAnnounceReceipt));
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
}

TEST(OrdinaryClockBmcaTest, SlaveWhoseMasterFallsSilentBecomesMasterAsGrandmaster) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);

  const auto actions = h.timer(PortTimer::kAnnounceReceipt, master.now);
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_EQ(transitions(actions), (Transitions{{PortState::kSlave, PortState::kMaster}}));
  EXPECT_EQ(events(actions), std::vector<PortEvent>{PortEvent::kAnnounceReceiptTimeoutExpires});
  // The first Announce already names this clock as grandmaster.
  const auto announces = sends_of(actions, MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  const auto body = std::get<wire::Announce>(decode(announces[0]).body);
  EXPECT_EQ(body.grandmaster_identity, kOurClock);
  EXPECT_EQ(body.grandmaster_priority1, 128);
  EXPECT_EQ(body.steps_removed, 0);
  EXPECT_EQ(body.time_source, TimeSource::kInternalOscillator);
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity.clock_identity, kOurClock);
  EXPECT_EQ(h.clock().current_data_set().steps_removed, 0);
  EXPECT_EQ(h.clock().time_properties_data_set(), base_config().local_time_properties);
  // The dead parent is forgotten: one Announce of it does not bring it straight back.
  EXPECT_EQ(h.clock().foreign_masters().find(kMasterA), nullptr);
  master.advance(ms(100));
  master.announce_once();
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_EQ(h.counters().announce_receipt_timeouts, 1U);
}

TEST(OrdinaryClockBmcaTest, ParentTimeoutWithAnotherQualifiedMasterFollowsThatOne) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  // B (priority1 110: worse than A, better than us) announces twice.
  AnnounceSpec spec;
  spec.sender = kMasterB;
  spec.priority1 = 110;
  h.general(announce(spec), master.now);
  spec.sequence_id = 1;
  h.general(announce(spec), master.now + seconds(2));
  ASSERT_EQ(h.state(), PortState::kSlave);
  h.timer(PortTimer::kAnnounceReceipt, master.now + seconds(3));
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterB);
}

TEST(OrdinaryClockBmcaTest, BetterMasterReplacesTheParentWhileSlave) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  AnnounceSpec spec;
  spec.sender = kMasterB;
  spec.priority1 = 50;
  h.general(announce(spec), master.now);
  spec.sequence_id = 1;
  const auto actions = h.general(announce(spec), master.now + seconds(2));
  EXPECT_EQ(transitions(actions), (Transitions{{PortState::kSlave, PortState::kUncalibrated}}));
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterB);
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_priority1, 50);
  // A's Syncs are not from the parent any more.
  SyncSpec from_a;
  from_a.sequence_id = 999;
  h.event(sync(from_a), master.master_time, master.now + seconds(2));
  EXPECT_EQ(h.counters().drops(DropReason::kNotFromParent), 1U);
}

TEST(OrdinaryClockBmcaTest, SlaveOnlyNeverBecomesMaster) {
  PortConfig config = base_config();
  config.slave_only = true;
  Harness h(config);
  EXPECT_EQ(h.clock().default_data_set().clock_quality.clock_class, 255);
  EXPECT_TRUE(h.clock().default_data_set().slave_only);
  h.start(kStart);
  Nanoseconds now = kStart;
  for (int i = 0; i < 3; ++i) {
    now = now + seconds(8);
    const auto actions = h.timer(PortTimer::kAnnounceReceipt, now);
    EXPECT_EQ(h.state(), PortState::kListening);
    EXPECT_TRUE(all_of<SendMessage>(actions).empty());
    const auto receipt = armed_at(actions, PortTimer::kAnnounceReceipt);
    ASSERT_TRUE(receipt.has_value()) << "the receipt timer must keep running";
    EXPECT_GE(*receipt, now + seconds(6));
    EXPECT_LT(*receipt, now + seconds(8));
  }
  // A master worse than its own defaultDS does not make it PRE_MASTER: D0 is no candidate for a
  // slave-only clock, so it follows that master.
  h.general(worse_announce(0), now + seconds(1));
  h.general(worse_announce(1), now + seconds(3));
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity, kWorseMaster);
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(MessageType::kAnnounce)], 0U);
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(MessageType::kSync)], 0U);
}

TEST(OrdinaryClockBmcaTest, SlaveOnlySlaveWhoseMasterFallsSilentListensAndForgetsIt) {
  PortConfig config = base_config();
  config.slave_only = true;
  Harness h(config);
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);
  const auto actions = h.timer(PortTimer::kAnnounceReceipt, master.now);
  EXPECT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(transitions(actions), (Transitions{{PortState::kSlave, PortState::kListening}}));
  EXPECT_TRUE(all_of<SendMessage>(actions).empty());
  EXPECT_TRUE(h.deadline(PortTimer::kAnnounceReceipt).has_value());
  EXPECT_FALSE(h.deadline(PortTimer::kDelayRequest).has_value());
  EXPECT_EQ(h.clock().foreign_masters().find(kMasterA), nullptr);
  // It follows nobody now (as ptp4l, which makes itself grandmaster in its data sets).
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);
}

TEST(OrdinaryClockBmcaTest, MasterOnlyNeverBecomesSlave) {
  PortConfig config = base_config();
  config.master_only = true;
  Harness h(config);
  h.start(kStart);
  AnnounceSpec spec;
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  h.general(announce(spec), kStart + seconds(3));
  EXPECT_EQ(h.state(), PortState::kPreMaster);
  h.timer(PortTimer::kQualification, kStart + seconds(5));
  EXPECT_EQ(h.state(), PortState::kMaster);
  for (std::uint16_t i = 2; i < 8; ++i) {
    spec.sequence_id = i;
    const auto actions = h.general(announce(spec), kStart + seconds(3 + 2 * i));
    EXPECT_TRUE(all_of<StateChanged>(actions).empty());
  }
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);
}

TEST(OrdinaryClockBmcaTest, AnnounceWithStepsRemovedAtTheLimitDoesNotQualify) {
  Harness h;
  h.start(kStart);
  AnnounceSpec spec;
  spec.steps_removed = 255;
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  h.general(announce(spec), kStart + seconds(3));
  EXPECT_EQ(h.state(), PortState::kListening);
}

// A primary clock (class 6) that hears a better primary clock is PASSIVE (P1); when that clock
// falls silent the port becomes MASTER and stays MASTER.
TEST(OrdinaryClockBmcaTest, PassiveWhoseBetterMasterFallsSilentBecomesMasterForGood) {
  PortConfig config = base_config();
  config.clock_quality = ClockQuality{6, ClockAccuracy::kWithin100ns, 0x4E5D};
  config.announce_receipt_timeout = 2;
  Harness h(config);
  h.start(kStart);
  AnnounceSpec spec;  // class 6 as well, priority1 100: better
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  const auto passive = h.general(announce(spec), kStart + seconds(3));
  ASSERT_EQ(h.state(), PortState::kPassive);
  EXPECT_EQ(h.clock().last_decision(), DecisionCode::kP1);
  EXPECT_EQ(events(passive), std::vector<PortEvent>{PortEvent::kRsPassive});
  EXPECT_TRUE(all_of<SendMessage>(passive).empty());

  const auto deadline = h.deadline(PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(deadline.has_value());
  const auto actions = h.timer(PortTimer::kAnnounceReceipt, *deadline);
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_EQ(transitions(actions), (Transitions{{PortState::kPassive, PortState::kMaster}}));
  // The silent master is no candidate any more.
  EXPECT_EQ(h.clock().foreign_masters().find(kMasterA), nullptr);
}

// portDS.logMinDelayReqInterval learned from a master's Delay_Resp is that master's wish: after
// a fault the port starts over from its configuration.
TEST(OrdinaryClockBmcaTest, ReinitializationRestoresTheConfiguredDelayReqInterval) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  const auto sent =
      last_send(h.timer(PortTimer::kDelayRequest, master.now), MessageType::kDelayReq);
  ASSERT_TRUE(sent.has_value());
  h.tx_timestamp(*sent->timestamp_id, master.master_time, master.now);
  h.general(delay_resp(kMasterA, decode(*sent).header.sequence_id, ts(master.master_time), kOurPort,
                       {}, 4),
            master.now);
  ASSERT_EQ(h.clock().port_data_set().log_min_delay_req_interval, 4);
  h.fault(master.now);
  h.timer(PortTimer::kFaultReset, master.now + seconds(16));
  ASSERT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(h.clock().port_data_set().log_min_delay_req_interval, 0);
}

}  // namespace
}  // namespace ptp::clock_test
