// ptp4win's command line, ptp4l's where it applies: the short options (-i -f -4 -6 -H -S -s -m -q
// -l -v -h), any configuration option as "--name value" or "--name=value", --list-interfaces
// and --service.
// Parsing reads the -f file too, so the result is the whole configuration; nothing is started and
// nothing is printed here. Every error is one line naming where it comes from:
//   ptp4win.cfg:12: priority1: 256 is out of range [0, 255]
//   command line: -x: unknown option
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ptp/app/linuxptp_config.h"
#include "ptp/result.h"

namespace ptp::ptp4win {

enum class CommandLineAction : std::uint8_t {
  kRun,             // run the ordinary clock on `interface_name`
  kHelp,            // -h / --help
  kVersion,         // -v / --version
  kDiagnose,        // --diagnose -i IFACE [--json]
  kListInterfaces,  // --list-interfaces
};

struct CommandLine {
  CommandLineAction action = CommandLineAction::kRun;
  app::LinuxPtpConfig config;   // ptp4l defaults, then the -f file, then the command line
  std::string interface_name;   // -i, or the configuration file's single [interface] section
  std::string config_file;      // -f, empty if none
  bool run_as_service = false;  // --service: under the Service Control Manager
  bool json = false;            // --json: --diagnose prints JSON
};

struct CommandLineError {
  std::string message;  // one line, without the program's name
};

// `arguments` without the program's name (argv[1..]).
Result<CommandLine, CommandLineError> parse_command_line(std::span<const std::string> arguments);

// The -h text and the -v line ("ptp4win (ptpstack) VERSION").
std::string usage_text();
std::string version_text();
// VERSION: the project's version and git's description of the checkout ("0.1.0+g1a2b3c4",
// cmake/PtpGitVersion.cmake); ptp4win.exe's VERSIONINFO FileVersion and ProductVersion strings.
std::string_view version();

}  // namespace ptp::ptp4win
