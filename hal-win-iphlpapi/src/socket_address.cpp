// hal::IpAddress <-> sockaddr_in / sockaddr_in6.
#include "socket_address.h"

#include <array>
#include <cstring>

namespace ptp::win::detail {

SocketAddress to_socket_address(const hal::IpAddress& address, std::uint16_t port,
                                std::uint32_t scope_id) {
  SocketAddress result;
  if (address.family() == hal::AddressFamily::kIpv4) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    std::memcpy(&v4.sin_addr, address.octets().data(), 4);
    std::memcpy(&result.storage, &v4, sizeof(v4));
    result.length = sizeof(v4);
  } else {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    std::memcpy(&v6.sin6_addr, address.octets().data(), 16);
    const auto& o = address.octets();
    const bool link_local =
        (o[0] == 0xFE && (o[1] & 0xC0U) == 0x80U) || (o[0] == 0xFF && (o[1] & 0x0FU) == 0x02U);
    if (link_local) v6.sin6_scope_id = scope_id;
    std::memcpy(&result.storage, &v6, sizeof(v6));
    result.length = sizeof(v6);
  }
  return result;
}

SocketAddress wildcard_address(hal::AddressFamily family, std::uint16_t port) {
  const hal::IpAddress any =
      family == hal::AddressFamily::kIpv4 ? hal::IpAddress::v4(0, 0, 0, 0) : hal::IpAddress::v6({});
  return to_socket_address(any, port, 0);
}

hal::UdpEndpoint to_endpoint(const sockaddr_storage& storage) {
  hal::UdpEndpoint endpoint;
  if (storage.ss_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &storage, sizeof(v4));
    std::array<std::uint8_t, 4> o{};
    std::memcpy(o.data(), &v4.sin_addr, 4);
    endpoint.address = hal::IpAddress::v4(o[0], o[1], o[2], o[3]);
    endpoint.port = ntohs(v4.sin_port);
  } else if (storage.ss_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, &storage, sizeof(v6));
    std::array<std::uint8_t, 16> o{};
    std::memcpy(o.data(), &v6.sin6_addr, 16);
    endpoint.address = hal::IpAddress::v6(o);
    endpoint.port = ntohs(v6.sin6_port);
  }
  return endpoint;
}

}  // namespace ptp::win::detail
