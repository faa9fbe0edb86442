// Test helper: random but valid PTP messages (every field drawn from its full wire range) with a
// random TLV area, from a seeded generator so failures replay exactly.
#pragma once

#include <cstdint>
#include <random>
#include <span>

#include "ptp/wire/message.h"

namespace ptp::wire::test {

class RandomMessages {
 public:
  explicit RandomMessages(std::uint64_t seed) : rng_(seed) {}

  template <class T>
  T uniform(T low, T high) {
    return static_cast<T>(std::uniform_int_distribution<std::int64_t>(
        static_cast<std::int64_t>(low), static_cast<std::int64_t>(high))(rng_));
  }
  std::uint8_t u8() { return uniform<std::uint8_t>(0, 0xff); }
  std::uint16_t u16() { return uniform<std::uint16_t>(0, 0xffff); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(rng_()); }
  std::uint64_t u64() { return rng_(); }

  Timestamp timestamp() { return Timestamp{u64() & Timestamp::kMaxSeconds, u32()}; }
  ClockIdentity clock_identity() {
    ClockIdentity identity;
    for (auto& octet : identity.octets) octet = u8();
    return identity;
  }
  PortIdentity port_identity() { return PortIdentity{clock_identity(), u16()}; }
  ClockQuality clock_quality() {
    return ClockQuality{u8(), static_cast<ClockAccuracy>(u8()), u16()};
  }

  Header header() {
    Header header;
    header.major_sdo_id = uniform<std::uint8_t>(0, 15);
    header.minor_version_ptp = uniform<std::uint8_t>(0, 1);
    header.domain_number = u8();
    header.minor_sdo_id = u8();
    header.flags = HeaderFlags(u16());
    header.correction_field = TimeInterval::from_scaled(static_cast<std::int64_t>(u64()));
    header.message_type_specific = u32();
    header.source_port_identity = port_identity();
    header.sequence_id = u16();
    header.control_field = u8();
    header.log_message_interval = static_cast<std::int8_t>(u8());
    return header;
  }

  MessageBody body(MessageType type) {
    switch (type) {
      case MessageType::kSync: return Sync{timestamp()};
      case MessageType::kDelayReq: return DelayReq{timestamp()};
      case MessageType::kPdelayReq: return PdelayReq{timestamp()};
      case MessageType::kPdelayResp: return PdelayResp{timestamp(), port_identity()};
      case MessageType::kFollowUp: return FollowUp{timestamp()};
      case MessageType::kDelayResp: return DelayResp{timestamp(), port_identity()};
      case MessageType::kPdelayRespFollowUp:
        return PdelayRespFollowUp{timestamp(), port_identity()};
      case MessageType::kAnnounce: {
        Announce announce;
        announce.origin_timestamp = timestamp();
        announce.current_utc_offset = static_cast<std::int16_t>(u16());
        announce.grandmaster_priority1 = u8();
        announce.grandmaster_clock_quality = clock_quality();
        announce.grandmaster_priority2 = u8();
        announce.grandmaster_identity = clock_identity();
        announce.steps_removed = u16();
        announce.time_source = static_cast<TimeSource>(u8());
        return announce;
      }
      case MessageType::kSignaling: return Signaling{port_identity()};
      case MessageType::kManagement: {
        Management management;
        management.target_port_identity = port_identity();
        management.starting_boundary_hops = u8();
        management.boundary_hops = u8();
        management.action = static_cast<ManagementAction>(uniform<std::uint8_t>(0, 15));
        return management;
      }
    }
    return Sync{};
  }

  // Up to four TLVs of random types and lengths written into `storage`.
  std::span<const std::byte> tlv_area(std::span<std::byte> storage) {
    TlvWriter writer(storage);
    const int count = uniform(0, 4);
    for (int i = 0; i < count; ++i) {
      std::array<std::byte, 64> value{};
      const auto length = uniform<std::size_t>(0, value.size());
      for (std::size_t j = 0; j < length; ++j) value[j] = static_cast<std::byte>(u8());
      if (!writer.append(static_cast<TlvType>(u16()), std::span(value).first(length))) break;
    }
    return writer.written();
  }

  static constexpr MessageType kAllTypes[] = {MessageType::kSync,
                                              MessageType::kDelayReq,
                                              MessageType::kPdelayReq,
                                              MessageType::kPdelayResp,
                                              MessageType::kFollowUp,
                                              MessageType::kDelayResp,
                                              MessageType::kPdelayRespFollowUp,
                                              MessageType::kAnnounce,
                                              MessageType::kSignaling,
                                              MessageType::kManagement};

  // A random message of the given type; its TLVs live in `tlv_storage`.
  Message message(MessageType type, std::span<std::byte> tlv_storage) {
    Message message{header(), body(type), tlv_area(tlv_storage)};
    message.header.message_type = type;
    message.header.message_length =
        static_cast<std::uint16_t>(fixed_message_length(type) + message.tlvs.size());
    return message;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace ptp::wire::test
