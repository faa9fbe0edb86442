// Tests of the generic TLV machinery: walking, validation, padding, unknown types, writing, and
// the PATH_TRACE and ORGANIZATION_EXTENSION typed TLVs.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "ptp/wire/organization_extension_tlv.h"
#include "ptp/wire/path_trace_tlv.h"
#include "ptp/wire/tlv.h"
#include "test_bytes.h"

namespace ptp::wire {
namespace {

using test::as_u8;
using test::hex;

TEST(TlvReader, WalksEveryTlvIncludingUnknownTypes) {
  const auto area = hex("0008 0008 0102030405060708 | 7777 0003 aabbcc | 0001 0002 2000");
  TlvReader reader(area);
  std::vector<std::uint16_t> types;
  std::vector<std::size_t> lengths;
  for (;;) {
    auto tlv = reader.next();
    ASSERT_TRUE(tlv);
    if (!tlv->has_value()) break;
    types.push_back(static_cast<std::uint16_t>((*tlv)->type));
    lengths.push_back((*tlv)->value.size());
  }
  EXPECT_EQ(types, (std::vector<std::uint16_t>{0x0008, 0x7777, 0x0001}));
  EXPECT_EQ(lengths, (std::vector<std::size_t>{8, 3, 2}));
}

TEST(TlvReader, LengthPastTheAreaIsAnError) {
  const auto area = hex("0008 0009 0102030405060708");
  TlvReader reader(area);
  auto tlv = reader.next();
  ASSERT_FALSE(tlv);
  EXPECT_EQ(tlv.error(), WireError::kBadTlvLength);
  EXPECT_FALSE(validate_tlv_area(area));
}

TEST(TlvReader, FewerThanFourTrailingOctetsArePadding) {
  const auto area = hex("0003 0006 000000 000000 | 0000 00");
  EXPECT_TRUE(validate_tlv_area(area));
  int count = 0;
  for (const TlvView tlv : TlvList(area)) {
    EXPECT_TRUE(is_organization_extension(tlv.type));
    ++count;
  }
  EXPECT_EQ(count, 1);
}

TEST(TlvList, EmptyAreaHasNoTlvs) {
  EXPECT_TRUE(TlvList({}).empty());
  EXPECT_TRUE(validate_tlv_area({}));
}

TEST(TlvWriter, WritesTypeLengthAndValue) {
  std::array<std::byte, 16> buffer{};
  TlvWriter writer(buffer);
  const auto value = hex("aabbcc");
  ASSERT_TRUE(writer.append(static_cast<TlvType>(0x1234), value));
  EXPECT_EQ(as_u8(writer.written()), as_u8(hex("1234 0003 aabbcc")));
}

TEST(TlvWriter, RefusesToOverrunTheBuffer) {
  std::array<std::byte, 6> buffer{};
  TlvWriter writer(buffer);
  const auto value = hex("aabbcc");
  const auto result = writer.append(TlvType::kPad, value);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), WireError::kBufferTooSmall);
  EXPECT_EQ(writer.size(), 0U);
}

TEST(PathTraceTlv, EncodesAndDecodesTheSequence) {
  const std::array<ClockIdentity, 2> path{ClockIdentity{{1, 2, 3, 4, 5, 6, 7, 8}},
                                          ClockIdentity{{9, 10, 11, 12, 13, 14, 15, 16}}};
  std::array<std::byte, 32> buffer{};
  TlvWriter writer(buffer);
  ASSERT_TRUE(append_path_trace_tlv(writer, path));
  EXPECT_EQ(as_u8(writer.written()), as_u8(hex("0008 0010 0102030405060708 090a0b0c0d0e0f10")));
  const TlvView view = *TlvList(writer.written()).begin();
  const auto decoded = decode_path_trace_tlv(view);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 2U);
  EXPECT_EQ((*decoded)[0], path[0]);
  EXPECT_EQ((*decoded)[1], path[1]);
}

TEST(PathTraceTlv, RejectsALengthThatIsNotWholeIdentities) {
  const auto area = hex("0008 0004 01020304");
  const auto decoded = decode_path_trace_tlv(*TlvList(area).begin());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
  const auto wrong = decode_path_trace_tlv(TlvView{TlvType::kManagement, {}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), WireError::kWrongTlvType);
}

TEST(OrganizationExtensionTlv, EncodesAndDecodes) {
  const auto data = hex("deadbeef");
  OrganizationExtensionTlv tlv;
  tlv.type = TlvType::kOrganizationExtensionDoNotPropagate;
  tlv.organization_id = {0x00, 0x80, 0xc2};
  tlv.organization_sub_type = {0x00, 0x00, 0x01};
  tlv.data = data;
  std::array<std::byte, 32> buffer{};
  TlvWriter writer(buffer);
  ASSERT_TRUE(append_organization_extension_tlv(writer, tlv));
  EXPECT_EQ(as_u8(writer.written()), as_u8(hex("8000 000a 0080c2 000001 deadbeef")));
  const auto decoded = decode_organization_extension_tlv(*TlvList(writer.written()).begin());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, tlv);
}

TEST(OrganizationExtensionTlv, RejectsAValueShorterThanItsIdentifiers) {
  const auto area = hex("0003 0005 0080c20000");
  const auto decoded = decode_organization_extension_tlv(*TlvList(area).begin());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
}

}  // namespace
}  // namespace ptp::wire
