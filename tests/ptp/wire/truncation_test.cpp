// Hostile-input tests: every truncation of every message type is rejected with the right error,
// and corrupted messageLength and TLV lengthField values never read outside the buffer (each
// decode gets a heap buffer of exactly the input's size, so ASan catches any overread).
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "ptp/wire/message.h"
#include "random_message.h"

namespace ptp::wire {
namespace {

using test::RandomMessages;

// Decodes from a heap copy of exactly `bytes.size()` octets.
Result<Message, WireError> decode_exact(std::span<const std::byte> bytes) {
  static std::unique_ptr<std::byte[]> copy;
  copy = std::make_unique<std::byte[]>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.get());
  return decode_message(std::span<const std::byte>(copy.get(), bytes.size()));
}

class Hostile : public ::testing::TestWithParam<MessageType> {
 protected:
  void SetUp() override {
    RandomMessages random(0xbad0000U + static_cast<unsigned>(GetParam()));
    std::array<std::byte, 256> tlv_storage{};
    // Draw until the message carries at least one TLV, so TLV truncation is exercised too.
    Message message = random.message(GetParam(), tlv_storage);
    while (message.tlvs.empty()) message = random.message(GetParam(), tlv_storage);
    const auto size = encode_message(message, buffer_);
    ASSERT_TRUE(size);
    size_ = *size;
  }
  std::span<const std::byte> encoded() const { return std::span(buffer_).first(size_); }

  std::array<std::byte, 1024> buffer_{};
  std::size_t size_ = 0;
};

TEST_P(Hostile, EveryTruncationIsRejectedAsTruncated) {
  ASSERT_TRUE(decode_exact(encoded()));
  for (std::size_t length = 0; length < size_; ++length) {
    const auto decoded = decode_exact(encoded().first(length));
    ASSERT_FALSE(decoded) << "length " << length;
    EXPECT_EQ(decoded.error(), WireError::kTruncated) << "length " << length;
  }
}

TEST_P(Hostile, EveryMessageLengthValueIsHandled) {
  std::array<std::byte, 1024> corrupted{};
  std::copy(encoded().begin(), encoded().end(), corrupted.begin());
  const std::size_t fixed = fixed_message_length(GetParam());
  for (std::uint32_t length = 0; length <= 0xffff; ++length) {
    corrupted[2] = static_cast<std::byte>(length >> 8U);
    corrupted[3] = static_cast<std::byte>(length);
    const auto decoded = decode_exact(std::span(corrupted).first(size_));
    if (length < fixed) {
      ASSERT_FALSE(decoded);
      EXPECT_EQ(decoded.error(), WireError::kLengthMismatch);
    } else if (length > size_) {
      ASSERT_FALSE(decoded);
      EXPECT_EQ(decoded.error(), WireError::kTruncated);
    } else if (decoded) {
      EXPECT_EQ(decoded->header.message_length, length);
      EXPECT_EQ(decoded->tlvs.size(), length - fixed);
    } else {
      EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
    }
  }
}

TEST_P(Hostile, EveryTlvLengthValueIsHandled) {
  const std::size_t fixed = fixed_message_length(GetParam());
  std::array<std::byte, 1024> corrupted{};
  std::copy(encoded().begin(), encoded().end(), corrupted.begin());
  const std::size_t area = size_ - fixed;
  for (std::uint32_t length = 0; length <= 0xffff; ++length) {
    corrupted[fixed + 2] = static_cast<std::byte>(length >> 8U);
    corrupted[fixed + 3] = static_cast<std::byte>(length);
    const auto decoded = decode_exact(std::span(corrupted).first(size_));
    if (length > area - kTlvHeaderSize) {
      ASSERT_FALSE(decoded) << length;
      EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
    } else if (decoded) {
      for (const TlvView tlv : decoded->tlv_list()) {
        EXPECT_GE(tlv.value.data(), decoded->tlvs.data());
        EXPECT_LE(tlv.value.data() + tlv.value.size(), decoded->tlvs.data() + decoded->tlvs.size());
      }
    } else {
      EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllMessageTypes, Hostile, ::testing::ValuesIn(RandomMessages::kAllTypes));

}  // namespace
}  // namespace ptp::wire
