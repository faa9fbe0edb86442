// The PTP clock identity of an adapter, from its MAC address: IEEE 1588-2019 7.5.2.2.2 builds it
// from an EUI-48 by inserting 0xFF 0xFE between the OUI (first three octets) and the rest, which is
// also what ptp4l does; an EUI-64 is used as it is. So a Windows clock has the identity ptp4l would
// give the same NIC on Linux.
#pragma once

#include <cstdint>
#include <span>

#include "ptp/hal/hal_error.h"
#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/win/interface_lookup.h"

namespace ptp::win {

// `address` is 6 octets (EUI-48: OUI, FF, FE, rest) or 8 (EUI-64: unchanged). Any other length,
// or an all-zero address (Wine's loopback, some virtual adapters: not unique), is kInvalidArgument:
// the caller then needs another source of identity (ptp4win: a hash of the adapter's GUID).
Result<ClockIdentity, hal::HalError> clock_identity_from_mac(std::span<const std::uint8_t> address);

// clock_identity_from_mac of the adapter's physical address.
Result<ClockIdentity, hal::HalError> clock_identity_of(const AdapterInfo& adapter);

}  // namespace ptp::win
