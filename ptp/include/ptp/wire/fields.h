// Wire layouts of the composite field types shared by several messages and TLVs:
// Timestamp (10 octets), PortIdentity (10), ClockIdentity (8), ClockQuality (4), TimeInterval (8).
#pragma once

#include <cstddef>
#include <cstring>

#include "ptp/identity.h"
#include "ptp/time_interval.h"
#include "ptp/timestamp.h"
#include "ptp/wire/byte_order.h"

namespace ptp::wire {

inline constexpr std::size_t kTimestampSize = 10;
inline constexpr std::size_t kClockIdentitySize = 8;
inline constexpr std::size_t kPortIdentitySize = 10;
inline constexpr std::size_t kClockQualitySize = 4;
inline constexpr std::size_t kTimeIntervalSize = 8;

// Inline: the body decoders call these once per field on the per-packet path.
// store_timestamp's precondition: timestamp.seconds fits 48 bits (encoders check first).

inline Timestamp load_timestamp(const std::byte* p) {
  return Timestamp{load_u48(p), load_u32(p + 6)};
}

inline ClockIdentity load_clock_identity(const std::byte* p) {
  ClockIdentity identity;
  std::memcpy(identity.octets.data(), p, kClockIdentitySize);
  return identity;
}

inline PortIdentity load_port_identity(const std::byte* p) {
  return PortIdentity{load_clock_identity(p), load_u16(p + kClockIdentitySize)};
}

inline ClockQuality load_clock_quality(const std::byte* p) {
  return ClockQuality{load_u8(p), static_cast<ClockAccuracy>(load_u8(p + 1)), load_u16(p + 2)};
}

inline TimeInterval load_time_interval(const std::byte* p) {
  return TimeInterval::from_scaled(static_cast<std::int64_t>(load_u64(p)));
}

inline void store_timestamp(std::byte* p, const Timestamp& timestamp) {
  store_u48(p, timestamp.seconds);
  store_u32(p + 6, timestamp.nanoseconds);
}

inline void store_clock_identity(std::byte* p, const ClockIdentity& identity) {
  std::memcpy(p, identity.octets.data(), kClockIdentitySize);
}

inline void store_port_identity(std::byte* p, const PortIdentity& identity) {
  store_clock_identity(p, identity.clock_identity);
  store_u16(p + kClockIdentitySize, identity.port_number);
}

inline void store_clock_quality(std::byte* p, const ClockQuality& quality) {
  store_u8(p, quality.clock_class);
  store_u8(p + 1, static_cast<std::uint8_t>(quality.clock_accuracy));
  store_u16(p + 2, quality.offset_scaled_log_variance);
}

inline void store_time_interval(std::byte* p, TimeInterval interval) {
  store_u64(p, static_cast<std::uint64_t>(interval.scaled()));
}

}  // namespace ptp::wire
