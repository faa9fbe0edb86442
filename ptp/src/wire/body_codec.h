// Private to the codec: per-message-type body decoders and encoders. Each works on a pointer just
// past the header; message.cpp has already checked that the message's fixed length is present
// (decode) or that the output buffer has room for it (encode).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "ptp/result.h"
#include "ptp/wire/header.h"
#include "ptp/wire/message_bodies.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire::detail {

// The header checks shared by decode_header and decode_message: on success, the message type.
std::optional<WireError> validate_header(std::span<const std::byte> bytes, MessageType& type);
// Fills `header` from 34 validated octets.
void load_header(const std::byte* p, MessageType type, Header& header);

Sync decode_sync(const std::byte* p);
DelayReq decode_delay_req(const std::byte* p);
FollowUp decode_follow_up(const std::byte* p);
DelayResp decode_delay_resp(const std::byte* p);
PdelayReq decode_pdelay_req(const std::byte* p);
PdelayResp decode_pdelay_resp(const std::byte* p);
PdelayRespFollowUp decode_pdelay_resp_follow_up(const std::byte* p);
Announce decode_announce(const std::byte* p);
Signaling decode_signaling(const std::byte* p);
Management decode_management(const std::byte* p);

// Encoders write every octet of the fixed body, reserved octets as zero.
Result<void, WireError> encode_body(const Sync& body, std::byte* p);
Result<void, WireError> encode_body(const DelayReq& body, std::byte* p);
Result<void, WireError> encode_body(const FollowUp& body, std::byte* p);
Result<void, WireError> encode_body(const DelayResp& body, std::byte* p);
Result<void, WireError> encode_body(const PdelayReq& body, std::byte* p);
Result<void, WireError> encode_body(const PdelayResp& body, std::byte* p);
Result<void, WireError> encode_body(const PdelayRespFollowUp& body, std::byte* p);
Result<void, WireError> encode_body(const Announce& body, std::byte* p);
Result<void, WireError> encode_body(const Signaling& body, std::byte* p);
Result<void, WireError> encode_body(const Management& body, std::byte* p);

// Shared check: a Timestamp's seconds must fit the 48-bit wire field.
inline Result<void, WireError> check_encodable(const Timestamp& timestamp) {
  if (timestamp.seconds > Timestamp::kMaxSeconds) return unexpected(WireError::kValueOutOfRange);
  return {};
}

}  // namespace ptp::wire::detail
