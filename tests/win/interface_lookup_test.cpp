// Interface lookup by friendly name, adapter name, index and LUID over a faked
// GetAdaptersAddresses, the error text when nothing matches, and the --list-interfaces data.
#include "ptp/win/interface_lookup.h"

#include <gtest/gtest.h>

#include "fake_ip_helper.h"
#include "ptp/win/adapter_listing.h"

namespace ptp::win {
namespace {

class InterfaceLookupTest : public ::testing::Test {
 protected:
  InterfaceLookupTest() {
    ip_helper_.adapters = {
        {test::wide(u"Ethernet"),
         "{11111111-2222-3333-4444-555555555555}",
         test::wide(u"Intel(R) Ethernet I210"),
         7,
         7,
         0x0006000001000000ULL,
         {{{192, 0, 2, 10}}},
         {0x00, 0x1B, 0x21, 0x0A, 0x0B, 0x0C}},
        {test::wide(u"Wi-Fi 2"),
         "{AAAAAAAA-2222-3333-4444-555555555555}",
         test::wide(u"Caf\u00e9 Wireless"),
         12,
         13,
         0x0047000002000000ULL,
         {},
         {}},
    };
    ip_helper_.install(api_);
  }
  test::FakeIpHelper ip_helper_;
  WinApi api_;
};

TEST_F(InterfaceLookupTest, EnumeratesNamesIndexesLuidAndAddresses) {
  const auto adapters = enumerate_adapters(api_);
  ASSERT_TRUE(adapters);
  ASSERT_EQ(adapters->size(), 2U);
  const AdapterInfo& first = (*adapters)[0];
  EXPECT_EQ(first.friendly_name, "Ethernet");
  EXPECT_EQ(first.description, "Intel(R) Ethernet I210");
  EXPECT_EQ(first.if_index, 7U);
  EXPECT_EQ(first.luid, 0x0006000001000000ULL);
  ASSERT_EQ(first.ipv4_addresses.size(), 1U);
  EXPECT_EQ(first.ipv4_addresses[0], hal::IpAddress::v4(192, 0, 2, 10));
  EXPECT_EQ((*adapters)[1].description, "Caf\xC3\xA9 Wireless");  // UTF-16 -> UTF-8
}

TEST_F(InterfaceLookupTest, FindsByFriendlyNameAdapterNameIndexAndLuid) {
  EXPECT_EQ(find_interface(api_, "Wi-Fi 2")->if_index, 12U);
  EXPECT_EQ(find_interface(api_, "wi-fi 2")->if_index, 12U);
  EXPECT_EQ(find_interface(api_, "{11111111-2222-3333-4444-555555555555}")->if_index, 7U);
  EXPECT_EQ(find_interface(api_, "Intel(R) Ethernet I210")->if_index, 7U);
  EXPECT_EQ(find_interface(api_, "13")->friendly_name, "Wi-Fi 2");  // IPv6 index
  EXPECT_EQ(find_interface(api_, "luid:0x0006000001000000")->friendly_name, "Ethernet");
  EXPECT_EQ(find_interface(api_, "luid:19984723380011008")->friendly_name, "Wi-Fi 2");
}

TEST_F(InterfaceLookupTest, NoMatchListsTheAvailableInterfaces) {
  const auto result = find_interface(api_, "eth9");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().error,
            (hal::HalError{hal::HalErrorCode::kInvalidArgument, ERROR_NOT_FOUND}));
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("\"eth9\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"Ethernet\" (index 7"), std::string::npos) << message;
  EXPECT_NE(message.find("\"Wi-Fi 2\" (index 12"), std::string::npos) << message;
}

TEST_F(InterfaceLookupTest, FailingEnumerationIsReported) {
  api_.get_adapters_addresses = [](ULONG, ULONG, IP_ADAPTER_ADDRESSES*, ULONG*) {
    return static_cast<ULONG>(ERROR_NOT_ENOUGH_MEMORY);
  };
  const auto result = find_interface(api_, "Ethernet");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().error.os_code, static_cast<std::uint32_t>(ERROR_NOT_ENOUGH_MEMORY));
}

TEST_F(InterfaceLookupTest, ListingShowsCapabilitiesSourcesAndHowToEnable) {
  IfTimestampCapabilities supported{};
  supported.hardware_capabilities.all_receive = 1;
  supported.hardware_capabilities.tagged_transmit = 1;
  supported.supports_cross_timestamp = 1;
  IfTimestampCapabilities active{};
  ip_helper_.supported[0x0006000001000000ULL] = supported;
  ip_helper_.active[0x0006000001000000ULL] = active;
  // Wi-Fi 2 has no entry: ERROR_NOT_SUPPORTED, a NIC without timestamping.

  const auto reports = list_interfaces(api_);
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 2U);
  ASSERT_TRUE((*reports)[0].capabilities);
  EXPECT_TRUE((*reports)[0].capabilities->supported.hardware.all_receive);
  EXPECT_EQ((*reports)[0].ipv4_source, hal::TimestampSource::kNone);
  EXPECT_FALSE((*reports)[1].capabilities);
  EXPECT_EQ((*reports)[1].error.code, hal::HalErrorCode::kNotSupported);

  const std::string text = format_interface_list(*reports);
  EXPECT_NE(text.find("supported: hardware [all-rx tagged-tx]"), std::string::npos) << text;
  EXPECT_NE(text.find("*PtpHardwareTimestamp"), std::string::npos) << text;
  EXPECT_NE(text.find("no timestamping on this interface"), std::string::npos) << text;
  EXPECT_NE(text.find("mac 00:1b:21:0a:0b:0c, clock identity 001b21fffe0a0b0c"), std::string::npos)
      << text;
  EXPECT_NE(text.find("no mac"), std::string::npos) << text;  // Wi-Fi 2 has none here
}

TEST(Utf8FromUtf16, HandlesSurrogatePairsAndLoneSurrogates) {
  EXPECT_EQ(utf8_from_utf16(test::wide(u"a\U0001F600b").c_str()),
            "a\xF0\x9F\x98\x80"
            "b");
  const WCHAR lone[] = {0xD800, u'x', 0};
  EXPECT_EQ(utf8_from_utf16(lone), "\xEF\xBF\xBDx");
  EXPECT_EQ(utf8_from_utf16(nullptr), "");
}

}  // namespace
}  // namespace ptp::win
