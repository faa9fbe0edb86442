// WinsockTransport on the real Winsock (Wine in CI) over loopback: a datagram sent to ourselves
// on 127.0.0.1 and ::1 arrives with an application-level timestamp wherever Winsock timestamping
// is refused, and the requested TX timestamp arrives as one too. Unprivileged ports; waiting is
// bounded on the transport's receive event, never a sleep.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ptp/win/win_host.h"
#include "ptp/win/winsock_transport.h"

namespace ptp::win {
namespace {

class RecordingListener : public hal::PacketListener {
 public:
  void on_packet(const hal::ReceivedPacket& packet) override {
    payloads.emplace_back(packet.payload.begin(), packet.payload.end());
    packets.push_back(packet);
    packets.back().payload = {};
  }
  void on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) override {
    tx.emplace_back(tag, timestamp);
  }
  void on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss) override { lost.push_back(tag); }
  std::vector<hal::ReceivedPacket> packets;
  std::vector<std::vector<std::byte>> payloads;
  std::vector<std::pair<hal::TxTag, hal::PacketTimestamp>> tx;
  std::vector<hal::TxTag> lost;
};

// Waits (bounded) for the receive event and drains; returns the number of packets delivered.
std::size_t receive_within(WinsockTransport& transport, DWORD timeout_ms) {
  std::size_t received = 0;
  for (int round = 0; round < 10 && received == 0; ++round) {
    if (WaitForSingleObject(transport.receive_event(), timeout_ms / 10) == WAIT_OBJECT_0) {
      received += transport.poll_receive();
    }
  }
  return received;
}

// Sends to the transport's own event port at `to`, and checks what comes back.
void round_trip(hal::AddressFamily family, const hal::IpAddress& to, std::uint16_t event_port) {
  const WinApi api = load_win_api();
  std::vector<std::string> log;
  WinsockTransportConfig config;
  config.family = family;
  config.join_multicast = false;  // loopback: unicast only
  config.event_port = event_port;
  config.general_port = static_cast<std::uint16_t>(event_port + 1);
  auto opened = WinsockTransport::open(
      api, config, nullptr, [&](LogLevel, std::string_view text) { log.emplace_back(text); });
  ASSERT_TRUE(opened) << "os error " << opened.error().os_code;
  WinsockTransport& transport = **opened;
  RecordingListener listener;
  transport.set_listener(&listener);
  EXPECT_EQ(transport.timestamp_source(), hal::TimestampSource::kNone);
  if (!transport.socket_timestamping()) {
    ASSERT_EQ(log.size(), 1U);  // Wine: SIO_TIMESTAMPING refused, said once
    EXPECT_NE(log[0].find("application-level"), std::string::npos) << log[0];
  }

  const std::int64_t before = api.query_performance_counter();
  const std::vector<std::byte> payload{std::byte{0x10}, std::byte{0x02}, std::byte{0xAB}};
  const auto tag =
      transport.send(hal::PtpUdpPort::kEvent, to, payload, hal::TxTimestampRequest::kRequested);
  ASSERT_TRUE(tag) << "os error " << tag.error().os_code;
  ASSERT_TRUE(*tag);
  EXPECT_TRUE(listener.tx.empty());  // never inside send

  ASSERT_EQ(receive_within(transport, 2000), 1U);
  ASSERT_EQ(listener.packets.size(), 1U);
  EXPECT_EQ(listener.payloads[0], payload);
  const hal::ReceivedPacket& packet = listener.packets[0];
  EXPECT_EQ(packet.port, hal::PtpUdpPort::kEvent);
  EXPECT_EQ(packet.source.address, to);
  EXPECT_EQ(packet.source.port, event_port);
  EXPECT_EQ(packet.timestamp.source, hal::TimestampSource::kNone);
  const auto* stamp = std::get_if<hal::CounterTicks>(&packet.timestamp.reading);
  ASSERT_NE(stamp, nullptr);
  EXPECT_GE(stamp->count, before);

  transport.poll_tx_timestamps();
  ASSERT_EQ(listener.tx.size(), 1U);
  EXPECT_EQ(listener.tx[0].first, **tag);
  EXPECT_EQ(listener.tx[0].second.source, hal::TimestampSource::kNone);
  const auto* sent_at = std::get_if<hal::CounterTicks>(&listener.tx[0].second.reading);
  ASSERT_NE(sent_at, nullptr);
  EXPECT_GE(sent_at->count, before);
  EXPECT_LE(sent_at->count, stamp->count);
  EXPECT_TRUE(listener.lost.empty());
  EXPECT_EQ(transport.next_tx_poll(), std::nullopt);
}

TEST(WinsockLoopback, Ipv4DatagramWithApplicationTimestamps) {
  round_trip(hal::AddressFamily::kIpv4, hal::IpAddress::v4(127, 0, 0, 1), 31319);
}

TEST(WinsockLoopback, Ipv6DatagramWithApplicationTimestamps) {
  round_trip(hal::AddressFamily::kIpv6, *hal::IpAddress::parse("::1"), 31329);
}

TEST(WinsockLoopback, Ipv4MulticastToThePtpGroupComesBackThroughTheMembership) {
  // The transport joins 224.0.1.129 on the loopback interface with multicast loopback on, sends
  // to the group, and receives its own datagram through that membership (IP_PKTINFO names the
  // group as destination).
  const WinApi api = load_win_api();
  WinsockTransportConfig config;
  config.ipv4_interface_address = hal::IpAddress::v4(127, 0, 0, 1);
  config.multicast_loopback = true;
  config.event_port = 31349;
  config.general_port = 31350;
  auto transport = WinsockTransport::open(api, config, nullptr, nullptr);
  ASSERT_TRUE(transport) << "os error " << transport.error().os_code;
  RecordingListener listener;
  (*transport)->set_listener(&listener);
  const std::vector<std::byte> payload{std::byte{0x0B}, std::byte{0x02}};
  ASSERT_TRUE((*transport)
                  ->send(hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4, payload,
                         hal::TxTimestampRequest::kNone));
  ASSERT_EQ(receive_within(**transport, 2000), 1U);
  EXPECT_EQ(listener.payloads[0], payload);
  EXPECT_EQ(listener.packets[0].port, hal::PtpUdpPort::kGeneral);
  EXPECT_EQ(listener.packets[0].destination, hal::kPtpPrimaryIpv4);
}

TEST(WinsockLoopback, Ipv4MulticastFromAnotherSocketReachesTheEventPort) {
  // Another PTP instance's socket (plain Winsock here) sends to 224.0.1.129 on our event port.
  const WinApi api = load_win_api();
  WinsockTransportConfig config;
  config.ipv4_interface_address = hal::IpAddress::v4(127, 0, 0, 1);
  config.event_port = 31379;
  config.general_port = 31380;
  auto transport = WinsockTransport::open(api, config, nullptr, nullptr);
  ASSERT_TRUE(transport) << "os error " << transport.error().os_code;
  RecordingListener listener;
  (*transport)->set_listener(&listener);

  const SOCKET peer = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  ASSERT_NE(peer, INVALID_SOCKET);
  IN_ADDR loopback{};
  loopback.s_addr = htonl(INADDR_LOOPBACK);
  const DWORD on = 1;
  ASSERT_EQ(setsockopt(peer, IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<const char*>(&loopback),
                       sizeof(loopback)),
            0);
  ASSERT_EQ(setsockopt(peer, IPPROTO_IP, IP_MULTICAST_LOOP, reinterpret_cast<const char*>(&on),
                       sizeof(on)),
            0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(31379);
  to.sin_addr.s_addr = htonl(0xE0000181U);  // 224.0.1.129
  const std::array<char, 3> message{0x00, 0x02, 0x7F};
  const int sent = sendto(peer, message.data(), static_cast<int>(message.size()), 0,
                          reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  closesocket(peer);
  ASSERT_EQ(sent, 3);

  ASSERT_EQ(receive_within(**transport, 2000), 1U);
  EXPECT_EQ(listener.packets[0].port, hal::PtpUdpPort::kEvent);
  EXPECT_EQ(listener.packets[0].destination, hal::kPtpPrimaryIpv4);
  EXPECT_EQ(listener.packets[0].source.address, hal::IpAddress::v4(127, 0, 0, 1));
  EXPECT_EQ(listener.packets[0].timestamp.source, hal::TimestampSource::kNone);
}

TEST(WinsockLoopback, WinHostOnTheLoopbackAdapterFoundByName) {
  // The whole HAL as ptp4win opens it: the adapter that holds 127.0.0.1 (Wine: the Linux "lo")
  // by its friendly name, then a multicast round trip through its membership.
  const WinApi api = load_win_api();
  const auto adapters = enumerate_adapters(api);
  ASSERT_TRUE(adapters);
  std::string name;
  for (const AdapterInfo& adapter : *adapters) {
    for (const hal::IpAddress& address : adapter.ipv4_addresses) {
      if (address == hal::IpAddress::v4(127, 0, 0, 1)) name = adapter.friendly_name;
    }
  }
  ASSERT_FALSE(name.empty()) << "no adapter holds 127.0.0.1";
  WinHostConfig config;
  config.interface_name = name;
  config.transport.event_port = 31359;
  config.transport.general_port = 31360;
  config.transport.multicast_loopback = true;
  config.system_clock.read_only = true;
  std::vector<std::string> log;
  auto host = WinHost::open(
      api, config, [](const std::function<void()>&) {},
      [&](LogLevel, std::string_view text) { log.emplace_back(text); });
  ASSERT_TRUE(host) << host.error().message;
  WinsockTransport& transport = (*host)->transport();
  RecordingListener listener;
  transport.set_listener(&listener);
  const std::vector<std::byte> payload{std::byte{0x00}, std::byte{0x02}};
  const auto tag = transport.send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4, payload,
                                  hal::TxTimestampRequest::kRequested);
  ASSERT_TRUE(tag && *tag);
  ASSERT_EQ(receive_within(transport, 2000), 1U);
  EXPECT_EQ(listener.packets[0].destination, hal::kPtpPrimaryIpv4);
  EXPECT_EQ(listener.packets[0].timestamp.source, (*host)->transport().timestamp_source());
  transport.poll_tx_timestamps();
  if (!transport.socket_timestamping()) {
    EXPECT_EQ(listener.tx.size(), 1U);  // application-level: delivered at the first poll
  }
}

TEST(WinsockLoopback, Ipv6WinHostJoinsBothGroupsOnTheLoopbackAdapter) {
  // Wine reports ::1 on lo with Ipv6IfIndex 0: the IPv4 index stands in (transport_config_for).
  const WinApi api = load_win_api();
  const auto adapters = enumerate_adapters(api);
  ASSERT_TRUE(adapters);
  std::string name;
  const hal::IpAddress loopback = *hal::IpAddress::parse("::1");
  for (const AdapterInfo& adapter : *adapters) {
    for (const hal::IpAddress& address : adapter.ipv6_addresses) {
      if (address == loopback) name = adapter.friendly_name;
    }
  }
  if (name.empty()) GTEST_SKIP() << "no adapter holds ::1 here";
  WinHostConfig config;
  config.interface_name = name;
  config.family = hal::AddressFamily::kIpv6;
  config.transport.event_port = 31369;
  config.transport.general_port = 31370;
  config.transport.multicast_loopback = true;
  config.system_clock.read_only = true;
  auto host = WinHost::open(
      api, config, [](const std::function<void()>&) {}, nullptr);
  ASSERT_TRUE(host) << host.error().message;
  WinsockTransport& transport = (*host)->transport();
  RecordingListener listener;
  transport.set_listener(&listener);
  const std::vector<std::byte> payload{std::byte{0x0B}, std::byte{0x02}};
  // Opening joined ff0e::181 and ff02::181 on the adapter. Linux's lo has no IPv6 multicast
  // route (a send to the groups fails with WSAENETUNREACH), so the round trip is unicast to ::1.
  ASSERT_TRUE(
      transport.send(hal::PtpUdpPort::kGeneral, loopback, payload, hal::TxTimestampRequest::kNone));
  ASSERT_EQ(receive_within(transport, 2000), 1U);
  EXPECT_EQ(listener.packets[0].source.address, loopback);
  EXPECT_EQ(listener.packets[0].destination, loopback);
}

TEST(WinsockLoopback, SecondTransportOnTheSamePortsIsRefusedWithAClearError) {
  const WinApi api = load_win_api();
  WinsockTransportConfig config;
  config.join_multicast = false;
  config.event_port = 31339;
  config.general_port = 31340;
  auto first = WinsockTransport::open(api, config, nullptr, nullptr);
  ASSERT_TRUE(first);
  std::string message;
  auto second = WinsockTransport::open(api, config, nullptr,
                                       [&](LogLevel, std::string_view text) { message = text; });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().os_code, static_cast<std::uint32_t>(WSAEADDRINUSE));
  EXPECT_NE(message.find("port 31339"), std::string::npos) << message;
}

}  // namespace
}  // namespace ptp::win
