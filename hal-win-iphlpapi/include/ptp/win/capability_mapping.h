// From IP Helper's timestamp capabilities to the HAL's: the field-by-field mapping, the meaning of
// IP Helper's return codes, and the read of an interface's supported and active sets.
#pragma once

#include <cstdint>

#include "ptp/hal/hal_error.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/result.h"
#include "ptp/win/iphlpapi_timestamp_types.h"
#include "ptp/win/win_api.h"

namespace ptp::win {

hal::TimestampCapabilities to_hal(const IfTimestampCapabilities& capabilities);

// ERROR_NOT_SUPPORTED (the NIC is not timestamp-aware) -> kNotSupported; ERROR_BAD_DRIVER (the
// driver advertises an unsupported configuration) -> kUnavailable; anything else -> kOsError.
hal::HalError ip_helper_error(DWORD code);

// Both sets of the interface `luid`. kNotSupported (os_code ERROR_PROC_NOT_FOUND) when this
// Windows lacks the API: the caller treats that as "no timestamping", not as a failure.
Result<hal::InterfaceTimestampCapabilities, hal::HalError> read_interface_capabilities(
    const WinApi& api, std::uint64_t luid);

}  // namespace ptp::win
