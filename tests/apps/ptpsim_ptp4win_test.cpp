// ptpsim nodes with program = "ptp4win": ptp4win's own parser, Session, Windows HAL and log lines
// on a simulated Windows. Each run's log and CSV are checked against ground truth: the node
// reaches SLAVE through ptp4win's own lines, stays within the windows-hardware bound, and a seed
// fixes the whole run (log lines and CSV) byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "ptp/ptpsim/scenario_parser.h"
#include "ptp4win_node.h"
#include "run.h"

namespace ptp::ptpsim {
namespace {

// A grandmaster and one Windows machine running ptp4win with its own defaults (pi servo, 1 Hz
// sync), behind a switch.
std::string scenario_text(const std::string& timestamping, const std::string& command_line) {
  return "[run]\n"
         "duration = \"2 min\"\n"
         "seed = 3\n"
         "[[node]]\n"
         "name = \"gm\"\n"
         "options = { priority1 = 10 }\n"
         "[[node]]\n"
         "name = \"win\"\n"
         "timestamping = \"" +
         timestamping +
         "\"\n"
         "clock = { initial_phase_offset = \"2 ms\", initial_frequency_error_ppm = 20.0 }\n"
         "program = \"ptp4win\"\n"
         "command_line = \"" +
         command_line +
         "\"\n"
         "[[switch]]\n"
         "name = \"sw\"\n"
         "residence = \"1 us\"\n"
         "[[link]]\n"
         "a = \"gm\"\n"
         "b = \"sw\"\n"
         "[[link]]\n"
         "a = \"win\"\n"
         "b = \"sw\"\n";
}

struct RunResult {
  RunReport report;
  std::string log;
  std::string csv;
};

RunResult run(const std::string& text, std::uint64_t seed, const std::string& csv_name) {
  auto scenario = parse_scenario(text, "ptp4win.toml");
  EXPECT_TRUE(scenario.has_value()) << (scenario ? "" : scenario.error().message());
  if (!scenario) return {};
  std::ostringstream log;
  RunOptions options;
  options.seed = seed;
  options.log = &log;
  options.csv_path = (std::filesystem::path(::testing::TempDir()) / csv_name).string();
  auto report = run_scenario(*scenario, options);
  EXPECT_TRUE(report.has_value()) << (report ? "" : report.error());
  if (!report) return {};
  std::ifstream csv(options.csv_path, std::ios::binary);
  return RunResult{
      std::move(report.value()), log.str(),
      std::string(std::istreambuf_iterator<char>(csv), std::istreambuf_iterator<char>())};
}

std::vector<std::string> lines_of(const std::string& text, const std::string& containing) {
  std::vector<std::string> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(containing) != std::string::npos) found.push_back(line);
  }
  return found;
}

TEST(PtpsimPtp4winNode, ReachesSlaveInItsOwnLogLinesAndMeetsTheWindowsHardwareBound) {
  const RunResult result =
      run(scenario_text("windows-hardware", "-i Ethernet -m --message_tag [win]"), 3,
          "ptp4win_node.csv");
  ASSERT_EQ(result.report.nodes.size(), 2U);
  const NodeSummary& win = result.report.nodes[1];
  EXPECT_EQ(win.final_state, "SLAVE");
  // ptp4win's lines, by ptp4win's formatter: program, QPC seconds, the tag, the message.
  const auto lines = lines_of(result.log, "[win] ");
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) EXPECT_EQ(line.rfind("ptp4win[", 0), 0U) << line;
  EXPECT_FALSE(lines_of(result.log, "[win] interface Ethernet: hardware timestamps").empty());
  EXPECT_FALSE(lines_of(result.log, "[win] port 1: UNCALIBRATED to SLAVE").empty());
  // ptp4win's default: one line per measurement at 1 Hz, "master offset ... s2 freq".
  EXPECT_GT(lines_of(result.log, " s2 freq ").size(), 60U);
  // No ptpsim-style lines for it: the node's log is ptp4win's alone.
  EXPECT_TRUE(lines_of(result.log, ": win ").empty());
  // Ground truth: the same bound as the library's windows-hardware clock in the default scenario.
  ASSERT_TRUE(win.lock_time_s.has_value());
  EXPECT_LT(*win.lock_time_s, 60.0);
  ASSERT_TRUE(win.rms_ns.has_value());
  EXPECT_LT(*win.rms_ns, 500.0);
  EXPECT_LT(*win.max_abs_ns, 5'000.0);
  EXPECT_GT(win.messages_sent, 0U);
}

TEST(PtpsimPtp4winNode, SoftwareAndNoTimestampsAreWhatPtp4winSelects) {
  for (const auto& [kind, selected, bound_ns] :
       {std::tuple{"software", "software timestamps", 10'000.0},
        std::tuple{"none", "application-level (no OS timestamps) timestamps", 50'000.0}}) {
    const RunResult result = run(scenario_text(kind, "-i Ethernet -m"), 3, "ptp4win_node_sw.csv");
    ASSERT_EQ(result.report.nodes.size(), 2U) << kind;
    const NodeSummary& win = result.report.nodes[1];
    EXPECT_EQ(win.final_state, "SLAVE") << kind;
    EXPECT_FALSE(lines_of(result.log, std::string("interface Ethernet: ") + selected).empty())
        << kind;
    // ptp4win says which timestamps the adapter gave it, in its own lines.
    EXPECT_FALSE(lines_of(result.log, "ptp4win[").empty()) << kind;
    ASSERT_TRUE(win.rms_ns.has_value()) << kind;
    EXPECT_LT(*win.rms_ns, bound_ns) << kind;
  }
}

TEST(PtpsimPtp4winNode, SameSeedGivesTheSameRunAndAnotherSeedAnother) {
  const std::string text = scenario_text("windows-hardware", "-i Ethernet -m");
  const RunResult first = run(text, 5, "ptp4win_seed5_a.csv");
  const RunResult second = run(text, 5, "ptp4win_seed5_b.csv");
  const RunResult other = run(text, 6, "ptp4win_seed6.csv");
  ASSERT_FALSE(first.csv.empty());
  ASSERT_FALSE(first.log.empty());
  EXPECT_EQ(first.csv, second.csv);
  EXPECT_EQ(first.log, second.log);
  EXPECT_NE(first.csv, other.csv);
  EXPECT_NE(first.log, other.log);
}

TEST(PtpsimPtp4winNode, ACommandLineErrorIsPtp4winsOwnNamingTheNode) {
  auto scenario = parse_scenario(scenario_text("windows-hardware", "-i Ethernet --priority1 300"),
                                 "ptp4win.toml");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().message();
  auto report = run_scenario(*scenario, RunOptions{});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().rfind("node win: ptp4win: ", 0), 0U) << report.error();
  EXPECT_NE(report.error().find("priority1"), std::string::npos) << report.error();

  auto unknown = parse_scenario(scenario_text("windows-hardware", "-i Wi-Fi"), "ptp4win.toml");
  ASSERT_TRUE(unknown.has_value());
  auto refused = run_scenario(*unknown, RunOptions{});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rfind("node win: ", 0), 0U) << refused.error();

  auto help = parse_scenario(scenario_text("windows-hardware", "-h"), "ptp4win.toml");
  ASSERT_TRUE(help.has_value());
  EXPECT_FALSE(run_scenario(*help, RunOptions{}).has_value());
}

TEST(PtpsimPtp4winNode, CommandLinesSplitAtBlanksWithQuotesGrouping) {
  EXPECT_EQ(split_command_line("  -i Ethernet\t-m  "),
            (std::vector<std::string>{"-i", "Ethernet", "-m"}));
  EXPECT_EQ(split_command_line("-i \"Ethernet 2\" -f \"\""),
            (std::vector<std::string>{"-i", "Ethernet 2", "-f", ""}));
  EXPECT_TRUE(split_command_line("").empty());
}

}  // namespace
}  // namespace ptp::ptpsim
