// The ptpsim binary as a user meets it, run as a subprocess: bad scenario files give the parser's
// "file:line: key: problem" and exit status 2, as do bad options; --help, a short run, --log
// (bad peer-delay input logged once) and --plot work.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs ptpsim with `arguments` (already shell-quoted where needed), after `environment`
// (variable assignments for the shell).
Outcome run_ptpsim(const std::string& arguments, const std::string& environment = "") {
  const std::string command =
      environment + " '" + std::string(PTPSIM_BINARY) + "' " + arguments + " 2>&1";
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return outcome;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    outcome.output.append(buffer.data(), read);
  }
  const int status = pclose(pipe);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

std::string write_scenario(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(PtpsimCommandLine, BadScenarioFilesGiveTheParsersErrorAndExitStatus2) {
  struct Case {
    const char* file;
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"ptpsim_bad_syntax.toml", "[run\nduration = 1\n", "ptpsim_bad_syntax.toml:1: "},
      {"ptpsim_bad_key.toml", "[[node]]\nname = \"a\"\nfrequency_ppm = 3\n",
       "ptpsim_bad_key.toml:3: node[0].frequency_ppm: unknown key"},
      {"ptpsim_bad_option.toml", "[[node]]\nname = \"a\"\noptions = { priority1 = 256 }\n",
       "ptpsim_bad_option.toml:3: node[0].options.priority1: 256 is out of range [0, 255]"},
      {"ptpsim_bad_link.toml", "[[node]]\nname = \"a\"\n[[link]]\na = \"a\"\nb = \"sw9\"\n",
       "ptpsim_bad_link.toml:5: link[0].b: unknown node or switch 'sw9'"},
  };
  for (const Case& test : cases) {
    const std::string path = write_scenario(test.file, test.text);
    const Outcome outcome = run_ptpsim("'" + path + "'");
    EXPECT_EQ(outcome.status, 2) << test.file << ": " << outcome.output;
    EXPECT_NE(outcome.output.find(test.expected), std::string::npos)
        << test.file << ": " << outcome.output;
    EXPECT_EQ(outcome.output.rfind("ptpsim: ", 0), 0U) << outcome.output;
  }
}

TEST(PtpsimCommandLine, AMissingFileIsAnError) {
  const Outcome outcome = run_ptpsim("/nonexistent/scenario.toml");
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.output.find("/nonexistent/scenario.toml"), std::string::npos) << outcome.output;
}

TEST(PtpsimCommandLine, BadOptionsAreErrors) {
  for (const char* arguments : {"--bogus", "--seed", "--seed -1", "--seed x", "--duration 0",
                                "--duration ten", "--csv", "a.toml b.toml", "--log=1"}) {
    const Outcome outcome = run_ptpsim(arguments);
    EXPECT_EQ(outcome.status, 2) << arguments << ": " << outcome.output;
    EXPECT_EQ(outcome.output.rfind("ptpsim: ", 0), 0U) << arguments << ": " << outcome.output;
  }
}

TEST(PtpsimCommandLine, HelpPrintsTheUsage) {
  const Outcome outcome = run_ptpsim("--help");
  EXPECT_EQ(outcome.status, 0);
  EXPECT_EQ(outcome.output.rfind("usage: ptpsim", 0), 0U) << outcome.output;
}

// A short run of the default scenario prints the table and the speed line, and nothing on a
// terminal's progress line (this test's stderr is a pipe).
TEST(PtpsimCommandLine, AShortRunPrintsTheSummaryAndTheSpeedLine) {
  const Outcome outcome = run_ptpsim("--duration 20 --seed 3");
  EXPECT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("seed 3, 20 s simulated"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("oc-win   windows-hardware"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("simulated 20 s in "), std::string::npos) << outcome.output;
  EXPECT_EQ(outcome.output.find('\r'), std::string::npos);
}

TEST(PtpsimCommandLine, LogLinesAreInPtp4lStyle) {
  const Outcome outcome = run_ptpsim("--duration 12 --log --quiet");
  EXPECT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("]: oc-win port 1: LISTENING to UNCALIBRATED on RS_SLAVE"),
            std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("]: oc-hw master offset "), std::string::npos);
  EXPECT_NE(outcome.output.find(" path delay "), std::string::npos);
}

// Three P2P clocks on one plain switch: each hears two peers. Each says so once in its log,
// though every interval brings another second peer (counted) until the port faults.
TEST(PtpsimCommandLine, BadPeerDelayInputIsLoggedOncePerClock) {
  const std::string scenario = write_scenario("ptpsim_three_peers.toml", R"(
[run]
duration = "20 s"
[[node]]
name = "gm"
options = { delay_mechanism = "P2P", priority1 = 10 }
[[node]]
name = "a"
options = { delay_mechanism = "P2P" }
[[node]]
name = "b"
options = { delay_mechanism = "P2P" }
[[switch]]
name = "sw"
[[link]]
a = "gm"
b = "sw"
[[link]]
a = "a"
b = "sw"
[[link]]
a = "b"
b = "sw"
)");
  const Outcome outcome = run_ptpsim("--log --quiet '" + scenario + "'");
  EXPECT_EQ(outcome.status, 0) << outcome.output;
  for (const std::string node : {"gm", "a", "b"}) {
    const std::string line = "]: " + node + " port 1: a second peer answered a peer delay request";
    const auto first = outcome.output.find(line);
    EXPECT_NE(first, std::string::npos) << outcome.output;
    EXPECT_EQ(outcome.output.find(line, first + 1), std::string::npos) << outcome.output;
  }
}

// Without gnuplot, --plot fails at once with a message saying how to get it (before the run).
TEST(PtpsimCommandLine, PlotWithoutGnuplotSaysHowToInstallIt) {
  const Outcome outcome = run_ptpsim("--plot x.svg", "PATH=/nonexistent");
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("--plot needs gnuplot"), std::string::npos) << outcome.output;
  EXPECT_EQ(outcome.output.find("simulated "), std::string::npos) << outcome.output;
}

TEST(PtpsimCommandLine, PlotWritesAnSvg) {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "gnuplot is not installed (scripts/install-deps.sh installs gnuplot-nox)";
  }
  const auto svg = std::filesystem::path(::testing::TempDir()) / "ptpsim_plot.svg";
  std::filesystem::remove(svg);
  const Outcome outcome = run_ptpsim("--quiet --duration 30 --plot '" + svg.string() + "'");
  EXPECT_EQ(outcome.status, 0) << outcome.output;
  std::ifstream in(svg);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("oc-win (windows-hardware)"), std::string::npos);
}

}  // namespace
