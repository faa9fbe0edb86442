// Tests of the unicast negotiation TLVs (IEEE 1588-2019 16.1.4): exact octets of each TLV, a
// Signaling message carrying several of them as ptp4l sends them, and refusal of bad lengths.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "ptp/wire/message.h"
#include "ptp/wire/unicast_negotiation_tlv.h"
#include "test_bytes.h"

namespace ptp::wire {
namespace {

using test::as_u8;
using test::hex;

std::vector<std::uint8_t> encoded(const UnicastNegotiationTlv& tlv) {
  std::array<std::byte, 32> buffer{};
  TlvWriter writer(buffer);
  EXPECT_TRUE(append_unicast_negotiation_tlv(writer, tlv));
  return as_u8(writer.written());
}

UnicastNegotiationTlv decoded(std::span<const std::byte> area) {
  const auto tlv = decode_unicast_negotiation_tlv(*TlvList(area).begin());
  EXPECT_TRUE(tlv);
  return tlv ? *tlv : UnicastNegotiationTlv{};
}

TEST(UnicastNegotiationTlv, RequestHasTypeInTheHighNibblePeriodAndDuration) {
  const RequestUnicastTransmissionTlv request{MessageType::kAnnounce, -3, 300};
  const auto bytes = hex("0004 0006 b0 fd 0000012c");
  EXPECT_EQ(encoded(request), as_u8(bytes));
  EXPECT_EQ(decoded(bytes), UnicastNegotiationTlv{request});
}

TEST(UnicastNegotiationTlv, GrantCarriesRenewalInvitedInBitZeroOfItsLastOctet) {
  const GrantUnicastTransmissionTlv grant{MessageType::kDelayResp, 2, 0x01020304, true};
  const auto bytes = hex("0005 0008 90 02 01020304 00 01");
  EXPECT_EQ(encoded(grant), as_u8(bytes));
  EXPECT_EQ(decoded(bytes), UnicastNegotiationTlv{grant});
  GrantUnicastTransmissionTlv refusal = grant;
  refusal.duration_seconds = 0;
  refusal.renewal_invited = false;
  EXPECT_EQ(encoded(refusal), as_u8(hex("0005 0008 90 02 00000000 00 00")));
}

TEST(UnicastNegotiationTlv, CancelAndAcknowledgeCarryTheMaintainFlagsInTheLowNibble) {
  const CancelUnicastTransmissionTlv cancel{MessageType::kSync, false, true};
  EXPECT_EQ(encoded(cancel), as_u8(hex("0006 0002 02 00")));
  EXPECT_EQ(decoded(hex("0006 0002 02 00")), UnicastNegotiationTlv{cancel});
  const AcknowledgeCancelUnicastTransmissionTlv ack{MessageType::kAnnounce, true, false};
  EXPECT_EQ(encoded(ack), as_u8(hex("0007 0002 b1 00")));
  EXPECT_EQ(decoded(hex("0007 0002 b1 00")), UnicastNegotiationTlv{ack});
}

TEST(UnicastNegotiationTlv, ReservedBitsAreIgnoredOnReceive) {
  const auto bytes = hex("0005 0008 bf 00 0000003c ff fe");
  const GrantUnicastTransmissionTlv expected{MessageType::kAnnounce, 0, 60, false};
  EXPECT_EQ(decoded(bytes), UnicastNegotiationTlv{expected});
}

TEST(UnicastNegotiationTlv, EveryLengthButTheExactOneIsRefused) {
  for (const char* area : {"0004 0005 b0 00 000000", "0004 0008 b0 00 0000003c 0000",
                           "0005 0006 b0 00 0000003c", "0006 0001 b0", "0007 0004 b0 00 0000"}) {
    const auto bytes = hex(area);
    const auto tlv = decode_unicast_negotiation_tlv(*TlvList(bytes).begin());
    ASSERT_FALSE(tlv) << area;
    EXPECT_EQ(tlv.error(), WireError::kBadTlvLength) << area;
  }
}

TEST(UnicastNegotiationTlv, OtherTlvTypesAreNotNegotiation) {
  const auto bytes = hex("0008 0008 0102030405060708");
  const auto tlv = decode_unicast_negotiation_tlv(*TlvList(bytes).begin());
  ASSERT_FALSE(tlv);
  EXPECT_EQ(tlv.error(), WireError::kWrongTlvType);
  EXPECT_FALSE(is_unicast_negotiation(TlvType::kPathTrace));
  EXPECT_TRUE(is_unicast_negotiation(TlvType::kAcknowledgeCancelUnicastTransmission));
}

TEST(UnicastNegotiationTlv, WriterRefusesATlvThatDoesNotFit) {
  std::array<std::byte, 11> buffer{};
  TlvWriter writer(buffer);
  const auto result = append_unicast_negotiation_tlv(
      writer, GrantUnicastTransmissionTlv{MessageType::kSync, 0, 60, true});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), WireError::kBufferTooSmall);
  EXPECT_EQ(writer.size(), 0U);
}

// A Signaling from a grantee asking for Announce, Sync and Delay_Resp in one message, the way
// ptp4l packs its requests: header, targetPortIdentity, then three REQUEST TLVs back to back.
TEST(UnicastNegotiationTlv, SignalingCarriesSeveralTlvsInOrder) {
  const auto bytes =
      hex("0c | 12 | 004a | 00 | 00 | 0400 | 0000000000000000 | 00000000 |"
          "001b21fffe123456 0001 | 0007 | 05 | 7f |"
          "001122fffe334455 0001 |"
          "0004 0006 b0 01 0000003c | 0004 0006 00 fc 0000003c | 0004 0006 90 fc 0000003c");
  const auto message = decode_message(bytes);
  ASSERT_TRUE(message) << to_string(message.error());
  ASSERT_EQ(message->type(), MessageType::kSignaling);
  std::vector<UnicastNegotiationTlv> tlvs;
  for (const TlvView view : message->tlv_list()) {
    const auto tlv = decode_unicast_negotiation_tlv(view);
    ASSERT_TRUE(tlv);
    tlvs.push_back(*tlv);
  }
  EXPECT_EQ(tlvs, (std::vector<UnicastNegotiationTlv>{
                      RequestUnicastTransmissionTlv{MessageType::kAnnounce, 1, 60},
                      RequestUnicastTransmissionTlv{MessageType::kSync, -4, 60},
                      RequestUnicastTransmissionTlv{MessageType::kDelayResp, -4, 60}}));
  std::array<std::byte, 128> buffer{};
  const auto size = encode_message(*message, buffer);
  ASSERT_TRUE(size);
  EXPECT_EQ(as_u8(std::span(buffer).first(*size)), as_u8(bytes));
}

}  // namespace
}  // namespace ptp::wire
