// Finding the network interface to run on: the adapters GetAdaptersAddresses reports, and the
// match of a user's name against them (friendly name, adapter name, description, interface index
// or LUID), with an error that lists what is available when nothing matches. Each adapter carries
// its MAC, from which clock_identity.h derives the PTP clock identity.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/hal/hal_error.h"
#include "ptp/hal/ip_address.h"
#include "ptp/result.h"
#include "ptp/win/win_api.h"

namespace ptp::win {

struct AdapterInfo {
  std::string friendly_name;        // UTF-8; "Ethernet 2" on Windows, the Linux name under Wine
  std::string adapter_name;         // the adapter's GUID string
  std::string description;          // UTF-8; the driver's name for the NIC
  std::uint32_t if_index = 0;       // IPv4 interface index (0: no IPv4)
  std::uint32_t ipv6_if_index = 0;  // IPv6 interface index (0: no IPv6)
  std::uint64_t luid = 0;           // NET_LUID.Value: what IP Helper's timestamp API takes
  bool up = false;                  // OperStatus == IfOperStatusUp
  // PhysicalAddress[0, PhysicalAddressLength): the MAC (6 bytes on Ethernet and Wi-Fi); empty for
  // adapters without one (loopback, most tunnels).
  std::vector<std::uint8_t> physical_address;
  std::vector<hal::IpAddress> ipv4_addresses;
  std::vector<hal::IpAddress> ipv6_addresses;
};

// Every adapter, in the OS's order.
Result<std::vector<AdapterInfo>, hal::HalError> enumerate_adapters(const WinApi& api);

// The adapter `name` designates, tried in this order: exact friendly name, adapter name (GUID),
// description; then case-insensitive (ASCII) friendly name; then a decimal interface index (IPv4
// or IPv6); then a LUID written "luid:<decimal or 0x-hex>". nullptr when none matches.
const AdapterInfo* match_interface(std::span<const AdapterInfo> adapters, std::string_view name);

struct InterfaceLookupError {
  hal::HalError error;
  std::string message;  // for the user: what was asked and which interfaces exist
};

// enumerate_adapters + match_interface. No match: kInvalidArgument with os_code ERROR_NOT_FOUND
// and a message naming every available interface.
Result<AdapterInfo, InterfaceLookupError> find_interface(const WinApi& api, std::string_view name);

// UTF-16 (as IP Helper reports names) to UTF-8; unpaired surrogates become U+FFFD.
std::string utf8_from_utf16(const WCHAR* text);

}  // namespace ptp::win
