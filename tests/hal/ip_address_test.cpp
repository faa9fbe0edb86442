// Tests of IP address parsing and the PTP multicast groups of IEEE 1588-2019 Annex C and D.
#include <gtest/gtest.h>

#include "ptp/hal/ip_address.h"

namespace ptp::hal {
namespace {

TEST(IpAddress, ParsesIpv4) {
  EXPECT_EQ(IpAddress::parse("224.0.1.129"), kPtpPrimaryIpv4);
  EXPECT_EQ(IpAddress::parse("10.0.0.1"), IpAddress::v4(10, 0, 0, 1));
  EXPECT_EQ(IpAddress::parse("0.0.0.0"), IpAddress::v4(0, 0, 0, 0));
}

TEST(IpAddress, RejectsMalformedIpv4) {
  for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4 ", "01.2.3.4", "1..2.3",
                           "a.b.c.d", "1.2.3.-4", "1234.1.1.1"}) {
    EXPECT_EQ(IpAddress::parse(text), std::nullopt) << text;
  }
}

TEST(IpAddress, ParsesIpv6WithAndWithoutCompression) {
  EXPECT_EQ(IpAddress::parse("ff0e::181"), kPtpPrimaryIpv6);
  EXPECT_EQ(IpAddress::parse("FF02::6b"), kPtpPdelayIpv6);
  EXPECT_EQ(IpAddress::parse("ff0e:0:0:0:0:0:0:181"), kPtpPrimaryIpv6);
  const auto loopback = IpAddress::parse("::1");
  ASSERT_TRUE(loopback);
  EXPECT_EQ(loopback->family(), AddressFamily::kIpv6);
  EXPECT_EQ(loopback->octets()[15], 1);
  EXPECT_EQ(IpAddress::parse("::"), IpAddress::v6({}));
}

TEST(IpAddress, RejectsMalformedIpv6) {
  for (const char* text : {":", "ff0e:::181", "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9",
                           "1:2:3:4:5:6:7", "g::1", "1:2:3:4::5:6:7:8", "ff0e::181 "}) {
    EXPECT_EQ(IpAddress::parse(text), std::nullopt) << text;
  }
}

TEST(IpAddress, MulticastGroups) {
  EXPECT_TRUE(kPtpPrimaryIpv4.is_multicast());
  EXPECT_TRUE(kPtpPdelayIpv4.is_multicast());
  EXPECT_TRUE(kPtpPrimaryIpv6.is_multicast());
  EXPECT_TRUE(kPtpPdelayIpv6.is_multicast());
  EXPECT_FALSE(IpAddress::v4(192, 0, 2, 1).is_multicast());
  EXPECT_FALSE(IpAddress::parse("2001:db8::1")->is_multicast());
  EXPECT_EQ(ptp_primary_multicast(AddressFamily::kIpv6), kPtpPrimaryIpv6);
  EXPECT_EQ(static_cast<int>(PtpUdpPort::kEvent), 319);
  EXPECT_EQ(static_cast<int>(PtpUdpPort::kGeneral), 320);
}

TEST(IpAddress, TextIsDottedQuadOrRfc5952) {
  EXPECT_EQ(to_string(IpAddress::v4(10, 99, 0, 1)), "10.99.0.1");
  EXPECT_EQ(to_string(IpAddress::v4(255, 0, 0, 0)), "255.0.0.0");
  EXPECT_EQ(to_string(kPtpPrimaryIpv6), "ff0e::181");
  EXPECT_EQ(to_string(IpAddress::v6({})), "::");
  for (const char* text : {"::1", "fe80::1:2", "2001:db8::1", "2001:db8:0:1:1:1:1:1",
                           "2001:0:0:1::1", "1::", "2001:db8::1:0:0:1"}) {
    const auto parsed = IpAddress::parse(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(to_string(*parsed), text);
  }
}

}  // namespace
}  // namespace ptp::hal
