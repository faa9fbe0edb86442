// Names of HalErrorCode values, for logs.
#include "ptp/hal/hal_error.h"

namespace ptp::hal {

std::string_view to_string(HalErrorCode code) {
  switch (code) {
    case HalErrorCode::kNotSupported: return "not supported";
    case HalErrorCode::kUnavailable: return "unavailable";
    case HalErrorCode::kPermissionDenied: return "permission denied";
    case HalErrorCode::kInvalidArgument: return "invalid argument";
    case HalErrorCode::kBufferTooSmall: return "buffer too small";
    case HalErrorCode::kWouldBlock: return "would block";
    case HalErrorCode::kOsError: return "operating system error";
  }
  return "unknown HAL error";
}

}  // namespace ptp::hal
