// ptp4l's configuration-file format and command-line overrides, read through the option table.
#include "ptp/app/linuxptp_config_parser.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "ptp/app/linuxptp_options.h"
#include "ptp/app/option_value.h"
#include "text.h"
#include "unicast_master_table_reader.h"

namespace ptp::app {
namespace {

// The section a line of the file is in.
struct Section {
  bool seen = false;           // any header yet
  bool global = true;          // [global], else the interface `interface` (unless unicast_table)
  bool unicast_table = false;  // [unicast_master_table]
  std::string interface;
  UnicastTableCursor table;
  // The unicast_master_table settings read, checked once every table is known.
  std::vector<UnicastTableReference> table_references;
};

ConfigError located(const OptionError& error, std::string_view source, std::size_t line,
                    std::string_view option) {
  return ConfigError{error.kind, std::string(source), line, std::string(option), error.problem};
}

Result<void, ConfigError> fail(ConfigErrorKind kind, std::string_view source, std::size_t line,
                               std::string problem) {
  return unexpected(ConfigError{kind, std::string(source), line, {}, std::move(problem)});
}

// "[name]": sets `section`, or fails naming the line. An interface's header alone adds the
// interface, as in ptp4l (which then runs a port on it).
Result<void, ConfigError> read_section_header(LinuxPtpConfig& config, std::string_view line,
                                              std::string_view source, std::size_t line_number,
                                              Section& section) {
  if (line.back() != ']') {
    return fail(ConfigErrorKind::kMalformedSectionHeader, source, line_number,
                text::concat({"malformed section header '", line, "': expected ']' at its end"}));
  }
  const std::string_view name = text::trim(line.substr(1, line.size() - 2));
  if (name.empty() || name.find_first_of("[]") != std::string_view::npos) {
    return fail(ConfigErrorKind::kMalformedSectionHeader, source, line_number,
                text::concat({"malformed section header '", line, "'"}));
  }
  section.seen = true;
  section.table = UnicastTableCursor{};
  section.unicast_table = text::equal_ignoring_case(name, "unicast_master_table");
  if (section.unicast_table) {
    section.global = false;
    section.interface.clear();
    return {};
  }
  section.global = text::equal_ignoring_case(name, "global");
  section.interface = section.global ? std::string() : std::string(name);
  if (!section.global) add_interface(config, name);
  return {};
}

// Remembers a unicast_master_table setting that took effect, to check its table exists.
void note_table_reference(const LinuxPtpConfig& config, std::size_t line_number, Section& section) {
  const PortOptions& options =
      section.global ? config.port : find_interface(config, section.interface)->options;
  const Setting<std::int32_t>& table = options.unicast_master_table;
  const SettingOrigin from_file =
      section.global ? SettingOrigin::kGlobalSection : SettingOrigin::kInterfaceSection;
  if (table.origin == from_file) section.table_references.push_back({line_number, table.value});
}

Result<void, ConfigError> read_setting(LinuxPtpConfig& config, std::string_view line,
                                       std::string_view source, std::size_t line_number,
                                       Section& section) {
  const std::size_t name_end = line.find_first_of(" \t\f\v\r");
  const std::string_view name = line.substr(0, name_end);
  if (!section.seen) {
    return unexpected(ConfigError{ConfigErrorKind::kNotInSection, std::string(source), line_number,
                                  std::string(name),
                                  "setting outside a section: start the file with [global] or "
                                  "[interface]"});
  }
  const std::string_view value =
      name_end == std::string_view::npos ? std::string_view() : text::trim(line.substr(name_end));
  auto stored = section.global ? set_option(config, name, value, SettingOrigin::kGlobalSection)
                               : set_option(config, name, value, SettingOrigin::kInterfaceSection,
                                            section.interface);
  if (!stored) {
    OptionError error = stored.error();
    if (error.kind == ConfigErrorKind::kNotAllowedInInterfaceSection) {
      error.problem.append(text::concat({" ([", section.interface, "])"}));
    }
    return unexpected(located(error, source, line_number, name));
  }
  if (name == "unicast_master_table") note_table_reference(config, line_number, section);
  return {};
}

}  // namespace

Result<void, OptionError> set_option(LinuxPtpConfig& config, std::string_view name,
                                     std::string_view value, SettingOrigin origin,
                                     std::string_view interface_name) {
  const OptionDescriptor* option = find_option(name);
  if (option == nullptr) {
    if (is_unsupported_linuxptp_option(name)) {
      return unexpected(OptionError{ConfigErrorKind::kUnsupportedOption,
                                    "a linuxptp option that ptpstack does not support"});
    }
    return unexpected(OptionError{ConfigErrorKind::kUnknownOption, "unknown option"});
  }
  const bool in_interface = origin == SettingOrigin::kInterfaceSection;
  if (in_interface && option->scope == OptionScope::kGlobal) {
    return unexpected(OptionError{ConfigErrorKind::kNotAllowedInInterfaceSection,
                                  "a global option, not allowed in an interface section"});
  }
  auto parsed = parse_option_value(*option, value);
  if (!parsed) return unexpected(parsed.error());

  if (option->scope == OptionScope::kGlobal) {
    option->set_clock(config.clock, *parsed, origin);
    return {};
  }
  if (in_interface) {
    option->set_port(add_interface(config, interface_name).options, *parsed, origin);
    return {};
  }
  option->set_port(config.port, *parsed, origin);
  for (InterfaceConfig& interface : config.interfaces) {
    option->inherit_port(interface.options, config.port);
  }
  return {};
}

Result<void, ConfigError> read_linuxptp_config(LinuxPtpConfig& config, std::string_view text,
                                               std::string_view source_name) {
  Section section;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    const std::string_view line = text::trim(text.substr(0, end));  // trim drops a CRLF's '\r' too
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    auto read =
        line.front() == '[' ? read_section_header(config, line, source_name, line_number, section)
        : section.unicast_table
            ? read_unicast_master_table_line(config, line, source_name, line_number, section.table)
            : read_setting(config, line, source_name, line_number, section);
    if (!read) return read;
  }
  return check_unicast_table_references(config, source_name, section.table_references);
}

Result<LinuxPtpConfig, ConfigError> parse_linuxptp_config(std::string_view text,
                                                          std::string_view source_name) {
  LinuxPtpConfig config;
  auto read = read_linuxptp_config(config, text, source_name);
  if (!read) return unexpected(read.error());
  return config;
}

Result<LinuxPtpConfig, ConfigError> parse_linuxptp_config_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    return unexpected(
        ConfigError{ConfigErrorKind::kCannotReadFile,
                    source,
                    0,
                    {},
                    text::concat({"cannot open: ", std::generic_category().message(error)})});
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) {
    return unexpected(
        ConfigError{ConfigErrorKind::kCannotReadFile, source, 0, {}, "cannot read the file"});
  }
  return parse_linuxptp_config(contents.str(), source);
}

Result<void, ConfigError> apply_command_line_option(LinuxPtpConfig& config, std::string_view name,
                                                    std::string_view value) {
  auto stored = set_option(config, name, value, SettingOrigin::kCommandLine);
  if (!stored) {
    return unexpected(located(stored.error(), kCommandLineSource, 0, text::concat({"--", name})));
  }
  return {};
}

Result<void, ConfigError> apply_command_line_options(LinuxPtpConfig& config,
                                                     std::span<const std::string_view> arguments) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string_view argument = arguments[i];
    if (argument.size() < 3 || argument.substr(0, 2) != "--") {
      return unexpected(ConfigError{ConfigErrorKind::kNotAnOption, std::string(kCommandLineSource),
                                    0, std::string(argument),
                                    "expected an option as --name value or --name=value"});
    }
    std::string_view name = argument.substr(2);
    std::string_view value;
    if (const std::size_t equals = name.find('='); equals != std::string_view::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (i + 1 < arguments.size()) {
      value = arguments[++i];
    } else {
      return unexpected(ConfigError{ConfigErrorKind::kMissingValue, std::string(kCommandLineSource),
                                    0, std::string(argument), "missing value"});
    }
    auto applied = apply_command_line_option(config, name, value);
    if (!applied) return applied;
  }
  return {};
}

}  // namespace ptp::app
