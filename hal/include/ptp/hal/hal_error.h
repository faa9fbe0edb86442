// HalError: why a HAL call failed, with the operating system's own code when there is one, so an
// application can both react (by code) and report (by OS code).
#pragma once

#include <cstdint>
#include <string_view>

namespace ptp::hal {

enum class HalErrorCode {
  kNotSupported,      // this host, NIC or OS lacks the feature: fall back, do not abort
  kUnavailable,       // the feature exists but cannot be used now (interface down, not enabled)
  kPermissionDenied,  // e.g. adjusting the system clock without the privilege
  kInvalidArgument,   // a bad value from the caller
  kBufferTooSmall,    // an output buffer cannot hold the result
  kWouldBlock,        // nothing yet: try again later (e.g. a TX timestamp still pending)
  kOsError,           // any other failure of an OS call: see os_code
};

struct HalError {
  HalErrorCode code = HalErrorCode::kOsError;
  std::uint32_t os_code =
      0;  // GetLastError()/WSAGetLastError() on Windows, errno on Linux; 0 if none

  friend constexpr bool operator==(const HalError&, const HalError&) = default;
};

std::string_view to_string(HalErrorCode code);

}  // namespace ptp::hal
