// The real Windows HAL discovering what a simulated Windows offers: hardware RX+TX, hardware RX
// only beside software TX (a mixed NIC), software only, and the IP Helper timestamping API
// missing (Windows before build 20348, Wine), each selecting the source the reference's rule
// gives (hardware when it covers both directions, else software, else none).
#include <gtest/gtest.h>

#include "sim_windows_world.h"

namespace ptp::simwin::test {
namespace {

hal::InterfaceTimestampCapabilities mixed_nic() {
  hal::InterfaceTimestampCapabilities caps;
  caps.supported.hardware_clock_frequency_hz = kNicHz;
  caps.supported.supports_cross_timestamp = true;
  caps.supported.hardware.all_receive = true;  // the NIC stamps what it receives, not what it sends
  caps.supported.software.all_receive = true;
  caps.supported.software.tagged_transmit = true;
  caps.active = caps.supported;
  return caps;
}

struct Case {
  const char* name;
  hal::InterfaceTimestampCapabilities capabilities;
  bool api;
  hal::TimestampSource expected;
  bool hardware_clock;
};

class CapabilityDiscovery : public ::testing::TestWithParam<Case> {};

TEST_P(CapabilityDiscovery, SelectsTheSourceAndReadsTheSetsThroughIpHelper) {
  const Case& c = GetParam();
  World world(7);
  NodeOptions options;
  options.capabilities = c.capabilities;
  options.windows.timestamping_api = c.api;
  Node& node = world.add(options);
  win::WinHost& host = *node.win_host;
  EXPECT_EQ(host.adapter().friendly_name, "Ethernet");
  EXPECT_EQ(host.adapter().luid, options.windows.adapter.luid);
  EXPECT_EQ(host.adapter().if_index, options.windows.adapter.if_index);
  ASSERT_EQ(host.adapter().ipv4_addresses.size(), 1U);
  EXPECT_EQ(host.adapter().ipv4_addresses[0], hal::IpAddress::v4(192, 0, 2, 1));
  ASSERT_EQ(host.adapter().ipv6_addresses.size(), 1U);
  EXPECT_EQ(host.adapter().physical_address.size(), 6U);
  ASSERT_TRUE(host.clock_identity());

  EXPECT_EQ(host.transport().timestamp_source(), c.expected);
  EXPECT_EQ(host.hardware_clock() != nullptr, c.hardware_clock);
  EXPECT_EQ(host.transport().socket_timestamping(), true);
  const auto caps = host.timestamping().capabilities();
  if (c.api) {
    ASSERT_TRUE(caps);
    EXPECT_EQ(*caps, c.capabilities);  // both sets, field by field through the Windows structs
    EXPECT_TRUE(host.timestamping().notifications_registered());
    EXPECT_EQ(node.windows->registered_callbacks(), 1U);
  } else {
    ASSERT_FALSE(caps);
    EXPECT_EQ(caps.error(),
              (hal::HalError{hal::HalErrorCode::kNotSupported, win::ERROR_PROC_NOT_FOUND}));
    EXPECT_FALSE(host.timestamping().notifications_registered());
    EXPECT_FALSE(node.windows->api().capture_interface_hardware_cross_timestamp);
  }
  node.pump.reset();
  node.win_host.reset();
  EXPECT_EQ(node.windows->registered_callbacks(), 0U);  // unregistered on close
}

INSTANTIATE_TEST_SUITE_P(
    Nics, CapabilityDiscovery,
    ::testing::Values(
        Case{"HardwareRxTx", sim::nic_capabilities(sim::SimNicKind::kWindowsHardware, kNicHz), true,
             hal::TimestampSource::kHardware, true},
        Case{"HardwareRxOnlySoftwareTx", mixed_nic(), true, hal::TimestampSource::kSoftware, true},
        Case{"SoftwareOnly", sim::nic_capabilities(sim::SimNicKind::kSoftware, 0), true,
             hal::TimestampSource::kSoftware, false},
        Case{"ApiMissing", sim::nic_capabilities(sim::SimNicKind::kWindowsHardware, kNicHz), false,
             hal::TimestampSource::kNone, false}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(SimWindowsAdapters, AnUnknownNameListsTheSimulatedAdapter) {
  World world(1);
  NodeOptions options;
  options.open_hal = false;
  Node& node = world.add(options);
  win::WinHostConfig config;
  config.interface_name = "eth0";
  auto opened = win::WinHost::open(node.windows->api(), config, node.windows->post_to_loop(), {});
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("\"Ethernet\""), std::string::npos);
  config.interface_name = options.windows.adapter.adapter_name;  // by GUID
  EXPECT_TRUE(win::WinHost::open(node.windows->api(), config, node.windows->post_to_loop(), {}));
}

TEST(SimWindowsAdapters, WithoutSocketTimestampingTheHalFallsBackToApplicationTimestamps) {
  World world(1);
  NodeOptions options;
  options.windows.socket_timestamping = false;  // WSAEOPNOTSUPP, as under Wine
  Node& node = world.add(options);
  EXPECT_FALSE(node.win_host->transport().socket_timestamping());
  EXPECT_EQ(node.win_host->transport().timestamp_source(), hal::TimestampSource::kNone);
  bool warned = false;
  for (const auto& line : node.log) warned |= line.find("WSAEOPNOTSUPP") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace ptp::simwin::test
