// Reading ptp4l's configuration format into a LinuxPtpConfig, and ptp4l's "--option value"
// command-line overrides on top. The format, as linuxptp reads it:
//   - '#' starts a comment line (only as the first non-blank character: ptp4l has no trailing
//     comments, so "priority1 1 # x" is a malformed value, as in ptp4l);
//   - "[global]" (any case) starts the global section; "[name]" an interface's section. Unlike
//     ptp4l, the name may contain blanks ("[Ethernet 2]", as Windows names adapters), and a
//     header must be exactly '[' name ']', and it adds the interface even if nothing follows;
//   - "option value": the option name, blanks, then the value (the rest of the line);
//   - a setting before any section header is an error; a repeated setting replaces the earlier
//     one; a repeated interface section continues the first.
// Every error names the file, the line and the option (see config_error.h); nothing is thrown.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "ptp/app/config_error.h"
#include "ptp/app/linuxptp_config.h"
#include "ptp/result.h"

namespace ptp::app {

// Checks `value` for option `name` and stores it with `origin`: kGlobalSection and kCommandLine
// set [global] (a port option there is every interface's default); kInterfaceSection sets the
// interface `interface_name` (created if new). As in ptp4l, a value from the command line is not
// replaced by one from [global], whatever the order of the calls.
Result<void, OptionError> set_option(LinuxPtpConfig& config, std::string_view name,
                                     std::string_view value, SettingOrigin origin,
                                     std::string_view interface_name = {});

// Reads a configuration file's text onto `config`; `source_name` names it in errors.
Result<void, ConfigError> read_linuxptp_config(LinuxPtpConfig& config, std::string_view text,
                                               std::string_view source_name);
// The same, starting from ptp4l's defaults.
Result<LinuxPtpConfig, ConfigError> parse_linuxptp_config(std::string_view text,
                                                          std::string_view source_name);
Result<LinuxPtpConfig, ConfigError> parse_linuxptp_config_file(const std::filesystem::path& path);

// One command-line override, "--name value" (name without the dashes). As in ptp4l it sets the
// [global] value: an interface section that sets the same option keeps its own value.
Result<void, ConfigError> apply_command_line_option(LinuxPtpConfig& config, std::string_view name,
                                                    std::string_view value);
// A list of overrides: "--name value" or "--name=value" each.
Result<void, ConfigError> apply_command_line_options(LinuxPtpConfig& config,
                                                     std::span<const std::string_view> arguments);

}  // namespace ptp::app
