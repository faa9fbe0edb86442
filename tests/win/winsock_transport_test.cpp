// WinsockTransport over a faked Winsock: socket setup (ports, multicast membership, timestamping
// request), receive with and without the SO_TIMESTAMP control message, TX timestamps fetched with
// retries, given up, overflowing, or invalidated by a capability change, and the application-level
// fallback when Winsock refuses timestamping (WSAEOPNOTSUPP). The loop is driven by hand.
#include "ptp/win/winsock_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_ip_helper.h"
#include "fake_winsock.h"
#include "manual_loop.h"

namespace ptp::win {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::InSequence;
using ::testing::StrictMock;

constexpr std::uint64_t kLuid = 7;

class MockListener : public hal::PacketListener {
 public:
  MOCK_METHOD(void, on_packet, (const hal::ReceivedPacket&), (override));
  MOCK_METHOD(void, on_tx_timestamp, (hal::TxTag, const hal::PacketTimestamp&), (override));
  MOCK_METHOD(void, on_tx_timestamp_lost, (hal::TxTag, hal::TxTimestampLoss), (override));
};

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

sockaddr_storage ipv4_from(std::array<std::uint8_t, 4> address, std::uint16_t port) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  std::memcpy(&v4.sin_addr, address.data(), 4);
  sockaddr_storage storage{};
  std::memcpy(&storage, &v4, sizeof(v4));
  return storage;
}

class WinsockTransportTest : public ::testing::Test {
 protected:
  WinsockTransportTest() {
    ip_helper_.install(api_);
    winsock_.install(api_);
    IfTimestampCapabilities software{};
    software.software_capabilities.all_receive = 1;
    software.software_capabilities.all_transmit = 1;
    ip_helper_.supported[kLuid] = software;
    ip_helper_.active[kLuid] = software;
    config_.ipv4_interface_address = hal::IpAddress::v4(192, 0, 2, 10);
    config_.interface_index = 5;
  }

  void open() {
    timestamping_ = std::make_unique<WinTimestampingInterface>(api_, kLuid, loop_.hook(), sink());
    auto opened = WinsockTransport::open(api_, config_, timestamping_.get(), sink());
    ASSERT_TRUE(opened) << opened.error().os_code;
    transport_ = std::move(*opened);
    transport_->set_listener(&listener_);
  }
  LogSink sink() {
    return [this](LogLevel, std::string_view text) { log_.emplace_back(text); };
  }
  std::optional<hal::TxTag> send_event() {
    const auto payload = bytes({1, 2, 3});
    auto tag = transport_->send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4, payload,
                                hal::TxTimestampRequest::kRequested);
    EXPECT_TRUE(tag);
    return tag ? *tag : std::nullopt;
  }
  void switch_active(const IfTimestampCapabilities& caps) {
    ip_helper_.active[kLuid] = caps;
    ip_helper_.fire();
    loop_.run_pending();
  }

  test::FakeIpHelper ip_helper_;
  test::FakeWinsock winsock_;
  WinApi api_;
  test::ManualLoop loop_;
  std::vector<std::string> log_;
  WinsockTransportConfig config_;
  std::unique_ptr<WinTimestampingInterface> timestamping_;
  std::unique_ptr<WinsockTransport> transport_;
  StrictMock<MockListener> listener_;
};

TEST_F(WinsockTransportTest, OpensBothPortsJoinsTheGroupAndAsksForRxAndTxTimestamps) {
  open();
  for (const std::uint16_t port : {std::uint16_t{319}, std::uint16_t{320}}) {
    test::FakeSocket& s = winsock_.socket_on_port(port);
    EXPECT_EQ(s.family, AF_INET) << port;
    ASSERT_TRUE(s.timestamping) << port;
    EXPECT_EQ(s.timestamping->flags, kTimestampingFlagRx | kTimestampingFlagTx);
    EXPECT_EQ(s.timestamping->tx_timestamps_buffered, 16);
    const auto [first, last] = s.options.equal_range({IPPROTO_IP, IP_ADD_MEMBERSHIP});
    std::vector<std::array<std::uint8_t, 8>> groups;
    for (auto it = first; it != last; ++it) {
      ip_mreq request{};
      std::memcpy(&request, it->second.data(), sizeof(request));
      std::array<std::uint8_t, 8> raw{};
      std::memcpy(raw.data(), &request, 8);
      groups.push_back(raw);
    }
    // The primary group and the peer-delay group, on the interface's address.
    EXPECT_THAT(groups, ElementsAre(std::array<std::uint8_t, 8>{224, 0, 1, 129, 192, 0, 2, 10},
                                    std::array<std::uint8_t, 8>{224, 0, 0, 107, 192, 0, 2, 10}));
    EXPECT_NE(s.options.find({IPPROTO_IP, IP_PKTINFO}), s.options.end());
  }
  EXPECT_TRUE(transport_->socket_timestamping());
  EXPECT_EQ(transport_->timestamp_source(), hal::TimestampSource::kSoftware);
  EXPECT_TRUE(log_.empty());
}

TEST_F(WinsockTransportTest, Ipv6JoinsBothPtpGroupsOnTheInterfaceIndex) {
  config_.family = hal::AddressFamily::kIpv6;
  open();
  test::FakeSocket& s = winsock_.socket_on_port(319);
  EXPECT_EQ(s.family, AF_INET6);
  const auto [first, last] = s.options.equal_range({IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP});
  std::vector<std::array<std::uint8_t, 3>> scopes;
  for (auto it = first; it != last; ++it) {
    ipv6_mreq request{};
    std::memcpy(&request, it->second.data(), sizeof(request));
    std::array<std::uint8_t, 16> group{};
    std::memcpy(group.data(), &request.ipv6mr_multiaddr, 16);
    EXPECT_EQ(request.ipv6mr_interface, 5U);
    scopes.push_back({group[0], group[1], group[15]});
  }
  // ff0e::181, ff02::181 and the peer-delay group ff02::6b.
  EXPECT_THAT(scopes, ElementsAre(std::array<std::uint8_t, 3>{0xFF, 0x0E, 0x81},
                                  std::array<std::uint8_t, 3>{0xFF, 0x02, 0x81},
                                  std::array<std::uint8_t, 3>{0xFF, 0x02, 0x6B}));
}

TEST_F(WinsockTransportTest, ReceivesWithTheSoftwareTimestampAndMeasuresLatency) {
  open();
  test::FakeDatagram datagram;
  datagram.payload = bytes({0x10, 0x02});
  datagram.from = ipv4_from({192, 0, 2, 20}, 319);
  datagram.timestamp = 990'000;  // QPC when the driver stamped it
  datagram.destination = std::array<std::uint8_t, 4>{224, 0, 1, 129};
  winsock_.socket_on_port(319).inbox.push_back(datagram);
  winsock_.counter = 1'000'000;  // 10 000 ticks = 1 ms later the application holds it

  hal::ReceivedPacket seen;
  std::vector<std::byte> payload;
  EXPECT_CALL(listener_, on_packet(_)).WillOnce([&](const hal::ReceivedPacket& p) {
    seen = p;
    payload.assign(p.payload.begin(), p.payload.end());
  });
  EXPECT_EQ(transport_->poll_receive(), 1U);
  EXPECT_EQ(payload, bytes({0x10, 0x02}));
  EXPECT_EQ(seen.port, hal::PtpUdpPort::kEvent);
  EXPECT_EQ(seen.source, (hal::UdpEndpoint{hal::IpAddress::v4(192, 0, 2, 20), 319}));
  EXPECT_EQ(seen.destination, hal::kPtpPrimaryIpv4);
  EXPECT_EQ(seen.timestamp,
            (hal::PacketTimestamp{hal::TimestampSource::kSoftware, hal::CounterTicks{990'000}}));
  const RxLatencySummary latency = transport_->rx_latency();
  EXPECT_EQ(latency.samples, 1U);
  EXPECT_EQ(latency.mean, Nanoseconds(1'000'000));
  EXPECT_GE(winsock_.resets, 1);
}

TEST_F(WinsockTransportTest, MissingControlMessageFallsBackToTheApplicationStampForThatPacket) {
  open();
  test::FakeDatagram datagram;
  datagram.payload = bytes({1});
  datagram.from = ipv4_from({192, 0, 2, 20}, 320);
  winsock_.socket_on_port(320).inbox.push_back(datagram);
  winsock_.counter = 4242;
  EXPECT_CALL(
      listener_,
      on_packet(Field(&hal::ReceivedPacket::timestamp,
                      hal::PacketTimestamp{hal::TimestampSource::kNone, hal::CounterTicks{4242}})));
  EXPECT_EQ(transport_->poll_receive(), 1U);
  EXPECT_EQ(transport_->counters().rx_timestamp_missing, 1U);
  EXPECT_EQ(transport_->rx_latency().samples, 0U);  // general messages and kNone are not counted
}

TEST_F(WinsockTransportTest, TxTimestampIsRetriedWithBackoffThenDelivered) {
  open();
  winsock_.tx_timestamps[1] = test::FakeTxTimestamp{2, 777'000, 0};
  // Nothing may reach the listener inside send (StrictMock fails on any call).
  const auto tag = send_event();
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->value, 1U);
  const test::FakeSocket& s = winsock_.socket_on_port(319);
  ASSERT_EQ(s.sent.size(), 1U);
  EXPECT_EQ(s.sent[0].timestamp_id, std::optional<std::uint32_t>(1));
  EXPECT_EQ(s.sent[0].payload, bytes({1, 2, 3}));
  EXPECT_EQ(transport_->next_tx_poll(), hal::CounterTicks{1'000'000});

  transport_->poll_tx_timestamps();  // not ready: retry 1 ms later
  EXPECT_EQ(winsock_.tx_queries, 1);
  EXPECT_EQ(transport_->next_tx_poll(), hal::CounterTicks{1'010'000});
  transport_->poll_tx_timestamps();  // too early: no query
  EXPECT_EQ(winsock_.tx_queries, 1);
  winsock_.counter = 1'010'000;
  transport_->poll_tx_timestamps();  // not ready: retry 2 ms later
  EXPECT_EQ(transport_->next_tx_poll(), hal::CounterTicks{1'030'000});
  winsock_.counter = 1'030'000;
  EXPECT_CALL(listener_, on_tx_timestamp(*tag, hal::PacketTimestamp{hal::TimestampSource::kSoftware,
                                                                    hal::CounterTicks{777'000}}));
  transport_->poll_tx_timestamps();
  EXPECT_EQ(winsock_.tx_queries, 3);
  EXPECT_EQ(transport_->next_tx_poll(), std::nullopt);
}

TEST_F(WinsockTransportTest, TxTimestampThatNeverComesIsReportedLostAfterTheLastAttempt) {
  config_.tx_timestamp_max_attempts = 4;
  open();
  const auto tag = send_event();
  ASSERT_TRUE(tag);
  EXPECT_CALL(listener_, on_tx_timestamp_lost(*tag, hal::TxTimestampLoss::kTimedOut));
  while (const auto next = transport_->next_tx_poll()) {
    winsock_.counter = next->count;
    transport_->poll_tx_timestamps();
  }
  EXPECT_EQ(winsock_.tx_queries, 4);
  EXPECT_EQ(winsock_.counter, 1'000'000 + 10'000 + 20'000 + 40'000);
  EXPECT_EQ(transport_->counters().tx_timestamps_lost, 1U);
}

TEST_F(WinsockTransportTest, ATxTimestampReportedAfterItWasGivenUpIsRetrievedLaterAndDropped) {
  config_.tx_timestamp_max_attempts = 2;
  open();
  const auto late = send_event();
  ASSERT_TRUE(late);
  EXPECT_CALL(listener_, on_tx_timestamp_lost(*late, hal::TxTimestampLoss::kTimedOut));
  while (const auto next = transport_->next_tx_poll()) {
    winsock_.counter = next->count;
    transport_->poll_tx_timestamps();
  }
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("timed out waiting for a TX timestamp"), std::string::npos)
      << log_.back();
  EXPECT_NE(log_.back().find("1 so far"), std::string::npos) << log_.back();
  // The OS reports it now: it would sit in the socket's queue (TxTimestampsBuffered) for ever.
  winsock_.tx_timestamps[late->value] = test::FakeTxTimestamp{0, 555, 0};
  winsock_.tx_timestamps[late->value + 1] = test::FakeTxTimestamp{0, 666, 0};
  const auto next = send_event();
  ASSERT_TRUE(next);
  // The next poll takes the late one out of the queue and drops it; the new one is delivered.
  EXPECT_CALL(listener_,
              on_tx_timestamp(*next, hal::PacketTimestamp{hal::TimestampSource::kSoftware,
                                                          hal::CounterTicks{666}}));
  winsock_.counter = transport_->next_tx_poll()->count;
  transport_->poll_tx_timestamps();
  EXPECT_TRUE(winsock_.tx_timestamps.empty());
  EXPECT_EQ(transport_->counters().tx_timestamps_late, 1U);
  EXPECT_EQ(transport_->counters().tx_timestamps_timed_out, 1U);
  EXPECT_EQ(transport_->counters().tx_timestamps, 1U);
}

TEST_F(WinsockTransportTest, WsaeopnotsuppFallsBackToApplicationTimestampsAndSaysSoOnce) {
  winsock_.timestamping_error = WSAEOPNOTSUPP;
  open();
  EXPECT_FALSE(transport_->socket_timestamping());
  EXPECT_EQ(transport_->timestamp_source(), hal::TimestampSource::kNone);
  ASSERT_EQ(log_.size(), 1U);
  EXPECT_NE(log_[0].find("WSAEOPNOTSUPP"), std::string::npos) << log_[0];
  EXPECT_NE(log_[0].find("application-level"), std::string::npos) << log_[0];

  winsock_.counter = 5555;  // QPC right after the send
  const auto tag = send_event();
  ASSERT_TRUE(tag);
  EXPECT_FALSE(winsock_.socket_on_port(319).sent[0].timestamp_id);  // no SO_TIMESTAMP_ID
  EXPECT_CALL(listener_, on_tx_timestamp(*tag, hal::PacketTimestamp{hal::TimestampSource::kNone,
                                                                    hal::CounterTicks{5555}}));
  transport_->poll_tx_timestamps();
  EXPECT_EQ(winsock_.tx_queries, 0);

  // A stray control timestamp is not trusted: its domain is unknown without socket timestamping.
  test::FakeDatagram datagram;
  datagram.payload = bytes({1});
  datagram.timestamp = 1;
  winsock_.socket_on_port(319).inbox.push_back(datagram);
  EXPECT_CALL(listener_,
              on_packet(Field(&hal::ReceivedPacket::timestamp,
                              Field(&hal::PacketTimestamp::source, hal::TimestampSource::kNone))));
  transport_->poll_receive();
  EXPECT_EQ(log_.size(), 1U);
}

TEST_F(WinsockTransportTest, TxQueryRefusedLaterFallsBackOnceAndDeliversTheApplicationStamp) {
  open();
  winsock_.tx_timestamps[1] = test::FakeTxTimestamp{0, 0, WSAEOPNOTSUPP};
  winsock_.tx_timestamps[2] = test::FakeTxTimestamp{0, 0, WSAEOPNOTSUPP};
  winsock_.counter = 100;
  const auto first = send_event();
  const auto second = send_event();
  ASSERT_TRUE(first && second);
  EXPECT_CALL(listener_,
              on_tx_timestamp(_, Field(&hal::PacketTimestamp::source, hal::TimestampSource::kNone)))
      .Times(2);
  transport_->poll_tx_timestamps();
  EXPECT_EQ(log_.size(), 1U);
  EXPECT_EQ(transport_->timestamp_source(), hal::TimestampSource::kNone);
}

TEST_F(WinsockTransportTest, CapabilityChangeLosesPendingTimestampsAndSwitchesToHardware) {
  open();
  const auto tag = send_event();
  ASSERT_TRUE(tag);
  IfTimestampCapabilities hardware{};
  hardware.hardware_capabilities.all_receive = 1;
  hardware.hardware_capabilities.tagged_transmit = 1;
  switch_active(hardware);
  EXPECT_EQ(transport_->timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_CALL(listener_, on_tx_timestamp_lost(*tag, hal::TxTimestampLoss::kSourceChanged));
  transport_->poll_tx_timestamps();

  test::FakeDatagram datagram;
  datagram.payload = bytes({1});
  datagram.timestamp = 0xFFFF'FFFF'0000'0001ULL;  // NIC ticks: the full 64 bits survive
  winsock_.socket_on_port(319).inbox.push_back(datagram);
  EXPECT_CALL(listener_,
              on_packet(Field(&hal::ReceivedPacket::timestamp,
                              hal::PacketTimestamp{hal::TimestampSource::kHardware,
                                                   hal::NicTicks{0xFFFF'FFFF'0000'0001ULL}})));
  transport_->poll_receive();
}

TEST_F(WinsockTransportTest, TimestampsBeyondTheOsQueueAreReportedAsOverflow) {
  config_.tx_timestamps_buffered = 2;
  open();
  winsock_.tx_timestamps[1] = test::FakeTxTimestamp{0, 11, 0};
  winsock_.tx_timestamps[2] = test::FakeTxTimestamp{0, 22, 0};
  std::vector<std::optional<hal::TxTag>> tags{send_event(), send_event(), send_event()};
  InSequence order;
  EXPECT_CALL(listener_, on_tx_timestamp(hal::TxTag{1}, _));
  EXPECT_CALL(listener_, on_tx_timestamp(hal::TxTag{2}, _));
  EXPECT_CALL(listener_, on_tx_timestamp_lost(hal::TxTag{3}, hal::TxTimestampLoss::kQueueOverflow));
  transport_->poll_tx_timestamps();
}

TEST_F(WinsockTransportTest, ListenerMaySendFromItsCallback) {
  open();
  winsock_.tx_timestamps[1] = test::FakeTxTimestamp{0, 11, 0};
  const auto tag = send_event();
  ASSERT_TRUE(tag);
  EXPECT_CALL(listener_, on_tx_timestamp(*tag, _)).WillOnce([&] {
    const auto payload = bytes({9});  // the Follow_Up, general port, no timestamp
    EXPECT_TRUE(transport_->send(hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4, payload,
                                 hal::TxTimestampRequest::kNone));
    send_event();  // and another event message, whose timestamp is pending afterwards
  });
  transport_->poll_tx_timestamps();
  EXPECT_EQ(winsock_.socket_on_port(320).sent.size(), 1U);
  EXPECT_TRUE(transport_->next_tx_poll());
}

TEST_F(WinsockTransportTest, SendErrorsAreReturnedAndConsumeNoTag) {
  open();
  const auto payload = bytes({1});
  EXPECT_EQ(transport_
                ->send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv6, payload,
                       hal::TxTimestampRequest::kRequested)
                .error()
                .code,
            hal::HalErrorCode::kInvalidArgument);
  winsock_.send_error = WSAEWOULDBLOCK;
  EXPECT_EQ(transport_
                ->send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4, payload,
                       hal::TxTimestampRequest::kRequested)
                .error(),
            (hal::HalError{hal::HalErrorCode::kWouldBlock, WSAEWOULDBLOCK}));
  winsock_.send_error = WSAENETUNREACH;
  EXPECT_EQ(transport_
                ->send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4, payload,
                       hal::TxTimestampRequest::kRequested)
                .error(),
            (hal::HalError{hal::HalErrorCode::kOsError, WSAENETUNREACH}));
  EXPECT_EQ(transport_->next_tx_poll(), std::nullopt);
  winsock_.send_error = 0;
  EXPECT_EQ(send_event(), hal::TxTag{1});
}

TEST_F(WinsockTransportTest, WithoutATimestampingInterfaceEverythingIsApplicationLevel) {
  auto opened = WinsockTransport::open(api_, config_, nullptr, sink());
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)->timestamp_source(), hal::TimestampSource::kNone);
}

TEST_F(WinsockTransportTest, BindFailureIsReportedWithThePort) {
  winsock_.bind_error = WSAEADDRINUSE;
  timestamping_ = std::make_unique<WinTimestampingInterface>(api_, kLuid, loop_.hook(), sink());
  auto opened = WinsockTransport::open(api_, config_, timestamping_.get(), sink());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kOsError, WSAEADDRINUSE}));
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("port 319"), std::string::npos) << log_.back();
  // The half-open transport cleaned up after itself.
  EXPECT_EQ(winsock_.startups, winsock_.cleanups);
  for (const auto& [handle, s] : winsock_.sockets) EXPECT_TRUE(s.closed) << handle;
}

TEST(TransportConfigFor, TakesTheFamilysAddressAndIndex) {
  AdapterInfo adapter;
  adapter.if_index = 4;
  adapter.ipv6_if_index = 6;
  adapter.ipv4_addresses = {hal::IpAddress::v4(10, 0, 0, 1)};
  const WinsockTransportConfig v4 = transport_config_for(adapter, hal::AddressFamily::kIpv4);
  EXPECT_EQ(v4.interface_index, 4U);
  EXPECT_EQ(v4.ipv4_interface_address, hal::IpAddress::v4(10, 0, 0, 1));
  EXPECT_EQ(transport_config_for(adapter, hal::AddressFamily::kIpv6).interface_index, 6U);
  adapter.ipv6_if_index = 0;  // as Wine reports it
  EXPECT_EQ(transport_config_for(adapter, hal::AddressFamily::kIpv6).interface_index, 4U);
}

TEST_F(WinsockTransportTest, DestructionClosesSocketsAndStopsWinsock) {
  open();
  ASSERT_EQ(winsock_.sockets.size(), 2U);
  transport_.reset();
  for (const auto& [handle, s] : winsock_.sockets) EXPECT_TRUE(s.closed) << handle;
  EXPECT_EQ(winsock_.startups, 1);
  EXPECT_EQ(winsock_.cleanups, 1);
}

}  // namespace
}  // namespace ptp::win
