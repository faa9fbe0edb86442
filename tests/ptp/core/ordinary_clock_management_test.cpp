// OrdinaryClock's management port (1588-2019 clause 15): a pmc-like GET reads the clock's live
// data sets, a SET of priority1 re-runs the BMCA, requests for other clocks get no reply, and
// the port answers management in every state that listens at all (9.2.5: FAULTY and DISABLED
// still answer management).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ordinary_clock_test_support.h"

namespace ptp::clock_test {
namespace {

using testing::Return;
using wire::ManagementAction;
using wire::ManagementId;
using wire::MessageType;

constexpr Nanoseconds kStart = seconds(1000);

PortConfig management_config() {
  PortConfig config = base_config();
  config.priority1 = 140;
  config.priority2 = 33;
  config.clock_quality = ClockQuality{248, ClockAccuracy::kWithin10us, 0x5A5A};
  return config;
}

// The one reply in `actions`, decoded, with its single MANAGEMENT TLV.
struct Reply {
  SendMessage send;
  wire::Message message;
  wire::ManagementTlv tlv;
};

std::optional<Reply> the_reply(std::span<const PortAction> actions) {
  const auto replies = sends_of(actions, MessageType::kManagement);
  EXPECT_EQ(replies.size(), 1U);
  if (replies.size() != 1) return std::nullopt;
  Reply reply;
  reply.send = replies[0];
  const auto decoded = wire::decode_message(reply.send.payload());
  EXPECT_TRUE(decoded.has_value());
  if (!decoded) return std::nullopt;
  reply.message = decoded.value();
  const wire::TlvList tlvs = reply.message.tlv_list();
  EXPECT_FALSE(tlvs.empty());
  if (tlvs.empty()) return std::nullopt;
  const auto tlv = wire::decode_management_tlv(*tlvs.begin());
  EXPECT_TRUE(tlv.has_value());
  if (!tlv) return std::nullopt;
  reply.tlv = tlv.value();
  return reply;
}

TEST(OrdinaryClockManagementTest, GetDefaultDataSetAnswersWithTheClocksDefaultDs) {
  Harness h(management_config());
  h.start(kStart);
  ManagementSpec spec;
  spec.id = ManagementId::kDefaultDataSet;
  const auto actions = h.general(management(spec), kStart + seconds(1), kAddressSlave);
  ASSERT_EQ(actions.size(), 1U);
  const auto reply = the_reply(actions);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->send.channel, MessageChannel::kGeneral);
  EXPECT_FALSE(reply->send.unicast_to.has_value());
  EXPECT_FALSE(reply->send.timestamp_id.has_value());
  const wire::Header& hdr = reply->message.header;
  EXPECT_EQ(hdr.source_port_identity, kOurPort);
  EXPECT_EQ(hdr.sequence_id, 0x1234);
  const auto& body = std::get<wire::Management>(reply->message.body);
  EXPECT_EQ(body.action, ManagementAction::kResponse);
  EXPECT_EQ(body.target_port_identity, spec.source);
  EXPECT_EQ(reply->tlv.management_id, ManagementId::kDefaultDataSet);
  const auto* ds = std::get_if<wire::ManagementDefaultDataSet>(&reply->tlv.data);
  ASSERT_NE(ds, nullptr);
  // What the configuration says, written out by hand.
  EXPECT_TRUE(ds->two_step);
  EXPECT_FALSE(ds->slave_only);
  EXPECT_EQ(ds->number_ports, 1);
  EXPECT_EQ(ds->priority1, 140);
  EXPECT_EQ(ds->priority2, 33);
  EXPECT_EQ(ds->clock_quality, (ClockQuality{248, ClockAccuracy::kWithin10us, 0x5A5A}));
  EXPECT_EQ(ds->clock_identity, kOurClock);
  EXPECT_EQ(ds->domain_number, 0);
  // And the clock's own view agrees.
  const DefaultDataSet& own = h.clock().default_data_set();
  EXPECT_EQ(ds->priority1, own.priority1);
  EXPECT_EQ(ds->clock_quality, own.clock_quality);
  EXPECT_EQ(h.counters().management_replies, 1U);
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(MessageType::kManagement)], 1U);
  EXPECT_EQ(h.counters().received[static_cast<std::size_t>(MessageType::kManagement)], 1U);
}

TEST(OrdinaryClockManagementTest, GetParentDataSetOfASlaveNamesItsMaster) {
  Harness h;
  MasterAScript<Harness> master{h};
  master.start_and_qualify();
  ManagementSpec spec;
  spec.id = ManagementId::kParentDataSet;
  const auto reply = the_reply(h.general(management(spec), master.now, kAddressSlave));
  ASSERT_TRUE(reply.has_value());
  const auto* ds = std::get_if<wire::ManagementParentDataSet>(&reply->tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->parent_port_identity, kMasterA);
  EXPECT_EQ(ds->grandmaster_identity, kMasterA.clock_identity);
  EXPECT_EQ(ds->grandmaster_priority1, 100);
}

TEST(OrdinaryClockManagementTest, UnicastRequestGetsAUnicastReply) {
  Harness h;
  h.start(kStart);
  ManagementSpec spec;
  spec.unicast = true;
  const auto reply = the_reply(h.general(management(spec), kStart + seconds(1), kAddressSlave));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->send.unicast_to, kAddressSlave);
  EXPECT_TRUE(reply->message.header.flags.unicast());
}

TEST(OrdinaryClockManagementTest, SetPriority1BetterThanTheMasterMakesTheSlaveMaster) {
  Harness h;
  ON_CALL(h.servo(), sample).WillByDefault(Return(locked(0)));
  MasterAScript<Harness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);

  ManagementSpec spec;
  spec.action = ManagementAction::kSet;
  spec.id = ManagementId::kPriority1;
  spec.data = {std::byte{10}, std::byte{0}};  // A has priority1 100
  const auto actions = h.general(management(spec), master.now, kAddressSlave);
  const auto reply = the_reply(actions);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(std::get<wire::Management>(reply->message.body).action, ManagementAction::kResponse);
  EXPECT_EQ(reply->tlv.management_id, ManagementId::kPriority1);
  EXPECT_EQ(h.clock().default_data_set().priority1, 10);
  EXPECT_EQ(h.clock().last_decision(), DecisionCode::kM2);
  EXPECT_EQ(h.state(), PortState::kPreMaster);
  EXPECT_EQ(
      transitions(actions),
      (std::vector<std::pair<PortState, PortState>>{{PortState::kSlave, PortState::kPreMaster}}));
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_identity, kOurClock);
  EXPECT_EQ(h.clock().parent_data_set().grandmaster_priority1, 10);

  const auto qualified = h.timer(PortTimer::kQualification, master.now + seconds(2));
  EXPECT_EQ(h.state(), PortState::kMaster);
  const auto announces = sends_of(qualified, MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  const auto body = std::get<wire::Announce>(decode(announces[0]).body);
  EXPECT_EQ(body.grandmaster_priority1, 10);
  EXPECT_EQ(body.grandmaster_identity, kOurClock);
}

TEST(OrdinaryClockManagementTest, SetPriority1OfAMasterIsAnnounced) {
  Harness h;
  h.start(kStart);
  h.timer(PortTimer::kAnnounceReceipt, kStart + seconds(7));
  ASSERT_EQ(h.state(), PortState::kMaster);
  ManagementSpec spec;
  spec.action = ManagementAction::kSet;
  spec.id = ManagementId::kPriority1;
  spec.data = {std::byte{77}, std::byte{0}};
  h.general(management(spec), kStart + seconds(8), kAddressSlave);
  EXPECT_EQ(h.state(), PortState::kMaster);
  const auto announces =
      sends_of(h.timer(PortTimer::kAnnounceTransmit, kStart + seconds(9)), MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_EQ(std::get<wire::Announce>(decode(announces[0]).body).grandmaster_priority1, 77);
}

TEST(OrdinaryClockManagementTest, RequestForAnotherClockIsNotForUs) {
  Harness h;
  h.start(kStart);
  ManagementSpec spec;
  spec.id = ManagementId::kDefaultDataSet;
  spec.target = PortIdentity{clock_id(0x51), PortIdentity::kAllPorts};
  EXPECT_TRUE(h.general(management(spec), kStart + seconds(1), kAddressSlave).empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 1U);
  EXPECT_EQ(h.counters().management_replies, 0U);
  // Another port of this clock: not for us either.
  spec.target = port_id(0x50, 2);
  EXPECT_TRUE(h.general(management(spec), kStart + seconds(1), kAddressSlave).empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 2U);
}

TEST(OrdinaryClockManagementTest, ResponsesFromOthersAreNotAnswered) {
  Harness h;
  h.start(kStart);
  ManagementSpec spec;
  spec.action = ManagementAction::kResponse;
  spec.id = ManagementId::kPriority1;
  spec.data = {std::byte{1}, std::byte{0}};
  EXPECT_TRUE(h.general(management(spec), kStart + seconds(1), kAddressSlave).empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 1U);
}

TEST(OrdinaryClockManagementTest, DisabledPortStillAnswersManagement) {
  Harness h;
  h.start(kStart);
  h.enable(false, kStart + seconds(1));
  ASSERT_EQ(h.state(), PortState::kDisabled);
  ManagementSpec spec;
  spec.id = ManagementId::kPortDataSet;
  const auto reply = the_reply(h.general(management(spec), kStart + seconds(2), kAddressSlave));
  ASSERT_TRUE(reply.has_value());
  const auto* ds = std::get_if<wire::ManagementPortDataSet>(&reply->tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->port_state, static_cast<std::uint8_t>(PortState::kDisabled));
  EXPECT_EQ(h.state(), PortState::kDisabled);
}

TEST(OrdinaryClockManagementTest, FaultyPortStillAnswersManagementButStaysFaulty) {
  Harness h;
  h.start(kStart);
  h.fault(kStart + seconds(1));
  ManagementSpec spec;
  spec.action = ManagementAction::kSet;
  spec.id = ManagementId::kPriority1;
  spec.data = {std::byte{1}, std::byte{0}};
  const auto actions = h.general(management(spec), kStart + seconds(2), kAddressSlave);
  EXPECT_TRUE(the_reply(actions).has_value());
  EXPECT_TRUE(all_of<StateChanged>(actions).empty());
  EXPECT_EQ(h.state(), PortState::kFaulty);
  EXPECT_EQ(h.clock().default_data_set().priority1, 1);
  // Other messages are still refused while FAULTY.
  AnnounceSpec announce_spec;
  h.general(announce(announce_spec), kStart + seconds(3));
  EXPECT_EQ(h.counters().drops(DropReason::kWrongState), 1U);
}

// pmc over UDP (`pmc -4 -i eth0`) on the clock's own host takes its clock identity from the
// interface's MAC and port number 1 (linuxptp pmc_create): the very identity of a clock on that
// interface. This port never sends requests, so such a request is not its own loopback.
TEST(OrdinaryClockManagementTest, PmcOnTheSameHostWithOurIdentityIsAnswered) {
  Harness h;
  h.start(kStart);
  ManagementSpec spec;
  spec.id = ManagementId::kDefaultDataSet;
  spec.source = kOurPort;
  const auto actions = h.general(management(spec), kStart + seconds(1), kAddressSlave);
  const auto reply = the_reply(actions);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(std::get<wire::Management>(reply->message.body).target_port_identity, kOurPort);
  EXPECT_EQ(h.counters().drops(DropReason::kFromOwnClock), 0U);
  // Our own reply, looped back by the multicast group, is not answered.
  Bytes looped;
  looped.length = reply->send.length;
  std::copy(reply->send.buffer.begin(),
            reply->send.buffer.begin() + static_cast<std::ptrdiff_t>(reply->send.length),
            looped.data.begin());
  EXPECT_TRUE(h.general(looped, kStart + seconds(1)).empty());
  EXPECT_EQ(h.counters().management_replies, 1U);
}

}  // namespace
}  // namespace ptp::clock_test
