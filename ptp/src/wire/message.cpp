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

void load_body(MessageType type, const std::byte* p, MessageBody& body) {
  switch (type) {
    case MessageType::kSync: body.emplace<Sync>(detail::decode_sync(p)); return;
    case MessageType::kDelayReq: body.emplace<DelayReq>(detail::decode_delay_req(p)); return;
    case MessageType::kPdelayReq: body.emplace<PdelayReq>(detail::decode_pdelay_req(p)); return;
    case MessageType::kPdelayResp: body.emplace<PdelayResp>(detail::decode_pdelay_resp(p)); return;
    case MessageType::kFollowUp: body.emplace<FollowUp>(detail::decode_follow_up(p)); return;
    case MessageType::kDelayResp: body.emplace<DelayResp>(detail::decode_delay_resp(p)); return;
    case MessageType::kPdelayRespFollowUp:
      body.emplace<PdelayRespFollowUp>(detail::decode_pdelay_resp_follow_up(p));
      return;
    case MessageType::kAnnounce: body.emplace<Announce>(detail::decode_announce(p)); return;
    case MessageType::kSignaling: body.emplace<Signaling>(detail::decode_signaling(p)); return;
    case MessageType::kManagement: body.emplace<Management>(detail::decode_management(p)); return;
  }
}

}  // namespace

MessageType message_type_of(const MessageBody& body) { return kTypeOfAlternative[body.index()]; }

bool operator==(const Message& a, const Message& b) {
  return a.header == b.header && a.body == b.body && std::ranges::equal(a.tlvs, b.tlvs);
}

Result<Message, WireError> decode_message(std::span<const std::byte> bytes) {
  // One result object, returned from every path, so it is built in the caller's slot (NRVO):
  // assembling a Message elsewhere and block-copying it in costs more than the decoding itself.
  Result<Message, WireError> result{Message{}};
  MessageType type{};
  if (const auto error = detail::validate_header(bytes, type)) {
    result = unexpected(*error);
    return result;
  }
  const std::size_t fixed = fixed_message_length(type);
  const std::span<const std::byte> tlvs =
      bytes.subspan(fixed, std::size_t{load_u16(bytes.data() + 2)} - fixed);
  if (auto valid = validate_tlv_area(tlvs); !valid) {
    result = unexpected(valid.error());
    return result;
  }
  Message& message = *result;
  detail::load_header(bytes.data(), type, message.header);
  load_body(type, bytes.data() + kHeaderSize, message.body);
  message.tlvs = tlvs;
  return result;
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
