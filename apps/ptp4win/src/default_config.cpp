// The default ptp4win.cfg, from the option table (apps/common) and ptp4win's own reading of
// unset options (config_mapping.h).
#include "ptp/ptp4win/default_config.h"

#include <array>
#include <string>

#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/app/linuxptp_options.h"
#include "ptp/ptp4win/config_mapping.h"

namespace ptp::ptp4win {
namespace {

constexpr std::array kFirstOptions{
    FirstOption{"domainNumber", "the PTP domain of your grandmaster (0..255)"},
    FirstOption{"slaveOnly", "1: never become master, only follow the network's grandmaster"},
    FirstOption{"delay_mechanism",
                "E2E: Delay_Req to the master (end to end); P2P: Pdelay to the link's peer (-P)"},
    FirstOption{"time_stamping",
                "auto: the best the adapter's active capabilities give (hardware, else software,\n"
                "else application-level); hardware or software: that one (--list-interfaces)"},
    FirstOption{"logging_level",
                "3 errors, 4 warnings, 5 state changes, 6 every measurement, 7 debug"},
    FirstOption{"use_syslog",
                "1: as a service, log to the Event Log (Application, source ptp4win)"},
    FirstOption{"metrics_address",
                "serve Prometheus metrics at http://ADDRESS/metrics, e.g. 127.0.0.1:9120 (empty: "
                "off)"},
};

constexpr std::size_t kNameWidth = 24;

bool is_first(std::string_view name) {
  for (const FirstOption& first : kFirstOptions) {
    if (first.name == name) return true;
  }
  return false;
}

// Whether `config` reads the same as an empty configuration where ptp4win gives "unset" its own
// meaning (clock_servo, time_stamping).
bool reads_as_unset(const app::LinuxPtpConfig& config) {
  const app::LinuxPtpConfig unset;
  return requested_servo(config) == requested_servo(unset) &&
         requested_time_stamping(config) == requested_time_stamping(unset);
}

// The value ptp4win uses when `option` is not set, spelt for the file: ptp4l's default, or, where
// ptp4win reads "not set" as something else, the spelling that means that.
std::string effective_default(const app::OptionDescriptor& option) {
  // ptp4l's spelling ("0xFE", "0.00002"), as its default.cfg has it.
  std::string ptp4l_default(option.default_text);
  app::LinuxPtpConfig config;
  if (app::set_option(config, option.name, ptp4l_default, app::SettingOrigin::kGlobalSection) &&
      reads_as_unset(config)) {
    return ptp4l_default;
  }
  for (const app::EnumSpelling& spelling : option.spellings) {
    if (!spelling.supported) continue;
    app::LinuxPtpConfig candidate;
    if (app::set_option(candidate, option.name, spelling.name,
                        app::SettingOrigin::kGlobalSection) &&
        reads_as_unset(candidate)) {
      return std::string(spelling.name);
    }
  }
  return ptp4l_default;
}

void append_comment(std::string& text, std::string_view comment) {
  std::size_t start = 0;
  while (start <= comment.size()) {
    const std::size_t end = comment.find('\n', start);
    const std::string_view line =
        comment.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    text.append("# ").append(line).append("\n");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

// What values an option takes, for its comment.
std::string values_comment(const app::OptionDescriptor& option) {
  switch (option.type) {
    case app::OptionType::kInteger:
      if (option.supported_min != option.min || option.supported_max != option.max) {
        return "ptpstack implements [" + std::to_string(option.supported_min) + ", " +
               std::to_string(option.supported_max) + "]";
      }
      return app::range_text(option);
    case app::OptionType::kDouble: return app::range_text(option);
    case app::OptionType::kEnum: return "one of: " + app::supported_spellings(option);
    case app::OptionType::kString: return "text; empty (not set) by default";
  }
  return {};
}

// "name    value", or for an empty default the name alone, commented (a setting needs a value).
void append_setting(std::string& text, const app::OptionDescriptor& option) {
  const std::string value = effective_default(option);
  if (value.empty()) {
    text.append("#").append(option.name).append("\n");
    return;
  }
  std::string line(option.name);
  line.append(line.size() < kNameWidth ? kNameWidth - line.size() : 1, ' ');
  text.append(line).append(value).append("\n");
}

}  // namespace

std::span<const FirstOption> first_options() { return kFirstOptions; }

std::string default_config_text(std::string_view interface_name) {
  std::string text =
      "# ptp4win.cfg: the configuration of the ptp4win service, in linuxptp's ptp4l format\n"
      "# (\"option value\" lines, '#' comments). Every option ptp4win implements is listed at the\n"
      "# value ptp4win uses when it is not set. After a change: net stop ptp4win, net start\n"
      "# ptp4win. See ptp4win.md (Quick start) in this folder.\n"
      "#\n"
      "# Change first:\n"
      "#   1. the interface: the last section of this file, [" +
      std::string(interface_name) +
      "], names the network adapter;\n"
      "#      put a name from `ptp4win --list-interfaces` there (friendly name, index or GUID);\n"
      "#   2. the options of the first block below.\n"
      "\n"
      "[global]\n"
      "#\n"
      "# ---- change these first ----\n"
      "#\n";
  for (const FirstOption& first : kFirstOptions) {
    const app::OptionDescriptor* option = app::find_option(first.name);
    if (option == nullptr) continue;
    append_comment(text, first.explanation);
    append_setting(text, *option);
  }
  text.append(
      "#\n"
      "# ---- everything else, at ptp4win's defaults ----\n"
      "#\n");
  for (const app::OptionDescriptor& option : app::linuxptp_options()) {
    if (!option.alias_of.empty() || is_first(option.name)) continue;
    append_comment(text, values_comment(option));
    append_setting(text, option);
  }
  text.append(
      "#\n"
      "# ---- unicast masters, for a network that does not route multicast ----\n"
      "# Uncomment the table, list your grandmasters (UDPv4 or UDPv6, one per line, up to 16)\n"
      "# and set unicast_master_table 1 above: ptp4win then asks each of them for unicast\n"
      "# Announce, Sync and Delay_Resp, and follows the best that answers.\n"
      "#\n"
      "#[unicast_master_table]\n"
      "#table_id                1\n"
      "#logQueryInterval        0\n"
      "#UDPv4                   192.0.2.1\n"
      "#\n"
      "# ---- the interface ptp4win runs on (one) ----\n"
      "#\n"
      "[" +
      std::string(interface_name) + "]\n");
  return text;
}

}  // namespace ptp::ptp4win
