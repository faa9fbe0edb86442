// A whole PTP message: header, the fixed body of its type, and its TLV area; and the two entry
// points of the codec. Neither direction allocates: decoded TLVs are views into the input, and
// encoding writes into the caller's buffer.
#pragma once

#include <cstddef>
#include <span>
#include <variant>

#include "ptp/result.h"
#include "ptp/wire/header.h"
#include "ptp/wire/message_bodies.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

using MessageBody = std::variant<Sync, DelayReq, PdelayReq, PdelayResp, FollowUp, DelayResp,
                                 PdelayRespFollowUp, Announce, Signaling, Management>;

MessageType message_type_of(const MessageBody& body);

struct Message {
  Header header;
  MessageBody body;
  // The octets between the fixed body and messageLength: validated TLVs (and any trailing
  // padding shorter than a TLV header), kept verbatim so re-encoding loses nothing.
  std::span<const std::byte> tlvs;

  [[nodiscard]] MessageType type() const { return message_type_of(body); }
  [[nodiscard]] TlvList tlv_list() const { return TlvList(tlvs); }

  friend bool operator==(const Message& a, const Message& b);
};

// Largest messageLength the 16-bit field can express.
inline constexpr std::size_t kMaxMessageLength = 0xFFFF;

// Decodes and validates one message from the start of `bytes` (which may extend past it).
Result<Message, WireError> decode_message(std::span<const std::byte> bytes);

// Encodes `message` into `out` and returns the number of octets written. messageType and
// messageLength come from the body and the TLV area; the header's own copies are ignored.
// `message.tlvs` must be a valid TLV area (kBadTlvLength otherwise).
Result<std::size_t, WireError> encode_message(const Message& message, std::span<std::byte> out);

}  // namespace ptp::wire
