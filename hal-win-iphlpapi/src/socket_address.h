// Conversions between the HAL's addresses and Winsock's sockaddr structures (private to the
// transport's sources).
#pragma once

#include <cstdint>

#include "ptp/hal/ip_address.h"
#include "ptp/win/win_types.h"

namespace ptp::win::detail {

struct SocketAddress {
  sockaddr_storage storage{};
  int length = 0;
  [[nodiscard]] const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// `scope_id` is used for IPv6 link-local unicast and multicast (fe80::/10, ff02::/16).
SocketAddress to_socket_address(const hal::IpAddress& address, std::uint16_t port,
                                std::uint32_t scope_id);
// The wildcard address of `family` (INADDR_ANY / in6addr_any) and `port`.
SocketAddress wildcard_address(hal::AddressFamily family, std::uint16_t port);
hal::UdpEndpoint to_endpoint(const sockaddr_storage& storage);

}  // namespace ptp::win::detail
