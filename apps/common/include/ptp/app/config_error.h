// Errors of ptp4l-style configuration: what went wrong with an option or a line, and where. The
// text follows the compilers' "file:line: subject: problem" so that editors can jump to it:
//   ptp4win.cfg:12: priority1: 256 is out of range [0, 255]
//   command line: --delay_mechanism: NONE is not supported by ptpstack (supported: E2E, P2P)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ptp::app {

enum class ConfigErrorKind : std::uint8_t {
  kCannotReadFile,
  kNotInSection,                  // a setting before the first section header
  kMalformedSectionHeader,        // "[eth0", "[]", "[eth0] x"
  kMissingValue,                  // "priority1" alone, or "--priority1" last on the command line
  kUnknownOption,                 // neither ptpstack nor linuxptp knows it
  kUnsupportedOption,             // a linuxptp option that ptpstack does not implement
  kNotAllowedInInterfaceSection,  // a global-only option in an [interface] section
  kMalformedValue,                // not a number
  kOutOfRange,                    // a number outside linuxptp's range for the option
  kBadEnumValue,                  // not one of the option's spellings
  kUnsupportedValue,              // a valid linuxptp value that ptpstack does not implement
  kNotAnOption,                   // a command-line argument that does not start with "--"
  // [unicast_master_table] sections and the unicast_master_table option
  kMalformedTableLine,      // neither table_id, logQueryInterval nor "<transport> <address>"
  kMissingTableId,          // an entry before the section's table_id line
  kDuplicateTableId,        // a table_id that an earlier table has
  kBadAddress,              // not an address of the line's transport (or a multicast one)
  kTooManyTableEntries,     // more masters than the core's table holds (ptp::kMaxUnicastMasters)
  kUnknownTableId,          // unicast_master_table names a table the configuration does not have
  kTableTransportMismatch,  // a table address of another transport than the port's
};

// An option's problem, before a location is attached to it.
struct OptionError {
  ConfigErrorKind kind = ConfigErrorKind::kUnknownOption;
  std::string problem;  // e.g. "256 is out of range [0, 255]"
};

// Where command-line errors say they come from.
inline constexpr std::string_view kCommandLineSource = "command line";

struct ConfigError {
  ConfigErrorKind kind = ConfigErrorKind::kUnknownOption;
  std::string source;    // the file's name, or kCommandLineSource
  std::size_t line = 0;  // 1-based; 0 when the source has no lines (the command line)
  std::string option;    // the option concerned, if any ("--name" on the command line)
  std::string problem;

  // "source:line: option: problem", leaving out the parts that are empty or zero.
  [[nodiscard]] std::string message() const;
};

}  // namespace ptp::app
