// [node.options]: ptp4l's options, checked by ptp_app_common's option table exactly as a
// configuration file's [global] would be. TOML's types are turned into ptp4l's text first
// (true -> 1, 0.00002 -> 2e-05), so that the one parser checks them.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"
#include "readers.h"

namespace ptp::ptpsim::detail {
namespace {

std::optional<std::string> option_text(const TomlValue& value) {
  if (value.is_string()) return value.as_string().str;
  if (value.is_integer()) return std::to_string(value.as_integer());
  if (value.is_boolean()) return std::string(value.as_boolean() ? "1" : "0");
  if (value.is_floating()) {
    std::array<char, 32> buffer{};
    const auto result =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value.as_floating());
    return std::string(buffer.data(), result.ptr);
  }
  return std::nullopt;
}

}  // namespace

void read_node_options(TableReader& options, app::LinuxPtpConfig& config) {
  // Every key is an option: read in line order, so that the first bad one is reported.
  std::vector<std::pair<std::size_t, std::string>> keys;
  for (const auto& [key, value] : options.entries()) keys.emplace_back(line_of(*value), key);
  std::sort(keys.begin(), keys.end());
  for (const auto& [line, key] : keys) {
    const TomlValue* value = options.find(key);
    if (value == nullptr) return;
    const std::optional<std::string> text = option_text(*value);
    if (!text) {
      options.fail(ScenarioErrorKind::kWrongType, key,
                   join({"expected a string, a number or a boolean, got ", type_name(*value)}));
      return;
    }
    if (key == "unicast_master_table") {
      // A scenario has no [unicast_master_table] sections for the option to name.
      options.fail(ScenarioErrorKind::kBadOption, key,
                   "give the node's masters with its unicast_master_table key (node names or "
                   "addresses)");
      return;
    }
    auto stored = app::set_option(config, key, *text, app::SettingOrigin::kGlobalSection);
    if (!stored) {
      options.fail(ScenarioErrorKind::kBadOption, key, stored.error().problem);
      return;
    }
  }
}

}  // namespace ptp::ptpsim::detail
