// ptp4win's command line: Boost.Program_options for the short options, the shared linuxptp
// option table (ptp_app_common) for "--name value" overrides and the -f file.
#include "ptp/ptp4win/command_line.h"

#include "ptp/app/metrics_address.h"

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/servo/servo_config.h"
#include "ptp4win_version.h"  // generated at build time: project version + git describe

namespace ptp::ptp4win {
namespace {

namespace po = boost::program_options;

Unexpected<CommandLineError> fail(std::string message) {
  return unexpected(CommandLineError{std::move(message)});
}

std::string command_line_error(std::string_view option, std::string_view problem) {
  return std::string(app::kCommandLineSource) + ": " + std::string(option) + ": " +
         std::string(problem);
}

// ptp4win's own long options; every other "--name" is a configuration option.
bool is_own_long_option(std::string_view token) {
  const std::string_view name = token.substr(
      2, token.find('=') == std::string_view::npos ? std::string_view::npos : token.find('=') - 2);
  return name == "help" || name == "version" || name == "list-interfaces" || name == "service" ||
         name == "diagnose" || name == "json";
}

struct SplitArguments {
  std::vector<std::string> short_options;        // for Boost.Program_options
  std::vector<std::string_view> config_options;  // "--name value" / "--name=value"
};

// "--name value" takes the next argument as its value whatever it looks like ("-3" included), as
// ptp4l's getopt_long does for its required_argument options.
SplitArguments split_arguments(std::span<const std::string> arguments) {
  SplitArguments split;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& token = arguments[i];
    const bool long_option = token.size() > 2 && token.starts_with("--");
    if (!long_option || is_own_long_option(token)) {
      split.short_options.push_back(token);
      continue;
    }
    split.config_options.emplace_back(token);
    if (token.find('=') == std::string::npos && i + 1 < arguments.size()) {
      split.config_options.emplace_back(arguments[++i]);
    }
  }
  return split;
}

po::options_description option_table() {
  po::options_description table;
  table.add_options()                            //
      ("interface,i", po::value<std::string>())  //
      ("config,f", po::value<std::string>())     //
      ("ipv4,4", "")                             //
      ("ipv6,6", "")                             //
      ("hardware,H", "")                         //
      ("software,S", "")                         //
      ("slave-only,s", "")                       //
      ("p2p,P", "")                              //
      ("e2e,E", "")                              //
      ("stdout,m", "")                           //
      ("quiet,q", "")                            //
      ("level,l", po::value<std::string>())      //
      ("version,v", "")                          //
      ("help,h", "")                             //
      ("list-interfaces", "")                    //
      ("diagnose", "")                           //
      ("json", "")                               //
      ("service", "");
  return table;
}

std::string short_name(const std::string& key) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"interface", "-i"}, {"config", "-f"},   {"ipv4", "-4"},       {"ipv6", "-6"},
      {"hardware", "-H"},  {"software", "-S"}, {"slave-only", "-s"}, {"stdout", "-m"},
      {"p2p", "-P"},       {"e2e", "-E"},      {"quiet", "-q"},      {"level", "-l"},
      {"version", "-v"},   {"help", "-h"}};
  for (const auto& [long_name, short_option] : kNames) {
    if (long_name == key) return std::string(short_option);
  }
  return "--" + key;
}

// The configuration option a short option sets, and its value.
struct ShortOptionSetting {
  std::string_view option;
  std::string_view value;
};

std::optional<ShortOptionSetting> setting_of(const std::string& key) {
  if (key == "ipv4") return ShortOptionSetting{"network_transport", "UDPv4"};
  if (key == "ipv6") return ShortOptionSetting{"network_transport", "UDPv6"};
  if (key == "hardware") return ShortOptionSetting{"time_stamping", "hardware"};
  if (key == "software") return ShortOptionSetting{"time_stamping", "software"};
  if (key == "slave-only") return ShortOptionSetting{"slaveOnly", "1"};
  if (key == "p2p") return ShortOptionSetting{"delay_mechanism", "P2P"};
  if (key == "e2e") return ShortOptionSetting{"delay_mechanism", "E2E"};
  if (key == "stdout") return ShortOptionSetting{"verbose", "1"};
  if (key == "quiet") return ShortOptionSetting{"use_syslog", "0"};
  return std::nullopt;
}

Result<po::parsed_options, CommandLineError> run_parser(const std::vector<std::string>& tokens) {
  try {
    return po::command_line_parser(tokens)
        .options(option_table())
        .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
        .run();
  } catch (const po::unknown_option& e) {
    return fail(command_line_error(e.get_option_name(), "unknown option"));
  } catch (const po::invalid_command_line_syntax& e) {
    if (e.kind() == po::invalid_syntax::missing_parameter) {
      std::string name = e.get_option_name();
      if (name.starts_with("--")) name = short_name(name.substr(2));
      return fail(command_line_error(name, "missing value"));
    }
    return fail(std::string(app::kCommandLineSource) + ": " + e.what());
  } catch (const po::too_many_positional_options_error&) {
    return fail(std::string(app::kCommandLineSource) +
                ": unexpected argument (options are -X or --name value)");
  } catch (const po::error& e) {
    return fail(std::string(app::kCommandLineSource) + ": " + e.what());
  }
}

// The interface to run on: -i, else the file's one [interface] section.
Result<void, CommandLineError> choose_interface(CommandLine& result) {
  if (!result.interface_name.empty()) {
    (void)app::add_interface(result.config, result.interface_name);
    return {};
  }
  if (result.config.interfaces.size() == 1) {
    result.interface_name = result.config.interfaces.front().name;
    return {};
  }
  if (result.config.interfaces.empty()) {
    return fail(std::string(app::kCommandLineSource) +
                ": no interface: give one with -i IFACE or an [interface] section in the -f file");
  }
  return fail(result.config_file +
              ": ptp4win runs one port, but the file has several interface sections: choose one "
              "with -i IFACE");
}

}  // namespace

Result<CommandLine, CommandLineError> parse_command_line(std::span<const std::string> arguments) {
  const SplitArguments split = split_arguments(arguments);
  auto parsed = run_parser(split.short_options);
  if (!parsed) return unexpected(parsed.error());

  CommandLine result;
  // -f first: ptp4l reads the file after its options, but the command line wins either way.
  for (const po::option& option : parsed->options) {
    if (option.string_key != "config") continue;
    result.config_file = option.value.front();
    auto file = app::parse_linuxptp_config_file(result.config_file);
    if (!file) return fail(file.error().message());
    result.config = std::move(file.value());
  }
  for (const po::option& option : parsed->options) {
    const std::string& key = option.string_key;
    if (option.unregistered || key.empty()) {
      return fail(std::string(app::kCommandLineSource) + ": " + option.original_tokens.front() +
                  ": unexpected argument");
    }
    if (key == "help") result.action = CommandLineAction::kHelp;
    if (key == "version" && result.action != CommandLineAction::kHelp) {
      result.action = CommandLineAction::kVersion;
    }
    if (key == "list-interfaces" && result.action == CommandLineAction::kRun) {
      result.action = CommandLineAction::kListInterfaces;
    }
    if (key == "diagnose" && result.action == CommandLineAction::kRun) {
      result.action = CommandLineAction::kDiagnose;
    }
    if (key == "json") result.json = true;
    if (key == "service") result.run_as_service = true;
    if (key == "interface") {
      if (!result.interface_name.empty()) {
        return fail(command_line_error("-i", "ptp4win runs one port: give one interface only"));
      }
      result.interface_name = option.value.front();
      if (result.interface_name.empty()) return fail(command_line_error("-i", "empty name"));
    }
    std::optional<ShortOptionSetting> setting = setting_of(key);
    if (key == "level") setting = ShortOptionSetting{"logging_level", option.value.front()};
    if (!setting) continue;
    auto set = app::set_option(result.config, setting->option, setting->value,
                               app::SettingOrigin::kCommandLine);
    if (!set) return fail(command_line_error(short_name(key), set.error().problem));
  }
  auto overrides = app::apply_command_line_options(result.config, split.config_options);
  if (!overrides) return fail(overrides.error().message());

  if (result.json && result.action != CommandLineAction::kDiagnose) {
    return fail(command_line_error("--json", "only with --diagnose"));
  }
  if (result.action != CommandLineAction::kRun) {
    if (result.run_as_service) {
      return fail(command_line_error(
          "--service", "runs the clock: not with -h, -v, --list-interfaces or --diagnose"));
    }
    if (result.action == CommandLineAction::kDiagnose && result.interface_name.empty()) {
      return fail(command_line_error("--diagnose", "needs -i IFACE"));
    }
    return result;
  }
  auto chosen = choose_interface(result);
  if (!chosen) return unexpected(chosen.error());
  if (const std::string& metrics = result.config.clock.metrics_address.value; !metrics.empty()) {
    if (auto address = app::parse_metrics_address(metrics); !address) {
      return fail("metrics_address: " + address.error());
    }
  }
  return result;
}

std::string usage_text() {
  return "usage: ptp4win [options]\n"
         "\n"
         " Network interface and configuration\n"
         "  -i IFACE     the interface: friendly name (\"Ethernet 2\"), index, GUID or luid:N\n"
         "  -f FILE      read a linuxptp configuration file ([global], [interface])\n"
         "  --list-interfaces\n"
         "               list the adapters with their timestamping capabilities and exit\n"
         "  --diagnose -i IFACE [--json]\n"
         "               check the interface's timestamping, cross-timestamps, clocks, w32time\n"
         "               and privilege: a report for bug reports (text, or JSON with --json)\n"
         "  --service    run as a Windows service (started by the Service Control Manager;\n"
         "               the log goes to the Event Log, see docs/ptp4win.md)\n"
         "\n"
         " Delay mechanism\n"
         "  -E           end-to-end: Delay_Req to the master (default)\n"
         "  -P           peer-to-peer: Pdelay_Req to the link's peer\n"
         "\n"
         " Network transport and timestamping\n"
         "  -4           UDP over IPv4 (default)\n"
         "  -6           UDP over IPv6\n"
         "  -H           hardware timestamps\n"
         "  -S           software timestamps\n"
         "               (neither: the best the NIC's active capabilities offer)\n"
         "\n"
         " Other\n"
         "  -s           slave only (slaveOnly 1)\n"
         "  -m           print messages to stdout (otherwise stderr)\n"
         "  -q           do not write to the Event Log (with --service; use_syslog 0)\n"
         "  -l LEVEL     logging level, 0..7 (6: info)\n"
         "  --NAME VALUE any configuration option, e.g. --priority1 100 or --free_running=1\n"
         "               (ptp4l's defaults, except: time_stamping auto, clock_servo " +
         std::string(servo::to_string(servo::kDefaultServoKind)) +
         ")\n"
         "  -v           print the version and exit\n"
         "  -h           print this text and exit\n";
}

std::string_view version() { return PTP4WIN_VERSION_STRING; }

std::string version_text() { return "ptp4win (ptpstack) " + std::string(version()) + "\n"; }

}  // namespace ptp::ptp4win
