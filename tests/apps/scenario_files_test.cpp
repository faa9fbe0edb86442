// The scenario files in apps/ptpsim/scenarios: every one parses, default.toml is exactly the
// built-in default scenario, and the built-in default has the shape docs/ptpsim.md describes; and
// the keys the conformance scenarios (conformance/, run by tests/conformance) added to the format.
// The directory listing is not recursive: the conformance files are parsed and run there.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ptp/ptpsim/default_scenario.h"
#include "ptp/ptpsim/scenario_parser.h"

namespace ptp::ptpsim {
namespace {

const std::filesystem::path kScenariosDir = PTP_SCENARIOS_DIR;

std::vector<std::filesystem::path> scenario_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kScenariosDir)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ScenarioFiles, EveryFileParses) {
  const auto files = scenario_files();
  std::vector<std::string> names;
  for (const auto& file : files) {
    names.push_back(file.filename().string());
    const auto scenario = parse_scenario_file(file);
    EXPECT_TRUE(scenario) << (scenario ? "" : scenario.error().message());
  }
  for (const char* expected :
       {"default.toml", "failover.toml", "asymmetry.toml", "loss.toml", "large.toml"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(ScenarioFiles, EveryFileStartsWithACommentSayingWhatItShows) {
  for (const auto& file : scenario_files()) {
    std::ifstream stream(file);
    std::string first_line;
    std::getline(stream, first_line);
    EXPECT_EQ(first_line.rfind("# " + file.filename().string() + ":", 0), 0U) << file;
  }
}

TEST(ScenarioFiles, DefaultTomlIsTheBuiltInDefault) {
  const auto parsed = parse_scenario_file(kScenariosDir / "default.toml");
  ASSERT_TRUE(parsed) << parsed.error().message();
  const Scenario expected = default_scenario();
  // Part by part first, so that a difference is easy to find; then the whole.
  EXPECT_EQ(parsed->run, expected.run);
  EXPECT_EQ(parsed->description, expected.description);
  ASSERT_EQ(parsed->nodes.size(), expected.nodes.size());
  for (std::size_t i = 0; i < expected.nodes.size(); ++i) {
    EXPECT_EQ(parsed->nodes[i].clock, expected.nodes[i].clock) << expected.nodes[i].name;
    EXPECT_EQ(parsed->nodes[i].nic_clock, expected.nodes[i].nic_clock) << expected.nodes[i].name;
    EXPECT_EQ(parsed->nodes[i].options, expected.nodes[i].options) << expected.nodes[i].name;
    EXPECT_EQ(parsed->nodes[i], expected.nodes[i]) << expected.nodes[i].name;
  }
  EXPECT_EQ(parsed->switches, expected.switches);
  EXPECT_EQ(parsed->links, expected.links);
  EXPECT_EQ(parsed->events, expected.events);
  EXPECT_EQ(*parsed, expected);
}

TEST(ScenarioFiles, DefaultScenarioIsIssue8s) {
  const Scenario scenario = default_scenario();
  EXPECT_EQ(scenario.run.duration, SimDuration::seconds(600));
  ASSERT_EQ(scenario.nodes.size(), 5U);
  ASSERT_EQ(scenario.switches.size(), 1U);
  ASSERT_EQ(scenario.links.size(), 5U);
  for (const LinkModel& link : scenario.links) EXPECT_EQ(link.b, scenario.switches[0].name);
  const auto kind_count = [&](TimestampingKind kind) {
    return std::count_if(scenario.nodes.begin(), scenario.nodes.end(),
                         [kind](const NodeModel& n) { return n.timestamping == kind; });
  };
  EXPECT_EQ(kind_count(TimestampingKind::kHardware), 2);  // the grandmaster and oc-hw
  EXPECT_EQ(kind_count(TimestampingKind::kWindowsHardware), 1);
  EXPECT_EQ(kind_count(TimestampingKind::kSoftware), 1);
  EXPECT_EQ(kind_count(TimestampingKind::kNone), 1);

  // The grandmaster is best; the backup second, and able to become master.
  const NodeModel& gm = scenario.nodes[0];
  const NodeModel& backup = scenario.nodes[1];
  EXPECT_EQ(gm.name, "gm");
  for (const NodeModel& other : scenario.nodes) {
    if (&other == &gm) continue;
    EXPECT_LT(gm.options.clock.priority1.value, other.options.clock.priority1.value);
    if (&other != &backup) {
      EXPECT_LT(backup.options.clock.priority1.value, other.options.clock.priority1.value);
    }
  }
  EXPECT_FALSE(backup.options.clock.slave_only.value);

  // The clocks that stand for Windows machines run ptp4win, slave only (-s), as their own log's
  // tag names them.
  for (std::size_t index = 2; index < scenario.nodes.size(); ++index) {
    const NodeModel& windows = scenario.nodes[index];
    EXPECT_EQ(windows.program, NodeProgram::kPtp4win) << windows.name;
    EXPECT_NE(windows.command_line.find(" -s "), std::string::npos) << windows.name;
    EXPECT_NE(windows.command_line.find("--message_tag " + windows.name), std::string::npos);
  }

  // The grandmaster fails at minute 5, for good.
  ASSERT_EQ(scenario.events.size(), 1U);
  EXPECT_EQ(scenario.events[0].at, SimDuration::seconds(300));
  EXPECT_EQ(scenario.events[0].action, EventAction(NodeCrashEvent{"gm", std::nullopt}));
}

TEST(ScenarioFiles, TheDocumentationsCompleteExampleParses) {
  std::ifstream stream(PTP_DOCS_DIR "/scenarios.md");
  ASSERT_TRUE(stream);
  std::string line;
  std::string example;
  bool inside = false;
  while (std::getline(stream, line)) {
    if (!inside && line == "```toml") {
      inside = true;
    } else if (inside && line == "```") {
      break;
    } else if (inside) {
      example += line + "\n";
    }
  }
  ASSERT_FALSE(example.empty());
  const auto scenario = parse_scenario(example, "docs/scenarios.md");
  ASSERT_TRUE(scenario) << scenario.error().message();
  EXPECT_EQ(scenario->nodes.size(), 5U);
  EXPECT_EQ(scenario->links.size(), 5U);
  EXPECT_EQ(scenario->nodes.back().program, NodeProgram::kPtp4win);
  EXPECT_EQ(scenario->nodes.back().command_line, "-i Ethernet -m -s --message_tag [win]");
  EXPECT_EQ(scenario->events.size(), 2U);
}

TEST(ScenarioFiles, ConformanceKeysReachTheModel) {
  const auto scenario = parse_scenario(R"(
[[node]]
name = "gm"
time_properties = { leap61 = true, current_utc_offset_valid = true }
[[node]]
name = "late"
start_at = "9 s"
[[switch]]
name = "sw"
[[link]]
a = "gm"
b = "sw"
general_message_delay = "500 ms"
[[link]]
a = "late"
b = "sw"
b_to_a = { general_message_delay = "1 s" }
)",
                                       "conformance.toml");
  ASSERT_TRUE(scenario) << scenario.error().message();
  EXPECT_TRUE(scenario->nodes[0].time_properties.leap61);
  EXPECT_FALSE(scenario->nodes[0].time_properties.leap59);
  EXPECT_TRUE(scenario->nodes[0].time_properties.current_utc_offset_valid);
  EXPECT_EQ(scenario->nodes[0].start_at, SimDuration());
  EXPECT_EQ(scenario->nodes[1].start_at, SimDuration::seconds(9));
  EXPECT_EQ(scenario->links[0].a_to_b.general_message_delay, SimDuration::milliseconds(500));
  EXPECT_EQ(scenario->links[0].b_to_a.general_message_delay, SimDuration::milliseconds(500));
  EXPECT_EQ(scenario->links[1].a_to_b.general_message_delay, SimDuration());
  EXPECT_EQ(scenario->links[1].b_to_a.general_message_delay, SimDuration::seconds(1));
}

TEST(ScenarioFiles, ConformanceKeysAreChecked) {
  const auto both_leaps = parse_scenario(
      "[[node]]\nname = \"gm\"\ntime_properties = { leap61 = true, leap59 = true }\n", "x.toml");
  ASSERT_FALSE(both_leaps);
  EXPECT_NE(both_leaps.error().message().find("leap59"), std::string::npos);
  const auto negative_start =
      parse_scenario("[[node]]\nname = \"gm\"\nstart_at = \"-1 s\"\n", "x.toml");
  ASSERT_FALSE(negative_start);
  EXPECT_NE(negative_start.error().message().find("start_at"), std::string::npos);
  const auto unknown_flag =
      parse_scenario("[[node]]\nname = \"gm\"\ntime_properties = { leap62 = true }\n", "x.toml");
  ASSERT_FALSE(unknown_flag);
  EXPECT_NE(unknown_flag.error().message().find("leap62"), std::string::npos);
}

TEST(ScenarioFiles, LargeDeclaresHundredsOfClocksCompactly) {
  const auto large = parse_scenario_file(kScenariosDir / "large.toml");
  ASSERT_TRUE(large) << large.error().message();
  EXPECT_GE(large->nodes.size(), 200U);
  EXPECT_EQ(large->links.size() + 1, large->nodes.size() + large->switches.size());  // a tree
}

}  // namespace
}  // namespace ptp::ptpsim
