// The simulated nodes' addresses, derived from their index so that scenarios can name them.
#include <cstdint>

#include "ptp/ptpsim/scenario.h"

namespace ptp::ptpsim {

hal::IpAddress node_address(std::size_t node_index, hal::AddressFamily family) {
  const auto n = static_cast<std::uint32_t>(node_index + 1);
  const auto b2 = static_cast<std::uint8_t>(n >> 16U);
  const auto b1 = static_cast<std::uint8_t>(n >> 8U);
  const auto b0 = static_cast<std::uint8_t>(n);
  if (family == hal::AddressFamily::kIpv4) return hal::IpAddress::v4(10, b2, b1, b0);
  return hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b2, b1, b0});
}

hal::AddressFamily node_family(const NodeModel& node) {
  return node.options.port.network_transport.value == app::NetworkTransport::kUdpV6
             ? hal::AddressFamily::kIpv6
             : hal::AddressFamily::kIpv4;
}

}  // namespace ptp::ptpsim
