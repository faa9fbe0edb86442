// Every adapter with its supported and active timestamp capabilities and the source each address
// family would use: the data and the text of `ptp4win --list-interfaces`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ptp/hal/hal_error.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/result.h"
#include "ptp/win/interface_lookup.h"
#include "ptp/win/win_api.h"

namespace ptp::win {

struct AdapterTimestampReport {
  AdapterInfo adapter;
  // Set when IP Helper answered; otherwise `error` says why (kNotSupported: no API or a NIC
  // without timestamping).
  std::optional<hal::InterfaceTimestampCapabilities> capabilities;
  hal::HalError error;
  hal::TimestampSource ipv4_source = hal::TimestampSource::kNone;
  hal::TimestampSource ipv6_source = hal::TimestampSource::kNone;
};

Result<std::vector<AdapterTimestampReport>, hal::HalError> list_interfaces(const WinApi& api);

// Human-readable listing: one block per adapter with its names, index, LUID, addresses, the
// MAC and the clock identity it gives, the supported and active capabilities, the selected
// sources, and how to switch timestamping on.
std::string format_interface_list(const std::vector<AdapterTimestampReport>& reports);

std::string_view to_string(hal::TimestampSource source);

}  // namespace ptp::win
