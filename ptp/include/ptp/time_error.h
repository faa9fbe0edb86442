// Errors of the checked conversions between PTP's wire time types and Nanoseconds.
#pragma once

#include <string_view>

namespace ptp {

enum class TimeError {
  kOverflow,            // the value does not fit the target type
  kNegative,            // a negative duration where only non-negative values exist (Timestamp)
  kInvalidNanoseconds,  // a Timestamp's nanoseconds field is 1e9 or more
};

std::string_view to_string(TimeError error);

}  // namespace ptp
