// OrdinaryClock with the peer delay mechanism (1588-2019 11.4): the responder's Pdelay_Resp and
// Pdelay_Resp_Follow_Up with their exact fields, the requester's timer in every state that
// measures, the slave's offset from the link delay and the Sync's correctionField, messages of
// the other mechanism refused and counted, bad replies counted, several peers faulting the port,
// the neighbour delay limits, each kind of bad reply reported once (PeerDelayInputRejected), and
// the header's minorVersionPTP.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ordinary_clock_test_support.h"

namespace ptp::clock_test {
namespace {

using testing::Return;
using wire::MessageType;

PortConfig p2p_config() {
  PortConfig config = base_config();
  config.delay_mechanism = DelayMechanism::kP2P;
  return config;
}

Bytes pdelay_req(const PortIdentity& sender, std::uint16_t sequence_id,
                 TimeInterval correction = {}) {
  wire::Header h = header(MessageType::kPdelayReq, sender, sequence_id, 0x7F);
  h.correction_field = correction;
  return encode(wire::Message{h, wire::PdelayReq{}, {}});
}

Bytes pdelay_resp(const PortIdentity& sender, std::uint16_t sequence_id, Timestamp receipt,
                  const PortIdentity& requester = kOurPort) {
  wire::Header h = header(MessageType::kPdelayResp, sender, sequence_id, 0x7F);
  h.flags.set(wire::HeaderFlags::kTwoStep);
  return encode(wire::Message{h, wire::PdelayResp{receipt, requester}, {}});
}

Bytes pdelay_follow_up(const PortIdentity& sender, std::uint16_t sequence_id, Timestamp origin,
                       TimeInterval correction = {}) {
  wire::Header h = header(MessageType::kPdelayRespFollowUp, sender, sequence_id, 0x7F);
  h.correction_field = correction;
  return encode(wire::Message{h, wire::PdelayRespFollowUp{origin, kOurPort}, {}});
}

// The peer (master A) answers our next Pdelay_Req: link `delay` each way, A's clock `offset`
// behind ours, turnaround 10 us. Returns the request's sequenceId.
std::uint16_t peer_exchange(Harness& h, Nanoseconds now, Nanoseconds delay, Nanoseconds offset) {
  const auto sent = last_send(h.timer(PortTimer::kPdelayRequest, now), MessageType::kPdelayReq);
  EXPECT_TRUE(sent.has_value());
  if (!sent) return 0;
  const wire::Message request = decode(*sent);
  const Nanoseconds t1 = seconds(1'700'000'000) + now;
  h.tx_timestamp(*sent->timestamp_id, t1, now);
  const Nanoseconds t2 = t1 + delay - offset;
  const Nanoseconds t3 = t2 + ns(10'000);
  const Nanoseconds t4 = t3 + delay + offset;
  const std::uint16_t sequence = request.header.sequence_id;
  h.event(pdelay_resp(kMasterA, sequence, ts(t2)), t4, now + ms(1));
  h.general(pdelay_follow_up(kMasterA, sequence, ts(t3)), now + ms(2));
  return sequence;
}

TEST(OrdinaryClockPeerDelayTest, ResponderSendsRespWithT2AndFollowUpWithT3AndTheCorrection) {
  Harness h(p2p_config());
  h.start(seconds(1));
  const Nanoseconds t2 = seconds(1'700'000'000) + ns(123);
  const auto actions =
      h.event(pdelay_req(kMasterA, 77, scaled(300, 0x8000)), t2, seconds(2), kAddressA);
  const auto response = last_send(actions, MessageType::kPdelayResp);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->channel, MessageChannel::kEvent);
  EXPECT_FALSE(response->unicast_to.has_value());
  ASSERT_TRUE(response->timestamp_id.has_value());
  const wire::Message resp = decode(*response);
  EXPECT_EQ(resp.header.sequence_id, 77);
  EXPECT_TRUE(resp.header.flags.two_step());
  EXPECT_EQ(resp.header.correction_field.scaled(), 0);
  EXPECT_EQ(resp.header.log_message_interval, 0x7F);
  EXPECT_EQ(std::get<wire::PdelayResp>(resp.body).request_receipt_timestamp, ts(t2));
  EXPECT_EQ(std::get<wire::PdelayResp>(resp.body).requesting_port_identity, kMasterA);

  const Nanoseconds t3 = t2 + ns(45'678);
  const auto follow = last_send(h.tx_timestamp(*response->timestamp_id, t3, seconds(2)),
                                MessageType::kPdelayRespFollowUp);
  ASSERT_TRUE(follow.has_value());
  EXPECT_EQ(follow->channel, MessageChannel::kGeneral);
  EXPECT_FALSE(follow->timestamp_id.has_value());
  const wire::Message fup = decode(*follow);
  EXPECT_EQ(fup.header.sequence_id, 77);
  EXPECT_EQ(fup.header.correction_field.scaled(), scaled(300, 0x8000).scaled());
  EXPECT_EQ(std::get<wire::PdelayRespFollowUp>(fup.body).response_origin_timestamp, ts(t3));
  EXPECT_EQ(std::get<wire::PdelayRespFollowUp>(fup.body).requesting_port_identity, kMasterA);
}

TEST(OrdinaryClockPeerDelayTest, LostResponseTimestampMeansNoFollowUp) {
  Harness h(p2p_config());
  h.start(seconds(1));
  const auto response =
      last_send(h.event(pdelay_req(kMasterA, 1), seconds(5), seconds(2)), MessageType::kPdelayResp);
  ASSERT_TRUE(response.has_value());
  EXPECT_TRUE(h.tx_timestamp_lost(*response->timestamp_id, seconds(2)).empty());
  EXPECT_EQ(h.counters().pdelay_follow_ups_not_sent, 1U);
}

TEST(OrdinaryClockPeerDelayTest, RequesterRunsOnAFixedIntervalInListeningAndMaster) {
  PortConfig config = p2p_config();
  config.log_min_pdelay_req_interval = -1;
  Harness h(config);
  h.start(seconds(1));
  ASSERT_EQ(h.state(), PortState::kListening);
  const auto first = h.deadline(PortTimer::kPdelayRequest);
  ASSERT_TRUE(first.has_value());
  EXPECT_GE(*first, seconds(1));
  EXPECT_LT(*first, seconds(1) + ms(500));
  const auto actions = h.timer(PortTimer::kPdelayRequest, seconds(2));
  const auto sent = last_send(actions, MessageType::kPdelayReq);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->channel, MessageChannel::kEvent);
  EXPECT_TRUE(sent->timestamp_id.has_value());
  const wire::Message request = decode(*sent);
  EXPECT_EQ(request.header.log_message_interval, 0x7F);
  EXPECT_EQ(request.header.correction_field.scaled(), 0);
  EXPECT_EQ(armed_at(actions, PortTimer::kPdelayRequest), seconds(2) + ms(500));
  // Announce receipt timeout: MASTER keeps measuring, its timer untouched.
  const auto to_master = h.timer(PortTimer::kAnnounceReceipt, seconds(10));
  EXPECT_EQ(h.state(), PortState::kMaster);
  EXPECT_FALSE(cancels(to_master, PortTimer::kPdelayRequest));
  EXPECT_TRUE(h.deadline(PortTimer::kPdelayRequest).has_value());
  // FAULTY stops it; fault cleared starts it again.
  h.fault(seconds(11));
  EXPECT_FALSE(h.deadline(PortTimer::kPdelayRequest).has_value());
  h.timer(PortTimer::kFaultReset, seconds(30));
  EXPECT_EQ(h.state(), PortState::kListening);
  EXPECT_TRUE(h.deadline(PortTimer::kPdelayRequest).has_value());
}

TEST(OrdinaryClockPeerDelayTest, SlaveOffsetSubtractsTheLinkDelayAndTheSyncCorrection) {
  Harness h(p2p_config());
  h.start(seconds(1));
  qualify_master_a(h, seconds(2));
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  EXPECT_FALSE(h.deadline(PortTimer::kDelayRequest).has_value());  // no Delay_Req in P2P
  // Link 700 ns; our clock 300 ns ahead of A's.
  peer_exchange(h, seconds(5), ns(700), ns(300));
  ASSERT_TRUE(h.clock().peer_delay().mean_link_delay().has_value());
  EXPECT_EQ(h.clock().peer_delay().mean_link_delay()->count(), 700);
  EXPECT_EQ(h.clock().port_data_set().mean_link_delay.to_nanoseconds().count(), 700);
  // A Sync through a P2P transparent clock: residence and upstream link in correctionField.
  const Nanoseconds t1 = seconds(1'700'000'010);
  const Nanoseconds upstream = ns(2'500);
  const Nanoseconds t2 = t1 + upstream + ns(700) + ns(300);
  SyncSpec spec;
  spec.sequence_id = 9;
  spec.correction = scaled(upstream.count());
  h.event(sync(spec), t2, seconds(6));
  EXPECT_CALL(h.servo(), sample(ns(300), t2)).WillOnce(Return(locked(0)));
  const auto actions = h.general(follow_up(kMasterA, 9, ts(t1)), seconds(6));
  const auto measured = all_of<OffsetMeasured>(actions);
  ASSERT_EQ(measured.size(), 1U);
  EXPECT_EQ(measured[0].offset_from_master, ns(300));
  EXPECT_EQ(measured[0].mean_path_delay, ns(700));
  EXPECT_EQ(h.state(), PortState::kSlave);
}

TEST(OrdinaryClockPeerDelayTest, EachMechanismRefusesTheOthersMessagesCounted) {
  Harness e2e;
  e2e.start(seconds(1));
  e2e.event(pdelay_req(kMasterA, 1), seconds(2), seconds(2));
  e2e.event(pdelay_resp(kMasterA, 1, ts(seconds(3))), seconds(2), seconds(2));
  e2e.general(pdelay_follow_up(kMasterA, 1, ts(seconds(3))), seconds(2));
  EXPECT_EQ(e2e.counters().drops(DropReason::kWrongDelayMechanism), 3U);
  EXPECT_EQ(e2e.counters().sent[static_cast<std::size_t>(MessageType::kPdelayResp)], 0U);

  Harness p2p(p2p_config());
  p2p.start(seconds(1));
  p2p.timer(PortTimer::kAnnounceReceipt, seconds(10));
  ASSERT_EQ(p2p.state(), PortState::kMaster);
  const auto actions = p2p.event(delay_req(kMasterA, 1), seconds(11), seconds(11));
  EXPECT_FALSE(last_send(actions, MessageType::kDelayResp).has_value());
  p2p.general(delay_resp(kMasterA, 1, ts(seconds(3)), kOurPort), seconds(11));
  EXPECT_EQ(p2p.counters().drops(DropReason::kWrongDelayMechanism), 2U);
}

TEST(OrdinaryClockPeerDelayTest, RogueAndMisaddressedRepliesAreCountedNeverUsed) {
  Harness h(p2p_config());
  h.start(seconds(1));
  // No request sent yet: a response for a request we did not send.
  h.event(pdelay_resp(kMasterA, 5, ts(seconds(3))), seconds(2), seconds(2));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 1U);
  const auto sent =
      last_send(h.timer(PortTimer::kPdelayRequest, seconds(3)), MessageType::kPdelayReq);
  ASSERT_TRUE(sent.has_value());
  const std::uint16_t sequence = decode(*sent).header.sequence_id;
  h.event(pdelay_resp(kMasterA, static_cast<std::uint16_t>(sequence + 1), ts(seconds(3))),
          seconds(3), seconds(3));
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 2U);
  h.event(pdelay_resp(kMasterA, sequence, ts(seconds(3)), kMasterB), seconds(3), seconds(3));
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 1U);
  h.event(pdelay_resp(kMasterA, sequence, ts(seconds(3))), seconds(3), seconds(3));
  h.event(pdelay_resp(kMasterB, sequence, ts(seconds(3))), seconds(3), seconds(3));
  EXPECT_EQ(h.counters().drops(DropReason::kSecondPeer), 1U);
  EXPECT_FALSE(h.clock().peer_delay().mean_link_delay().has_value());
  EXPECT_EQ(h.state(), PortState::kListening);
}

TEST(OrdinaryClockPeerDelayTest, TwoPeersAnsweringThreeIntervalsInARowFaultThePort) {
  Harness h(p2p_config());
  h.start(seconds(1));
  for (int round = 0; round < 4; ++round) {
    const Nanoseconds now = seconds(2 + round);
    const auto sent = last_send(h.timer(PortTimer::kPdelayRequest, now), MessageType::kPdelayReq);
    if (round == 3) break;  // the fourth request finds three intervals with two peers
    ASSERT_TRUE(sent.has_value());
    const std::uint16_t sequence = decode(*sent).header.sequence_id;
    h.event(pdelay_resp(kMasterA, sequence, ts(now)), now, now);
    h.event(pdelay_resp(kMasterB, sequence, ts(now)), now, now);
  }
  EXPECT_EQ(h.state(), PortState::kFaulty);
  EXPECT_EQ(h.counters().multiple_peer_faults, 1U);
  EXPECT_EQ(h.counters().drops(DropReason::kSecondPeer), 3U);
  EXPECT_FALSE(h.deadline(PortTimer::kPdelayRequest).has_value());
}

TEST(OrdinaryClockPeerDelayTest, LinkDelayBeyondTheThresholdWithholdsOffsets) {
  PortConfig config = p2p_config();
  config.neighbor_prop_delay_thresh = ns(500);
  Harness h(config);
  h.start(seconds(1));
  qualify_master_a(h, seconds(2));
  peer_exchange(h, seconds(5), ns(700), ns(0));
  EXPECT_FALSE(h.clock().peer_delay().capable());
  EXPECT_EQ(h.counters().peer_delay_out_of_range, 1U);
  EXPECT_CALL(h.servo(), sample).Times(0);
  const Nanoseconds t1 = seconds(1'700'000'010);
  SyncSpec spec;
  h.event(sync(spec), t1 + ns(700), seconds(6));
  const auto actions = h.general(follow_up(kMasterA, 0, ts(t1)), seconds(6));
  EXPECT_TRUE(all_of<OffsetMeasured>(actions).empty());
  EXPECT_EQ(h.counters().measurements_not_capable, 1U);
  EXPECT_EQ(h.state(), PortState::kUncalibrated);
}

TEST(OrdinaryClockPeerDelayTest, EachKindOfBadReplyIsReportedOnceAndCountedEveryTime) {
  Harness h(p2p_config());
  h.start(seconds(1));
  // A response for a request we did not send: reported with its sender, then only counted.
  const auto first = all_of<PeerDelayInputRejected>(
      h.event(pdelay_resp(kMasterA, 5, ts(seconds(3))), seconds(2), seconds(2)));
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].problem, PeerDelayProblem::kUnexpectedResponse);
  EXPECT_EQ(first[0].source, kMasterA);
  EXPECT_FALSE(first[0].link_delay.has_value());
  EXPECT_TRUE(all_of<PeerDelayInputRejected>(
                  h.general(pdelay_follow_up(kMasterB, 6, ts(seconds(3))), seconds(2)))
                  .empty());
  EXPECT_EQ(h.counters().drops(DropReason::kUnmatchedSequence), 2U);
  // A second peer, in two intervals: reported once, with the second peer as the source.
  std::vector<PeerDelayInputRejected> second_peer;
  for (int round = 0; round < 2; ++round) {
    const Nanoseconds now = seconds(3 + round);
    const auto sent = last_send(h.timer(PortTimer::kPdelayRequest, now), MessageType::kPdelayReq);
    ASSERT_TRUE(sent.has_value());
    const std::uint16_t sequence = decode(*sent).header.sequence_id;
    for (const PortIdentity& sender : {kMasterA, kMasterB}) {
      for (const auto& rejected : all_of<PeerDelayInputRejected>(
               h.event(pdelay_resp(sender, sequence, ts(now)), now, now))) {
        second_peer.push_back(rejected);
      }
    }
  }
  ASSERT_EQ(second_peer.size(), 1U);
  EXPECT_EQ(second_peer[0].problem, PeerDelayProblem::kSecondPeer);
  EXPECT_EQ(second_peer[0].source, kMasterB);
  EXPECT_EQ(h.counters().drops(DropReason::kSecondPeer), 2U);
  EXPECT_EQ(h.state(), PortState::kListening);  // neither report faults the port
}

TEST(OrdinaryClockPeerDelayTest, AnOutOfRangeLinkDelayIsReportedOnceWithTheDelay) {
  PortConfig config = p2p_config();
  config.neighbor_prop_delay_thresh = ns(500);
  Harness h(config);
  h.start(seconds(1));
  std::vector<PeerDelayInputRejected> reports;
  for (int round = 0; round < 3; ++round) {
    const Nanoseconds now = seconds(2 + round);
    const auto sent = last_send(h.timer(PortTimer::kPdelayRequest, now), MessageType::kPdelayReq);
    ASSERT_TRUE(sent.has_value());
    const std::uint16_t sequence = decode(*sent).header.sequence_id;
    const Nanoseconds t1 = seconds(1'700'000'000) + now;
    h.tx_timestamp(*sent->timestamp_id, t1, now);
    const Nanoseconds t2 = t1 + ns(700);
    const Nanoseconds t3 = t2 + ns(10'000);
    h.event(pdelay_resp(kMasterA, sequence, ts(t2)), t3 + ns(700), now + ms(1));
    for (const auto& rejected : all_of<PeerDelayInputRejected>(
             h.general(pdelay_follow_up(kMasterA, sequence, ts(t3)), now + ms(2)))) {
      reports.push_back(rejected);
    }
  }
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0].problem, PeerDelayProblem::kNeighborDelayOutOfRange);
  EXPECT_EQ(reports[0].source, kMasterA);
  EXPECT_EQ(reports[0].link_delay, ns(700));
  EXPECT_EQ(h.counters().peer_delay_out_of_range, 3U);
}

TEST(OrdinaryClockPeerDelayTest, HeadersCarryTheConfiguredMinorVersion) {
  for (const std::uint8_t minor : {std::uint8_t{0}, std::uint8_t{1}}) {
    PortConfig config = p2p_config();
    config.minor_version_ptp = minor;
    Harness h(config);
    h.start(seconds(1));
    const auto sent =
        last_send(h.timer(PortTimer::kPdelayRequest, seconds(2)), MessageType::kPdelayReq);
    ASSERT_TRUE(sent.has_value());
    EXPECT_EQ(decode(*sent).header.minor_version_ptp, minor);
    EXPECT_EQ(h.clock().port_data_set().minor_version_number, minor);
  }
  PortConfig bad = p2p_config();
  bad.minor_version_ptp = 2;
  EXPECT_EQ(validate(bad).error(), PortConfigError::kMinorVersionOutOfRange);
}

}  // namespace
}  // namespace ptp::clock_test
