// Tests of the common header: version and message type validation, messageLength checks, flags.
#include <gtest/gtest.h>

#include <array>

#include "ptp/wire/header.h"
#include "test_bytes.h"

namespace ptp::wire {
namespace {

using test::hex;

// A valid Sync header followed by its 10-octet body.
std::vector<std::byte> sync_bytes() {
  return hex(
      "00 12 002c 00 00 0000 0000000000000000 00000000 0000000000000000 0000 0000 00 00"
      "000000000000 00000000");
}

TEST(Header, AcceptsMinorVersionsZeroAndOne) {
  auto bytes = sync_bytes();
  bytes[1] = std::byte{0x02};
  EXPECT_TRUE(decode_header(bytes));
  bytes[1] = std::byte{0x12};
  EXPECT_TRUE(decode_header(bytes));
}

TEST(Header, RejectsOtherVersions) {
  for (const int version : {0x01, 0x03, 0x22, 0xf2, 0x00}) {
    auto bytes = sync_bytes();
    bytes[1] = static_cast<std::byte>(version);
    const auto header = decode_header(bytes);
    ASSERT_FALSE(header) << version;
    EXPECT_EQ(header.error(), WireError::kBadVersion);
  }
}

TEST(Header, RejectsEveryReservedMessageType) {
  for (const int type : {0x4, 0x5, 0x6, 0x7, 0xe, 0xf}) {
    auto bytes = sync_bytes();
    bytes[0] = static_cast<std::byte>(type);
    const auto header = decode_header(bytes);
    ASSERT_FALSE(header) << type;
    EXPECT_EQ(header.error(), WireError::kUnknownMessageType);
  }
}

TEST(Header, MessageLengthShorterThanTheTypeIsALengthMismatch) {
  auto bytes = sync_bytes();
  bytes[3] = std::byte{43};
  const auto header = decode_header(bytes);
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error(), WireError::kLengthMismatch);
}

TEST(Header, MessageLengthBeyondTheBufferIsTruncated) {
  auto bytes = sync_bytes();
  bytes[3] = std::byte{45};
  const auto header = decode_header(bytes);
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error(), WireError::kTruncated);
}

TEST(Header, FlagBitsMapToTheirNames) {
  const HeaderFlags flags(0x6701 | 0x007f);
  EXPECT_TRUE(flags.alternate_master());
  EXPECT_TRUE(flags.two_step());
  EXPECT_TRUE(flags.unicast());
  EXPECT_TRUE(flags.profile_specific_1());
  EXPECT_TRUE(flags.profile_specific_2());
  EXPECT_TRUE(flags.leap61());
  EXPECT_TRUE(flags.leap59());
  EXPECT_TRUE(flags.current_utc_offset_valid());
  EXPECT_TRUE(flags.ptp_timescale());
  EXPECT_TRUE(flags.time_traceable());
  EXPECT_TRUE(flags.frequency_traceable());
  EXPECT_TRUE(flags.synchronization_uncertain());
  EXPECT_FALSE(HeaderFlags(0x0200).unicast());
  EXPECT_EQ(HeaderFlags().set(HeaderFlags::kTwoStep).set(HeaderFlags::kTwoStep, false).bits(), 0);
}

TEST(Header, UnnamedFlagBitsSurviveDecodeAndEncode) {
  auto bytes = sync_bytes();
  bytes[6] = std::byte{0x98};  // reserved bits 3, 4 and 7 of octet 0
  bytes[7] = std::byte{0x80};  // reserved bit 7 of octet 1
  const auto header = decode_header(bytes);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->flags.bits(), 0x9880);
  std::array<std::byte, kHeaderSize> out{};
  ASSERT_TRUE(encode_header(*header, header->message_type, header->message_length, out));
  EXPECT_EQ(out[6], std::byte{0x98});
  EXPECT_EQ(out[7], std::byte{0x80});
}

TEST(Header, EncodeRejectsNibbleFieldsThatDoNotFit) {
  std::array<std::byte, kHeaderSize> out{};
  Header header;
  header.major_sdo_id = 16;
  const auto result = encode_header(header, MessageType::kSync, 44, out);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), WireError::kValueOutOfRange);
}

TEST(Header, EventAndGeneralMessages) {
  EXPECT_TRUE(is_event_message(MessageType::kSync));
  EXPECT_TRUE(is_event_message(MessageType::kDelayReq));
  EXPECT_TRUE(is_event_message(MessageType::kPdelayReq));
  EXPECT_TRUE(is_event_message(MessageType::kPdelayResp));
  EXPECT_FALSE(is_event_message(MessageType::kFollowUp));
  EXPECT_FALSE(is_event_message(MessageType::kAnnounce));
  EXPECT_FALSE(is_event_message(MessageType::kManagement));
}

TEST(Header, DefaultControlFieldFollowsTable42) {
  EXPECT_EQ(default_control_field(MessageType::kSync), 0);
  EXPECT_EQ(default_control_field(MessageType::kDelayReq), 1);
  EXPECT_EQ(default_control_field(MessageType::kFollowUp), 2);
  EXPECT_EQ(default_control_field(MessageType::kDelayResp), 3);
  EXPECT_EQ(default_control_field(MessageType::kManagement), 4);
  EXPECT_EQ(default_control_field(MessageType::kAnnounce), 5);
  EXPECT_EQ(default_control_field(MessageType::kPdelayReq), 5);
}

}  // namespace
}  // namespace ptp::wire
