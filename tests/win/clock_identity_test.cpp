// The PTP clock identity from an adapter's MAC: EUI-48 -> EUI-64 with FF FE in the middle, an
// EUI-64 unchanged, no usable MAC an error; the MAC as GetAdaptersAddresses reports it, through
// the interface lookup and WinHost.
#include "ptp/win/clock_identity.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "fake_clocks.h"
#include "fake_ip_helper.h"
#include "fake_winsock.h"
#include "manual_loop.h"
#include "ptp/win/win_host.h"

namespace ptp::win {
namespace {

using Octets = std::vector<std::uint8_t>;

TEST(ClockIdentityFromMac, Eui48GetsFfFeBetweenTheOuiAndTheRest) {
  const Octets mac = {0x00, 0x1B, 0x21, 0xAB, 0xCD, 0xEF};
  const auto identity = clock_identity_from_mac(mac);
  ASSERT_TRUE(identity);
  const std::array<std::uint8_t, 8> expected = {0x00, 0x1B, 0x21, 0xFF, 0xFE, 0xAB, 0xCD, 0xEF};
  EXPECT_EQ(identity->octets, expected);
}

TEST(ClockIdentityFromMac, EveryOctetOfTheMacLandsInItsPlace) {
  // Distinct values in each position, so a swapped or dropped octet shows.
  for (std::uint8_t base = 1; base < 250; base = static_cast<std::uint8_t>(base + 37)) {
    Octets mac;
    for (std::uint8_t i = 0; i < 6; ++i) mac.push_back(static_cast<std::uint8_t>(base + i));
    const auto identity = clock_identity_from_mac(mac);
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->octets[0], mac[0]);
    EXPECT_EQ(identity->octets[1], mac[1]);
    EXPECT_EQ(identity->octets[2], mac[2]);
    EXPECT_EQ(identity->octets[3], 0xFF);
    EXPECT_EQ(identity->octets[4], 0xFE);
    EXPECT_EQ(identity->octets[5], mac[3]);
    EXPECT_EQ(identity->octets[6], mac[4]);
    EXPECT_EQ(identity->octets[7], mac[5]);
  }
}

TEST(ClockIdentityFromMac, Eui64IsTakenAsItIs) {
  const Octets eui64 = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  const auto identity = clock_identity_from_mac(eui64);
  ASSERT_TRUE(identity);
  EXPECT_TRUE(std::equal(eui64.begin(), eui64.end(), identity->octets.begin()));
}

TEST(ClockIdentityFromMac, NoUsableMacIsInvalidArgument) {
  const hal::HalError invalid{hal::HalErrorCode::kInvalidArgument, 0};
  for (const Octets& mac : {Octets{}, Octets{1, 2, 3, 4, 5}, Octets{1, 2, 3, 4, 5, 6, 7},
                            Octets(6, 0), Octets(8, 0), Octets(16, 1)}) {
    const auto identity = clock_identity_from_mac(mac);
    ASSERT_FALSE(identity) << mac.size() << " octets";
    EXPECT_EQ(identity.error(), invalid);
  }
}

class AdapterMacTest : public ::testing::Test {
 protected:
  AdapterMacTest() {
    ip_helper_.adapters = {
        {test::wide(u"Ethernet 2"),
         "{GUID-1}",
         test::wide(u"NIC"),
         9,
         9,
         77,
         {{{192, 0, 2, 10}}},
         {0xA0, 0x36, 0x9F, 0x12, 0x34, 0x56}},
        {test::wide(u"Loopback"),
         "{GUID-2}",
         test::wide(u"Software Loopback"),
         1,
         1,
         78,
         {{{127, 0, 0, 1}}},
         {}},
        {test::wide(u"Broken"),
         "{GUID-3}",
         test::wide(u"Claims 12 octets"),
         3,
         3,
         79,
         {{{192, 0, 2, 11}}},
         Octets(12, 0x5A)},
    };
    ip_helper_.install(api_);
    clocks_.install(api_, true);
    winsock_.install(api_);
  }
  test::FakeIpHelper ip_helper_;
  test::FakeClocks clocks_;
  test::FakeWinsock winsock_;
  WinApi api_;
  test::ManualLoop loop_;
};

TEST_F(AdapterMacTest, LookupReportsThePhysicalAddressOfEachAdapter) {
  const auto adapters = enumerate_adapters(api_);
  ASSERT_TRUE(adapters);
  ASSERT_EQ(adapters->size(), 3U);
  EXPECT_EQ((*adapters)[0].physical_address, (Octets{0xA0, 0x36, 0x9F, 0x12, 0x34, 0x56}));
  EXPECT_TRUE((*adapters)[1].physical_address.empty());
  // A length beyond PhysicalAddress[8] is cut to the array, never read past it.
  EXPECT_EQ((*adapters)[2].physical_address, Octets(8, 0x5A));
}

TEST_F(AdapterMacTest, ClockIdentityOfAnAdapterWithAndWithoutMac) {
  const auto ethernet = find_interface(api_, "Ethernet 2");
  ASSERT_TRUE(ethernet);
  const auto identity = clock_identity_of(*ethernet);
  ASSERT_TRUE(identity);
  const std::array<std::uint8_t, 8> expected = {0xA0, 0x36, 0x9F, 0xFF, 0xFE, 0x12, 0x34, 0x56};
  EXPECT_EQ(identity->octets, expected);

  const auto loopback = find_interface(api_, "Loopback");
  ASSERT_TRUE(loopback);
  EXPECT_FALSE(clock_identity_of(*loopback));
}

TEST_F(AdapterMacTest, WinHostHandsOutTheClockIdentityOfItsAdapter) {
  WinHostConfig config;
  config.interface_name = "Ethernet 2";
  config.system_clock.read_only = true;
  const auto host = WinHost::open(api_, config, loop_.hook(), {});
  ASSERT_TRUE(host);
  EXPECT_EQ((*host)->adapter().physical_address, (Octets{0xA0, 0x36, 0x9F, 0x12, 0x34, 0x56}));
  const auto identity = (*host)->clock_identity();
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->octets[3], 0xFF);
  EXPECT_EQ(identity->octets[7], 0x56);

  config.interface_name = "Loopback";
  const auto loopback = WinHost::open(api_, config, loop_.hook(), {});
  ASSERT_TRUE(loopback);
  EXPECT_FALSE((*loopback)->clock_identity());
}

}  // namespace
}  // namespace ptp::win
