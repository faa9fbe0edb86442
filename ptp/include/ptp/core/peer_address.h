// PeerAddress: a peer's transport address, opaque to the core.
#pragma once

#include <array>
#include <cstdint>

namespace ptp {

// A peer's transport address as the driver gave it (IPv4: 4 octets, IPv6: 16). The core never
// interprets it; it only hands it back to reply by unicast, or sends to the addresses of a
// unicast master table.
struct PeerAddress {
  std::array<std::uint8_t, 16> octets{};
  std::uint8_t length = 0;

  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

}  // namespace ptp
