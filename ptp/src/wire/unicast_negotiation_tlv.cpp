// Unicast negotiation TLVs (IEEE 1588-2019 16.1.4). Value layouts after tlvType and lengthField:
//   REQUEST            messageType(4 high bits) reserved(4) | logInterMessagePeriod | duration(4)
//   GRANT              messageType(4 high bits) reserved(4) | logInterMessagePeriod | duration(4)
//                      | reserved | flags (bit 0: renewalInvited)
//   CANCEL, ACK_CANCEL messageType(4 high bits) flags(4: bit 0 maintainRequest, bit 1
//                      maintainGrant) | reserved
#include "ptp/wire/unicast_negotiation_tlv.h"

#include <cstring>

#include "ptp/overloaded.h"
#include "ptp/wire/byte_order.h"

namespace ptp::wire {

namespace {

constexpr std::uint8_t kMaintainRequest = 0x01;
constexpr std::uint8_t kMaintainGrant = 0x02;
constexpr std::uint8_t kRenewalInvited = 0x01;

MessageType message_type_of_octet(const std::byte* p) {
  return static_cast<MessageType>(load_u8(p) >> 4U);
}

std::uint8_t message_type_octet(MessageType type, std::uint8_t low_flags) {
  const unsigned type_bits = static_cast<unsigned>(type) << 4U;
  return static_cast<std::uint8_t>(type_bits | (low_flags & 0x0FU));
}

template <class CancelLike>
CancelLike decode_cancel_like(const std::byte* p) {
  const std::uint8_t flags = load_u8(p) & 0x0FU;
  return CancelLike{message_type_of_octet(p), (flags & kMaintainRequest) != 0,
                    (flags & kMaintainGrant) != 0};
}

template <class CancelLike>
Result<void, WireError> append_cancel_like(TlvWriter& writer, TlvType type, const CancelLike& tlv) {
  return writer.append_with(type, kCancelUnicastValueSize, [&](ValueWriter& out) {
    std::byte* p = out.take(kCancelUnicastValueSize);
    const auto flags = static_cast<std::uint8_t>((tlv.maintain_request ? kMaintainRequest : 0U) |
                                                 (tlv.maintain_grant ? kMaintainGrant : 0U));
    store_u8(p, message_type_octet(tlv.message_type, flags));
    store_u8(p + 1, 0);
  });
}

std::size_t value_size_of(TlvType type) {
  switch (type) {
    case TlvType::kRequestUnicastTransmission: return kRequestUnicastValueSize;
    case TlvType::kGrantUnicastTransmission: return kGrantUnicastValueSize;
    default: return kCancelUnicastValueSize;
  }
}

}  // namespace

Result<UnicastNegotiationTlv, WireError> decode_unicast_negotiation_tlv(const TlvView& tlv) {
  if (!is_unicast_negotiation(tlv.type)) return unexpected(WireError::kWrongTlvType);
  if (tlv.value.size() != value_size_of(tlv.type)) return unexpected(WireError::kBadTlvLength);
  const std::byte* p = tlv.value.data();
  switch (tlv.type) {
    case TlvType::kRequestUnicastTransmission:
      return UnicastNegotiationTlv{RequestUnicastTransmissionTlv{
          message_type_of_octet(p), static_cast<std::int8_t>(load_u8(p + 1)), load_u32(p + 2)}};
    case TlvType::kGrantUnicastTransmission:
      return UnicastNegotiationTlv{GrantUnicastTransmissionTlv{
          message_type_of_octet(p), static_cast<std::int8_t>(load_u8(p + 1)), load_u32(p + 2),
          (load_u8(p + 7) & kRenewalInvited) != 0}};
    case TlvType::kCancelUnicastTransmission:
      return UnicastNegotiationTlv{decode_cancel_like<CancelUnicastTransmissionTlv>(p)};
    default:
      return UnicastNegotiationTlv{decode_cancel_like<AcknowledgeCancelUnicastTransmissionTlv>(p)};
  }
}

Result<void, WireError> append_unicast_negotiation_tlv(TlvWriter& writer,
                                                       const UnicastNegotiationTlv& tlv) {
  if (const auto type =
          static_cast<std::uint8_t>(std::visit([](const auto& t) { return t.message_type; }, tlv));
      type > 0x0F) {
    return unexpected(WireError::kValueOutOfRange);
  }
  return std::visit(
      Overloaded{
          [&](const RequestUnicastTransmissionTlv& request) {
            return writer.append_with(
                TlvType::kRequestUnicastTransmission, kRequestUnicastValueSize,
                [&](ValueWriter& out) {
                  std::byte* p = out.take(kRequestUnicastValueSize);
                  store_u8(p, message_type_octet(request.message_type, 0));
                  store_u8(p + 1, static_cast<std::uint8_t>(request.log_inter_message_period));
                  store_u32(p + 2, request.duration_seconds);
                });
          },
          [&](const GrantUnicastTransmissionTlv& grant) {
            return writer.append_with(
                TlvType::kGrantUnicastTransmission, kGrantUnicastValueSize, [&](ValueWriter& out) {
                  std::byte* p = out.take(kGrantUnicastValueSize);
                  store_u8(p, message_type_octet(grant.message_type, 0));
                  store_u8(p + 1, static_cast<std::uint8_t>(grant.log_inter_message_period));
                  store_u32(p + 2, grant.duration_seconds);
                  store_u8(p + 6, 0);
                  store_u8(p + 7, grant.renewal_invited ? kRenewalInvited : 0);
                });
          },
          [&](const CancelUnicastTransmissionTlv& cancel) {
            return append_cancel_like(writer, TlvType::kCancelUnicastTransmission, cancel);
          },
          [&](const AcknowledgeCancelUnicastTransmissionTlv& ack) {
            return append_cancel_like(writer, TlvType::kAcknowledgeCancelUnicastTransmission, ack);
          },
      },
      tlv);
}

}  // namespace ptp::wire
