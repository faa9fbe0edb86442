// IP Helper capability structs -> hal capabilities: every flag lands in its own field, every
// combination selects the source Microsoft's sample rule gives, per family, also at the transports
// after a change notification; the return codes mean what the documentation says, and a missing
// API is "not supported".
#include "ptp/win/capability_mapping.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "fake_ip_helper.h"
#include "fake_winsock.h"
#include "manual_loop.h"
#include "ptp/win/win_timestamping.h"
#include "ptp/win/winsock_transport.h"

namespace ptp::win {
namespace {

constexpr std::uint64_t kLuid = 0x0006000001000000ULL;

// The hal flags in the order of the Windows struct's BOOLEANs (offsets 8, 9..19, 20..22).
std::vector<bool> flags_of(const hal::TimestampCapabilities& c) {
  return {c.supports_cross_timestamp,
          c.hardware.ptp_v2_over_udp_ipv4_event_message_receive,
          c.hardware.ptp_v2_over_udp_ipv4_all_message_receive,
          c.hardware.ptp_v2_over_udp_ipv4_event_message_transmit,
          c.hardware.ptp_v2_over_udp_ipv4_all_message_transmit,
          c.hardware.ptp_v2_over_udp_ipv6_event_message_receive,
          c.hardware.ptp_v2_over_udp_ipv6_all_message_receive,
          c.hardware.ptp_v2_over_udp_ipv6_event_message_transmit,
          c.hardware.ptp_v2_over_udp_ipv6_all_message_transmit,
          c.hardware.all_receive,
          c.hardware.all_transmit,
          c.hardware.tagged_transmit,
          c.software.all_receive,
          c.software.all_transmit,
          c.software.tagged_transmit};
}

TEST(CapabilityMapping, EachBooleanOfTheWindowsLayoutSetsExactlyItsOwnField) {
  // Setting the byte at each documented offset, as the DLL would, sets the matching field only.
  for (std::size_t flag = 0; flag < 15; ++flag) {
    IfTimestampCapabilities raw{};
    auto* bytes = reinterpret_cast<unsigned char*>(&raw);
    bytes[8 + flag] = 1;
    const std::vector<bool> flags = flags_of(to_hal(raw));
    for (std::size_t i = 0; i < flags.size(); ++i) {
      EXPECT_EQ(flags[i], i == flag) << "byte offset " << 8 + flag << ", field " << i;
    }
  }
}

// Microsoft's sample rule, written out independently of hal/: hardware when the family's receive
// side (event, all, or AllReceive) and transmit side (event, all, TaggedTransmit, AllTransmit) are
// both stamped; else software when AllReceive and (AllTransmit or TaggedTransmit); else none.
hal::TimestampSource sample_rule(const IfTimestampCapabilities& c, bool ipv4) {
  const IfHardwareTimestampCapabilities& h = c.hardware_capabilities;
  const bool rx =
      h.all_receive != 0 || (ipv4 ? h.ptp_v2_over_udp_ipv4_event_message_receive != 0 ||
                                        h.ptp_v2_over_udp_ipv4_all_message_receive != 0
                                  : h.ptp_v2_over_udp_ipv6_event_message_receive != 0 ||
                                        h.ptp_v2_over_udp_ipv6_all_message_receive != 0);
  const bool tx = h.all_transmit != 0 || h.tagged_transmit != 0 ||
                  (ipv4 ? h.ptp_v2_over_udp_ipv4_event_message_transmit != 0 ||
                              h.ptp_v2_over_udp_ipv4_all_message_transmit != 0
                        : h.ptp_v2_over_udp_ipv6_event_message_transmit != 0 ||
                              h.ptp_v2_over_udp_ipv6_all_message_transmit != 0);
  if (rx && tx) return hal::TimestampSource::kHardware;
  const IfSoftwareTimestampCapabilities& s = c.software_capabilities;
  if (s.all_receive != 0 && (s.all_transmit != 0 || s.tagged_transmit != 0)) {
    return hal::TimestampSource::kSoftware;
  }
  return hal::TimestampSource::kNone;
}

TEST(CapabilityMapping, EveryCombinationOfActiveFlagsSelectsTheSampleRulesSource) {
  // All 2^14 combinations of the hardware and software flags, through the IP Helper path.
  test::FakeIpHelper ip_helper;
  WinApi api;
  ip_helper.install(api);
  for (std::uint32_t bits = 0; bits < (1U << 14U); ++bits) {
    IfTimestampCapabilities raw{};
    auto* bytes = reinterpret_cast<unsigned char*>(&raw);
    for (std::uint32_t flag = 0; flag < 14; ++flag) {
      bytes[9 + flag] = static_cast<unsigned char>((bits >> flag) & 1U);
    }
    ip_helper.supported[kLuid] = raw;
    ip_helper.active[kLuid] = raw;
    const auto caps = read_interface_capabilities(api, kLuid);
    ASSERT_TRUE(caps);
    for (const bool ipv4 : {true, false}) {
      const auto family = ipv4 ? hal::AddressFamily::kIpv4 : hal::AddressFamily::kIpv6;
      ASSERT_EQ(hal::select_timestamp_source(caps->active, family), sample_rule(raw, ipv4))
          << "flags " << bits << (ipv4 ? " IPv4" : " IPv6");
    }
  }
}

TEST(CapabilityMapping, EveryCombinationReachesTheTransportOfEachFamilyAfterANotification) {
  // The same 2^14 combinations end to end: the OS notification, the interface's re-read on the
  // loop, and the source each family's transport then stamps with (its sockets accept
  // SIO_TIMESTAMPING, so the interface's selection is what decides).
  test::FakeIpHelper ip_helper;
  test::FakeWinsock winsock;
  test::ManualLoop loop;
  WinApi api;
  ip_helper.install(api);
  winsock.install(api);
  IfTimestampCapabilities all{};
  auto* all_bytes = reinterpret_cast<unsigned char*>(&all);
  for (std::size_t offset = 8; offset < sizeof(all); ++offset) all_bytes[offset] = 1;
  ip_helper.supported[kLuid] = all;
  ip_helper.active[kLuid] = IfTimestampCapabilities{};
  WinTimestampingInterface timestamping(api, kLuid, loop.hook(), {});
  WinsockTransportConfig v4_config;
  v4_config.ipv4_interface_address = hal::IpAddress::v4(192, 0, 2, 10);
  WinsockTransportConfig v6_config;
  v6_config.family = hal::AddressFamily::kIpv6;
  v6_config.interface_index = 3;
  auto v4 = WinsockTransport::open(api, v4_config, &timestamping, {});
  auto v6 = WinsockTransport::open(api, v6_config, &timestamping, {});
  ASSERT_TRUE(v4 && v6);
  ASSERT_TRUE((*v4)->socket_timestamping() && (*v6)->socket_timestamping());
  for (std::uint32_t bits = 0; bits < (1U << 14U); ++bits) {
    IfTimestampCapabilities raw{};
    auto* bytes = reinterpret_cast<unsigned char*>(&raw);
    for (std::uint32_t flag = 0; flag < 14; ++flag) {
      bytes[9 + flag] = static_cast<unsigned char>((bits >> flag) & 1U);
    }
    ip_helper.active[kLuid] = raw;
    ip_helper.fire();
    ASSERT_EQ(loop.run_pending(), 1U);
    ASSERT_EQ((*v4)->timestamp_source(), sample_rule(raw, true)) << "flags " << bits;
    ASSERT_EQ((*v6)->timestamp_source(), sample_rule(raw, false)) << "flags " << bits;
  }
  EXPECT_EQ(timestamping.generation(), 1U << 14U);
}

TEST(CapabilityMapping, AnyNonZeroBooleanIsTrueAndTheFrequencyIsCopied) {
  IfTimestampCapabilities raw{};
  raw.hardware_clock_frequency_hz = 125'000'000;
  raw.software_capabilities.tagged_transmit = 0xFF;
  const hal::TimestampCapabilities caps = to_hal(raw);
  EXPECT_EQ(caps.hardware_clock_frequency_hz, 125'000'000U);
  EXPECT_TRUE(caps.software.tagged_transmit);
}

TEST(CapabilityMapping, ReturnCodesMapToHalErrors) {
  EXPECT_EQ(ip_helper_error(ERROR_NOT_SUPPORTED),
            (hal::HalError{hal::HalErrorCode::kNotSupported, ERROR_NOT_SUPPORTED}));
  EXPECT_EQ(ip_helper_error(ERROR_BAD_DRIVER),
            (hal::HalError{hal::HalErrorCode::kUnavailable, ERROR_BAD_DRIVER}));
  EXPECT_EQ(ip_helper_error(ERROR_INVALID_PARAMETER),
            (hal::HalError{hal::HalErrorCode::kOsError, ERROR_INVALID_PARAMETER}));
}

TEST(ReadInterfaceCapabilities, MissingApiIsNotSupported) {
  const WinApi api;  // nothing resolved: Wine, or Windows before build 20348
  const auto caps = read_interface_capabilities(api, kLuid);
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error(), (hal::HalError{hal::HalErrorCode::kNotSupported, ERROR_PROC_NOT_FOUND}));
}

TEST(ReadInterfaceCapabilities, ReadsBothSetsOfTheInterface) {
  test::FakeIpHelper ip_helper;
  WinApi api;
  ip_helper.install(api);
  IfTimestampCapabilities supported{};
  supported.hardware_capabilities.all_receive = 1;
  supported.hardware_capabilities.all_transmit = 1;
  supported.software_capabilities.all_receive = 1;
  IfTimestampCapabilities active{};
  active.software_capabilities.all_receive = 1;
  active.software_capabilities.tagged_transmit = 1;
  ip_helper.supported[kLuid] = supported;
  ip_helper.active[kLuid] = active;

  const auto caps = read_interface_capabilities(api, kLuid);
  ASSERT_TRUE(caps);
  EXPECT_TRUE(caps->supported.hardware.all_receive);
  EXPECT_FALSE(caps->active.hardware.all_receive);
  EXPECT_EQ(hal::select_timestamp_source(caps->active, hal::AddressFamily::kIpv4),
            hal::TimestampSource::kSoftware);
}

TEST(ReadInterfaceCapabilities, NicWithoutTimestampingAndBadDriverAreReported) {
  test::FakeIpHelper ip_helper;
  WinApi api;
  ip_helper.install(api);
  EXPECT_EQ(read_interface_capabilities(api, kLuid).error().code, hal::HalErrorCode::kNotSupported);
  ip_helper.capabilities_result = ERROR_BAD_DRIVER;
  EXPECT_EQ(read_interface_capabilities(api, kLuid).error().code, hal::HalErrorCode::kUnavailable);
}

TEST(ReadInterfaceCapabilities, WithoutTheActiveQueryNothingIsActive) {
  test::FakeIpHelper ip_helper;
  WinApi api;
  ip_helper.install(api);
  api.get_interface_active_timestamp_capabilities = nullptr;
  IfTimestampCapabilities supported{};
  supported.software_capabilities.all_receive = 1;
  ip_helper.supported[kLuid] = supported;
  const auto caps = read_interface_capabilities(api, kLuid);
  ASSERT_TRUE(caps);
  EXPECT_TRUE(caps->supported.software.all_receive);
  EXPECT_EQ(caps->active, hal::TimestampCapabilities{});
}

}  // namespace
}  // namespace ptp::win
