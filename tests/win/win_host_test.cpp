// WinHost over the fakes: the interface is looked up, the transport opened on it, and the pieces
// handed out as a hal::Host; a wrong name fails with the list of interfaces.
#include "ptp/win/win_host.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_clocks.h"
#include "fake_ip_helper.h"
#include "fake_winsock.h"
#include "manual_loop.h"

namespace ptp::win {
namespace {

class NoTimers : public hal::Timers {
 public:
  void set_listener(hal::TimerListener*) override {}
  void arm(hal::TimerId, hal::CounterTicks) override {}
  void cancel(hal::TimerId) override {}
};

class WinHostTest : public ::testing::Test {
 protected:
  WinHostTest() {
    ip_helper_.adapters = {{test::wide(u"Ethernet 2"),
                            "{GUID}",
                            test::wide(u"NIC"),
                            9,
                            10,
                            77,
                            {{{192, 0, 2, 10}}},
                            {0x00, 0x1B, 0x21, 0x0A, 0x0B, 0x0C}}};
    ip_helper_.install(api_);
    clocks_.install(api_, true);
    winsock_.install(api_);  // after the clocks: the transport's QPC is the Winsock fake's
  }
  test::FakeIpHelper ip_helper_;
  test::FakeClocks clocks_;
  test::FakeWinsock winsock_;
  WinApi api_;
  test::ManualLoop loop_;
};

TEST_F(WinHostTest, OpensEverythingOnTheNamedInterface) {
  IfTimestampCapabilities caps{};
  caps.supports_cross_timestamp = 1;
  caps.hardware_capabilities.all_receive = 1;
  caps.hardware_capabilities.all_transmit = 1;
  ip_helper_.supported[77] = caps;
  ip_helper_.active[77] = caps;
  WinHostConfig config;
  config.interface_name = "Ethernet 2";
  config.family = hal::AddressFamily::kIpv6;
  config.transport.event_port = 31319;
  config.transport.general_port = 31320;
  auto host = WinHost::open(api_, config, loop_.hook(), nullptr);
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ((*host)->adapter().luid, 77U);
  NoTimers timers;
  const hal::Host hal_host = (*host)->hal_host(timers);
  EXPECT_EQ(hal_host.transport.family(), hal::AddressFamily::kIpv6);
  EXPECT_EQ(hal_host.transport.timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_NE(hal_host.hardware_clock, nullptr);
  EXPECT_EQ(winsock_.socket_on_port(31319).family, AF_INET6);
  const auto index = winsock_.socket_on_port(31319).options.find({IPPROTO_IPV6, IPV6_MULTICAST_IF});
  ASSERT_NE(index, winsock_.socket_on_port(31319).options.end());
  DWORD value = 0;
  std::memcpy(&value, index->second.data(), sizeof(value));
  EXPECT_EQ(value, 10U);  // the IPv6 interface index
}

TEST_F(WinHostTest, WithoutTimestampingThereIsNoHardwareClock) {
  WinHostConfig config;
  config.interface_name = "9";
  auto host = WinHost::open(api_, config, loop_.hook(), nullptr);
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ((*host)->hardware_clock(), nullptr);
  EXPECT_EQ((*host)->transport().timestamp_source(), hal::TimestampSource::kNone);
}

TEST_F(WinHostTest, MissingTimestampingFunctionsStillOpenWithApplicationTimestamps) {
  // What Wine and Windows before build 20348 give load_win_api(): none of the five functions,
  // nor the precise adjustment pair. The NIC would support hardware timestamps.
  IfTimestampCapabilities caps{};
  caps.supports_cross_timestamp = 1;
  caps.hardware_capabilities.all_receive = 1;
  caps.hardware_capabilities.all_transmit = 1;
  ip_helper_.supported[77] = caps;
  ip_helper_.active[77] = caps;
  api_.get_interface_supported_timestamp_capabilities = nullptr;
  api_.get_interface_active_timestamp_capabilities = nullptr;
  api_.capture_interface_hardware_cross_timestamp = nullptr;
  api_.register_interface_timestamp_config_change = nullptr;
  api_.unregister_interface_timestamp_config_change = nullptr;
  api_.get_system_time_adjustment_precise = nullptr;
  api_.set_system_time_adjustment_precise = nullptr;
  WinHostConfig config;
  config.interface_name = "Ethernet 2";
  config.system_clock.read_only = true;
  auto host = WinHost::open(api_, config, loop_.hook(), nullptr);
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ((*host)->timestamping().capabilities().error(),
            (hal::HalError{hal::HalErrorCode::kNotSupported, ERROR_PROC_NOT_FOUND}));
  EXPECT_FALSE((*host)->timestamping().notifications_registered());
  EXPECT_EQ((*host)->hardware_clock(), nullptr);
  EXPECT_EQ((*host)->transport().timestamp_source(), hal::TimestampSource::kNone);
  EXPECT_FALSE((*host)->system_clock().precise_adjustment());
  EXPECT_EQ(ip_helper_.capability_reads, 0);
}

TEST_F(WinHostTest, UnknownNameFailsWithTheInterfaceList) {
  WinHostConfig config;
  config.interface_name = "eth0";
  auto host = WinHost::open(api_, config, loop_.hook(), nullptr);
  ASSERT_FALSE(host);
  EXPECT_NE(host.error().message.find("\"Ethernet 2\""), std::string::npos);
}

TEST_F(WinHostTest, SocketFailureNamesTheInterface) {
  winsock_.bind_error = WSAEACCES;
  WinHostConfig config;
  config.interface_name = "Ethernet 2";
  auto host = WinHost::open(api_, config, loop_.hook(), nullptr);
  ASSERT_FALSE(host);
  EXPECT_EQ(host.error().error.code, hal::HalErrorCode::kPermissionDenied);
  EXPECT_NE(host.error().message.find("Ethernet 2"), std::string::npos);
}

}  // namespace
}  // namespace ptp::win
