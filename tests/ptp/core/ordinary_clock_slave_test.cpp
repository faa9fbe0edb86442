// OrdinaryClock as a slave (1588-2019 9.5, 11.3): Sync/Follow_Up matching in either order,
// one-step masters, Delay_Req and Delay_Resp matching, offsetFromMaster and meanPathDelay with
// every correctionField (sub-nanosecond parts included), and what the servo's decisions do to
// the clock and the port state. Expected values are computed here from 11.3's formulas in
// units of 2^-16 ns, never read back from the clock.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "ordinary_clock_test_support.h"

namespace ptp::clock_test {
namespace {

using testing::_;
using testing::Return;
using wire::MessageType;
using Transitions = std::vector<std::pair<PortState, PortState>>;

constexpr std::int64_t kScale = 65536;  // 2^16: TimeInterval units per nanosecond

// 11.3.3: meanPathDelay = ((t2 - t3) + (t4 - t1) - c_sync - c_follow_up - c_delay_resp) / 2,
// in whole nanoseconds; the test's values make it exact.
std::int64_t mean_path_delay_ns(Nanoseconds t1, Nanoseconds t2, Nanoseconds t3, Nanoseconds t4,
                                std::int64_t corrections_scaled) {
  const std::int64_t twice = ((t2 - t3).count() + (t4 - t1).count()) * kScale - corrections_scaled;
  EXPECT_EQ(twice % (2 * kScale), 0) << "test values must give a whole nanosecond";
  return twice / (2 * kScale);
}

// 11.3.2: offsetFromMaster = t2 - t1 - c_sync - c_follow_up - meanPathDelay.
std::int64_t offset_ns(Nanoseconds t1, Nanoseconds t2, std::int64_t corrections_scaled,
                       std::int64_t mean_path_delay) {
  const std::int64_t scaled_offset =
      (t2 - t1).count() * kScale - corrections_scaled - mean_path_delay * kScale;
  EXPECT_EQ(scaled_offset % kScale, 0) << "test values must give a whole nanosecond";
  return scaled_offset / kScale;
}

// The exchanges of the arithmetic tests.
struct Exchange {
  Nanoseconds t1a = seconds(1'700'000'000) + ns(111);
  Nanoseconds t2a = t1a + ns(63'846);
  TimeInterval c_sync_a = scaled(1000, 0x4000);     // 1000.25 ns
  TimeInterval c_follow_a = scaled(500, 0x4000);    // 500.25 ns
  TimeInterval c_delay_resp = scaled(200, 0x8000);  // 200.5 ns
  Nanoseconds t3 = t2a + ms(100);
  Nanoseconds t4 = t1a + ns(100'101'701);
  Nanoseconds t1b = t1a + seconds(1);
  Nanoseconds t2b = t1b + ns(62'376);
  TimeInterval c_sync_b = scaled(10, 0x4000);    // 10.25 ns
  TimeInterval c_follow_b = scaled(20, 0xC000);  // 20.75 ns
};

// Harness time for the exchanges.
constexpr Nanoseconds kNow = seconds(2000);

// UNCALIBRATED with master A.
void qualify(Harness& h) {
  h.start(kNow - seconds(5));
  qualify_master_a(h, kNow - seconds(4));
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
}

// Delay_Req on its timer; checks the request and returns its SendMessage.
SendMessage request_delay(Harness& h, Nanoseconds now) {
  const auto sent = last_send(h.timer(PortTimer::kDelayRequest, now), MessageType::kDelayReq);
  EXPECT_TRUE(sent.has_value()) << "no Delay_Req";
  if (!sent) return SendMessage{};
  EXPECT_EQ(sent->channel, MessageChannel::kEvent);
  EXPECT_TRUE(sent->timestamp_id.has_value());
  return *sent;
}

std::uint16_t sequence_of(const SendMessage& send) { return decode(send).header.sequence_id; }

TEST(OrdinaryClockSlaveTest, OffsetAndMeanPathDelayFollow113WithEveryCorrectionField) {
  Harness h;
  qualify(h);
  const Exchange x;
  const std::int64_t mpd =
      mean_path_delay_ns(x.t1a, x.t2a, x.t3, x.t4,
                         x.c_sync_a.scaled() + x.c_follow_a.scaled() + x.c_delay_resp.scaled());
  const std::int64_t offset =
      offset_ns(x.t1b, x.t2b, x.c_sync_b.scaled() + x.c_follow_b.scaled(), mpd);
  ASSERT_EQ(mpd, 50'000);  // the hand computation
  ASSERT_EQ(offset, 12'345);

  EXPECT_CALL(h.servo(), sample).Times(0);
  SyncSpec sync_a;
  sync_a.sequence_id = 10;
  sync_a.correction = x.c_sync_a;
  sync_a.log_interval = -1;
  EXPECT_TRUE(h.event(sync(sync_a), x.t2a, kNow).empty());
  // No delay yet: no offset either.
  EXPECT_TRUE(h.general(follow_up(kMasterA, 10, ts(x.t1a), x.c_follow_a), kNow + ms(1)).empty());

  const SendMessage request = request_delay(h, kNow + ms(100));
  const wire::Message decoded = decode(request);
  EXPECT_EQ(decoded.header.source_port_identity, kOurPort);
  EXPECT_EQ(decoded.header.control_field, 1);
  EXPECT_EQ(decoded.header.log_message_interval, 0x7F);
  EXPECT_FALSE(decoded.header.flags.unicast());
  EXPECT_FALSE(request.unicast_to.has_value());
  EXPECT_TRUE(h.tx_timestamp(*request.timestamp_id, x.t3, kNow + ms(100)).empty());
  EXPECT_TRUE(h.general(delay_resp(kMasterA, decoded.header.sequence_id, ts(x.t4), kOurPort,
                                   x.c_delay_resp),
                        kNow + ms(102))
                  .empty());
  EXPECT_EQ(h.clock().delay_filter().estimate(), ns(mpd));
  testing::Mock::VerifyAndClearExpectations(&h.servo());

  EXPECT_CALL(h.servo(), set_sync_interval(ms(500)));
  EXPECT_CALL(h.servo(), sample(ns(offset), x.t2b)).WillOnce(Return(locked(-42.5)));
  SyncSpec sync_b;
  sync_b.sequence_id = 11;
  sync_b.correction = x.c_sync_b;
  sync_b.log_interval = -1;
  h.event(sync(sync_b), x.t2b, kNow + seconds(1));
  const auto actions =
      h.general(follow_up(kMasterA, 11, ts(x.t1b), x.c_follow_b), kNow + seconds(1) + ms(1));
  ASSERT_EQ(actions.size(), 3U);
  ASSERT_TRUE(std::holds_alternative<SetClockFrequency>(actions[0]));
  EXPECT_EQ(std::get<SetClockFrequency>(actions[0]).frequency_ppb, -42.5);
  ASSERT_TRUE(std::holds_alternative<OffsetMeasured>(actions[1]));
  const auto& measured = std::get<OffsetMeasured>(actions[1]);
  EXPECT_EQ(measured.offset_from_master, ns(offset));
  EXPECT_EQ(measured.mean_path_delay, ns(mpd));
  EXPECT_EQ(measured.servo_state, servo::ServoState::kLocked);
  EXPECT_EQ(measured.frequency_ppb, -42.5);
  EXPECT_EQ(measured.ingress_time, x.t2b);
  ASSERT_TRUE(std::holds_alternative<StateChanged>(actions[2]));
  const auto& change = std::get<StateChanged>(actions[2]);
  EXPECT_EQ(change.from, PortState::kUncalibrated);
  EXPECT_EQ(change.to, PortState::kSlave);
  EXPECT_EQ(change.event, PortEvent::kMasterClockSelected);
  EXPECT_EQ(h.state(), PortState::kSlave);

  EXPECT_EQ(h.clock().current_data_set().offset_from_master, scaled(offset));
  EXPECT_EQ(h.clock().current_data_set().mean_path_delay, scaled(mpd));
  EXPECT_EQ(h.counters().measurements, 1U);
  EXPECT_EQ(h.counters().total_drops(), 0U);
}

TEST(OrdinaryClockSlaveTest, FollowUpBeforeItsSyncGivesTheSameResult) {
  Harness h;
  qualify(h);
  const Exchange x;
  const std::int64_t mpd =
      mean_path_delay_ns(x.t1a, x.t2a, x.t3, x.t4,
                         x.c_sync_a.scaled() + x.c_follow_a.scaled() + x.c_delay_resp.scaled());
  const std::int64_t offset =
      offset_ns(x.t1b, x.t2b, x.c_sync_b.scaled() + x.c_follow_b.scaled(), mpd);

  SyncSpec sync_a;
  sync_a.sequence_id = 10;
  sync_a.correction = x.c_sync_a;
  h.general(follow_up(kMasterA, 10, ts(x.t1a), x.c_follow_a), kNow);
  h.event(sync(sync_a), x.t2a, kNow + ms(1));
  const SendMessage request = request_delay(h, kNow + ms(100));
  h.tx_timestamp(*request.timestamp_id, x.t3, kNow + ms(100));
  h.general(delay_resp(kMasterA, sequence_of(request), ts(x.t4), kOurPort, x.c_delay_resp),
            kNow + ms(102));
  EXPECT_EQ(h.clock().delay_filter().estimate(), ns(mpd));

  EXPECT_CALL(h.servo(), sample(ns(offset), x.t2b)).WillOnce(Return(locked(1.0)));
  SyncSpec sync_b;
  sync_b.sequence_id = 11;
  sync_b.correction = x.c_sync_b;
  h.general(follow_up(kMasterA, 11, ts(x.t1b), x.c_follow_b), kNow + seconds(1));
  const auto actions = h.event(sync(sync_b), x.t2b, kNow + seconds(1) + ms(1));
  EXPECT_EQ(all_of<OffsetMeasured>(actions).size(), 1U);
  EXPECT_EQ(h.state(), PortState::kSlave);
  EXPECT_EQ(h.counters().total_drops(), 0U);
}

TEST(OrdinaryClockSlaveTest, OneStepSyncCarriesItsOwnOrigin) {
  Harness h;
  qualify(h);
  const Exchange x;
  const TimeInterval c_sync_a = scaled(1000, 0x8000);  // 1000.5 ns, + Delay_Resp's 200.5 ns
  const std::int64_t mpd =
      mean_path_delay_ns(x.t1a, x.t2a, x.t3, x.t4, c_sync_a.scaled() + x.c_delay_resp.scaled());
  const TimeInterval c_sync_b = scaled(31);
  const std::int64_t offset = offset_ns(x.t1b, x.t2b, c_sync_b.scaled(), mpd);

  SyncSpec one_step;
  one_step.two_step = false;
  one_step.sequence_id = 10;
  one_step.origin = ts(x.t1a);
  one_step.correction = c_sync_a;
  h.event(sync(one_step), x.t2a, kNow);
  const SendMessage request = request_delay(h, kNow + ms(100));
  h.tx_timestamp(*request.timestamp_id, x.t3, kNow + ms(100));
  h.general(delay_resp(kMasterA, sequence_of(request), ts(x.t4), kOurPort, x.c_delay_resp),
            kNow + ms(102));
  EXPECT_EQ(h.clock().delay_filter().estimate(), ns(mpd));

  EXPECT_CALL(h.servo(), sample(ns(offset), x.t2b)).WillOnce(Return(locked(1.0)));
  one_step.sequence_id = 11;
  one_step.origin = ts(x.t1b);
  one_step.correction = c_sync_b;
  const auto actions = h.event(sync(one_step), x.t2b, kNow + seconds(1));
  EXPECT_EQ(all_of<OffsetMeasured>(actions).size(), 1U);
  EXPECT_EQ(h.state(), PortState::kSlave);
}

TEST(OrdinaryClockSlaveTest, DelayReqTimestampAfterTheDelayRespStillCompletesTheMeasurement) {
  Harness h;
  qualify(h);
  const Exchange x;
  const std::int64_t mpd =
      mean_path_delay_ns(x.t1a, x.t2a, x.t3, x.t4,
                         x.c_sync_a.scaled() + x.c_follow_a.scaled() + x.c_delay_resp.scaled());
  SyncSpec sync_a;
  sync_a.sequence_id = 10;
  sync_a.correction = x.c_sync_a;
  h.event(sync(sync_a), x.t2a, kNow);
  h.general(follow_up(kMasterA, 10, ts(x.t1a), x.c_follow_a), kNow + ms(1));
  const SendMessage request = request_delay(h, kNow + ms(100));
  h.general(delay_resp(kMasterA, sequence_of(request), ts(x.t4), kOurPort, x.c_delay_resp),
            kNow + ms(101));
  EXPECT_FALSE(h.clock().delay_filter().estimate().has_value());
  h.tx_timestamp(*request.timestamp_id, x.t3, kNow + ms(102));
  EXPECT_EQ(h.clock().delay_filter().estimate(), ns(mpd));
  EXPECT_EQ(h.counters().tx_timestamps_unknown, 0U);
}

TEST(OrdinaryClockSlaveTest, DelayRespForAnotherPortIsNotForUs) {
  Harness h;
  qualify(h);
  const SendMessage request = request_delay(h, kNow);
  h.tx_timestamp(*request.timestamp_id, seconds(5), kNow);
  EXPECT_TRUE(
      h.general(delay_resp(kMasterA, sequence_of(request), ts(seconds(5)), port_id(0x50, 2)),
                kNow + ms(1))
          .empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 1U);
  h.general(delay_resp(kMasterA, sequence_of(request), ts(seconds(5)), port_id(0x51, 1)),
            kNow + ms(1));
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 2U);
}

TEST(OrdinaryClockSlaveTest, DelayRespFromANonParentIsDropped) {
  Harness h;
  qualify(h);
  const SendMessage request = request_delay(h, kNow);
  h.general(delay_resp(kMasterB, sequence_of(request), ts(seconds(5)), kOurPort), kNow + ms(1),
            kAddressB);
  EXPECT_EQ(h.counters().drops(DropReason::kNotFromParent), 1U);
  SyncSpec from_b;
  from_b.sender = kMasterB;
  h.event(sync(from_b), seconds(5), kNow + ms(2), kAddressB);
  h.general(follow_up(kMasterB, 0, ts(seconds(5))), kNow + ms(3), kAddressB);
  EXPECT_EQ(h.counters().drops(DropReason::kNotFromParent), 3U);
}

TEST(OrdinaryClockSlaveTest, DelayRespWithAnotherSequenceIsUnmatched) {
  Harness h;
  qualify(h);
  const SendMessage request = request_delay(h, kNow);
  h.tx_timestamp(*request.timestamp_id, seconds(5), kNow);
  const auto wrong = static_cast<std::uint16_t>(sequence_of(request) + 1);
  h.general(delay_resp(kMasterA, wrong, ts(seconds(5)), kOurPort), kNow + ms(1));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  // The right one is still welcome, but only once.
  h.general(delay_resp(kMasterA, sequence_of(request), ts(seconds(5)), kOurPort), kNow + ms(2));
  h.general(delay_resp(kMasterA, sequence_of(request), ts(seconds(5)), kOurPort), kNow + ms(3));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 2U);
}

TEST(OrdinaryClockSlaveTest, DelayReqSequenceIdsIncrease) {
  Harness h;
  qualify(h);
  std::vector<std::uint16_t> ids;
  ids.reserve(4);
  for (int i = 0; i < 4; ++i) ids.push_back(sequence_of(request_delay(h, kNow + seconds(i))));
  EXPECT_EQ(ids, (std::vector<std::uint16_t>{0, 1, 2, 3}));
  // All four still wait for their reply: none was given up.
  EXPECT_EQ(h.counters().delay_requests_unanswered, 0U);
}

TEST(OrdinaryClockSlaveTest, DelayRespLogIntervalBecomesTheRequestInterval) {
  Harness h;
  qualify(h);
  const SendMessage request = request_delay(h, kNow);
  h.tx_timestamp(*request.timestamp_id, seconds(5), kNow);
  h.general(delay_resp(kMasterA, sequence_of(request), ts(seconds(5)), kOurPort, {}, -2),
            kNow + ms(1));
  EXPECT_EQ(h.clock().port_data_set().log_min_delay_req_interval, -2);
  // The next request is drawn from [0, 2^(-2 + 1)) s.
  for (int i = 0; i < 20; ++i) {
    const Nanoseconds at = kNow + seconds(1 + i);
    const auto deadline = armed_at(h.timer(PortTimer::kDelayRequest, at), PortTimer::kDelayRequest);
    ASSERT_TRUE(deadline.has_value());
    EXPECT_GE(*deadline, at);
    EXPECT_LT(*deadline, at + ms(500));
  }
  // 0x7F (unspecified) is not adopted.
  const SendMessage next = request_delay(h, kNow + seconds(30));
  h.general(delay_resp(kMasterA, sequence_of(next), ts(seconds(5)), kOurPort, {}, 0x7F),
            kNow + seconds(30));
  EXPECT_EQ(h.clock().port_data_set().log_min_delay_req_interval, -2);
}

TEST(OrdinaryClockSlaveTest, HybridModeSendsDelayReqUnicastToTheMaster) {
  PortConfig config = base_config();
  config.hybrid_e2e = true;
  Harness h(config);
  qualify(h);
  SyncSpec spec;
  h.event(sync(spec), seconds(5), kNow, kAddressA);
  const SendMessage request = request_delay(h, kNow + ms(10));
  EXPECT_EQ(request.unicast_to, kAddressA);
  EXPECT_TRUE(decode(request).header.flags.unicast());
}

TEST(OrdinaryClockSlaveTest, FollowUpIsMatchedBySequenceIdOnly) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  EXPECT_CALL(h.servo(), sample).Times(0);
  // Sync 500 waits; the Follow_Up of Sync 499 must not complete it.
  SyncSpec spec;
  spec.sequence_id = 500;
  h.event(sync(spec), master.master_time, master.now);
  EXPECT_TRUE(
      h.general(follow_up(kMasterA, 499, ts(master.master_time - seconds(1))), master.now).empty());
  // Sync 501 waits beside 500: a late Follow_Up of 500 may still come.
  spec.sequence_id = 501;
  h.event(sync(spec), master.master_time + seconds(1), master.now + seconds(1));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 0U);
  // A port of A's clock other than the parent port is not the parent.
  EXPECT_TRUE(
      h.general(follow_up(port_id(0x10, 2), 501, ts(master.master_time)), master.now + seconds(1))
          .empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNotFromParent), 1U);
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  // Its own Follow_Up completes it.
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(locked(0)));
  h.general(follow_up(kMasterA, 501, ts(master.master_time + seconds(1) - master.delay)),
            master.now + seconds(1));
}

// A master serving unicast clients also sends multicast, and the two streams number their
// sequenceIds apart: a unicast Follow_Up never completes a multicast Sync of the same number.
TEST(OrdinaryClockSlaveTest, UnicastAndMulticastStreamsPairOnlyWithinTheirStream) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  EXPECT_CALL(h.servo(), sample).Times(0);
  SyncSpec spec;
  spec.sequence_id = 700;
  h.event(sync(spec), master.master_time, master.now);
  EXPECT_TRUE(
      h.general(follow_up(kMasterA, 700, ts(master.master_time - seconds(3)), {}, true), master.now)
          .empty());
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(locked(0)));
  h.general(follow_up(kMasterA, 700, ts(master.master_time - master.delay)), master.now);
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  // The unicast Follow_Up waits for its own Sync and completes it.
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(locked(0)));
  spec.unicast = true;
  h.event(sync(spec), master.master_time, master.now + ms(1));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 0U);
}

TEST(OrdinaryClockSlaveTest, SyncWithoutReceiveTimeIsDropped) {
  Harness h;
  qualify(h);
  SyncSpec spec;
  h.receive(sync(spec), MessageChannel::kEvent, std::nullopt, kNow);
  EXPECT_EQ(h.counters().drops(DropReason::kNoReceiveTimestamp), 1U);
}

TEST(OrdinaryClockSlaveTest, LostDelayReqTimestampAbandonsTheRequest) {
  Harness h;
  qualify(h);
  const SendMessage request = request_delay(h, kNow);
  h.tx_timestamp_lost(*request.timestamp_id, kNow + ms(1));
  EXPECT_EQ(h.counters().tx_timestamps_lost, 1U);
  h.general(delay_resp(kMasterA, sequence_of(request), ts(seconds(5)), kOurPort), kNow + ms(2));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  EXPECT_FALSE(h.clock().delay_filter().estimate().has_value());
}

// ---- Several half exchanges at once ----------------------------------------------------------

// Sync a, its Follow_Up and one Delay_Req exchange of Exchange x: the path delay is known.
std::int64_t measure_path_delay(Harness& h, const Exchange& x) {
  SyncSpec sync_a;
  sync_a.sequence_id = 10;
  sync_a.correction = x.c_sync_a;
  sync_a.log_interval = -1;
  h.event(sync(sync_a), x.t2a, kNow);
  h.general(follow_up(kMasterA, 10, ts(x.t1a), x.c_follow_a), kNow + ms(1));
  const SendMessage request = request_delay(h, kNow + ms(100));
  h.tx_timestamp(*request.timestamp_id, x.t3, kNow + ms(100));
  h.general(delay_resp(kMasterA, sequence_of(request), ts(x.t4), kOurPort, x.c_delay_resp),
            kNow + ms(102));
  return mean_path_delay_ns(x.t1a, x.t2a, x.t3, x.t4,
                            x.c_sync_a.scaled() + x.c_follow_a.scaled() + x.c_delay_resp.scaled());
}

SyncSpec two_step_sync(std::uint16_t sequence_id, TimeInterval correction = {}) {
  SyncSpec spec;
  spec.sequence_id = sequence_id;
  spec.correction = correction;
  spec.log_interval = -1;  // 500 ms: the age limit is kPendingAgeLimitIntervals x 500 ms
  return spec;
}

std::vector<Nanoseconds> measured_offsets(std::span<const PortAction> actions) {
  std::vector<Nanoseconds> offsets;
  for (const auto& measured : all_of<OffsetMeasured>(actions)) {
    offsets.push_back(measured.offset_from_master);
  }
  return offsets;
}

// linuxptp-testsuite's delayed Follow_Up: each Follow_Up comes after the next Sync. Each still
// pairs with its own Sync, with 11.3's arithmetic exactly.
TEST(OrdinaryClockSlaveTest, FollowUpAfterTheNextSyncPairsWithItsOwnSync) {
  Harness h;
  qualify(h);
  const Exchange x;
  const Nanoseconds t1c = x.t1b + seconds(1);
  const Nanoseconds t2c = t1c + ns(61'005);
  const TimeInterval c_sync_c = scaled(3, 0x8000);    // 3.5 ns
  const TimeInterval c_follow_c = scaled(1, 0x8000);  // 1.5 ns
  const std::int64_t mpd = measure_path_delay(h, x);
  ASSERT_EQ(h.clock().delay_filter().estimate(), ns(mpd));
  const std::int64_t offset_b =
      offset_ns(x.t1b, x.t2b, x.c_sync_b.scaled() + x.c_follow_b.scaled(), mpd);
  const std::int64_t offset_c = offset_ns(t1c, t2c, c_sync_c.scaled() + c_follow_c.scaled(), mpd);
  ASSERT_EQ(offset_b, 12'345);  // the hand computation
  ASSERT_EQ(offset_c, 11'000);
  {
    const testing::InSequence in_order;
    EXPECT_CALL(h.servo(), sample(ns(offset_b), x.t2b)).WillOnce(Return(locked(1.0)));
    EXPECT_CALL(h.servo(), sample(ns(offset_c), t2c)).WillOnce(Return(locked(2.0)));
  }
  h.event(sync(two_step_sync(11, x.c_sync_b)), x.t2b, kNow + seconds(1));
  EXPECT_TRUE(h.event(sync(two_step_sync(12, c_sync_c)), t2c, kNow + seconds(2)).empty());
  EXPECT_EQ(measured_offsets(h.general(follow_up(kMasterA, 11, ts(x.t1b), x.c_follow_b),
                                       kNow + seconds(2) + ms(1))),
            std::vector<Nanoseconds>{ns(offset_b)});
  h.event(sync(two_step_sync(13)), t2c + seconds(1), kNow + seconds(3));
  EXPECT_EQ(measured_offsets(
                h.general(follow_up(kMasterA, 12, ts(t1c), c_follow_c), kNow + seconds(3) + ms(1))),
            std::vector<Nanoseconds>{ns(offset_c)});
  EXPECT_EQ(h.counters().measurements, 2U);
  EXPECT_EQ(h.counters().total_drops(), 0U);
}

TEST(OrdinaryClockSlaveTest, PendingSyncsBeyondTheCapacityEvictTheOldest) {
  Harness h;
  qualify(h);
  const Exchange x;
  const std::int64_t mpd = measure_path_delay(h, x);
  constexpr auto kCapacity = OrdinaryClock::kPendingSyncCapacity;
  // kCapacity + 1 Syncs 10 ms apart, well within the age limit, none with its Follow_Up yet.
  for (std::int64_t i = 0; i <= static_cast<std::int64_t>(kCapacity); ++i) {
    h.event(sync(two_step_sync(static_cast<std::uint16_t>(20 + i))), x.t2b + ms(10 * i),
            kNow + seconds(1) + ms(10 * i));
  }
  EXPECT_EQ(h.counters().syncs_evicted, 1U);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  const Nanoseconds later = kNow + seconds(1) + ms(100);
  // Sync 20 is gone: its Follow_Up finds nothing (and waits in turn).
  EXPECT_CALL(h.servo(), sample).Times(0);
  EXPECT_TRUE(h.general(follow_up(kMasterA, 20, ts(x.t1b)), later).empty());
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  // Sync 21 is still there.
  const std::int64_t offset = offset_ns(x.t1b + ms(10), x.t2b + ms(10), 0, mpd);
  EXPECT_CALL(h.servo(), sample(ns(offset), x.t2b + ms(10))).WillOnce(Return(locked(0)));
  h.general(follow_up(kMasterA, 21, ts(x.t1b + ms(10))), later);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
}

TEST(OrdinaryClockSlaveTest, EarlyFollowUpsBeyondTheCapacityEvictTheOldest) {
  Harness h;
  qualify(h);
  const Exchange x;
  const std::int64_t mpd = measure_path_delay(h, x);
  constexpr auto kCapacity = OrdinaryClock::kPendingSyncCapacity;
  for (std::int64_t i = 0; i <= static_cast<std::int64_t>(kCapacity); ++i) {
    h.general(follow_up(kMasterA, static_cast<std::uint16_t>(40 + i), ts(x.t1b + ms(10 * i))),
              kNow + seconds(1) + ms(10 * i));
  }
  EXPECT_EQ(h.counters().follow_ups_evicted, 1U);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  const Nanoseconds later = kNow + seconds(1) + ms(100);
  EXPECT_CALL(h.servo(), sample).Times(0);
  EXPECT_TRUE(h.event(sync(two_step_sync(40)), x.t2b, later).empty());
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  const std::int64_t offset = offset_ns(x.t1b + ms(10), x.t2b + ms(10), 0, mpd);
  EXPECT_CALL(h.servo(), sample(ns(offset), x.t2b + ms(10))).WillOnce(Return(locked(0)));
  h.event(sync(two_step_sync(41)), x.t2b + ms(10), later);
}

TEST(OrdinaryClockSlaveTest, PendingSyncOlderThanTheAgeLimitIsDropped) {
  Harness h;
  qualify(h);
  const Exchange x;
  measure_path_delay(h, x);
  const Nanoseconds age_limit = ms(500 * OrdinaryClock::kPendingAgeLimitIntervals);
  const Nanoseconds at = kNow + seconds(1);
  // Just inside the limit: it pairs.
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(locked(0)));
  h.event(sync(two_step_sync(20)), x.t2b, at);
  h.general(follow_up(kMasterA, 20, ts(x.t1b)), at + age_limit - ns(1));
  testing::Mock::VerifyAndClearExpectations(&h.servo());
  // At the limit: the Sync is given up, and its Follow_Up waits for a Sync in vain.
  EXPECT_CALL(h.servo(), sample).Times(0);
  const Nanoseconds later = at + seconds(10);
  h.event(sync(two_step_sync(21)), x.t2b + seconds(10), later);
  EXPECT_TRUE(
      h.general(follow_up(kMasterA, 21, ts(x.t1b + seconds(10))), later + age_limit).empty());
  EXPECT_EQ(h.counters().syncs_expired, 1U);
  EXPECT_EQ(h.counters().syncs_evicted, 0U);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
}

TEST(OrdinaryClockSlaveTest, EarlyFollowUpOlderThanTheAgeLimitIsDropped) {
  Harness h;
  qualify(h);
  const Exchange x;
  measure_path_delay(h, x);
  // The Follow_Up says logMessageInterval 0: its limit is kPendingAgeLimitIntervals seconds.
  const Nanoseconds age_limit = seconds(OrdinaryClock::kPendingAgeLimitIntervals);
  const Nanoseconds at = kNow + seconds(1);
  EXPECT_CALL(h.servo(), sample).Times(0);
  h.general(follow_up(kMasterA, 30, ts(x.t1b)), at);
  EXPECT_TRUE(h.event(sync(two_step_sync(30)), x.t2b, at + age_limit).empty());
  EXPECT_EQ(h.counters().follow_ups_expired, 1U);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
}

// The reply to an earlier Delay_Req arrives after the next request went out: it pairs with its
// own request's t3, not the newest one's.
TEST(OrdinaryClockSlaveTest, LateDelayRespPairsWithItsOwnRequest) {
  Harness h;
  qualify(h);
  const Exchange x;
  h.event(sync(two_step_sync(10, x.c_sync_a)), x.t2a, kNow);
  h.general(follow_up(kMasterA, 10, ts(x.t1a), x.c_follow_a), kNow + ms(1));
  const std::int64_t corrections =
      x.c_sync_a.scaled() + x.c_follow_a.scaled() + x.c_delay_resp.scaled();
  const std::int64_t mpd = mean_path_delay_ns(x.t1a, x.t2a, x.t3, x.t4, corrections);
  const Nanoseconds t3_second = x.t3 + ms(700) + ns(9);
  const Nanoseconds t4_second = x.t4 + ms(700) + ns(29);
  const std::int64_t mpd_second =
      mean_path_delay_ns(x.t1a, x.t2a, t3_second, t4_second, corrections);
  ASSERT_EQ(mpd, 50'000);
  ASSERT_EQ(mpd_second, 50'010);

  const SendMessage first = request_delay(h, kNow + ms(100));
  h.tx_timestamp(*first.timestamp_id, x.t3, kNow + ms(100));
  const SendMessage second = request_delay(h, kNow + ms(800));
  h.tx_timestamp(*second.timestamp_id, t3_second, kNow + ms(800));
  h.general(delay_resp(kMasterA, sequence_of(first), ts(x.t4), kOurPort, x.c_delay_resp),
            kNow + ms(900));
  EXPECT_EQ(h.clock().delay_filter().estimate(), ns(mpd));
  h.general(delay_resp(kMasterA, sequence_of(second), ts(t4_second), kOurPort, x.c_delay_resp),
            kNow + ms(1500));
  EXPECT_EQ(h.clock().delay_filter().estimate(), ns(mpd_second));  // the filter holds one sample
  EXPECT_EQ(h.counters().delay_requests_unanswered, 0U);
  EXPECT_EQ(h.counters().total_drops(), 0U);
}

TEST(OrdinaryClockSlaveTest, DelayReqsBeyondTheCapacityEvictTheOldest) {
  Harness h;
  qualify(h);
  std::vector<SendMessage> requests;
  for (std::size_t i = 0; i <= OrdinaryClock::kPendingDelayRequestCapacity; ++i) {
    const Nanoseconds at = kNow + ms(static_cast<std::int64_t>(i));
    requests.push_back(request_delay(h, at));
    h.tx_timestamp(*requests.back().timestamp_id, seconds(5), at);
  }
  EXPECT_EQ(h.counters().delay_requests_unanswered, 1U);
  EXPECT_EQ(h.counters().delay_requests_evicted, 1U);
  h.general(delay_resp(kMasterA, sequence_of(requests[0]), ts(seconds(5)), kOurPort),
            kNow + ms(10));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  h.general(delay_resp(kMasterA, sequence_of(requests[1]), ts(seconds(5)), kOurPort),
            kNow + ms(10));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
}

TEST(OrdinaryClockSlaveTest, UnansweredDelayReqExpires) {
  Harness h;
  qualify(h);
  // logMinDelayReqInterval 0: a request waits kPendingAgeLimitIntervals seconds for its reply.
  const Nanoseconds age_limit = seconds(OrdinaryClock::kPendingAgeLimitIntervals);
  const SendMessage answered = request_delay(h, kNow);
  h.tx_timestamp(*answered.timestamp_id, seconds(5), kNow);
  h.general(delay_resp(kMasterA, sequence_of(answered), ts(seconds(5)), kOurPort),
            kNow + age_limit - ns(1));
  EXPECT_EQ(h.counters().total_drops(), 0U);
  const SendMessage late = request_delay(h, kNow + seconds(10));
  h.tx_timestamp(*late.timestamp_id, seconds(15), kNow + seconds(10));
  h.general(delay_resp(kMasterA, sequence_of(late), ts(seconds(15)), kOurPort),
            kNow + seconds(10) + age_limit);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  EXPECT_EQ(h.counters().delay_requests_unanswered, 1U);
  EXPECT_EQ(h.counters().delay_requests_evicted, 0U);
}

// ---- A new parent --------------------------------------------------------------------------

// Slave of A with a 50 us path, then B (better) takes over.
void switch_to_master_b(Harness& h, MasterAScript<Harness>& master) {
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);
  ASSERT_EQ(h.clock().delay_filter().estimate(), ns(50'000));
  AnnounceSpec spec;
  spec.sender = kMasterB;
  spec.priority1 = 50;
  h.general(announce(spec), master.now, kAddressB);
  spec.sequence_id = 1;
  h.general(announce(spec), master.now + seconds(2), kAddressB);
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  ASSERT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterB);
}

TEST(OrdinaryClockSlaveTest, NewParentDoesNotInheritTheOldPathDelay) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  switch_to_master_b(h, master);
  // B is 5 ms away: A's 50 us says nothing about it, so B's first Sync gives no offset until
  // a Delay_Resp of B measured its path (ptp4l resets its delay filter on a new master too).
  EXPECT_CALL(h.servo(), sample).Times(0);
  const Nanoseconds t1 = master.master_time;
  SyncSpec spec;
  spec.sender = kMasterB;
  spec.sequence_id = 500;
  const Nanoseconds now = master.now + seconds(3);
  h.event(sync(spec), t1 + ms(5), now, kAddressB);
  const auto actions = h.general(follow_up(kMasterB, 500, ts(t1)), now + ms(1), kAddressB);
  EXPECT_TRUE(all_of<OffsetMeasured>(actions).empty());
  EXPECT_FALSE(h.clock().delay_filter().estimate().has_value());
}

TEST(OrdinaryClockSlaveTest, NewParentResetsTheServo) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  EXPECT_CALL(h.servo(), reset()).Times(testing::AtLeast(1));
  AnnounceSpec spec;
  spec.sender = kMasterB;
  spec.priority1 = 50;
  h.general(announce(spec), master.now, kAddressB);
  spec.sequence_id = 1;
  h.general(announce(spec), master.now + seconds(2), kAddressB);
  EXPECT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterB);
}

TEST(OrdinaryClockSlaveTest, HybridDelayReqNeverGoesToTheOldMastersAddress) {
  PortConfig config = base_config();
  config.hybrid_e2e = true;
  Harness h(config);
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  switch_to_master_b(h, master);
  // The Delay_Req timer of the new parent fires before B's first Sync.
  const SendMessage request = request_delay(h, master.now + seconds(2) + ms(100));
  EXPECT_NE(request.unicast_to, std::optional<PeerAddress>(kAddressA));
}

TEST(OrdinaryClockSlaveTest, HybridDelayReqAfterAReceiptTimeoutNeverGoesToTheDeadMaster) {
  PortConfig config = base_config();
  config.hybrid_e2e = true;
  Harness h(config);
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  h.timer(PortTimer::kAnnounceReceipt, master.now);
  ASSERT_EQ(h.state(), PortState::kMaster);
  AnnounceSpec spec;
  spec.sender = kMasterB;
  spec.priority1 = 50;
  h.general(announce(spec), master.now + seconds(1), kAddressB);
  spec.sequence_id = 1;
  h.general(announce(spec), master.now + seconds(3), kAddressB);
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  const SendMessage request = request_delay(h, master.now + seconds(3) + ms(100));
  EXPECT_NE(request.unicast_to, std::optional<PeerAddress>(kAddressA));
}

// ---- Servo decisions -------------------------------------------------------------------------

TEST(OrdinaryClockServoTest, LockedInUncalibratedSelectsTheMaster) {
  Harness h;
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(locked(3.25)));
  MasterAScript<Harness> master{h};
  master.offset = ns(700);
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  const auto actions = master.sync_exchange();
  EXPECT_EQ(h.state(), PortState::kSlave);
  EXPECT_EQ(events(actions), std::vector<PortEvent>{PortEvent::kMasterClockSelected});
  EXPECT_TRUE(all_of<StepClock>(actions).empty());
  const auto frequency = all_of<SetClockFrequency>(actions);
  ASSERT_EQ(frequency.size(), 1U);
  EXPECT_EQ(frequency[0].frequency_ppb, 3.25);
  const auto measured = all_of<OffsetMeasured>(actions);
  ASSERT_EQ(measured.size(), 1U);
  EXPECT_EQ(measured[0].offset_from_master, ns(700));
  EXPECT_EQ(measured[0].mean_path_delay, ns(50'000));
}

TEST(OrdinaryClockServoTest, JumpInSlaveStepsTheClockAndFallsBackToUncalibrated) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);

  // A Delay_Req is in flight when the step comes.
  const SendMessage request = request_delay(h, master.now);
  h.tx_timestamp(*request.timestamp_id, master.master_time, master.now);
  master.offset = ns(-2'000'000);
  EXPECT_CALL(h.servo(), sample(ns(-2'000'000), _)).WillOnce(Return(jump(ns(2'000'000), -8.0)));
  const auto actions = master.sync_exchange();
  ASSERT_GE(actions.size(), 4U);
  ASSERT_TRUE(std::holds_alternative<StepClock>(actions[0]));
  EXPECT_EQ(std::get<StepClock>(actions[0]).offset, ns(2'000'000));
  ASSERT_TRUE(std::holds_alternative<SetClockFrequency>(actions[1]));
  EXPECT_EQ(std::get<SetClockFrequency>(actions[1]).frequency_ppb, -8.0);
  ASSERT_TRUE(std::holds_alternative<OffsetMeasured>(actions[2]));
  EXPECT_EQ(std::get<OffsetMeasured>(actions[2]).servo_state, servo::ServoState::kJump);
  EXPECT_EQ(transitions(actions), (Transitions{{PortState::kSlave, PortState::kUncalibrated}}));
  EXPECT_EQ(events(actions), std::vector<PortEvent>{PortEvent::kSynchronizationFault});
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(h.counters().clock_steps, 1U);
  // The request from before the step is forgotten: its Delay_Resp matches nothing.
  h.general(delay_resp(kMasterA, sequence_of(request), ts(master.master_time), kOurPort),
            master.now);
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
}

TEST(OrdinaryClockServoTest, JumpInUncalibratedStepsAndStays) {
  Harness h;
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(jump(ns(-1234), 0.5)));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  const auto actions = master.sync_exchange();
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_TRUE(all_of<StateChanged>(actions).empty());
  ASSERT_EQ(all_of<StepClock>(actions).size(), 1U);
  EXPECT_EQ(all_of<StepClock>(actions)[0].offset, ns(-1234));
}

TEST(OrdinaryClockServoTest, UnlockedInSlaveFallsBackToUncalibrated) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  EXPECT_CALL(h.servo(), sample).WillOnce(Return(unlocked()));
  const auto actions = master.sync_exchange();
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(events(actions), std::vector<PortEvent>{PortEvent::kSynchronizationFault});
  EXPECT_TRUE(all_of<StepClock>(actions).empty());
  EXPECT_TRUE(all_of<SetClockFrequency>(actions).empty());
  ASSERT_EQ(all_of<OffsetMeasured>(actions).size(), 1U);
  EXPECT_EQ(all_of<OffsetMeasured>(actions)[0].servo_state, servo::ServoState::kUnlocked);
}

// ServoDecision's frequency is "not meaningful in kUnlocked": the clock keeps the frequency it
// has, and OffsetMeasured reports that one ("freq" of ptp4l's s0 lines is the held value too).
TEST(OrdinaryClockServoTest, UnlockedReportsTheHeldFrequency) {
  Harness h;
  ON_CALL(h.servo(), frequency_ppb()).WillByDefault(Return(12.5));
  EXPECT_CALL(h.servo(), sample)
      .WillOnce(Return(servo::ServoDecision{servo::ServoState::kUnlocked, 999.0, std::nullopt}));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  const auto measured = all_of<OffsetMeasured>(master.sync_exchange());
  ASSERT_EQ(measured.size(), 1U);
  EXPECT_EQ(measured[0].servo_state, servo::ServoState::kUnlocked);
  EXPECT_EQ(measured[0].frequency_ppb, 12.5);
}

TEST(OrdinaryClockServoTest, FreeRunningMeasuresButNeverTouchesTheClock) {
  PortConfig config = base_config();
  config.free_running = true;
  Harness h(config);
  EXPECT_CALL(h.servo(), sample).Times(0);
  ON_CALL(h.servo(), frequency_ppb()).WillByDefault(Return(7.0));
  MasterAScript<Harness> master{h};
  master.offset = ns(5'000'000);
  master.reach_slave();
  EXPECT_EQ(h.state(), PortState::kSlave);
  for (int i = 0; i < 3; ++i) {
    const auto actions = master.sync_exchange();
    EXPECT_TRUE(all_of<StepClock>(actions).empty());
    EXPECT_TRUE(all_of<SetClockFrequency>(actions).empty());
    const auto measured = all_of<OffsetMeasured>(actions);
    ASSERT_EQ(measured.size(), 1U);
    EXPECT_EQ(measured[0].offset_from_master, ns(5'000'000));
    EXPECT_EQ(measured[0].frequency_ppb, 7.0);
  }
  EXPECT_EQ(h.state(), PortState::kSlave);
  EXPECT_EQ(h.counters().clock_steps, 0U);
}

// ---- Hold-over: the port stops following its master ------------------------------------------

// The servo's last decision (-42.5 ppb) includes a phase correction; its frequency estimate
// (-40 ppb) does not. When no master is followed any more, the clock must run on the estimate.
constexpr double kDecisionPpb = -42.5;
constexpr double kEstimatePpb = -40.0;

void steer_to_slave(Harness& h, MasterAScript<Harness>& master) {
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(kDecisionPpb)));
  ON_CALL(h.servo(), frequency_ppb()).WillByDefault(Return(kEstimatePpb));
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);
}

std::vector<double> frequencies_set(std::span<const PortAction> actions) {
  std::vector<double> set;
  for (const auto& frequency : all_of<SetClockFrequency>(actions)) {
    set.push_back(frequency.frequency_ppb);
  }
  return set;
}

TEST(OrdinaryClockHoldoverTest, AnnounceReceiptTimeoutInSlaveSetsTheFrequencyEstimate) {
  Harness h;
  MasterAScript<Harness> master{h};
  steer_to_slave(h, master);
  const auto actions = h.timer(PortTimer::kAnnounceReceipt, master.now);
  ASSERT_EQ(h.state(), PortState::kMaster);
  EXPECT_EQ(frequencies_set(actions), std::vector<double>{kEstimatePpb});
  EXPECT_EQ(h.counters().holdovers, 1U);
  // Held once: further events without a master do not set it again.
  EXPECT_TRUE(frequencies_set(h.timer(PortTimer::kSyncTransmit, master.now + seconds(1))).empty());
}

TEST(OrdinaryClockHoldoverTest, AnnounceReceiptTimeoutInUncalibratedSetsTheFrequencyEstimate) {
  PortConfig config = base_config();
  config.slave_only = true;
  Harness h(config);
  ON_CALL(h.servo(), sample).WillByDefault(Return(jump(ns(-1234), kDecisionPpb)));
  ON_CALL(h.servo(), frequency_ppb()).WillByDefault(Return(kEstimatePpb));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  master.sync_exchange();  // s1: the clock is stepped and steered, the port stays UNCALIBRATED
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  const auto actions = h.timer(PortTimer::kAnnounceReceipt, master.now);
  ASSERT_EQ(h.state(), PortState::kListening);
  EXPECT_EQ(frequencies_set(actions), std::vector<double>{kEstimatePpb});
}

TEST(OrdinaryClockHoldoverTest, LeavingSlaveForMasterSetsTheFrequencyEstimate) {
  Harness h;
  MasterAScript<Harness> master{h};
  steer_to_slave(h, master);
  // A's grandmaster is now worse than this clock: this clock becomes master.
  AnnounceSpec spec;
  spec.sequence_id = 50;
  spec.priority1 = 200;
  const auto actions = h.general(announce(spec), master.now);
  ASSERT_NE(h.state(), PortState::kSlave);
  ASSERT_NE(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(frequencies_set(actions), std::vector<double>{kEstimatePpb});
}

TEST(OrdinaryClockHoldoverTest, FaultInSlaveSetsTheFrequencyEstimate) {
  Harness h;
  MasterAScript<Harness> master{h};
  steer_to_slave(h, master);
  const auto actions = h.fault(master.now);
  ASSERT_EQ(h.state(), PortState::kFaulty);
  EXPECT_EQ(frequencies_set(actions), std::vector<double>{kEstimatePpb});
}

TEST(OrdinaryClockHoldoverTest, NewParentSetsTheFrequencyEstimateUntilItIsMeasured) {
  Harness h;
  MasterAScript<Harness> master{h};
  steer_to_slave(h, master);
  AnnounceSpec spec;
  spec.sender = kMasterB;
  spec.priority1 = 50;
  h.general(announce(spec), master.now, kAddressB);
  spec.sequence_id = 1;
  const auto actions = h.general(announce(spec), master.now + seconds(2), kAddressB);
  ASSERT_EQ(h.clock().parent_data_set().parent_port_identity, kMasterB);
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_EQ(frequencies_set(actions), std::vector<double>{kEstimatePpb});
}

TEST(OrdinaryClockHoldoverTest, FreeRunningNeverTouchesTheClock) {
  PortConfig config = base_config();
  config.free_running = true;
  Harness h(config);
  MasterAScript<Harness> master{h};
  steer_to_slave(h, master);
  EXPECT_TRUE(frequencies_set(h.timer(PortTimer::kAnnounceReceipt, master.now)).empty());
  EXPECT_EQ(h.counters().holdovers, 0U);
}

TEST(OrdinaryClockHoldoverTest, AClockTheServoNeverSteeredIsLeftAlone) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(unlocked()));
  ON_CALL(h.servo(), frequency_ppb()).WillByDefault(Return(kEstimatePpb));
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  master.sync_exchange();
  master.delay_exchange();
  master.sync_exchange();
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_TRUE(frequencies_set(h.timer(PortTimer::kAnnounceReceipt, master.now)).empty());
}

}  // namespace
}  // namespace ptp::clock_test
