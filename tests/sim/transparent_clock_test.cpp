// Transparent clocks in the simulated network (IEEE 1588-2019 10.2, 10.3): an E2E TC adds each
// event message's exact residence time to its correctionField and leaves general messages alone;
// a P2P TC adds residence plus the ingress link's delay to Sync, answers Pdelay_Req itself with
// a one-step Pdelay_Resp and forwards no peer-delay message. Copies flooded out of several ports
// are each corrected once.
#include "ptp/sim/transparent_clock.h"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <vector>

#include "network_test_fabric.h"
#include "ptp/wire/message.h"

namespace ptp::sim {
namespace {

using testing::at_us;
using testing::Fabric;
using testing::fixed_link;
using testing::fixed_residence;
using testing::run_to_completion;
using testing::us;

const PortIdentity kSender{ClockIdentity{{1, 2, 3, 4, 5, 6, 7, 8}}, 1};

std::vector<std::byte> encoded(wire::MessageType type, std::int64_t correction_ns = 0) {
  wire::Header header;
  header.message_type = type;
  header.source_port_identity = kSender;
  header.sequence_id = 42;
  header.control_field = wire::default_control_field(type);
  header.correction_field = TimeInterval::from_scaled(correction_ns * 65536);
  wire::MessageBody body;
  switch (type) {
    case wire::MessageType::kSync: body = wire::Sync{}; break;
    case wire::MessageType::kFollowUp: body = wire::FollowUp{}; break;
    case wire::MessageType::kPdelayReq: body = wire::PdelayReq{}; break;
    default: body = wire::DelayReq{}; break;
  }
  std::array<std::byte, 128> buffer{};
  const auto length = wire::encode_message(wire::Message{header, body, {}}, buffer);
  EXPECT_TRUE(length.has_value());
  const std::size_t size = length.has_value() ? length.value() : 0;
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)};
}

wire::Message decoded(const WirePacket& packet) {
  const auto message = wire::decode_message(packet.bytes());
  EXPECT_TRUE(message.has_value());
  return message.has_value() ? message.value() : wire::Message{};
}

std::int64_t correction_ns(const WirePacket& packet) {
  return decoded(packet).header.correction_field.to_nanoseconds().count();
}

struct TcNetwork {
  explicit TcNetwork(TransparentClockKind kind) {
    a = fabric.add_host();
    b = fabric.add_host();
    c = fabric.add_host();
    TransparentClockConfig tc;
    tc.kind = kind;
    sw = *fabric.network.add_switch(fixed_residence(us(3)), tc);
    EXPECT_TRUE(fabric.network.add_link(a, sw, fixed_link(us(1)), fixed_link(us(1))));
    EXPECT_TRUE(fabric.network.add_link(sw, b, fixed_link(us(2)), fixed_link(us(2))));
    EXPECT_TRUE(fabric.network.add_link(sw, c, fixed_link(us(5)), fixed_link(us(5))));
  }
  Fabric fabric;
  NodeId a, b, c, sw;
};

TEST(TransparentClock, EndToEndAddsResidenceToEventMessagesOnly) {
  TcNetwork net(TransparentClockKind::kEndToEnd);
  const auto sync = encoded(wire::MessageType::kSync, 100);
  const auto follow_up = encoded(wire::MessageType::kFollowUp, 100);
  net.fabric.send_payload_at(at_us(10), net.a, hal::kPtpPrimaryIpv4, 319, sync, 1);
  ASSERT_TRUE(run_to_completion(net.fabric.scheduler));
  ASSERT_EQ(net.fabric.receiver(net.b).arrivals.size(), 1U);
  EXPECT_EQ(correction_ns(net.fabric.receiver(net.b).last_packet), 100 + 3'000);
  EXPECT_EQ(correction_ns(net.fabric.receiver(net.c).last_packet), 100 + 3'000);
  net.fabric.send_payload_at(at_us(100), net.a, hal::kPtpPrimaryIpv4, 320, follow_up, 2);
  ASSERT_TRUE(run_to_completion(net.fabric.scheduler));
  EXPECT_EQ(correction_ns(net.fabric.receiver(net.b).last_packet), 100);
  EXPECT_EQ(net.fabric.network.packets_in_flight(), 0U);
}

TEST(TransparentClock, PeerToPeerAddsTheIngressLinkAndAnswersPdelayItself) {
  TcNetwork net(TransparentClockKind::kPeerToPeer);
  const auto sync = encoded(wire::MessageType::kSync);
  net.fabric.send_payload_at(at_us(10), net.a, hal::kPtpPrimaryIpv4, 319, sync, 1);
  ASSERT_TRUE(run_to_completion(net.fabric.scheduler));
  // Residence 3 us plus the a-sw link's 1 us.
  EXPECT_EQ(correction_ns(net.fabric.receiver(net.b).last_packet), 4'000);

  const auto request = encoded(wire::MessageType::kPdelayReq, 7);
  net.fabric.send_payload_at(at_us(100), net.b, hal::kPtpPdelayIpv4, 319, request, 2);
  ASSERT_TRUE(run_to_completion(net.fabric.scheduler));
  EXPECT_EQ(net.fabric.receiver(net.a).arrivals.size(), 0U);  // not forwarded
  EXPECT_EQ(net.fabric.receiver(net.c).arrivals.size(), 1U);  // the Sync only
  ASSERT_EQ(net.fabric.receiver(net.b).arrivals.size(), 2U);  // the Sync, then the answer
  // Back after 2 us + 10 us turnaround + 2 us.
  EXPECT_EQ(net.fabric.receiver(net.b).arrivals[1].at, at_us(114));
  const wire::Message response = decoded(net.fabric.receiver(net.b).last_packet);
  EXPECT_EQ(response.type(), wire::MessageType::kPdelayResp);
  EXPECT_FALSE(response.header.flags.two_step());
  EXPECT_EQ(response.header.sequence_id, 42);
  EXPECT_EQ(response.header.correction_field.to_nanoseconds().count(), 7 + 10'000);
  EXPECT_EQ(std::get<wire::PdelayResp>(response.body).requesting_port_identity, kSender);
  EXPECT_EQ(net.fabric.network.packets_in_flight(), 0U);
}

TEST(TransparentClock, CorrectionArithmeticRefusesOverflowAndShortPayloads) {
  auto sync = encoded(wire::MessageType::kSync, -5);
  EXPECT_TRUE(tc_detail::add_to_correction(sync, 12));
  const auto message = wire::decode_message(sync);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->header.correction_field.scaled(), 7 * 65536);
  EXPECT_FALSE(tc_detail::add_to_correction(sync, std::int64_t{1} << 50));
  std::array<std::byte, 10> short_payload{};
  EXPECT_FALSE(tc_detail::add_to_correction(short_payload, 1));
  EXPECT_FALSE(tc_detail::message_type(short_payload).has_value());
}

}  // namespace
}  // namespace ptp::sim
