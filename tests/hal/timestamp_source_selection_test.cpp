// Timestamp source selection over the whole capability flag space (2^14 combinations of the 11
// hardware and 3 software flags, for each address family), against a table-driven statement of
// the rule, plus the Windows sample's cases and the properties that must hold whatever the rule's
// details: adding a capability never makes the choice worse, and one family's flags never decide
// for the other.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "ptp/hal/timestamp_capabilities.h"

namespace ptp::hal {
namespace {

// Flag bits of the enumeration, in struct order.
enum Flag : unsigned {
  kHw4EventRx,
  kHw4AllRx,
  kHw4EventTx,
  kHw4AllTx,
  kHw6EventRx,
  kHw6AllRx,
  kHw6EventTx,
  kHw6AllTx,
  kHwAllRx,
  kHwAllTx,
  kHwTaggedTx,
  kSwAllRx,
  kSwAllTx,
  kSwTaggedTx,
  kFlagCount
};
constexpr std::uint32_t kCombinations = 1U << kFlagCount;

constexpr std::uint32_t bit(Flag flag) { return 1U << flag; }

TimestampCapabilities from_bits(std::uint32_t bits) {
  auto on = [bits](Flag flag) { return (bits & bit(flag)) != 0; };
  TimestampCapabilities caps;
  caps.hardware.ptp_v2_over_udp_ipv4_event_message_receive = on(kHw4EventRx);
  caps.hardware.ptp_v2_over_udp_ipv4_all_message_receive = on(kHw4AllRx);
  caps.hardware.ptp_v2_over_udp_ipv4_event_message_transmit = on(kHw4EventTx);
  caps.hardware.ptp_v2_over_udp_ipv4_all_message_transmit = on(kHw4AllTx);
  caps.hardware.ptp_v2_over_udp_ipv6_event_message_receive = on(kHw6EventRx);
  caps.hardware.ptp_v2_over_udp_ipv6_all_message_receive = on(kHw6AllRx);
  caps.hardware.ptp_v2_over_udp_ipv6_event_message_transmit = on(kHw6EventTx);
  caps.hardware.ptp_v2_over_udp_ipv6_all_message_transmit = on(kHw6AllTx);
  caps.hardware.all_receive = on(kHwAllRx);
  caps.hardware.all_transmit = on(kHwAllTx);
  caps.hardware.tagged_transmit = on(kHwTaggedTx);
  caps.software.all_receive = on(kSwAllRx);
  caps.software.all_transmit = on(kSwAllTx);
  caps.software.tagged_transmit = on(kSwTaggedTx);
  return caps;
}

// The rule as masks: a source is usable when at least one receive flag and one transmit flag of
// its masks are set.
struct SideMasks {
  std::uint32_t receive;
  std::uint32_t transmit;
};
constexpr SideMasks kHardwareIpv4{
    bit(kHw4EventRx) | bit(kHw4AllRx) | bit(kHwAllRx),
    bit(kHw4EventTx) | bit(kHw4AllTx) | bit(kHwAllTx) | bit(kHwTaggedTx)};
constexpr SideMasks kHardwareIpv6{
    bit(kHw6EventRx) | bit(kHw6AllRx) | bit(kHwAllRx),
    bit(kHw6EventTx) | bit(kHw6AllTx) | bit(kHwAllTx) | bit(kHwTaggedTx)};
constexpr SideMasks kSoftware{bit(kSwAllRx), bit(kSwAllTx) | bit(kSwTaggedTx)};

bool covers(std::uint32_t bits, SideMasks masks) {
  return (bits & masks.receive) != 0 && (bits & masks.transmit) != 0;
}

int rank(TimestampSource source) {
  switch (source) {
    case TimestampSource::kHardware: return 2;
    case TimestampSource::kSoftware: return 1;
    case TimestampSource::kNone: return 0;
  }
  return -1;
}

TEST(TimestampSourceSelection, MatchesTheRuleOverTheWholeFlagSpace) {
  for (std::uint32_t bits = 0; bits < kCombinations; ++bits) {
    const TimestampCapabilities caps = from_bits(bits);
    for (const auto& [family, hardware_masks] : {std::pair{AddressFamily::kIpv4, kHardwareIpv4},
                                                 std::pair{AddressFamily::kIpv6, kHardwareIpv6}}) {
      const TimestampSource expected = covers(bits, hardware_masks) ? TimestampSource::kHardware
                                       : covers(bits, kSoftware)    ? TimestampSource::kSoftware
                                                                    : TimestampSource::kNone;
      ASSERT_EQ(select_timestamp_source(caps, family), expected)
          << "flags 0x" << std::hex << bits << " family " << static_cast<int>(family);
    }
  }
}

TEST(TimestampSourceSelection, AddingACapabilityNeverMakesTheChoiceWorse) {
  for (std::uint32_t bits = 0; bits < kCombinations; ++bits) {
    for (unsigned flag = 0; flag < kFlagCount; ++flag) {
      const std::uint32_t more = bits | (1U << flag);
      for (const AddressFamily family : {AddressFamily::kIpv4, AddressFamily::kIpv6}) {
        ASSERT_GE(rank(select_timestamp_source(from_bits(more), family)),
                  rank(select_timestamp_source(from_bits(bits), family)))
            << std::hex << bits << " + flag " << flag;
      }
    }
  }
}

TEST(TimestampSourceSelection, OneFamilysFlagsNeverDecideForTheOther) {
  constexpr std::uint32_t kIpv6Only =
      bit(kHw6EventRx) | bit(kHw6AllRx) | bit(kHw6EventTx) | bit(kHw6AllTx);
  constexpr std::uint32_t kIpv4Only =
      bit(kHw4EventRx) | bit(kHw4AllRx) | bit(kHw4EventTx) | bit(kHw4AllTx);
  for (std::uint32_t bits = 0; bits < kCombinations; ++bits) {
    ASSERT_EQ(select_timestamp_source(from_bits(bits), AddressFamily::kIpv4),
              select_timestamp_source(from_bits(bits & ~kIpv6Only), AddressFamily::kIpv4));
    ASSERT_EQ(select_timestamp_source(from_bits(bits), AddressFamily::kIpv6),
              select_timestamp_source(from_bits(bits & ~kIpv4Only), AddressFamily::kIpv6));
  }
}

TEST(TimestampSourceSelection, WindowsSampleCases) {
  TimestampCapabilities caps;
  EXPECT_EQ(select_timestamp_source(caps, AddressFamily::kIpv4), TimestampSource::kNone);

  // A PTP-aware NIC stamping IPv4 event messages both ways: hardware on IPv4 only.
  caps.hardware.ptp_v2_over_udp_ipv4_event_message_receive = true;
  caps.hardware.ptp_v2_over_udp_ipv4_event_message_transmit = true;
  EXPECT_EQ(select_timestamp_source(caps, AddressFamily::kIpv4), TimestampSource::kHardware);
  EXPECT_EQ(select_timestamp_source(caps, AddressFamily::kIpv6), TimestampSource::kNone);

  // Receive-only hardware is not enough; software all-receive + tagged-transmit is.
  caps = {};
  caps.hardware.all_receive = true;
  caps.software.all_receive = true;
  caps.software.tagged_transmit = true;
  EXPECT_EQ(select_timestamp_source(caps, AddressFamily::kIpv4), TimestampSource::kSoftware);
  EXPECT_EQ(select_timestamp_source(caps, AddressFamily::kIpv6), TimestampSource::kSoftware);

  // Software transmit without software receive is nothing.
  caps = {};
  caps.software.all_transmit = true;
  EXPECT_EQ(select_timestamp_source(caps, AddressFamily::kIpv6), TimestampSource::kNone);
}

}  // namespace
}  // namespace ptp::hal
