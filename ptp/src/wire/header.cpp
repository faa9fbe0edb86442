// Decoding and encoding of the common message header (IEEE 1588-2019 13.3).
#include "ptp/wire/header.h"

#include "body_codec.h"
#include "ptp/wire/byte_order.h"
#include "ptp/wire/fields.h"

namespace ptp::wire {

std::optional<MessageType> message_type_from_nibble(std::uint8_t nibble) {
  switch (nibble) {
    case 0x0:
    case 0x1:
    case 0x2:
    case 0x3:
    case 0x8:
    case 0x9:
    case 0xA:
    case 0xB:
    case 0xC:
    case 0xD: return static_cast<MessageType>(nibble);
    default: return std::nullopt;
  }
}

std::size_t fixed_message_length(MessageType type) {
  switch (type) {
    case MessageType::kSync:
    case MessageType::kDelayReq:
    case MessageType::kFollowUp:
    case MessageType::kSignaling: return 44;
    case MessageType::kPdelayReq:
    case MessageType::kPdelayResp:
    case MessageType::kDelayResp:
    case MessageType::kPdelayRespFollowUp: return 54;
    case MessageType::kAnnounce: return 64;
    case MessageType::kManagement: return 48;
  }
  return kHeaderSize;
}

std::uint8_t default_control_field(MessageType type) {
  switch (type) {
    case MessageType::kSync: return 0x00;
    case MessageType::kDelayReq: return 0x01;
    case MessageType::kFollowUp: return 0x02;
    case MessageType::kDelayResp: return 0x03;
    case MessageType::kManagement: return 0x04;
    default: return 0x05;
  }
}

namespace detail {

std::optional<WireError> validate_header(std::span<const std::byte> bytes, MessageType& type) {
  if (bytes.size() < kHeaderSize) return WireError::kTruncated;
  const std::byte* p = bytes.data();
  const std::uint8_t octet1 = load_u8(p + 1);
  if ((octet1 & 0x0FU) != kVersionPtp || (octet1 >> 4U) > 1) return WireError::kBadVersion;
  const auto decoded_type = message_type_from_nibble(load_u8(p) & 0x0FU);
  if (!decoded_type) return WireError::kUnknownMessageType;
  const std::size_t length = load_u16(p + 2);
  if (length < fixed_message_length(*decoded_type)) return WireError::kLengthMismatch;
  if (length > bytes.size()) return WireError::kTruncated;
  type = *decoded_type;
  return std::nullopt;
}

void load_header(const std::byte* p, MessageType type, Header& header) {
  const std::uint8_t octet0 = load_u8(p);
  const std::uint8_t octet1 = load_u8(p + 1);
  header.major_sdo_id = static_cast<std::uint8_t>(octet0 >> 4U);
  header.message_type = type;
  header.minor_version_ptp = static_cast<std::uint8_t>(octet1 >> 4U);
  header.version_ptp = octet1 & 0x0FU;
  header.message_length = load_u16(p + 2);
  header.domain_number = load_u8(p + 4);
  header.minor_sdo_id = load_u8(p + 5);
  header.flags = HeaderFlags(load_u16(p + 6));
  header.correction_field = load_time_interval(p + 8);
  header.message_type_specific = load_u32(p + 16);
  header.source_port_identity = load_port_identity(p + 20);
  header.sequence_id = load_u16(p + 30);
  header.control_field = load_u8(p + 32);
  header.log_message_interval = static_cast<std::int8_t>(load_u8(p + 33));
}

}  // namespace detail

Result<Header, WireError> decode_header(std::span<const std::byte> bytes) {
  // One result object returned from every path, filled in place (see decode_message).
  Result<Header, WireError> result{Header{}};
  MessageType type{};
  if (const auto error = detail::validate_header(bytes, type)) {
    result = unexpected(*error);
    return result;
  }
  detail::load_header(bytes.data(), type, *result);
  return result;
}

Result<void, WireError> encode_header(const Header& header, MessageType type,
                                      std::uint16_t message_length, std::span<std::byte> out) {
  if (out.size() < kHeaderSize) return unexpected(WireError::kBufferTooSmall);
  if (header.major_sdo_id > 0x0F || header.version_ptp > 0x0F || header.minor_version_ptp > 0x0F) {
    return unexpected(WireError::kValueOutOfRange);
  }
  std::byte* p = out.data();
  store_u8(p, static_cast<std::uint8_t>((static_cast<unsigned>(header.major_sdo_id) << 4U) |
                                        static_cast<unsigned>(type)));
  store_u8(p + 1,
           static_cast<std::uint8_t>((static_cast<unsigned>(header.minor_version_ptp) << 4U) |
                                     header.version_ptp));
  store_u16(p + 2, message_length);
  store_u8(p + 4, header.domain_number);
  store_u8(p + 5, header.minor_sdo_id);
  store_u16(p + 6, header.flags.bits());
  store_time_interval(p + 8, header.correction_field);
  store_u32(p + 16, header.message_type_specific);
  store_port_identity(p + 20, header.source_port_identity);
  store_u16(p + 30, header.sequence_id);
  store_u8(p + 32, header.control_field);
  store_u8(p + 33, static_cast<std::uint8_t>(header.log_message_interval));
  return {};
}

}  // namespace ptp::wire
