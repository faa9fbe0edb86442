// The table of ptp4l options that ptpstack understands: for each, its name, where linuxptp lets it
// appear (global or per port), its type and range as linuxptp checks them, its spellings, ptp4l's
// default, which of its values ptpstack implements, and the LinuxPtpConfig field it sets. The
// configuration-file parser, the command-line overrides and ptpsim's scenario files all validate
// through this one table, so an option means the same and is checked the same everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "ptp/app/linuxptp_config.h"

namespace ptp::app {

enum class OptionScope : std::uint8_t {
  kGlobal,  // only in [global] (and on the command line)
  kPort,    // in [global] as every port's default, or in an [interface] section
};

enum class OptionType : std::uint8_t { kInteger, kDouble, kEnum, kString };

// One spelling of an enum option. linuxptp compares spellings case-insensitively.
struct EnumSpelling {
  std::string_view name;
  std::int64_t value = 0;  // the field's enumerator; unused when !supported
  bool supported = true;   // false: a linuxptp value that ptpstack does not implement
};

// A parsed value: integers (and enum values) as int64, doubles, strings.
using OptionValue = std::variant<std::int64_t, double, std::string>;

struct OptionDescriptor {
  std::string_view name;
  OptionScope scope = OptionScope::kGlobal;
  OptionType type = OptionType::kInteger;
  // kInteger: linuxptp's range, and the part of it ptpstack implements (twoStepFlag: 1 only).
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t supported_min = 0;
  std::int64_t supported_max = 0;
  // kDouble: linuxptp's range. A min of DBL_MIN means "greater than zero".
  double min_double = 0;
  double max_double = 0;
  std::span<const EnumSpelling> spellings;  // kEnum
  std::string_view default_text;            // ptp4l's default, spelt as in its default.cfg
  std::string_view alias_of;  // non-empty: another (older or newer) linuxptp name of that option
  // Store a checked value into the field (exactly one of the two is set, after `scope`).
  void (*set_clock)(ClockOptions&, const OptionValue&, SettingOrigin) = nullptr;
  void (*set_port)(PortOptions&, const OptionValue&, SettingOrigin) = nullptr;
  // kPort: copy the [global] value into an interface's options unless the interface set it.
  void (*inherit_port)(PortOptions& interface_options, const PortOptions& global) = nullptr;
  // Read the field back (exactly one of the two is set, after `scope`).
  OptionValue (*get_clock)(const ClockOptions&) = nullptr;
  OptionValue (*get_port)(const PortOptions&) = nullptr;
  SettingOrigin (*origin_clock)(const ClockOptions&) = nullptr;
  SettingOrigin (*origin_port)(const PortOptions&) = nullptr;
};

// An option's value and origin in a configuration: [global]'s, or interface `interface_name`'s
// (for a port option of an interface the configuration has).
struct OptionState {
  OptionValue value;
  SettingOrigin origin = SettingOrigin::kDefault;
};
OptionState option_state(const LinuxPtpConfig& config, const OptionDescriptor& option,
                         std::string_view interface_name = {});
// A value as ptp4l's configuration file would spell it ("0.00002", "E2E", "-3").
std::string option_value_text(const OptionDescriptor& option, const OptionValue& value);

// Every option, in alphabetical order of name (case-insensitively).
std::span<const OptionDescriptor> linuxptp_options();
// The option called `name` (case-sensitive, as in linuxptp), or nullptr.
const OptionDescriptor* find_option(std::string_view name);
// Whether `name` is an option of linuxptp (4.x) that ptpstack does not implement.
bool is_unsupported_linuxptp_option(std::string_view name);

// "[0, 255]", "at least 0", "greater than 0, at most 1", ... for error messages and the docs.
std::string range_text(const OptionDescriptor& option);
// "E2E" or "UDPv4, UDPv6": the spellings ptpstack implements.
std::string supported_spellings(const OptionDescriptor& option);

}  // namespace ptp::app
