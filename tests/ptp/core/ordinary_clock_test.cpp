// OrdinaryClock's life cycle (1588-2019 9.2.5, 9.2.6): start-up into LISTENING with the
// randomised announce receipt timeout (9.2.6.12), FAULTY and its recovery, DISABLED and back, a
// timestamping change, and determinism (a run is a pure function of its inputs and the seed).
// Then hostile input: truncated, foreign, looped-back, misdirected, unsupported and absurd
// messages, an Announce flood and random bytes, each counted under one DropReason and survived.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ordinary_clock_test_support.h"

namespace ptp::clock_test {
namespace {

using testing::Return;

constexpr Nanoseconds kStart = seconds(1000);

TEST(OrdinaryClockStartTest, StartGoesThroughInitCompleteToListening) {
  Harness h;
  EXPECT_EQ(h.state(), PortState::kInitializing);
  const auto actions = h.start(kStart);
  EXPECT_EQ(h.state(), PortState::kListening);
  const auto changes = all_of<StateChanged>(actions);
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].from, PortState::kInitializing);
  EXPECT_EQ(changes[0].to, PortState::kListening);
  EXPECT_EQ(changes[0].event, PortEvent::kInitComplete);
  EXPECT_TRUE(all_of<SendMessage>(actions).empty());
  // Only the announce receipt timer runs.
  for (std::size_t timer = 0; timer < kPortTimerCount; ++timer) {
    const auto which = static_cast<PortTimer>(timer);
    EXPECT_EQ(h.deadline(which).has_value(), which == PortTimer::kAnnounceReceipt)
        << to_string(which);
  }
  EXPECT_EQ(h.counters().state_changes, 1U);
}

struct ReceiptCase {
  std::uint8_t timeout;
  std::int8_t log_interval;
  Nanoseconds low;   // timeout * 2^log
  Nanoseconds high;  // (timeout + 1) * 2^log, excluded
};

class OrdinaryClockReceiptTimeoutTest : public testing::TestWithParam<ReceiptCase> {};

TEST_P(OrdinaryClockReceiptTimeoutTest, DeadlineIsWithinTheRandomisedWindow) {
  const ReceiptCase c = GetParam();
  std::set<std::int64_t> distinct;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    PortConfig config = base_config();
    config.announce_receipt_timeout = c.timeout;
    config.log_announce_interval = c.log_interval;
    config.random_seed = seed;
    Harness h(config);
    const auto deadline = armed_at(h.start(kStart), PortTimer::kAnnounceReceipt);
    ASSERT_TRUE(deadline.has_value());
    EXPECT_GE(*deadline, kStart + c.low) << "seed " << seed;
    EXPECT_LT(*deadline, kStart + c.high) << "seed " << seed;
    distinct.insert(deadline->count());
  }
  // The randomisation is real: 50 seeds give (almost) 50 deadlines.
  EXPECT_GT(distinct.size(), 40U);
}

INSTANTIATE_TEST_SUITE_P(
    Intervals, OrdinaryClockReceiptTimeoutTest,
    testing::Values(ReceiptCase{3, 1, seconds(6), seconds(8)},
                    ReceiptCase{2, 0, seconds(2), seconds(3)}, ReceiptCase{2, -3, ms(250), ms(375)},
                    ReceiptCase{10, 4, seconds(160), seconds(176)},
                    ReceiptCase{255, -10, Nanoseconds(249'023'437), Nanoseconds(250'000'000)}));

TEST(OrdinaryClockStartTest, ListeningTimeoutRearmsNothingButMasterTimers) {
  Harness h;
  h.start(kStart);
  h.timer(PortTimer::kAnnounceReceipt, kStart + seconds(7));
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_FALSE(h.deadline(PortTimer::kAnnounceReceipt).has_value());
  EXPECT_TRUE(h.deadline(PortTimer::kAnnounceTransmit).has_value());
  EXPECT_TRUE(h.deadline(PortTimer::kSyncTransmit).has_value());
  EXPECT_EQ(h.counters().announce_receipt_timeouts, 1U);
}

// ---- FAULTY, DISABLED ----------------------------------------------------------------------

TEST(OrdinaryClockFaultTest, FaultGoesFaultyCancelsTimersAndRecoversAfterTheResetInterval) {
  PortConfig config = base_config();
  config.log_fault_reset_interval = 3;  // 8 s
  Harness h(config);
  h.start(kStart);
  h.timer(PortTimer::kAnnounceReceipt, kStart + seconds(7));  // MASTER: transmit timers run
  ASSERT_EQ(h.state(), PortState::kMaster);

  const Nanoseconds fault_at = kStart + seconds(9);
  const auto actions = h.fault(fault_at);
  EXPECT_EQ(h.state(), PortState::kFaulty);
  EXPECT_EQ(
      transitions(actions),
      (std::vector<std::pair<PortState, PortState>>{{PortState::kMaster, PortState::kFaulty}}));
  EXPECT_EQ(events(actions), std::vector<PortEvent>{PortEvent::kFaultDetected});
  for (std::size_t timer = 0; timer < kPortTimerCount; ++timer) {
    const auto which = static_cast<PortTimer>(timer);
    EXPECT_EQ(h.deadline(which).has_value(), which == PortTimer::kFaultReset) << to_string(which);
  }
  EXPECT_EQ(h.deadline(PortTimer::kFaultReset), fault_at + seconds(8));
  EXPECT_EQ(h.counters().faults, 1U);
  EXPECT_TRUE(all_of<SendMessage>(actions).empty());

  // FAULTY sends nothing: stale transmit timers do nothing.
  EXPECT_TRUE(h.timer(PortTimer::kSyncTransmit, fault_at + seconds(1)).empty());
  EXPECT_TRUE(h.timer(PortTimer::kAnnounceTransmit, fault_at + seconds(1)).empty());
  // A second fault while FAULTY does not restart the wait.
  EXPECT_TRUE(all_of<StateChanged>(h.fault(fault_at + seconds(2))).empty());

  const auto recovered = h.timer(PortTimer::kFaultReset, fault_at + seconds(8));
  EXPECT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(transitions(recovered), (std::vector<std::pair<PortState, PortState>>{
                                        {PortState::kFaulty, PortState::kInitializing},
                                        {PortState::kInitializing, PortState::kListening}}));
  EXPECT_EQ(events(recovered),
            (std::vector<PortEvent>{PortEvent::kFaultCleared, PortEvent::kInitComplete}));
  const auto receipt = h.deadline(PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_GE(*receipt, fault_at + seconds(8) + seconds(6));
  EXPECT_LT(*receipt, fault_at + seconds(8) + seconds(8));
  EXPECT_FALSE(h.deadline(PortTimer::kFaultReset).has_value());
}

TEST(OrdinaryClockFaultTest, MessagesWhileFaultyAreWrongState) {
  Harness h;
  h.start(kStart);
  h.fault(kStart + seconds(1));
  AnnounceSpec spec;
  EXPECT_TRUE(h.general(announce(spec), kStart + seconds(2)).empty());
  EXPECT_EQ(h.counters().drops(DropReason::kWrongState), 1U);
  EXPECT_EQ(h.clock().foreign_masters().size(), 0U);
}

TEST(OrdinaryClockFaultTest, FaultResetTimerOutsideFaultyIsIgnored) {
  Harness h;
  h.start(kStart);
  EXPECT_TRUE(h.timer(PortTimer::kFaultReset, kStart + seconds(1)).empty());
  EXPECT_EQ(h.state(), PortState::kListening);
}

TEST(OrdinaryClockFaultTest, SlaveThatFaultsForgetsItsMasterWhenItReinitializes) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);
  h.fault(master.now);
  h.timer(PortTimer::kFaultReset, master.now + seconds(16));
  ASSERT_EQ(h.state(), PortState::kListening);
  // INITIALIZING initializes the data sets (9.2.5): LISTENING follows nobody.
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity.clock_identity, kOurClock);
  EXPECT_EQ(h.clock().current_data_set().steps_removed, 0);
  EXPECT_EQ(h.clock().foreign_masters().size(), 0U);
}

TEST(OrdinaryClockDisableTest, DisableCancelsEverythingAndEnableStartsOver) {
  Harness h;
  h.start(kStart);
  h.timer(PortTimer::kAnnounceReceipt, kStart + seconds(7));
  ASSERT_EQ(h.state(), PortState::kMaster);

  const auto disabled = h.enable(false, kStart + seconds(8));
  EXPECT_EQ(h.state(), PortState::kDisabled);
  EXPECT_EQ(events(disabled), std::vector<PortEvent>{PortEvent::kDesignatedDisabled});
  for (std::size_t timer = 0; timer < kPortTimerCount; ++timer) {
    EXPECT_FALSE(h.deadline(static_cast<PortTimer>(timer)).has_value());
  }
  EXPECT_TRUE(all_of<SendMessage>(disabled).empty());
  // Disabled ignores faults and timers.
  EXPECT_TRUE(all_of<StateChanged>(h.fault(kStart + seconds(9))).empty());
  EXPECT_EQ(h.state(), PortState::kDisabled);
  EXPECT_TRUE(h.timer(PortTimer::kSyncTransmit, kStart + seconds(9)).empty());

  const auto enabled = h.enable(true, kStart + seconds(10));
  EXPECT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(transitions(enabled), (std::vector<std::pair<PortState, PortState>>{
                                      {PortState::kDisabled, PortState::kInitializing},
                                      {PortState::kInitializing, PortState::kListening}}));
  EXPECT_TRUE(h.deadline(PortTimer::kAnnounceReceipt).has_value());
  // Enabling an enabled port changes nothing.
  EXPECT_TRUE(all_of<StateChanged>(h.enable(true, kStart + seconds(11))).empty());
}

TEST(OrdinaryClockTimestampingTest, ChangeInSlaveFallsBackToUncalibratedAndResetsTheServo) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);

  EXPECT_CALL(h.servo(), reset()).Times(1);
  const auto actions = h.timestamping_changed(master.now);
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(events(actions), std::vector<PortEvent>{PortEvent::kSynchronizationFault});
  EXPECT_FALSE(h.clock().delay_filter().estimate().has_value());

  // The pending exchange is gone: a Follow_Up of a Sync received before the change matches
  // nothing, and no sample reaches the servo until a new Delay_Resp.
  EXPECT_CALL(h.servo(), sample).Times(0);
  master.sync_exchange();
  master.sync_exchange();
}

TEST(OrdinaryClockTimestampingTest, ChangeInUncalibratedStaysUncalibrated) {
  Harness h;
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_CALL(h.servo(), reset()).Times(1);
  EXPECT_TRUE(all_of<StateChanged>(h.timestamping_changed(master.now)).empty());
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
}

// ---- Determinism -----------------------------------------------------------------------

// Every action of a scripted run, as comparable text.
std::vector<std::string> describe(std::span<const PortAction> actions) {
  std::vector<std::string> lines;
  for (const auto& action : actions) {
    std::string line = std::to_string(action.index()) + ":";
    if (const auto* send = std::get_if<SendMessage>(&action)) {
      for (const auto octet : send->payload())
        line += std::to_string(std::to_integer<int>(octet)) + ",";
      line += send->timestamp_id ? std::to_string(send->timestamp_id->value) : "-";
    } else if (const auto* arm = std::get_if<ArmTimer>(&action)) {
      line += std::string(to_string(arm->timer)) + "@" + std::to_string(arm->deadline.count());
    } else if (const auto* cancel = std::get_if<CancelTimer>(&action)) {
      line += to_string(cancel->timer);
    } else if (const auto* change = std::get_if<StateChanged>(&action)) {
      line += std::string(to_string(change->to)) + "/" + std::string(to_string(change->event));
    } else if (const auto* measured = std::get_if<OffsetMeasured>(&action)) {
      line += std::to_string(measured->offset_from_master.count()) + "/" +
              std::to_string(measured->mean_path_delay.count());
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> scripted_run(const PortConfig& config) {
  Harness h(config);
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(12.5)));
  std::vector<std::string> log;
  const auto record = [&](std::span<const PortAction> actions) {
    const auto lines = describe(actions);
    log.insert(log.end(), lines.begin(), lines.end());
    log.emplace_back("|");
  };
  MasterAScript<Harness> master{h};
  master.offset = ns(777);
  record(h.start(master.now));
  record(master.announce_once());
  master.advance(seconds(2));
  for (int round = 0; round < 3; ++round) {
    record(master.announce_once());
    master.advance(ms(700));
    record(master.sync_exchange());
    record(h.timer(PortTimer::kDelayRequest, master.now));
    master.delay_exchange();
    record(h.actions());
  }
  record(h.timer(PortTimer::kAnnounceReceipt, master.now + seconds(10)));
  return log;
}

TEST(OrdinaryClockDeterminismTest, SameConfigAndInputsGiveTheSameActions) {
  const auto first = scripted_run(base_config());
  const auto second = scripted_run(base_config());
  EXPECT_GT(first.size(), 40U);
  EXPECT_EQ(first, second);
}

TEST(OrdinaryClockDeterminismTest, DifferentSeedsGiveDifferentReceiptDeadlines) {
  PortConfig a = base_config();
  PortConfig b = base_config();
  a.random_seed = 1;
  b.random_seed = 2;
  Harness ha(a);
  Harness hb(b);
  const auto deadline_a = armed_at(ha.start(kStart), PortTimer::kAnnounceReceipt);
  const auto deadline_b = armed_at(hb.start(kStart), PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(deadline_a && deadline_b);
  EXPECT_NE(*deadline_a, *deadline_b);
}

TEST(OrdinaryClockDeterminismTest, SeedZeroDependsOnTheClockIdentity) {
  PortConfig a = base_config();
  PortConfig b = base_config();
  a.random_seed = 0;
  b.random_seed = 0;
  b.clock_identity = clock_id(0x51);
  Harness ha(a);
  Harness ha2(a);
  Harness hb(b);
  const auto deadline_a = armed_at(ha.start(kStart), PortTimer::kAnnounceReceipt);
  const auto deadline_a2 = armed_at(ha2.start(kStart), PortTimer::kAnnounceReceipt);
  const auto deadline_b = armed_at(hb.start(kStart), PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(deadline_a && deadline_a2 && deadline_b);
  EXPECT_EQ(*deadline_a, *deadline_a2);
  EXPECT_NE(*deadline_a, *deadline_b);
}

TEST(OrdinaryClockConfigTest, InvalidConfigurationIsRefused) {
  testing::NiceMock<MockServo> servo;
  PortConfig config = base_config();
  config.slave_only = true;
  config.master_only = true;
  const auto created = OrdinaryClock::create(config, servo);
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error(), PortConfigError::kSlaveOnlyAndMasterOnly);
}

// ---- Hostile input -----------------------------------------------------------------------

using wire::MessageType;

std::uint64_t total_received(const PortCounters& counters) {
  return std::accumulate(counters.received.begin(), counters.received.end(), std::uint64_t{0});
}

// UNCALIBRATED with master A.
void qualify(Harness& h) {
  h.start(kStart);
  qualify_master_a(h, kStart + seconds(1));
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
}

TEST(OrdinaryClockHostileTest, EveryTruncationOfASyncIsMalformedAndChangesNothing) {
  Harness h;
  qualify(h);
  EXPECT_CALL(h.servo(), sample).Times(0);
  SyncSpec spec;
  const Bytes whole = sync(spec);
  ASSERT_EQ(whole.length, 44U);
  const ParentDataSet parent = h.clock().parent_data_set();
  for (std::size_t length = 0; length < whole.length; ++length) {
    Bytes truncated = whole;
    truncated.length = length;
    const auto actions = h.event(truncated, seconds(5), kStart + seconds(4));
    EXPECT_TRUE(actions.empty()) << "length " << length;
    EXPECT_EQ(h.counters().drops(DropReason::kMalformed), length + 1) << "length " << length;
  }
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(h.clock().parent_data_set(), parent);
  EXPECT_EQ(total_received(h.counters()), 2U);  // the two Announces only
  EXPECT_EQ(h.counters().total_drops(), whole.length);
  // The whole Sync still works afterwards (it waits for its Follow_Up: no drop).
  h.event(whole, seconds(5), kStart + seconds(4));
  EXPECT_EQ(h.counters().total_drops(), whole.length);
}

TEST(OrdinaryClockHostileTest, WrongDomainIsDropped) {
  Harness h;
  h.start(kStart);
  AnnounceSpec spec;
  spec.domain = 1;
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  h.general(announce(spec), kStart + seconds(2));
  EXPECT_EQ(h.counters().drops(DropReason::kWrongDomain), 2U);
  EXPECT_EQ(h.clock().foreign_masters().size(), 0U);
  EXPECT_EQ(h.state(), PortState::kListening);
}

// 1588-2019 7.1: a domain is domainNumber and sdoId together; an 802.1AS (gPTP, majorSdoId 1)
// grandmaster on domain 0 is not in this clock's domain (ptp4l: transportSpecific must match).
TEST(OrdinaryClockHostileTest, AnotherSdoIdIsAnotherDomain) {
  Harness h;
  h.start(kStart);
  for (std::uint16_t i = 0; i < 2; ++i) {
    AnnounceSpec spec;
    spec.sequence_id = i;
    wire::Message message = *wire::decode_message(announce(spec).span());
    message.header.major_sdo_id = 1;
    h.general(encode(message), kStart + seconds(1 + 2 * i));
  }
  EXPECT_EQ(h.counters().drops(DropReason::kWrongDomain), 2U);
  EXPECT_EQ(h.clock().foreign_masters().size(), 0U);
  EXPECT_EQ(h.state(), PortState::kListening);
}

TEST(OrdinaryClockHostileTest, ClockOfAnotherSdoIdSpeaksAndHearsItsOwn) {
  PortConfig config = base_config();
  config.sdo_id = 0x123;  // majorSdoId 1, minorSdoId 0x23
  Harness h(config);
  h.start(kStart);
  for (std::uint16_t i = 0; i < 2; ++i) {
    AnnounceSpec spec;
    spec.sequence_id = i;
    wire::Message message = *wire::decode_message(announce(spec).span());
    message.header.major_sdo_id = 1;  // minorSdoId 0, as a 1588-2008 peer sends it
    h.general(encode(message), kStart + seconds(1 + 2 * i));
  }
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  const auto sent = last_send(h.timer(PortTimer::kDelayRequest, kStart + seconds(4)),
                              wire::MessageType::kDelayReq);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(decode(*sent).header.major_sdo_id, 1);
  EXPECT_EQ(decode(*sent).header.minor_sdo_id, 0x23);
  // Default-profile (majorSdoId 0) messages are another domain now.
  AnnounceSpec spec;
  spec.sequence_id = 2;
  h.general(announce(spec), kStart + seconds(5));
  EXPECT_EQ(h.counters().drops(DropReason::kWrongDomain), 1U);
}

TEST(OrdinaryClockHostileTest, OwnClockIdentityIsDropped) {
  Harness h;
  h.start(kStart);
  AnnounceSpec spec;
  spec.sender = port_id(0x50, 2);  // another port of this clock
  spec.priority1 = 1;
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  h.general(announce(spec), kStart + seconds(2));
  spec.sender = kOurPort;  // our own multicast looped back
  h.general(announce(spec), kStart + seconds(3));
  EXPECT_EQ(h.counters().drops(DropReason::kFromOwnClock), 3U);
  EXPECT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(h.clock().foreign_masters().size(), 0U);
}

TEST(OrdinaryClockHostileTest, MessagesOnTheWrongChannelAreDropped) {
  Harness h;
  qualify(h);
  SyncSpec spec;
  h.receive(sync(spec), MessageChannel::kGeneral, seconds(5), kStart + seconds(4));
  h.receive(delay_req(kMasterB, 1), MessageChannel::kGeneral, seconds(5), kStart + seconds(4));
  AnnounceSpec a;
  a.sequence_id = 9;
  h.receive(announce(a), MessageChannel::kEvent, seconds(5), kStart + seconds(4));
  h.receive(follow_up(kMasterA, 0, ts(seconds(5))), MessageChannel::kEvent, seconds(5),
            kStart + seconds(4));
  EXPECT_EQ(h.counters().drops(DropReason::kWrongChannel), 4U);
  EXPECT_EQ(h.counters().total_drops(), 4U);
}

TEST(OrdinaryClockHostileTest, PeerDelayOnAnE2EPortAndSignalingAreRefused) {
  Harness h;
  qualify(h);
  const Nanoseconds now = kStart + seconds(4);
  h.event(encode(wire::Message{
              header(MessageType::kPdelayReq, kMasterA, 1, 0x7F), wire::PdelayReq{}, {}}),
          seconds(5), now);
  h.event(encode(wire::Message{header(MessageType::kPdelayResp, kMasterA, 1, 0x7F),
                               wire::PdelayResp{ts(seconds(5)), kOurPort},
                               {}}),
          seconds(5), now);
  h.general(encode(wire::Message{header(MessageType::kPdelayRespFollowUp, kMasterA, 1, 0x7F),
                                 wire::PdelayRespFollowUp{ts(seconds(5)), kOurPort},
                                 {}}),
            now);
  h.general(encode(wire::Message{
                header(MessageType::kSignaling, kMasterA, 1, 0x7F), wire::Signaling{kOurPort}, {}}),
            now);
  EXPECT_EQ(h.counters().drops(DropReason::kWrongDelayMechanism), 3U);
  EXPECT_EQ(h.counters().drops(DropReason::kUnsupported), 1U);
  EXPECT_EQ(h.counters().total_drops(), 4U);
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
}

TEST(OrdinaryClockHostileTest, AbsurdTimestampsAndCorrectionsAreBadTimestamps) {
  Harness h;
  qualify(h);
  EXPECT_CALL(h.servo(), sample).Times(0);
  const Nanoseconds now = kStart + seconds(4);
  // Follow_Up with nanoseconds >= 1e9.
  SyncSpec spec;
  spec.sequence_id = 1;
  h.event(sync(spec), seconds(5), now);
  h.general(follow_up(kMasterA, 1, Timestamp{5, 1'000'000'000}), now);
  EXPECT_EQ(h.counters().drops(DropReason::kBadTimestamp), 1U);
  // Follow_Up with correctionField "too big".
  h.general(follow_up(kMasterA, 1, ts(seconds(5)), TimeInterval::too_big()), now);
  EXPECT_EQ(h.counters().drops(DropReason::kBadTimestamp), 2U);
  // Sync with correctionField "too big".
  spec.sequence_id = 2;
  spec.correction = TimeInterval::too_big();
  h.event(sync(spec), seconds(5), now);
  EXPECT_EQ(h.counters().drops(DropReason::kBadTimestamp), 3U);
  // A one-step Sync whose origin is past what Nanoseconds holds (year 2262+).
  SyncSpec one_step;
  one_step.two_step = false;
  one_step.origin = Timestamp{Timestamp::kMaxSeconds, 0};
  h.event(sync(one_step), seconds(5), now);
  EXPECT_EQ(h.counters().drops(DropReason::kBadTimestamp), 4U);
  // Delay_Resp with nanoseconds >= 1e9.
  const auto sent = last_send(h.timer(PortTimer::kDelayRequest, now), MessageType::kDelayReq);
  ASSERT_TRUE(sent.has_value());
  h.tx_timestamp(*sent->timestamp_id, seconds(5), now);
  h.general(delay_resp(kMasterA, decode(*sent).header.sequence_id, Timestamp{5, 4'000'000'000U},
                       kOurPort),
            now);
  EXPECT_EQ(h.counters().drops(DropReason::kBadTimestamp), 5U);
  EXPECT_FALSE(h.clock().delay_filter().estimate().has_value());
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
}

TEST(OrdinaryClockHostileTest, ExtremeButValidTimestampsNeverOverflow) {
  Harness h;
  qualify(h);
  const Nanoseconds now = kStart + seconds(4);
  // t1 at the epoch, t2 at the end of what Nanoseconds holds: every difference is checked.
  SyncSpec spec;
  spec.sequence_id = 1;
  spec.correction = scaled(-(std::int64_t{1} << 46));
  h.event(sync(spec), Nanoseconds::max(), now);
  h.general(follow_up(kMasterA, 1, Timestamp{0, 0}, scaled(-(std::int64_t{1} << 46))), now);
  const auto sent = last_send(h.timer(PortTimer::kDelayRequest, now), MessageType::kDelayReq);
  ASSERT_TRUE(sent.has_value());
  h.tx_timestamp(*sent->timestamp_id, Nanoseconds::min(), now);
  h.general(delay_resp(kMasterA, decode(*sent).header.sequence_id,
                       Timestamp{9'223'372'036, 854'775'807}, kOurPort),
            now);
  EXPECT_GE(h.counters().drops(DropReason::kBadTimestamp), 1U);
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
}

TEST(OrdinaryClockHostileTest, AnnounceFloodDoesNotEvictTheParent) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);
  const std::size_t capacity = h.clock().foreign_masters().capacity();
  const std::uint64_t received_before = total_received(h.counters());

  // 1000 made-up senders, each twice (so that the ones recorded qualify), worse than A but
  // better than this clock.
  constexpr int kSenders = 1000;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kSenders; ++i) {
      AnnounceSpec spec;
      spec.sender = PortIdentity{ClockIdentity{{0xEE, 0xEE, static_cast<std::uint8_t>(i >> 8),
                                                static_cast<std::uint8_t>(i & 0xFF), 1, 2, 3, 4}},
                                 1};
      spec.priority1 = 120;  // worse than A's 100, better than our 128
      spec.sequence_id = static_cast<std::uint16_t>(round);
      h.general(announce(spec), master.now + ms(std::int64_t{round} * 100), kAddressWorse);
      EXPECT_EQ(h.state(), PortState::kSlave);
    }
  }
  // The parent keeps its record; the table is full of the first senders; the rest are counted.
  EXPECT_NE(h.clock().foreign_masters().find(kMasterA), nullptr);
  EXPECT_EQ(h.clock().foreign_masters().size(), capacity);
  const std::uint64_t recorded = capacity - 1;
  EXPECT_EQ(h.counters().drops(DropReason::kAnnounceRejected), 2 * (kSenders - recorded));
  EXPECT_EQ(total_received(h.counters()) - received_before, 2U * kSenders);
  EXPECT_EQ(h.state(), PortState::kSlave);
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterA);
  // A keeps announcing and synchronizing: still SLAVE, still measuring.
  master.advance(ms(300));
  master.announce_once();
  const std::uint64_t measurements = h.counters().measurements;
  master.sync_exchange();
  EXPECT_EQ(h.counters().measurements, measurements + 1);
  EXPECT_EQ(h.state(), PortState::kSlave);
}

// Feeds `count` packets from `next` on both channels, with and without receive times.
template <class Next>
void feed(Harness& h, std::mt19937& random, int count, Next&& next, Nanoseconds& now) {
  for (int i = 0; i < count; ++i) {
    const Bytes bytes = next();
    const bool event_channel = (random() & 1U) != 0;
    const std::optional<Nanoseconds> receive_time =
        (random() & 3U) != 0 ? std::optional<Nanoseconds>(now) : std::nullopt;
    now = now + ms(1);
    h.receive(bytes, event_channel ? MessageChannel::kEvent : MessageChannel::kGeneral,
              receive_time, now, address(static_cast<std::uint8_t>(random())));
  }
}

TEST(OrdinaryClockHostileTest, RandomBytesAreCountedAndSurvived) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  const PortCounters before = h.counters();
  std::mt19937 random(20261125);
  Nanoseconds now = master.now;
  constexpr int kPackets = 10'000;
  feed(
      h, random, kPackets,
      [&] {
        Bytes bytes;
        bytes.length = random() % 201;
        for (std::size_t i = 0; i < bytes.length; ++i) {
          bytes.data[i] = static_cast<std::byte>(random());
        }
        return bytes;
      },
      now);
  const PortCounters& after = h.counters();
  const std::uint64_t malformed =
      after.drops(DropReason::kMalformed) - before.drops(DropReason::kMalformed);
  const std::uint64_t decoded = total_received(after) - total_received(before);
  EXPECT_EQ(malformed + decoded, std::uint64_t{kPackets});
  EXPECT_LE(after.total_drops() - before.total_drops(), std::uint64_t{kPackets});
}

TEST(OrdinaryClockHostileTest, MutatedValidMessagesAreCountedAndSurvived) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  AnnounceSpec a;
  SyncSpec s;
  s.sequence_id = master.sync_sequence;
  ManagementSpec m;
  m.id = wire::ManagementId::kDefaultDataSet;
  const std::vector<Bytes> seeds{
      announce(a),
      sync(s),
      follow_up(kMasterA, master.sync_sequence, ts(master.master_time)),
      delay_req(kMasterB, 3),
      delay_resp(kMasterA, 0, ts(master.master_time), kOurPort),
      management(m),
  };
  const PortCounters before = h.counters();
  std::mt19937 random(7);
  Nanoseconds now = master.now;
  constexpr int kPackets = 10'000;
  feed(
      h, random, kPackets,
      [&] {
        Bytes bytes = seeds[random() % seeds.size()];
        const std::uint32_t flips = 1 + static_cast<std::uint32_t>(random() % 3);
        for (std::uint32_t i = 0; i < flips; ++i) {
          bytes.data[random() % bytes.length] ^= static_cast<std::byte>(1U << (random() % 8));
        }
        if (random() % 8 == 0) bytes.length = random() % (bytes.length + 1);
        return bytes;
      },
      now);
  const PortCounters& after = h.counters();
  const std::uint64_t malformed =
      after.drops(DropReason::kMalformed) - before.drops(DropReason::kMalformed);
  const std::uint64_t decoded = total_received(after) - total_received(before);
  EXPECT_EQ(malformed + decoded, std::uint64_t{kPackets});
  EXPECT_GT(decoded, 1000U) << "the mutations should reach past the codec";
  // Still a working clock: A's real messages bring it back to (or keep it in) a slave state.
  master.now = now + seconds(1);
  for (int i = 0; i < 4; ++i) {
    master.advance(seconds(2));
    master.announce_once();
  }
  EXPECT_TRUE(h.state() == PortState::kSlave || h.state() == PortState::kUncalibrated ||
              h.state() == PortState::kPreMaster || h.state() == PortState::kMaster)
      << to_string(h.state());
}

}  // namespace
}  // namespace ptp::clock_test
