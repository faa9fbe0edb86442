// IP addresses and the PTP-over-UDP endpoints (IEEE 1588-2019 Annex C and D): ports 319 (event)
// and 320 (general), and the multicast groups of the default and peer-delay messages.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ptp/core/peer_address.h"
#include "ptp/hal/timestamp_capabilities.h"

namespace ptp::hal {

class IpAddress {
 public:
  constexpr IpAddress() = default;
  static constexpr IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress address;
    address.family_ = AddressFamily::kIpv4;
    address.octets_ = {a, b, c, d};
    return address;
  }
  static constexpr IpAddress v6(const std::array<std::uint8_t, 16>& octets) {
    IpAddress address;
    address.family_ = AddressFamily::kIpv6;
    address.octets_ = octets;
    return address;
  }
  // Dotted-quad IPv4 or RFC 4291 text IPv6 ("::" compression allowed; no zone, no embedded IPv4).
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] constexpr AddressFamily family() const { return family_; }
  // 4 octets used for IPv4, 16 for IPv6.
  [[nodiscard]] constexpr const std::array<std::uint8_t, 16>& octets() const { return octets_; }
  [[nodiscard]] constexpr bool is_multicast() const {
    return family_ == AddressFamily::kIpv4 ? (octets_[0] & 0xF0U) == 0xE0U : octets_[0] == 0xFF;
  }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  AddressFamily family_ = AddressFamily::kIpv4;
  std::array<std::uint8_t, 16> octets_{};
};

enum class PtpUdpPort : std::uint16_t { kEvent = 319, kGeneral = 320 };

struct UdpEndpoint {
  IpAddress address;
  std::uint16_t port = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(const UdpEndpoint&, const UdpEndpoint&) = default;
};

// 224.0.1.129: all PTP messages but the peer-delay ones (Annex C).
inline constexpr IpAddress kPtpPrimaryIpv4 = IpAddress::v4(224, 0, 1, 129);
// 224.0.0.107: peer-delay messages (Annex C).
inline constexpr IpAddress kPtpPdelayIpv4 = IpAddress::v4(224, 0, 0, 107);
// FF0X::181 with scope X; ptp4l's default scope is 0xE (global) (Annex D).
inline constexpr IpAddress kPtpPrimaryIpv6 =
    IpAddress::v6({0xFF, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x81});
// FF02::6B: peer-delay messages, link-local scope (Annex D).
inline constexpr IpAddress kPtpPdelayIpv6 =
    IpAddress::v6({0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x6B});

// The PTP primary multicast group of `family`.
constexpr IpAddress ptp_primary_multicast(AddressFamily family) {
  return family == AddressFamily::kIpv4 ? kPtpPrimaryIpv4 : kPtpPrimaryIpv6;
}

// The PTP peer-delay multicast group of `family`.
constexpr IpAddress ptp_pdelay_multicast(AddressFamily family) {
  return family == AddressFamily::kIpv4 ? kPtpPdelayIpv4 : kPtpPdelayIpv6;
}

// The core's opaque PeerAddress of an IP address (4 octets for IPv4, 16 for IPv6), and back.
PeerAddress to_peer_address(const IpAddress& address);
IpAddress to_ip_address(const PeerAddress& peer);

// The address as text, for log lines: dotted quad, or IPv6 as RFC 5952 writes it (lower-case
// hex, the longest run of two or more zero groups, the first of equals, as "::").
std::string to_string(const IpAddress& address);

}  // namespace ptp::hal
