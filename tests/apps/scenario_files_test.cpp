// The scenario files in apps/ptpsim/scenarios: every one parses, default.toml is exactly the
// built-in default scenario, and the built-in default is what issue 8 asks for.
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
  EXPECT_EQ(scenario->nodes.size(), 4U);
  EXPECT_EQ(scenario->links.size(), 4U);
  EXPECT_EQ(scenario->events.size(), 2U);
}

TEST(ScenarioFiles, LargeDeclaresHundredsOfClocksCompactly) {
  const auto large = parse_scenario_file(kScenariosDir / "large.toml");
  ASSERT_TRUE(large) << large.error().message();
  EXPECT_GE(large->nodes.size(), 200U);
  EXPECT_EQ(large->links.size() + 1, large->nodes.size() + large->switches.size());  // a tree
}

}  // namespace
}  // namespace ptp::ptpsim
