// Every Winsock failure of the transport becomes a HalError carrying the Winsock code, is counted
// or logged, and leaves nothing open: WSAStartup, socket, bind, joining the PTP groups, the event
// selection at setup; WSASendMsg and WSARecvMsg at run time. Options that only add information
// (IP_PKTINFO) are logged, not fatal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_ip_helper.h"
#include "fake_winsock.h"
#include "manual_loop.h"
#include "ptp/win/winsock_transport.h"

namespace ptp::win {
namespace {

using ::testing::_;
using ::testing::Field;
using ::testing::StrictMock;

constexpr std::uint64_t kLuid = 7;

class MockListener : public hal::PacketListener {
 public:
  MOCK_METHOD(void, on_packet, (const hal::ReceivedPacket&), (override));
  MOCK_METHOD(void, on_tx_timestamp, (hal::TxTag, const hal::PacketTimestamp&), (override));
  MOCK_METHOD(void, on_tx_timestamp_lost, (hal::TxTag, hal::TxTimestampLoss), (override));
};

class SocketErrorsTest : public ::testing::Test {
 protected:
  SocketErrorsTest() {
    ip_helper_.install(api_);
    winsock_.install(api_);
    IfTimestampCapabilities software{};
    software.software_capabilities.all_receive = 1;
    software.software_capabilities.all_transmit = 1;
    ip_helper_.supported[kLuid] = software;
    ip_helper_.active[kLuid] = software;
    config_.ipv4_interface_address = hal::IpAddress::v4(192, 0, 2, 10);
    config_.interface_index = 5;
    timestamping_ = std::make_unique<WinTimestampingInterface>(api_, kLuid, loop_.hook(), sink());
  }
  LogSink sink() {
    return [this](LogLevel level, std::string_view text) {
      log_.emplace_back(text);
      levels_.push_back(level);
    };
  }
  Result<std::unique_ptr<WinsockTransport>, hal::HalError> open() {
    return WinsockTransport::open(api_, config_, timestamping_.get(), sink());
  }
  // Whatever failed, nothing stays open: every socket closed, WSAStartup balanced.
  void expect_all_released() const {
    for (const auto& [handle, s] : winsock_.sockets) EXPECT_TRUE(s.closed) << handle;
    const int started = winsock_.startup_error == 0 ? winsock_.startups : 0;
    EXPECT_EQ(winsock_.cleanups, started);
  }
  [[nodiscard]] bool logged(std::string_view text) const {
    for (const std::string& line : log_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  test::FakeIpHelper ip_helper_;
  test::FakeWinsock winsock_;
  WinApi api_;
  test::ManualLoop loop_;
  std::vector<std::string> log_;
  std::vector<LogLevel> levels_;
  WinsockTransportConfig config_;
  std::unique_ptr<WinTimestampingInterface> timestamping_;
};

TEST_F(SocketErrorsTest, StartupFailureIsAnOsErrorWithItsCodeAndNeedsNoCleanup) {
  winsock_.startup_error = 10091;  // WSASYSNOTREADY: the network subsystem is unavailable
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kOsError,
                                           static_cast<std::uint32_t>(winsock_.startup_error)}));
  EXPECT_TRUE(winsock_.sockets.empty());
  EXPECT_EQ(winsock_.cleanups, 0);  // WSACleanup only after a successful WSAStartup
}

TEST_F(SocketErrorsTest, SocketCreationFailureIsReturned) {
  winsock_.socket_error = WSAEAFNOSUPPORT;
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kOsError, WSAEAFNOSUPPORT}));
  expect_all_released();
}

TEST_F(SocketErrorsTest, BindRefusedForLackOfRightsIsPermissionDenied) {
  winsock_.bind_error = WSAEACCES;
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kPermissionDenied, WSAEACCES}));
  EXPECT_TRUE(logged("cannot bind UDP port 319")) << ::testing::PrintToString(log_);
  expect_all_released();
}

TEST_F(SocketErrorsTest, Ipv4GroupJoinFailureIsReturnedLoggedAndCleanedUp) {
  winsock_.option_errors[{IPPROTO_IP, IP_ADD_MEMBERSHIP}] = WSAEADDRNOTAVAIL;
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kOsError, WSAEADDRNOTAVAIL}));
  EXPECT_TRUE(logged("cannot join 224.0.1.129")) << ::testing::PrintToString(log_);
  expect_all_released();
}

TEST_F(SocketErrorsTest, Ipv6GroupJoinFailureNamesTheInterface) {
  config_.family = hal::AddressFamily::kIpv6;
  config_.ipv4_interface_address.reset();
  winsock_.option_errors[{IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP}] = WSAENOBUFS;
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kOsError, WSAENOBUFS}));
  EXPECT_TRUE(logged("cannot join the PTP IPv6 groups on interface 5"))
      << ::testing::PrintToString(log_);
  expect_all_released();
}

TEST_F(SocketErrorsTest, MulticastInterfaceRefusedIsAnError) {
  winsock_.option_errors[{IPPROTO_IP, IP_MULTICAST_IF}] = WSAEINVAL;
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().os_code, static_cast<std::uint32_t>(WSAEINVAL));
  expect_all_released();
}

TEST_F(SocketErrorsTest, UnicastOnlyNeverJoinsSoAJoinFailureCannotHappen) {
  config_.join_multicast = false;
  winsock_.option_errors[{IPPROTO_IP, IP_ADD_MEMBERSHIP}] = WSAEADDRNOTAVAIL;
  EXPECT_TRUE(open());
}

TEST_F(SocketErrorsTest, EventSelectFailureIsReturned) {
  winsock_.event_select_error = WSAENETDOWN;
  const auto opened = open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), (hal::HalError{hal::HalErrorCode::kOsError, WSAENETDOWN}));
  expect_all_released();
}

TEST_F(SocketErrorsTest, PktinfoRefusedIsOnlyAWarning) {
  winsock_.option_errors[{IPPROTO_IP, IP_PKTINFO}] = WSAEINVAL;
  const auto opened = open();
  ASSERT_TRUE(opened);
  EXPECT_TRUE(logged("IP_PKTINFO refused")) << ::testing::PrintToString(log_);
}

TEST_F(SocketErrorsTest, SendFailuresAreReturnedAndCounted) {
  auto opened = open();
  ASSERT_TRUE(opened);
  WinsockTransport& transport = **opened;
  const std::vector<std::byte> payload(4, std::byte{0x5A});
  for (const int error : {WSAENETUNREACH, WSAENOBUFS, WSAEWOULDBLOCK}) {
    winsock_.send_error = error;
    const auto sent = transport.send(hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4, payload,
                                     hal::TxTimestampRequest::kNone);
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().os_code, static_cast<std::uint32_t>(error));
    EXPECT_EQ(sent.error().code, error == WSAEWOULDBLOCK ? hal::HalErrorCode::kWouldBlock
                                                         : hal::HalErrorCode::kOsError);
  }
  EXPECT_EQ(transport.counters().send_errors, 3U);
  EXPECT_EQ(transport.counters().sent, 0U);
  winsock_.send_error = 0;
  ASSERT_TRUE(transport.send(hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4, payload,
                             hal::TxTimestampRequest::kNone));
  EXPECT_EQ(transport.counters().sent, 1U);
  EXPECT_EQ(transport.counters().send_errors, 3U);
}

TEST_F(SocketErrorsTest, ReceiveErrorsAreCountedAndOnlyStopTheSocketThatFailed) {
  auto opened = open();
  ASSERT_TRUE(opened);
  WinsockTransport& transport = **opened;
  StrictMock<MockListener> listener;
  transport.set_listener(&listener);
  auto& event_inbox = winsock_.socket_on_port(319).inbox;
  auto& general_inbox = winsock_.socket_on_port(320).inbox;
  test::FakeDatagram good;
  good.payload = {std::byte{1}, std::byte{2}};
  test::FakeDatagram reset;
  reset.error = WSAECONNRESET;  // an ICMP port unreachable for an earlier send: skip it
  test::FakeDatagram too_big;
  too_big.error = WSAEMSGSIZE;  // one oversized datagram: skip it
  test::FakeDatagram down;
  down.error = WSAENETDOWN;  // the socket is unusable for now: stop reading it this round
  event_inbox = {reset, good, too_big, good, down, good};
  general_inbox = {good};

  EXPECT_CALL(listener, on_packet(Field(&hal::ReceivedPacket::port, hal::PtpUdpPort::kEvent)))
      .Times(2);
  EXPECT_CALL(listener, on_packet(Field(&hal::ReceivedPacket::port, hal::PtpUdpPort::kGeneral)))
      .Times(1);
  EXPECT_EQ(transport.poll_receive(), 3U);
  EXPECT_EQ(transport.counters().receive_errors, 3U);
  EXPECT_EQ(transport.counters().received, 3U);
  ::testing::Mock::VerifyAndClearExpectations(&listener);

  // The next poll reads what the failure left behind.
  EXPECT_CALL(listener, on_packet(_)).Times(1);
  EXPECT_EQ(transport.poll_receive(), 1U);
  EXPECT_EQ(transport.counters().receive_errors, 3U);
}

}  // namespace
}  // namespace ptp::win
