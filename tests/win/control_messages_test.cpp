// Our control-message layout against the SDK's WSA_CMSG_* macros (on Windows) and their x64
// values (everywhere), and the parse of what WSARecvMsg returns (SO_TIMESTAMP, IP_PKTINFO,
// IPV6_PKTINFO, unknown and truncated messages).
#include "ptp/win/control_messages.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "ptp/win/winsock_timestamp_types.h"

namespace ptp::win {
namespace {

#ifdef _WIN32
// The SDK macros are C casts all the way down: silence that warning for this comparison only
// (g++'s warnings; MSVC has neither, and warns about a GCC pragma).
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#endif
TEST(ControlMessages, LayoutMatchesTheSdkMacros) {
  EXPECT_EQ(control_space(8), WSA_CMSG_SPACE(8));
  EXPECT_EQ(control_space(4), WSA_CMSG_SPACE(4));
  EXPECT_EQ(control_space(20), WSA_CMSG_SPACE(20));
  EXPECT_EQ(control_length(8), WSA_CMSG_LEN(8));
  std::array<ULONG64, 8> buffer{};
  auto* header = reinterpret_cast<WSACMSGHDR*>(buffer.data());
  EXPECT_EQ(reinterpret_cast<unsigned char*>(WSA_CMSG_DATA(header)) -
                reinterpret_cast<unsigned char*>(header),
            static_cast<std::ptrdiff_t>(kControlDataOffset));
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif

// What those macros give on x86-64 Windows (a 16-byte header, data aligned to 8), for the native
// build, which has no SDK to compare with.
TEST(ControlMessages, LayoutIsTheX64OneOfTheSdkMacros) {
  if (sizeof(void*) != 8) GTEST_SKIP() << "the x86-64 layout";
  EXPECT_EQ(kControlDataOffset, 16U);
  EXPECT_EQ(control_length(8), 24U);
  EXPECT_EQ(control_length(4), 20U);
  EXPECT_EQ(control_space(4), 24U);
  EXPECT_EQ(control_space(8), 24U);
  EXPECT_EQ(control_space(20), 40U);
}

TEST(ControlMessages, OnX64TheHeaderIs16BytesAndATimestampMessage24) {
  static_assert(sizeof(void*) != 8 || sizeof(WSACMSGHDR) == 16);
  if (sizeof(void*) == 8) {
    EXPECT_EQ(control_space(sizeof(std::uint64_t)), 24U);
  }
}

TEST(ControlMessages, ParsesTimestampAndDestinationAndSkipsUnknownOnes) {
  std::array<ULONG64, 16> storage{};
  const std::span<std::byte> buffer(reinterpret_cast<std::byte*>(storage.data()), sizeof(storage));
  const std::uint32_t unknown = 0xDEADBEEF;
  std::size_t used =
      *append_control_message(buffer, 0, SOL_SOCKET, 0x7777, std::as_bytes(std::span(&unknown, 1)));
  IN_PKTINFO info{};
  const std::array<std::uint8_t, 4> group{224, 0, 1, 129};
  std::memcpy(&info.ipi_addr, group.data(), 4);
  used = *append_control_message(buffer, used, IPPROTO_IP, IP_PKTINFO,
                                 std::as_bytes(std::span(&info, 1)));
  const std::uint64_t stamp = 0x0123456789ABCDEFULL;
  used = *append_control_message(buffer, used, SOL_SOCKET, kSoTimestamp,
                                 std::as_bytes(std::span(&stamp, 1)));
  const ReceivedControl parsed = parse_control_messages(buffer.first(used));
  EXPECT_EQ(parsed.timestamp, stamp);
  EXPECT_EQ(parsed.destination, hal::kPtpPrimaryIpv4);
}

TEST(ControlMessages, Ipv6DestinationIsParsed) {
  std::array<ULONG64, 8> storage{};
  const std::span<std::byte> buffer(reinterpret_cast<std::byte*>(storage.data()), sizeof(storage));
  IN6_PKTINFO info{};
  std::memcpy(&info.ipi6_addr, hal::kPtpPrimaryIpv6.octets().data(), 16);
  const auto used = append_control_message(buffer, 0, IPPROTO_IPV6, IPV6_PKTINFO,
                                           std::as_bytes(std::span(&info, 1)));
  ASSERT_TRUE(used);
  EXPECT_EQ(parse_control_messages(buffer.first(*used)).destination, hal::kPtpPrimaryIpv6);
}

TEST(ControlMessages, EmptyTruncatedOrCorruptAreaYieldsNothing) {
  EXPECT_FALSE(parse_control_messages({}).timestamp);
  std::array<ULONG64, 4> storage{};
  const std::span<std::byte> buffer(reinterpret_cast<std::byte*>(storage.data()), sizeof(storage));
  const std::uint64_t stamp = 5;
  const auto used = append_control_message(buffer, 0, SOL_SOCKET, kSoTimestamp,
                                           std::as_bytes(std::span(&stamp, 1)));
  ASSERT_TRUE(used);
  EXPECT_FALSE(parse_control_messages(buffer.first(*used - 1)).timestamp);  // cut short
  WSACMSGHDR header{};
  header.cmsg_len = 1000;  // claims more than there is
  std::memcpy(buffer.data(), &header, sizeof(header));
  EXPECT_FALSE(parse_control_messages(buffer).timestamp);
  // No room for the message: nothing is written.
  EXPECT_FALSE(append_control_message(buffer.first(8), 0, SOL_SOCKET, kSoTimestamp,
                                      std::as_bytes(std::span(&stamp, 1))));
}

}  // namespace
}  // namespace ptp::win
