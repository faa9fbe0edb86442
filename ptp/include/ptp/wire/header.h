// The common header of every PTP message (IEEE 1588-2019 13.3): 34 octets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/time_interval.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

inline constexpr std::size_t kHeaderSize = 34;
inline constexpr std::uint8_t kVersionPtp = 2;
inline constexpr std::uint8_t kDefaultMinorVersionPtp = 1;  // 1588-2019

// 1588-2019 Table 36. Values not listed are reserved and rejected by the decoder.
enum class MessageType : std::uint8_t {
  kSync = 0x0,
  kDelayReq = 0x1,
  kPdelayReq = 0x2,
  kPdelayResp = 0x3,
  kFollowUp = 0x8,
  kDelayResp = 0x9,
  kPdelayRespFollowUp = 0xA,
  kAnnounce = 0xB,
  kSignaling = 0xC,
  kManagement = 0xD,
};

// Event messages are timestamped and go to UDP port 319; general messages go to port 320.
constexpr bool is_event_message(MessageType type) { return static_cast<std::uint8_t>(type) < 0x8; }

// The messageType value if it names a message type, std::nullopt if it is reserved.
std::optional<MessageType> message_type_from_nibble(std::uint8_t nibble);

// Octets of the message type's fixed part, header included (1588-2019 clause 13).
std::size_t fixed_message_length(MessageType type);

// 1588-2019 Table 42: the deprecated controlField, still set for 1588-2008 receivers.
std::uint8_t default_control_field(MessageType type);

// flagField (1588-2019 Table 37). Bits without a name here are kept as they came.
class HeaderFlags {
 public:
  // Octet 0 occupies the high byte of bits().
  static constexpr std::uint16_t kAlternateMaster = 0x0100;
  static constexpr std::uint16_t kTwoStep = 0x0200;
  static constexpr std::uint16_t kUnicast = 0x0400;
  static constexpr std::uint16_t kProfileSpecific1 = 0x2000;
  static constexpr std::uint16_t kProfileSpecific2 = 0x4000;
  // Octet 1.
  static constexpr std::uint16_t kLeap61 = 0x0001;
  static constexpr std::uint16_t kLeap59 = 0x0002;
  static constexpr std::uint16_t kCurrentUtcOffsetValid = 0x0004;
  static constexpr std::uint16_t kPtpTimescale = 0x0008;
  static constexpr std::uint16_t kTimeTraceable = 0x0010;
  static constexpr std::uint16_t kFrequencyTraceable = 0x0020;
  static constexpr std::uint16_t kSynchronizationUncertain = 0x0040;

  constexpr HeaderFlags() = default;
  constexpr explicit HeaderFlags(std::uint16_t bits) : bits_(bits) {}

  [[nodiscard]] constexpr std::uint16_t bits() const { return bits_; }
  [[nodiscard]] constexpr bool test(std::uint16_t flag) const { return (bits_ & flag) == flag; }
  constexpr HeaderFlags& set(std::uint16_t flag, bool on = true) {
    bits_ = static_cast<std::uint16_t>(on ? (bits_ | flag) : (bits_ & ~flag));
    return *this;
  }

  [[nodiscard]] constexpr bool alternate_master() const { return test(kAlternateMaster); }
  [[nodiscard]] constexpr bool two_step() const { return test(kTwoStep); }
  [[nodiscard]] constexpr bool unicast() const { return test(kUnicast); }
  [[nodiscard]] constexpr bool profile_specific_1() const { return test(kProfileSpecific1); }
  [[nodiscard]] constexpr bool profile_specific_2() const { return test(kProfileSpecific2); }
  [[nodiscard]] constexpr bool leap61() const { return test(kLeap61); }
  [[nodiscard]] constexpr bool leap59() const { return test(kLeap59); }
  [[nodiscard]] constexpr bool current_utc_offset_valid() const {
    return test(kCurrentUtcOffsetValid);
  }
  [[nodiscard]] constexpr bool ptp_timescale() const { return test(kPtpTimescale); }
  [[nodiscard]] constexpr bool time_traceable() const { return test(kTimeTraceable); }
  [[nodiscard]] constexpr bool frequency_traceable() const { return test(kFrequencyTraceable); }
  [[nodiscard]] constexpr bool synchronization_uncertain() const {
    return test(kSynchronizationUncertain);
  }

  friend constexpr bool operator==(HeaderFlags, HeaderFlags) = default;

 private:
  std::uint16_t bits_ = 0;
};

struct Header {
  std::uint8_t major_sdo_id = 0;  // transportSpecific in 1588-2008; 4 bits
  MessageType message_type = MessageType::kSync;
  std::uint8_t minor_version_ptp = kDefaultMinorVersionPtp;  // 4 bits
  std::uint8_t version_ptp = kVersionPtp;                    // 4 bits
  std::uint16_t message_length = 0;  // filled by the decoder; computed by the encoder
  std::uint8_t domain_number = 0;
  std::uint8_t minor_sdo_id = 0;
  HeaderFlags flags;
  TimeInterval correction_field;
  std::uint32_t message_type_specific = 0;
  PortIdentity source_port_identity;
  std::uint16_t sequence_id = 0;
  std::uint8_t control_field = 0;
  std::int8_t log_message_interval = 0;

  friend bool operator==(const Header&, const Header&) = default;
};

// Decodes and validates the header at the start of `bytes`: length, version, message type, and
// messageLength against both the buffer and the message type's fixed length. Octets past
// messageLength are not part of the message and are ignored.
Result<Header, WireError> decode_header(std::span<const std::byte> bytes);

// Writes the header's 34 octets with the given messageType and messageLength (the header's own
// message_type and message_length fields are not consulted). Precondition: out.size() >= 34.
// Fails with kValueOutOfRange when a 4-bit field holds a larger value.
Result<void, WireError> encode_header(const Header& header, MessageType type,
                                      std::uint16_t message_length, std::span<std::byte> out);

}  // namespace ptp::wire
