// ClockIdentity, PortIdentity and ClockQuality: the identity and quality value types of
// IEEE 1588-2019 clause 5.3 and 7.5.2.
#pragma once

#include <array>
#include <compare>
#include <cstdint>

namespace ptp {

struct ClockIdentity {
  std::array<std::uint8_t, 8> octets{};

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(const ClockIdentity&, const ClockIdentity&) = default;
};

struct PortIdentity {
  ClockIdentity clock_identity;
  std::uint16_t port_number = 0;

  // 1588-2019 7.5.2.4: port number 0xFFFF addresses all ports.
  static constexpr std::uint16_t kAllPorts = 0xFFFF;

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(const PortIdentity&, const PortIdentity&) = default;
};

// 1588-2019 Table 5 (clockAccuracy enumeration); values not listed are reserved or profile-defined.
enum class ClockAccuracy : std::uint8_t {
  kWithin1ps = 0x17,
  kWithin2_5ps = 0x18,
  kWithin10ps = 0x19,
  kWithin25ps = 0x1A,
  kWithin100ps = 0x1B,
  kWithin250ps = 0x1C,
  kWithin1ns = 0x1D,
  kWithin2_5ns = 0x1E,
  kWithin10ns = 0x1F,
  kWithin25ns = 0x20,
  kWithin100ns = 0x21,
  kWithin250ns = 0x22,
  kWithin1us = 0x23,
  kWithin2_5us = 0x24,
  kWithin10us = 0x25,
  kWithin25us = 0x26,
  kWithin100us = 0x27,
  kWithin250us = 0x28,
  kWithin1ms = 0x29,
  kWithin2_5ms = 0x2A,
  kWithin10ms = 0x2B,
  kWithin25ms = 0x2C,
  kWithin100ms = 0x2D,
  kWithin250ms = 0x2E,
  kWithin1s = 0x2F,
  kWithin10s = 0x30,
  kGreaterThan10s = 0x31,
  kUnknown = 0xFE,
};

struct ClockQuality {
  std::uint8_t clock_class = 248;  // 1588-2019 7.6.2.5: default for an ordinary clock
  ClockAccuracy clock_accuracy = ClockAccuracy::kUnknown;
  std::uint16_t offset_scaled_log_variance = 0xFFFF;

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(const ClockQuality&, const ClockQuality&) = default;
};

// 1588-2019 Table 6 (timeSource enumeration).
enum class TimeSource : std::uint8_t {
  kAtomicClock = 0x10,
  kGnss = 0x20,
  kTerrestrialRadio = 0x30,
  kSerialTimeCode = 0x39,
  kPtp = 0x40,
  kNtp = 0x50,
  kHandSet = 0x60,
  kOther = 0x90,
  kInternalOscillator = 0xA0,
};

}  // namespace ptp
