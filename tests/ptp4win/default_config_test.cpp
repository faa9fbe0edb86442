// The default ptp4win.cfg the package installs: the built file is default_config_text(), it names
// every option of the table once (first block first, the interface section last), and ptp4win's
// own command-line parser (-f) reads it back to exactly what ptp4win does with no file at all.
#include "ptp/ptp4win/default_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/app/linuxptp_options.h"
#include "ptp/ptp4win/command_line.h"
#include "ptp/ptp4win/config_mapping.h"

namespace ptp::ptp4win {
namespace {

const std::string kBuiltConfig = PTP4WIN_DEFAULT_CONFIG_PATH;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line setting `name` ("name value", or "#name" for an empty default), its index, or -1; the
// count of such lines in `count`.
int setting_line(const std::vector<std::string>& lines, std::string_view name, int& count) {
  int found = -1;
  count = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.starts_with('#')) line.remove_prefix(1);
    if (line.starts_with(name) && (line.size() == name.size() || line[name.size()] == ' ')) {
      if (lines[i].starts_with('#') && line.size() != name.size()) continue;  // a comment
      ++count;
      found = static_cast<int>(i);
    }
  }
  return found;
}

TEST(Ptp4winDefaultConfig, BuiltFileIsTheGeneratedText) {
  EXPECT_EQ(read_file(kBuiltConfig), default_config_text("Ethernet"));
}

TEST(Ptp4winDefaultConfig, EveryOptionOnceFirstBlockFirstInterfaceLast) {
  const std::vector<std::string> lines = lines_of(default_config_text("Ethernet 2"));
  int last_first = -1;
  int first_other = static_cast<int>(lines.size());
  for (const app::OptionDescriptor& option : app::linuxptp_options()) {
    if (!option.alias_of.empty()) continue;
    int count = 0;
    const int line = setting_line(lines, option.name, count);
    EXPECT_EQ(count, 1) << option.name;
    bool first = false;
    for (const FirstOption& f : first_options()) first = first || f.name == option.name;
    if (first) last_first = std::max(last_first, line);
    if (!first) first_other = std::min(first_other, line);
  }
  EXPECT_LT(last_first, first_other);
  EXPECT_EQ(lines.back(), "[Ethernet 2]");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "[global]"), 1);
}

TEST(Ptp4winDefaultConfig, FirstBlockNamesTheTablesOptions) {
  // A name the table lacks would silently vanish from the file.
  for (const FirstOption& first : first_options()) {
    EXPECT_NE(app::find_option(first.name), nullptr) << first.name;
  }
}

TEST(Ptp4winDefaultConfig, ParsesBackToTheDefaults) {
  const std::vector<std::string> arguments{"-f", kBuiltConfig};
  auto parsed = parse_command_line(arguments);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->interface_name, "Ethernet");
  const std::vector<std::string> no_file{"-i", "Ethernet"};
  auto unset = parse_command_line(no_file);
  ASSERT_TRUE(unset);
  for (const app::OptionDescriptor& option : app::linuxptp_options()) {
    const app::OptionState from_file = app::option_state(parsed->config, option, "Ethernet");
    const app::OptionState from_defaults = app::option_state(unset->config, option, "Ethernet");
    if (option.name == "clock_servo" || option.name == "time_stamping") {
      // Set in the file to what ptp4win makes of them unset (ptp4l's defaults differ).
      EXPECT_EQ(app::option_value_text(option, from_file.value),
                option.name == "clock_servo" ? "envelope" : "auto");
      continue;
    }
    EXPECT_EQ(from_file.value, from_defaults.value) << option.name;
  }
  EXPECT_EQ(requested_servo(parsed->config), requested_servo(unset->config));
  EXPECT_EQ(requested_time_stamping(parsed->config), requested_time_stamping(unset->config));
}

TEST(Ptp4winDefaultConfig, UnicastExampleParsesWhenUncommented) {
  std::string text = default_config_text("Ethernet");
  for (const std::string_view line :
       {"[unicast_master_table]", "table_id", "logQueryInterval", "UDPv4"}) {
    std::string needle = "\n#";
    needle.append(line);
    const std::size_t at = text.find(needle);
    ASSERT_NE(at, std::string::npos) << line;
    text.erase(at + 1, 1);
  }
  const std::size_t option = text.find("\nunicast_master_table ");
  ASSERT_NE(option, std::string::npos);
  const std::size_t value = text.find('0', option + 1);
  ASSERT_NE(value, std::string::npos);
  text[value] = '1';  // in place: GCC 12 -O3 warns (-Wrestrict) on replace()
  auto config = app::parse_linuxptp_config(text, "ptp4win.cfg");
  ASSERT_TRUE(config) << config.error().message();
  auto port = to_port_config(*config, "Ethernet", ClockIdentity{{1, 2, 3, 4, 5, 6, 7, 8}});
  ASSERT_TRUE(port) << port.error().message;
  ASSERT_EQ(port->unicast.master_count, 1U);
  EXPECT_EQ(port->unicast.masters[0].length, 4);
  EXPECT_EQ(port->unicast.masters[0].octets[0], 192);
  EXPECT_EQ(port->unicast.log_query_interval, 0);
}

}  // namespace
}  // namespace ptp::ptp4win
