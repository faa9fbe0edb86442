// The codec's entry points: dispatch on messageType to the body codecs, and bound the TLV area.
#include "ptp/wire/message.h"

#include <algorithm>
#include <cstring>

#include "body_codec.h"

namespace ptp::wire {

namespace {

// The MessageBody alternative for each MessageType, in the variant's order.
constexpr MessageType kTypeOfAlternative[] = {
    MessageType::kSync,
    MessageType::kDelayReq,
    MessageType::kPdelayReq,
    MessageType::kPdelayResp,
    MessageType::kFollowUp,
    MessageType::kDelayResp,
    MessageType::kPdelayRespFollowUp,
    MessageType::kAnnounce,
    MessageType::kSignaling,
    MessageType::kManagement,
};
static_assert(std::size(kTypeOfAlternative) == std::variant_size_v<MessageBody>);

MessageBody decode_body(MessageType type, const std::byte* p) {
  switch (type) {
    case MessageType::kSync: return detail::decode_sync(p);
    case MessageType::kDelayReq: return detail::decode_delay_req(p);
    case MessageType::kPdelayReq: return detail::decode_pdelay_req(p);
    case MessageType::kPdelayResp: return detail::decode_pdelay_resp(p);
    case MessageType::kFollowUp: return detail::decode_follow_up(p);
    case MessageType::kDelayResp: return detail::decode_delay_resp(p);
    case MessageType::kPdelayRespFollowUp: return detail::decode_pdelay_resp_follow_up(p);
    case MessageType::kAnnounce: return detail::decode_announce(p);
    case MessageType::kSignaling: return detail::decode_signaling(p);
    case MessageType::kManagement: return detail::decode_management(p);
  }
  return detail::decode_sync(p);  // unreachable: decode_header rejects reserved types
}

}  // namespace

MessageType message_type_of(const MessageBody& body) { return kTypeOfAlternative[body.index()]; }

bool operator==(const Message& a, const Message& b) {
  return a.header == b.header && a.body == b.body && std::ranges::equal(a.tlvs, b.tlvs);
}

Result<Message, WireError> decode_message(std::span<const std::byte> bytes) {
  auto header = decode_header(bytes);
  if (!header) return unexpected(header.error());
  const std::size_t fixed = fixed_message_length(header->message_type);
  const std::span<const std::byte> tlvs = bytes.subspan(fixed, header->message_length - fixed);
  if (auto valid = validate_tlv_area(tlvs); !valid) return unexpected(valid.error());
  return Message{*header, decode_body(header->message_type, bytes.data() + kHeaderSize), tlvs};
}

Result<std::size_t, WireError> encode_message(const Message& message, std::span<std::byte> out) {
  const MessageType type = message.type();
  const std::size_t fixed = fixed_message_length(type);
  const std::size_t total = fixed + message.tlvs.size();
  if (total > kMaxMessageLength) return unexpected(WireError::kMessageTooLong);
  if (out.size() < total) return unexpected(WireError::kBufferTooSmall);
  if (auto valid = validate_tlv_area(message.tlvs); !valid) return unexpected(valid.error());
  if (auto ok = encode_header(message.header, type, static_cast<std::uint16_t>(total), out); !ok) {
    return unexpected(ok.error());
  }
  auto body_ok = std::visit(
      [&](const auto& body) { return detail::encode_body(body, out.data() + kHeaderSize); },
      message.body);
  if (!body_ok) return unexpected(body_ok.error());
  if (!message.tlvs.empty()) {
    std::memmove(out.data() + fixed, message.tlvs.data(), message.tlvs.size());
  }
  return total;
}

}  // namespace ptp::wire
