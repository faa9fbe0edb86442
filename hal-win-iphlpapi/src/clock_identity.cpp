// Clock identity from a MAC address (EUI-48 -> EUI-64 by inserting FF FE, or an EUI-64 as is).
#include "ptp/win/clock_identity.h"

#include <algorithm>
#include <cstddef>

namespace ptp::win {

namespace {

constexpr std::size_t kEui48Length = 6;
constexpr std::size_t kEui64Length = 8;

}  // namespace

Result<ClockIdentity, hal::HalError> clock_identity_from_mac(
    std::span<const std::uint8_t> address) {
  const bool all_zero =
      std::all_of(address.begin(), address.end(), [](std::uint8_t octet) { return octet == 0; });
  if (all_zero || (address.size() != kEui48Length && address.size() != kEui64Length)) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  ClockIdentity identity;
  if (address.size() == kEui64Length) {
    std::copy(address.begin(), address.end(), identity.octets.begin());
    return identity;
  }
  identity.octets = {address[0], address[1], address[2], 0xFF,
                     0xFE,       address[3], address[4], address[5]};
  return identity;
}

Result<ClockIdentity, hal::HalError> clock_identity_of(const AdapterInfo& adapter) {
  return clock_identity_from_mac(adapter.physical_address);
}

}  // namespace ptp::win
