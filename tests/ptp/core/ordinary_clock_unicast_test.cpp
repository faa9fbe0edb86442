// Tests of unicast negotiation (IEEE 1588-2019 16.1) in OrdinaryClock: clocks wired by
// UnicastTestNetwork (no multicast at all) negotiate, pick a master over unicast, renew, expire,
// refuse and cancel; single clocks fed hand-built Signaling show each bad input counted,
// reported once, and harmless.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "ordinary_clock_test_support.h"
#include "unicast_test_network.h"

namespace ptp::clock_test {
namespace {

using wire::MessageType;

const PeerAddress kAddressC = address(30);
constexpr std::size_t kAnnounceIndex = static_cast<std::size_t>(MessageType::kAnnounce);
constexpr std::size_t kSyncIndex = static_cast<std::size_t>(MessageType::kSync);

PortConfig master_config(std::uint8_t id, std::uint8_t priority1) {
  PortConfig config = base_config();
  config.clock_identity = clock_id(id);
  config.priority1 = priority1;
  config.clock_quality.clock_class = 6;
  config.unicast.listen = true;
  return config;
}

PortConfig client_config(std::initializer_list<PeerAddress> masters) {
  PortConfig config = base_config();
  config.slave_only = true;
  config.unicast.log_query_interval = 1;
  config.unicast.request_duration_seconds = 60;
  for (const PeerAddress& master : masters) {
    config.unicast.masters[config.unicast.master_count++] = master;
  }
  return config;
}

std::size_t count_notices(const UnicastTestNetwork::Node& node, UnicastNoticeKind kind) {
  return static_cast<std::size_t>(std::count_if(node.notices.begin(), node.notices.end(),
                                                [kind](const auto& n) { return n.kind == kind; }));
}

const UnicastClient* client_at(const OrdinaryClock& clock, const PeerAddress& address) {
  for (const UnicastClient& client : clock.unicast_clients()) {
    if (client.address == address) return &client;
  }
  return nullptr;
}

template <class Tlv>
std::vector<Tlv> sent_tlvs(const UnicastTestNetwork& network, std::size_t from) {
  std::vector<Tlv> found;
  for (const SentTlv& sent : network.tlvs()) {
    if (sent.from != from) continue;
    if (const auto* tlv = std::get_if<Tlv>(&sent.tlv)) found.push_back(*tlv);
  }
  return found;
}

// ---- Two clocks and more ----------------------------------------------------------------

// 16.1.1: "a port ... may request ... unicast Announce, Sync and Delay_Resp messages".
TEST(UnicastNegotiation, ClientNegotiatesAnnounceThenSyncAndDelayRespAndSynchronizes) {
  UnicastTestNetwork network;
  const std::size_t master = network.add(master_config(0x10, 100), kAddressA);
  const std::size_t client = network.add(client_config({kAddressA}), kAddressSlave);
  network.run_until(seconds(30));

  EXPECT_EQ(network.clock(client).state(), PortState::kSlave);
  EXPECT_EQ(network.clock(client).parent_data_set().parent_port_identity, port_id(0x10, 1));
  ASSERT_EQ(network.clock(client).unicast_masters().size(), 1U);
  const UnicastMaster& held = network.clock(client).unicast_masters()[0];
  EXPECT_EQ(held.stage, UnicastMasterStage::kSynchronizing);
  for (const UnicastService service :
       {UnicastService::kAnnounce, UnicastService::kSync, UnicastService::kDelayResp}) {
    EXPECT_TRUE(held.grant(service).active) << static_cast<int>(service);
  }
  const UnicastClient* served = client_at(network.clock(master), kAddressSlave);
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served->port_identity, kOurPort);
  EXPECT_TRUE(served->grant(UnicastService::kSync).active);
  // Everything went unicast (the network carries nothing else), Delay_Reqs included.
  EXPECT_GT(network.node(master).unicast_sent[kSyncIndex], 20U);
  EXPECT_GT(network.node(client).unicast_sent[static_cast<std::size_t>(MessageType::kDelayReq)],
            5U);
  EXPECT_GT(network.clock(client).counters().measurements, 5U);
  EXPECT_GT(network.node(client).servo.samples, 5U);
  // The requests asked for the configured duration and intervals; the grants matched them.
  const auto requests = sent_tlvs<wire::RequestUnicastTransmissionTlv>(network, client);
  ASSERT_GE(requests.size(), 3U);
  EXPECT_EQ(requests[0].message_type, MessageType::kAnnounce);
  EXPECT_EQ(requests[0].duration_seconds, 60U);
  EXPECT_EQ(requests[0].log_inter_message_period, kDefaultLogAnnounceInterval);
  for (const auto& grant : sent_tlvs<wire::GrantUnicastTransmissionTlv>(network, master)) {
    EXPECT_EQ(grant.duration_seconds, 60U);
    EXPECT_TRUE(grant.renewal_invited);
  }
  EXPECT_EQ(network.clock(client).counters().unicast_grants_refused, 0U);
  EXPECT_EQ(network.dropped_actions(), 0U);
}

// ptp4l's unicast_master_table: "the BMCA runs over the masters that answer".
TEST(UnicastNegotiation, BmcaRunsOverTheMastersThatAnswerWhileASilentOneIsQueriedAndReported) {
  UnicastTestNetwork network;
  // The table names A (never answers: no clock there), C (worse) and B (better than C).
  const std::size_t better = network.add(master_config(0x20, 110), kAddressB);
  const std::size_t worse = network.add(master_config(0x30, 120), kAddressC);
  const std::size_t client =
      network.add(client_config({kAddressA, kAddressC, kAddressB}), kAddressSlave);
  network.run_until(seconds(40));

  const OrdinaryClock& slave = network.clock(client);
  EXPECT_EQ(slave.state(), PortState::kSlave);
  EXPECT_EQ(slave.parent_data_set().parent_port_identity, port_id(0x20, 1));
  const auto masters = slave.unicast_masters();
  EXPECT_EQ(masters[0].stage, UnicastMasterStage::kQuerying);
  EXPECT_EQ(masters[1].stage, UnicastMasterStage::kAnnounced);
  EXPECT_EQ(masters[2].stage, UnicastMasterStage::kSynchronizing);
  // The silent master is asked every 2^1 s all along, counted, and reported once.
  EXPECT_GE(masters[0].queries_unanswered, 18U);
  EXPECT_GE(slave.counters().unicast_queries_unanswered, 17U);
  EXPECT_EQ(count_notices(network.node(client), UnicastNoticeKind::kMasterSilent), 1U);
  EXPECT_EQ(network.node(client).notices.front().peer, kAddressA);
  // The worse master serves Announce only; the better one Sync too.
  const UnicastClient* at_worse = client_at(network.clock(worse), kAddressSlave);
  ASSERT_NE(at_worse, nullptr);
  EXPECT_TRUE(at_worse->grant(UnicastService::kAnnounce).active);
  EXPECT_FALSE(at_worse->grant(UnicastService::kSync).active);
  EXPECT_EQ(network.node(worse).unicast_sent[kSyncIndex], 0U);
  EXPECT_GT(network.node(better).unicast_sent[kSyncIndex], 20U);
}

// ptp4l renews at 3/4 of a grant's duration: the grants never lapse while the master answers.
TEST(UnicastNegotiation, GrantsAreRenewedBeforeTheyExpire) {
  UnicastTestNetwork network;
  PortConfig config = client_config({kAddressA});
  config.unicast.request_duration_seconds = 20;
  const std::size_t master = network.add(master_config(0x10, 100), kAddressA);
  const std::size_t client = network.add(config, kAddressSlave);
  network.run_until(seconds(10));
  ASSERT_EQ(network.clock(client).state(), PortState::kSlave);
  const auto sent_before = network.node(master).unicast_sent[kSyncIndex];
  network.run_until(seconds(200));

  EXPECT_EQ(network.clock(client).state(), PortState::kSlave);
  EXPECT_EQ(network.clock(client).counters().unicast_grants_expired, 0U);
  EXPECT_EQ(network.clock(master).counters().unicast_client_grants_expired, 0U);
  // 200 s of 20 s grants: about 13 renewals of each of the three services.
  EXPECT_GE(network.clock(master).counters().unicast_grants_given, 3U * 12U);
  // Sync never paused: one a second all along.
  EXPECT_GE(network.node(master).unicast_sent[kSyncIndex] - sent_before, 185U);
  for (const UnicastGrant& grant : network.clock(client).unicast_masters()[0].grants) {
    EXPECT_GT(grant.expires_at, network.now());
  }
}

TEST(UnicastNegotiation, GrantsExpireWhenTheMasterStopsAnsweringAndItIsQueriedAgain) {
  UnicastTestNetwork network;
  PortConfig config = client_config({kAddressA});
  config.unicast.request_duration_seconds = 20;
  const std::size_t master = network.add(master_config(0x10, 100), kAddressA);
  const std::size_t client = network.add(config, kAddressSlave);
  network.run_until(seconds(10));
  ASSERT_EQ(network.clock(client).state(), PortState::kSlave);
  network.node(master).connected = false;
  network.run_until(seconds(60));

  const OrdinaryClock& slave = network.clock(client);
  EXPECT_NE(slave.state(), PortState::kSlave);
  // The Announce receipt timeout came first: the port stopped following and cancelled Sync and
  // Delay_Resp; the Announce grant, never renewed, lapsed.
  EXPECT_EQ(slave.counters().unicast_grants_expired, 1U);
  EXPECT_EQ(sent_tlvs<wire::CancelUnicastTransmissionTlv>(network, client).size(), 2U);
  EXPECT_EQ(count_notices(network.node(client), UnicastNoticeKind::kGrantExpired), 1U);
  EXPECT_EQ(slave.unicast_masters()[0].stage, UnicastMasterStage::kQuerying);
  EXPECT_GT(slave.counters().unicast_queries_unanswered, 5U);
  // And the master, back, is negotiated with again.
  network.node(master).connected = true;
  network.run_until(seconds(90));
  EXPECT_EQ(network.clock(client).state(), PortState::kSlave);
}

// "refuses beyond max_clients with a zero-duration grant".
TEST(UnicastNegotiation, AGrantorRefusesClientsBeyondMaxClientsWithZeroDurationGrants) {
  UnicastTestNetwork network;
  PortConfig grantor = master_config(0x10, 100);
  grantor.unicast.max_clients = 1;
  const std::size_t master = network.add(grantor, kAddressA);
  const std::size_t first = network.add(client_config({kAddressA}), kAddressSlave);
  PortConfig second_config = client_config({kAddressA});
  second_config.clock_identity = clock_id(0x51);
  const std::size_t second = network.add(second_config, kAddressC, seconds(5));
  network.run_until(seconds(30));

  EXPECT_EQ(network.clock(first).state(), PortState::kSlave);
  EXPECT_NE(network.clock(second).state(), PortState::kSlave);
  EXPECT_EQ(network.clock(master).unicast_clients().size(), 1U);
  EXPECT_GT(network.clock(master).counters().unicast_requests_refused, 5U);
  EXPECT_GT(network.clock(second).counters().unicast_grants_refused, 5U);
  EXPECT_EQ(count_notices(network.node(second), UnicastNoticeKind::kGrantRefused), 1U);
  EXPECT_EQ(count_notices(network.node(master), UnicastNoticeKind::kClientRefused), 1U);
  bool refused_second = false;
  for (const SentTlv& sent : network.tlvs()) {
    const auto* grant = std::get_if<wire::GrantUnicastTransmissionTlv>(&sent.tlv);
    if (grant != nullptr && sent.to == kAddressC) {
      EXPECT_EQ(grant->duration_seconds, 0U);
      refused_second = true;
    }
  }
  EXPECT_TRUE(refused_second);
  EXPECT_EQ(network.node(second).servo.samples, 0U);
}

// 16.1.2.3: a grantee cancels what it no longer needs; the grantor acknowledges and stops.
TEST(UnicastNegotiation, ANewParentMakesTheOldOneCancelSyncAndItAcknowledges) {
  UnicastTestNetwork network;
  const std::size_t old_parent = network.add(master_config(0x20, 120), kAddressB);
  const std::size_t new_parent = network.add(master_config(0x10, 100), kAddressA, seconds(20));
  const std::size_t client = network.add(client_config({kAddressA, kAddressB}), kAddressSlave);
  network.run_until(seconds(18));
  ASSERT_EQ(network.clock(client).parent_data_set().parent_port_identity, port_id(0x20, 1));
  network.run_until(seconds(45));

  EXPECT_EQ(network.clock(client).state(), PortState::kSlave);
  EXPECT_EQ(network.clock(client).parent_data_set().parent_port_identity, port_id(0x10, 1));
  const auto cancels = sent_tlvs<wire::CancelUnicastTransmissionTlv>(network, client);
  ASSERT_EQ(cancels.size(), 2U);
  EXPECT_EQ(cancels[0].message_type, MessageType::kSync);
  EXPECT_EQ(cancels[1].message_type, MessageType::kDelayResp);
  const auto acks = sent_tlvs<wire::AcknowledgeCancelUnicastTransmissionTlv>(network, old_parent);
  ASSERT_EQ(acks.size(), 2U);
  const UnicastClient* served = client_at(network.clock(old_parent), kAddressSlave);
  ASSERT_NE(served, nullptr);
  EXPECT_TRUE(served->grant(UnicastService::kAnnounce).active);
  EXPECT_FALSE(served->grant(UnicastService::kSync).active);
  const auto syncs = network.node(old_parent).unicast_sent[kSyncIndex];
  network.run_until(seconds(60));
  EXPECT_EQ(network.node(old_parent).unicast_sent[kSyncIndex], syncs);
  EXPECT_GT(network.node(old_parent).unicast_sent[kAnnounceIndex], 0U);
  EXPECT_EQ(network.clock(client).unicast_masters()[1].stage, UnicastMasterStage::kAnnounced);
  (void)new_parent;
}

// Each client is served at the interval it asked for; a Delay_Resp grant paces Delay_Reqs.
TEST(UnicastNegotiation, EachClientGetsSyncAtTheIntervalItWasGranted) {
  UnicastTestNetwork network;
  const std::size_t master = network.add(master_config(0x10, 100), kAddressA);
  PortConfig fast = client_config({kAddressA});
  fast.log_sync_interval = -3;
  fast.log_min_delay_req_interval = -2;
  const std::size_t fast_client = network.add(fast, kAddressSlave);
  PortConfig slow = client_config({kAddressA});
  slow.clock_identity = clock_id(0x51);
  slow.log_sync_interval = 1;
  const std::size_t slow_client = network.add(slow, kAddressC);
  network.run_until(seconds(20));
  ASSERT_EQ(network.clock(fast_client).state(), PortState::kSlave);
  ASSERT_EQ(network.clock(slow_client).state(), PortState::kSlave);
  const auto* at_fast = client_at(network.clock(master), kAddressSlave);
  const auto* at_slow = client_at(network.clock(master), kAddressC);
  ASSERT_TRUE(at_fast != nullptr && at_slow != nullptr);
  EXPECT_EQ(at_fast->grant(UnicastService::kSync).log_interval, -3);
  EXPECT_EQ(at_slow->grant(UnicastService::kSync).log_interval, 1);
  const std::uint16_t fast_before = at_fast->sync_sequence_id;
  const std::uint16_t slow_before = at_slow->sync_sequence_id;
  network.run_until(seconds(40));
  EXPECT_EQ(at_fast->sync_sequence_id - fast_before, 160);  // 8 a second for 20 s
  EXPECT_EQ(at_slow->sync_sequence_id - slow_before, 10);   // one every 2 s
  EXPECT_EQ(network.clock(fast_client).port_data_set().log_min_delay_req_interval, -2);
}

// ptp4l's inhibit_multicast_service: a listening master serves its unicast clients only.
TEST(UnicastNegotiation, InhibitMulticastServiceLeavesOnlyTheClientsUnicastAnnounceAndSync) {
  for (const bool inhibit : {false, true}) {
    UnicastTestNetwork network;
    PortConfig grantor = master_config(0x10, 100);
    grantor.unicast.inhibit_multicast_service = inhibit;
    const std::size_t master = network.add(grantor, kAddressA);
    const std::size_t client = network.add(client_config({kAddressA}), kAddressSlave);
    network.run_until(seconds(30));

    SCOPED_TRACE(inhibit ? "inhibited" : "multicast too");
    EXPECT_EQ(network.clock(master).state(), PortState::kMaster);
    EXPECT_EQ(network.clock(client).state(), PortState::kSlave);
    EXPECT_GT(network.node(master).unicast_sent[kSyncIndex], 20U);
    EXPECT_GT(network.node(master).unicast_sent[kAnnounceIndex], 5U);
    const auto& multicast = network.node(master).multicast_sent;
    if (inhibit) {
      EXPECT_EQ(multicast[kSyncIndex], 0U);
      EXPECT_EQ(multicast[kAnnounceIndex], 0U);
      EXPECT_EQ(multicast[static_cast<std::size_t>(MessageType::kFollowUp)], 0U);
    } else {
      EXPECT_GT(multicast[kSyncIndex], 20U);
      EXPECT_GT(multicast[kAnnounceIndex], 5U);
    }
  }
}

// ---- One clock, hand-built Signaling ------------------------------------------------------

Bytes signaling(const PortIdentity& sender, std::initializer_list<wire::UnicastNegotiationTlv> tlvs,
                const PortIdentity& target = kOurPort) {
  std::array<std::byte, 96> area{};
  wire::TlvWriter writer(area);
  for (const auto& tlv : tlvs) EXPECT_TRUE(wire::append_unicast_negotiation_tlv(writer, tlv));
  wire::Header h = header(MessageType::kSignaling, sender, 1, 0x7F);
  h.flags.set(wire::HeaderFlags::kUnicast);
  return encode(wire::Message{h, wire::Signaling{target}, writer.written()});
}

std::vector<wire::UnicastNegotiationTlv> tlvs_sent(std::span<const PortAction> actions) {
  std::vector<wire::UnicastNegotiationTlv> found;
  for (const SendMessage& send : sends_of(actions, MessageType::kSignaling)) {
    const wire::Message message = decode(send);
    for (const wire::TlvView view : message.tlv_list()) {
      const auto tlv = wire::decode_unicast_negotiation_tlv(view);
      EXPECT_TRUE(tlv.has_value());
      if (tlv) found.push_back(*tlv);
    }
  }
  return found;
}

std::vector<UnicastNoticeKind> notices_in(std::span<const PortAction> actions) {
  std::vector<UnicastNoticeKind> found;
  for (const UnicastNotice& notice : all_of<UnicastNotice>(actions)) found.push_back(notice.kind);
  return found;
}

const wire::GrantUnicastTransmissionTlv kAnnounceGrant{MessageType::kAnnounce, 1, 60, true};

TEST(UnicastBadInput, NegotiationOnAPortWithoutUnicastIsDroppedCountedAndReportedOnce) {
  Harness h;
  h.start(seconds(0));
  const auto first = h.general(signaling(kMasterA, {kAnnounceGrant}), seconds(1));
  EXPECT_EQ(h.counters().drops(DropReason::kUnicastDisabled), 1U);
  EXPECT_EQ(notices_in(first), std::vector{UnicastNoticeKind::kUnicastDisabled});
  const auto second = h.general(
      signaling(kMasterA, {wire::RequestUnicastTransmissionTlv{MessageType::kSync, 0, 60}}),
      seconds(2));
  EXPECT_EQ(h.counters().drops(DropReason::kUnicastDisabled), 2U);
  EXPECT_TRUE(notices_in(second).empty());
  EXPECT_TRUE(sends_of(second, MessageType::kSignaling).empty());
  EXPECT_EQ(h.state(), PortState::kListening);
}

TEST(UnicastBadInput, AGrantForSomethingNotRequestedIsCountedAndIgnored) {
  Harness h(client_config({kAddressA}));
  h.start(seconds(0));
  const wire::GrantUnicastTransmissionTlv sync_grant{MessageType::kSync, 0, 60, true};
  const auto first = h.general(signaling(kMasterA, {sync_grant}), seconds(1), kAddressA);
  EXPECT_EQ(h.counters().unicast_grants_unrequested, 1U);
  EXPECT_EQ(notices_in(first), std::vector{UnicastNoticeKind::kGrantUnrequested});
  // A live grant of a service the port knows is cancelled, so the master stops serving it.
  const auto cancel = tlvs_sent(first);
  ASSERT_EQ(cancel.size(), 1U);
  EXPECT_EQ(std::get<wire::CancelUnicastTransmissionTlv>(cancel[0]),
            (wire::CancelUnicastTransmissionTlv{MessageType::kSync, false, false}));
  EXPECT_EQ(sends_of(first, MessageType::kSignaling)[0].unicast_to, kAddressA);
  const wire::GrantUnicastTransmissionTlv pdelay_grant{MessageType::kPdelayResp, 0, 60, true};
  const auto second = h.general(signaling(kMasterA, {pdelay_grant}), seconds(2), kAddressA);
  EXPECT_EQ(h.counters().unicast_grants_unrequested, 2U);
  EXPECT_TRUE(notices_in(second).empty());
  EXPECT_TRUE(tlvs_sent(second).empty());  // not a service: nothing to cancel
  const wire::GrantUnicastTransmissionTlv refused_sync{MessageType::kSync, 0, 0, false};
  EXPECT_TRUE(tlvs_sent(h.general(signaling(kMasterA, {refused_sync}), seconds(3), kAddressA))
                  .empty());  // a refusal grants nothing to cancel
  EXPECT_FALSE(h.clock().unicast_masters()[0].grant(UnicastService::kSync).active);
  EXPECT_EQ(h.clock().unicast_masters()[0].stage, UnicastMasterStage::kQuerying);
}

TEST(UnicastBadInput, AZeroDurationGrantIsARefusalAndTheMasterIsAskedAgain) {
  Harness h(client_config({kAddressA}));
  h.start(seconds(0));
  h.timer(PortTimer::kUnicastQuery, seconds(0));
  const wire::GrantUnicastTransmissionTlv refusal{MessageType::kAnnounce, 1, 0, false};
  const auto actions = h.general(signaling(kMasterA, {refusal}), seconds(1), kAddressA);
  EXPECT_EQ(h.counters().unicast_grants_refused, 1U);
  EXPECT_EQ(notices_in(actions), std::vector{UnicastNoticeKind::kGrantRefused});
  EXPECT_EQ(h.clock().unicast_masters()[0].stage, UnicastMasterStage::kQuerying);
  const auto again = tlvs_sent(h.timer(PortTimer::kUnicastQuery, seconds(2)));
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(std::get<wire::RequestUnicastTransmissionTlv>(again[0]).message_type,
            MessageType::kAnnounce);
}

TEST(UnicastBadInput, GrantsAndAnnouncesFromOutsideTheTableAreDroppedAndCounted) {
  Harness h(client_config({kAddressA}));
  h.start(seconds(0));
  const auto grant = h.general(signaling(kMasterB, {kAnnounceGrant}), seconds(1), kAddressB);
  EXPECT_EQ(h.counters().drops(DropReason::kNotInMasterTable), 1U);
  EXPECT_EQ(notices_in(grant), std::vector{UnicastNoticeKind::kNotInMasterTable});
  AnnounceSpec spec;
  spec.sender = kMasterB;
  h.general(announce(spec), seconds(2), kAddressB);
  h.general(announce(spec), seconds(4), kAddressB);
  EXPECT_EQ(h.counters().drops(DropReason::kNotInMasterTable), 3U);
  EXPECT_EQ(h.clock().foreign_masters().size(), 0U);
  // The table's own master still counts.
  h.general(announce(AnnounceSpec{}), seconds(5), kAddressA);
  EXPECT_EQ(h.clock().foreign_masters().size(), 1U);
}

TEST(UnicastBadInput, ANegotiationTlvWithABadLengthDropsTheMessageAsMalformed) {
  Harness h(client_config({kAddressA}));
  h.start(seconds(0));
  // A GRANT with lengthField 6 (it must be 8): the TLV area is well formed, the TLV is not.
  const std::array<std::byte, 10> area{
      std::byte{0x00}, std::byte{0x05}, std::byte{0x00}, std::byte{0x06}, std::byte{0xB0},
      std::byte{0x01}, std::byte{0x00}, std::byte{0x00}, std::byte{0x00}, std::byte{0x3C}};
  wire::Header hd = header(MessageType::kSignaling, kMasterA, 1, 0x7F);
  const auto bytes = encode(wire::Message{hd, wire::Signaling{kOurPort}, area});
  h.general(bytes, seconds(1), kAddressA);
  EXPECT_EQ(h.counters().drops(DropReason::kMalformed), 1U);
  EXPECT_FALSE(h.clock().unicast_masters()[0].grant(UnicastService::kAnnounce).active);
}

TEST(UnicastBadInput, SignalingForAnotherPortIsNotForUs) {
  Harness h(client_config({kAddressA}));
  h.start(seconds(0));
  h.general(signaling(kMasterA, {kAnnounceGrant}, port_id(0x77, 1)), seconds(1), kAddressA);
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 1U);
  EXPECT_FALSE(h.clock().unicast_masters()[0].grant(UnicastService::kAnnounce).active);
}

// 16.1.2.3: a grantee acknowledges a grantor's CANCEL and stops relying on the grant.
TEST(UnicastCancel, AMastersCancelIsAcknowledgedAndTheServiceAskedForAgain) {
  Harness h(client_config({kAddressA}));
  h.start(seconds(0));
  h.general(signaling(kMasterA, {kAnnounceGrant}), seconds(1), kAddressA);
  ASSERT_EQ(h.clock().unicast_masters()[0].stage, UnicastMasterStage::kAnnounced);
  const wire::CancelUnicastTransmissionTlv cancel{MessageType::kAnnounce, false, false};
  const auto actions = h.general(signaling(kMasterA, {cancel}), seconds(2), kAddressA);
  const auto replies = tlvs_sent(actions);
  ASSERT_EQ(replies.size(), 1U);
  EXPECT_EQ(std::get<wire::AcknowledgeCancelUnicastTransmissionTlv>(replies[0]).message_type,
            MessageType::kAnnounce);
  EXPECT_EQ(h.counters().unicast_cancels_received, 1U);
  EXPECT_EQ(h.clock().unicast_masters()[0].stage, UnicastMasterStage::kQuerying);
  const auto query = tlvs_sent(h.timer(PortTimer::kUnicastQuery, seconds(3)));
  ASSERT_EQ(query.size(), 1U);
  EXPECT_TRUE(std::holds_alternative<wire::RequestUnicastTransmissionTlv>(query[0]));
}

// A grantor answers every request of one Signaling in one Signaling, each as 16.1.4.2 says.
TEST(UnicastGrantor, AnswersEachRequestGrantingWhatItServesAndRefusingTheRest) {
  Harness h(master_config(0x50, 100));
  h.start(seconds(0));
  const auto actions = h.general(
      signaling(kMasterA, {wire::RequestUnicastTransmissionTlv{MessageType::kAnnounce, 1, 300},
                           wire::RequestUnicastTransmissionTlv{MessageType::kSync, -8, 300},
                           wire::RequestUnicastTransmissionTlv{MessageType::kPdelayResp, 0, 300},
                           wire::RequestUnicastTransmissionTlv{MessageType::kDelayResp, -4, 300}}),
      seconds(1), kAddressSlave);
  const auto grants = tlvs_sent(actions);
  ASSERT_EQ(grants.size(), 4U);
  const auto grant = [&](std::size_t i) {
    return std::get<wire::GrantUnicastTransmissionTlv>(grants[i]);
  };
  EXPECT_EQ(grant(0), (wire::GrantUnicastTransmissionTlv{MessageType::kAnnounce, 1, 300, true}));
  EXPECT_EQ(grant(1), (wire::GrantUnicastTransmissionTlv{MessageType::kSync, -8, 0, false}));
  EXPECT_EQ(grant(2), (wire::GrantUnicastTransmissionTlv{MessageType::kPdelayResp, 0, 0, false}));
  EXPECT_EQ(grant(3), (wire::GrantUnicastTransmissionTlv{MessageType::kDelayResp, -4, 300, true}));
  const auto reply = sends_of(actions, MessageType::kSignaling);
  ASSERT_EQ(reply.size(), 1U);
  EXPECT_EQ(reply[0].unicast_to, kAddressSlave);
  EXPECT_EQ(std::get<wire::Signaling>(decode(reply[0]).body).target_port_identity, kMasterA);
  EXPECT_EQ(h.counters().unicast_grants_given, 2U);
  EXPECT_EQ(h.counters().unicast_requests_refused, 2U);
  // Not MASTER yet: granted, but nothing is sent until it is.
  EXPECT_TRUE(sends_of(actions, MessageType::kAnnounce).empty());
  // A request on a port that does not listen is ignored (counted), never answered.
  Harness quiet(client_config({kAddressA}));
  quiet.start(seconds(0));
  const auto ignored = quiet.general(
      signaling(kMasterA, {wire::RequestUnicastTransmissionTlv{MessageType::kSync, 0, 60}}),
      seconds(1), kAddressSlave);
  EXPECT_EQ(quiet.counters().unicast_tlvs_ignored, 1U);
  EXPECT_TRUE(sends_of(ignored, MessageType::kSignaling).empty());
}

// ---- Grantor, one clock: expiry, a client's cancel, the client limit ----------------------

const PortIdentity kClientX = port_id(0x61, 1);
const PortIdentity kClientY = port_id(0x62, 1);
const PortIdentity kClientZ = port_id(0x63, 1);
const PeerAddress kAddressY = address(40);
const PeerAddress kAddressZ = address(50);

Bytes request_all(const PortIdentity& client, std::uint32_t duration_seconds) {
  return signaling(
      client, {wire::RequestUnicastTransmissionTlv{MessageType::kAnnounce, 1, duration_seconds},
               wire::RequestUnicastTransmissionTlv{MessageType::kSync, 0, duration_seconds},
               wire::RequestUnicastTransmissionTlv{MessageType::kDelayResp, 0, duration_seconds}});
}

std::vector<wire::GrantUnicastTransmissionTlv> grants_in(std::span<const PortAction> actions) {
  std::vector<wire::GrantUnicastTransmissionTlv> found;
  for (const auto& tlv : tlvs_sent(actions)) {
    if (const auto* grant = std::get_if<wire::GrantUnicastTransmissionTlv>(&tlv)) {
      found.push_back(*grant);
    }
  }
  return found;
}

PortConfig grantor_config(std::size_t max_clients) {
  PortConfig config = master_config(0x50, 100);
  config.unicast.max_clients = max_clients;
  return config;
}

// 16.1.2.4: a grant lasts its duration; one not renewed ends, and a client with none left
// leaves the table (its slot free for another), while a renewed one is kept.
TEST(UnicastGrantor, AGrantNotRenewedExpiresAndFreesTheClientsSlot) {
  Harness h(grantor_config(2));
  h.start(seconds(0));
  h.general(request_all(kClientX, 20), seconds(1), kAddressSlave);
  h.general(request_all(kClientY, 20), seconds(1), kAddressY);
  ASSERT_EQ(h.clock().unicast_clients().size(), 2U);
  // The table is full: Z is refused.
  const auto refused = grants_in(h.general(request_all(kClientZ, 20), seconds(2), kAddressZ));
  ASSERT_EQ(refused.size(), 3U);
  for (const auto& grant : refused) EXPECT_EQ(grant.duration_seconds, 0U);
  // X renews at 15 s (for 20 s more); Y does not.
  EXPECT_EQ(grants_in(h.general(request_all(kClientX, 20), seconds(15), kAddressSlave)).size(), 3U);
  // The transmit timer is armed for the first expiry (Y's, at 21 s) even outside MASTER.
  ASSERT_TRUE(h.deadline(PortTimer::kUnicastTransmit).has_value());
  EXPECT_EQ(*h.deadline(PortTimer::kUnicastTransmit), seconds(21));
  h.timer(PortTimer::kUnicastTransmit, seconds(21));

  EXPECT_EQ(h.counters().unicast_client_grants_expired, 3U);
  ASSERT_EQ(h.clock().unicast_clients().size(), 1U);
  const UnicastClient& kept = *h.clock().unicast_clients().begin();
  EXPECT_EQ(kept.address, kAddressSlave);
  for (const UnicastGrant& grant : kept.grants) {
    EXPECT_TRUE(grant.active);
    EXPECT_EQ(grant.expires_at, seconds(35));
  }
  EXPECT_EQ(*h.deadline(PortTimer::kUnicastTransmit), seconds(35));
  // Y's slot is Z's now.
  const auto granted = grants_in(h.general(request_all(kClientZ, 20), seconds(22), kAddressZ));
  ASSERT_EQ(granted.size(), 3U);
  for (const auto& grant : granted) EXPECT_EQ(grant.duration_seconds, 20U);
  EXPECT_EQ(h.clock().unicast_clients().size(), 2U);
  // X, not renewed again, ends at 35 s; the timer then waits for Z's expiry alone.
  h.timer(PortTimer::kUnicastTransmit, seconds(35));
  EXPECT_EQ(h.counters().unicast_client_grants_expired, 6U);
  ASSERT_EQ(h.clock().unicast_clients().size(), 1U);
  EXPECT_EQ(h.clock().unicast_clients().begin()->address, kAddressZ);
  EXPECT_EQ(*h.deadline(PortTimer::kUnicastTransmit), seconds(42));
}

// 16.1.4.3: a client's CANCEL ends that grant and is acknowledged; a client that cancels
// everything leaves the table at once, and the slot serves the next client.
TEST(UnicastGrantor, AClientsCancelIsAcknowledgedAndTheLastOneFreesTheSlot) {
  Harness h(grantor_config(1));
  h.start(seconds(0));
  h.general(request_all(kClientX, 60), seconds(1), kAddressSlave);
  ASSERT_EQ(h.clock().unicast_clients().size(), 1U);
  const auto cancel = [](MessageType type) {
    return wire::CancelUnicastTransmissionTlv{type, false, false};
  };
  const auto first = tlvs_sent(
      h.general(signaling(kClientX, {cancel(MessageType::kSync)}), seconds(2), kAddressSlave));
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(std::get<wire::AcknowledgeCancelUnicastTransmissionTlv>(first[0]),
            (wire::AcknowledgeCancelUnicastTransmissionTlv{MessageType::kSync, false, false}));
  const UnicastClient* x = client_at(h.clock(), kAddressSlave);
  ASSERT_NE(x, nullptr);
  EXPECT_FALSE(x->grant(UnicastService::kSync).active);
  EXPECT_TRUE(x->grant(UnicastService::kAnnounce).active);
  // Still a client: Z is refused.
  EXPECT_EQ(
      grants_in(h.general(request_all(kClientZ, 60), seconds(3), kAddressZ))[0].duration_seconds,
      0U);
  const auto rest = tlvs_sent(h.general(
      signaling(kClientX, {cancel(MessageType::kAnnounce), cancel(MessageType::kDelayResp)}),
      seconds(4), kAddressSlave));
  ASSERT_EQ(rest.size(), 2U);
  EXPECT_EQ(std::get<wire::AcknowledgeCancelUnicastTransmissionTlv>(rest[0]).message_type,
            MessageType::kAnnounce);
  EXPECT_EQ(std::get<wire::AcknowledgeCancelUnicastTransmissionTlv>(rest[1]).message_type,
            MessageType::kDelayResp);
  EXPECT_EQ(h.clock().unicast_clients().size(), 0U);
  EXPECT_FALSE(h.deadline(PortTimer::kUnicastTransmit).has_value());
  EXPECT_EQ(h.counters().unicast_client_grants_expired, 0U);  // cancelled, not expired
  // The freed slot is Z's.
  const auto granted = grants_in(h.general(request_all(kClientZ, 60), seconds(5), kAddressZ));
  ASSERT_EQ(granted.size(), 3U);
  for (const auto& grant : granted) EXPECT_EQ(grant.duration_seconds, 60U);
}

// "refuses the rest with a zero-duration grant": each request of a client beyond
// unicast_max_clients is answered with its messageType and interval and duration 0, counted
// every time and reported once; the clients already served keep their grants.
TEST(UnicastGrantor, RequestsBeyondMaxClientsGetZeroDurationGrantsCountedAndReportedOnce) {
  Harness h(grantor_config(2));
  h.start(seconds(0));
  h.general(request_all(kClientX, 60), seconds(1), kAddressSlave);
  h.general(request_all(kClientY, 60), seconds(1), kAddressY);
  const auto actions = h.general(request_all(kClientZ, 60), seconds(2), kAddressZ);
  EXPECT_EQ(grants_in(actions), (std::vector<wire::GrantUnicastTransmissionTlv>{
                                    {MessageType::kAnnounce, 1, 0, false},
                                    {MessageType::kSync, 0, 0, false},
                                    {MessageType::kDelayResp, 0, 0, false}}));
  const auto reply = sends_of(actions, MessageType::kSignaling);
  ASSERT_EQ(reply.size(), 1U);
  EXPECT_EQ(reply[0].unicast_to, kAddressZ);
  EXPECT_EQ(h.counters().unicast_requests_refused, 3U);
  EXPECT_EQ(notices_in(actions), std::vector{UnicastNoticeKind::kClientRefused});
  const auto again = h.general(request_all(kClientZ, 60), seconds(3), kAddressZ);
  EXPECT_EQ(h.counters().unicast_requests_refused, 6U);
  EXPECT_TRUE(notices_in(again).empty());
  EXPECT_EQ(h.counters().unicast_grants_given, 6U);
  EXPECT_EQ(h.clock().unicast_clients().size(), 2U);
  EXPECT_EQ(client_at(h.clock(), kAddressZ), nullptr);
  for (const PeerAddress& served : {kAddressSlave, kAddressY}) {
    const UnicastClient* client = client_at(h.clock(), served);
    ASSERT_NE(client, nullptr);
    EXPECT_TRUE(client->any_grant());
  }
}

}  // namespace
}  // namespace ptp::clock_test
