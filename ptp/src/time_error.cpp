// Names of TimeError values, for logs and test output.
#include "ptp/time_error.h"

namespace ptp {

std::string_view to_string(TimeError error) {
  switch (error) {
    case TimeError::kOverflow: return "value out of range";
    case TimeError::kNegative: return "negative time";
    case TimeError::kInvalidNanoseconds: return "nanoseconds field not below 1e9";
  }
  return "unknown time error";
}

}  // namespace ptp
