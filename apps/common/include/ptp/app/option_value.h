// Reading one option's value from its text the way ptp4l reads it, and checking it against the
// option's range and against what ptpstack implements:
//   integers as C's strtol with base 0 does (so "0xFE" is hexadecimal and, as in ptp4l, "010"
//   is octal 8), with an optional sign, nothing else on the line;
//   doubles in decimal or exponent notation, finite;
//   enums by any of their spellings, case-insensitively;
//   strings as the rest of the line, verbatim.
#pragma once

#include <string_view>

#include "ptp/app/config_error.h"
#include "ptp/app/linuxptp_options.h"
#include "ptp/result.h"

namespace ptp::app {

Result<OptionValue, OptionError> parse_option_value(const OptionDescriptor& option,
                                                    std::string_view text);

}  // namespace ptp::app
