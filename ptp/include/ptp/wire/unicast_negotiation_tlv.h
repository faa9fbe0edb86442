// The unicast negotiation TLVs (IEEE 1588-2019 16.1.4): REQUEST, GRANT, CANCEL and
// ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION, carried in Signaling messages (one or more per message).
#pragma once

#include <cstdint>
#include <variant>

#include "ptp/result.h"
#include "ptp/wire/header.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

// Octets of each TLV's value (its lengthField), 16.1.4.x.2.
inline constexpr std::size_t kRequestUnicastValueSize = 6;
inline constexpr std::size_t kGrantUnicastValueSize = 8;
inline constexpr std::size_t kCancelUnicastValueSize = 2;

// 16.1.4.1: a grantee asks for `message_type` at most every 2^log_inter_message_period s for
// `duration_seconds`.
struct RequestUnicastTransmissionTlv {
  MessageType message_type = MessageType::kAnnounce;
  std::int8_t log_inter_message_period = 0;
  std::uint32_t duration_seconds = 0;
  friend bool operator==(const RequestUnicastTransmissionTlv&,
                         const RequestUnicastTransmissionTlv&) = default;
};

// 16.1.4.2: the grantor's answer; duration_seconds 0 is a refusal. renewal_invited (flag R,
// bit 0 of the last octet) says the grantor expects the grantee to renew.
struct GrantUnicastTransmissionTlv {
  MessageType message_type = MessageType::kAnnounce;
  std::int8_t log_inter_message_period = 0;
  std::uint32_t duration_seconds = 0;
  bool renewal_invited = false;
  friend bool operator==(const GrantUnicastTransmissionTlv&,
                         const GrantUnicastTransmissionTlv&) = default;
};

// 16.1.4.3: either side ends a grant early. The flags are 1588-2019's maintainRequest (bit 0)
// and maintainGrant (bit 1) of the messageType octet's low nibble.
struct CancelUnicastTransmissionTlv {
  MessageType message_type = MessageType::kAnnounce;
  bool maintain_request = false;
  bool maintain_grant = false;
  friend bool operator==(const CancelUnicastTransmissionTlv&,
                         const CancelUnicastTransmissionTlv&) = default;
};

// 16.1.4.4: the answer to a CANCEL; same layout.
struct AcknowledgeCancelUnicastTransmissionTlv {
  MessageType message_type = MessageType::kAnnounce;
  bool maintain_request = false;
  bool maintain_grant = false;
  friend bool operator==(const AcknowledgeCancelUnicastTransmissionTlv&,
                         const AcknowledgeCancelUnicastTransmissionTlv&) = default;
};

using UnicastNegotiationTlv =
    std::variant<RequestUnicastTransmissionTlv, GrantUnicastTransmissionTlv,
                 CancelUnicastTransmissionTlv, AcknowledgeCancelUnicastTransmissionTlv>;

constexpr bool is_unicast_negotiation(TlvType type) {
  return type == TlvType::kRequestUnicastTransmission ||
         type == TlvType::kGrantUnicastTransmission ||
         type == TlvType::kCancelUnicastTransmission ||
         type == TlvType::kAcknowledgeCancelUnicastTransmission;
}

// kWrongTlvType for any other TLV; kBadTlvLength unless lengthField is the type's exact size.
// The messageType nibble is carried as is (reserved values included): whether the port can
// serve it is the port's decision, not the codec's. Reserved bits are ignored.
Result<UnicastNegotiationTlv, WireError> decode_unicast_negotiation_tlv(const TlvView& tlv);

Result<void, WireError> append_unicast_negotiation_tlv(TlvWriter& writer,
                                                       const UnicastNegotiationTlv& tlv);

}  // namespace ptp::wire
