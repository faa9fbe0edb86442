// Property tests: random messages of every type (fixed seeds) survive encode -> decode -> encode
// unchanged, field for field and octet for octet.
#include <gtest/gtest.h>

#include <array>

#include "ptp/wire/message.h"
#include "random_message.h"
#include "test_bytes.h"

namespace ptp::wire {
namespace {

using test::as_u8;
using test::RandomMessages;

constexpr int kMessagesPerType = 2000;

class RoundTrip : public ::testing::TestWithParam<MessageType> {};

TEST_P(RoundTrip, EncodeDecodeEncodeIsTheIdentity) {
  RandomMessages random(0x5eed0000U + static_cast<unsigned>(GetParam()));
  for (int i = 0; i < kMessagesPerType; ++i) {
    std::array<std::byte, 512> tlv_storage{};
    const Message original = random.message(GetParam(), tlv_storage);
    std::array<std::byte, 1024> first{};
    const auto first_size = encode_message(original, first);
    ASSERT_TRUE(first_size) << to_string(first_size.error());
    ASSERT_EQ(*first_size, original.header.message_length);

    const auto decoded = decode_message(std::span(first).first(*first_size));
    ASSERT_TRUE(decoded) << to_string(decoded.error());
    ASSERT_EQ(*decoded, original) << "message " << i;

    std::array<std::byte, 1024> second{};
    const auto second_size = encode_message(*decoded, second);
    ASSERT_TRUE(second_size);
    ASSERT_EQ(as_u8(std::span(second).first(*second_size)),
              as_u8(std::span(first).first(*first_size)));
  }
}

INSTANTIATE_TEST_SUITE_P(AllMessageTypes, RoundTrip,
                         ::testing::ValuesIn(RandomMessages::kAllTypes));

TEST(RoundTrip, EncodeRejectsSecondsBeyondFortyEightBits) {
  Message message{Header{}, Sync{Timestamp{Timestamp::kMaxSeconds + 1, 0}}, {}};
  std::array<std::byte, 64> buffer{};
  const auto size = encode_message(message, buffer);
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error(), WireError::kValueOutOfRange);
}

TEST(RoundTrip, EncodeRejectsAnInvalidTlvArea) {
  const std::array<std::byte, 5> bad_tlvs{std::byte{0}, std::byte{1}, std::byte{0}, std::byte{9},
                                          std::byte{0}};
  Message message{Header{}, Signaling{}, bad_tlvs};
  std::array<std::byte, 64> buffer{};
  const auto size = encode_message(message, buffer);
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error(), WireError::kBadTlvLength);
}

TEST(RoundTrip, EncodeRejectsMessagesLongerThanTheLengthField) {
  static std::array<std::byte, 70000> tlvs{};
  TlvWriter writer(tlvs);
  std::array<std::byte, 0xffff> value{};
  ASSERT_TRUE(writer.append(TlvType::kPad, value));
  Message message{Header{}, Signaling{}, writer.written()};
  static std::array<std::byte, 70100> buffer{};
  const auto size = encode_message(message, buffer);
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error(), WireError::kMessageTooLong);
}

}  // namespace
}  // namespace ptp::wire
