// Wire layouts of the composite field types shared by several messages and TLVs:
// Timestamp (10 octets), PortIdentity (10), ClockIdentity (8), ClockQuality (4), TimeInterval (8).
#pragma once

#include <cstddef>

#include "ptp/identity.h"
#include "ptp/time_interval.h"
#include "ptp/timestamp.h"

namespace ptp::wire {

inline constexpr std::size_t kTimestampSize = 10;
inline constexpr std::size_t kClockIdentitySize = 8;
inline constexpr std::size_t kPortIdentitySize = 10;
inline constexpr std::size_t kClockQualitySize = 4;
inline constexpr std::size_t kTimeIntervalSize = 8;

Timestamp load_timestamp(const std::byte* p);
ClockIdentity load_clock_identity(const std::byte* p);
PortIdentity load_port_identity(const std::byte* p);
ClockQuality load_clock_quality(const std::byte* p);
TimeInterval load_time_interval(const std::byte* p);

// Precondition: timestamp.seconds fits 48 bits (encoders check with Timestamp::is_valid()
// or seconds <= kMaxSeconds before calling).
void store_timestamp(std::byte* p, const Timestamp& timestamp);
void store_clock_identity(std::byte* p, const ClockIdentity& identity);
void store_port_identity(std::byte* p, const PortIdentity& identity);
void store_clock_quality(std::byte* p, const ClockQuality& quality);
void store_time_interval(std::byte* p, TimeInterval interval);

}  // namespace ptp::wire
