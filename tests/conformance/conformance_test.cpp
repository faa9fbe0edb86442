// The conformance suite: every scenario of apps/ptpsim/scenarios/conformance, run with the
// baseline servo (pi, or linreg where the scenario is about linreg) and with kalman, over the
// seeds PTP_CONFORMANCE_FIRST_SEED..PTP_CONFORMANCE_LAST_SEED, must meet linuxptp-testsuite's
// check_sync criteria on every slave. Built three times (tests/conformance/CMakeLists.txt): the
// short cases with seed 1 (label conformance, in the dev preset), the short cases with the other
// seeds (conformance-seeds) and the long cases with every seed (nightly), the last two for the
// release build.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "conformance_run.h"
#include "ptp/ptpsim/scenario_parser.h"

namespace ptp::conformance {
namespace {

const std::string kScenariosDir = PTP_CONFORMANCE_SCENARIOS_DIR;

std::vector<std::string> case_names(bool nightly) {
  std::vector<std::string> names;
  for (const ConformanceCase& c : conformance_cases()) {
    if (c.nightly == nightly) names.push_back(c.name);
  }
  return names;
}

using CaseServoSeed = std::tuple<std::string, ServoChoice, std::uint64_t>;

class ConformanceScenario : public ::testing::TestWithParam<CaseServoSeed> {};

TEST_P(ConformanceScenario, MeetsCheckSyncOnEverySlave) {
  const auto& [name, servo, seed] = GetParam();
  const ConformanceCase* conformance_case = find_case(name);
  ASSERT_NE(conformance_case, nullptr) << name;
  const auto result = run_case(*conformance_case, servo, kScenariosDir, seed);
  ASSERT_TRUE(result.has_value()) << result.error();
  print_summary(std::cout, *conformance_case, *result);
  ASSERT_FALSE(result->nodes.empty()) << "no slave judged";
  const std::string run = name + " with " + result->servo_name + ", seed " + std::to_string(seed);
  for (const std::string& violation : result->violations) {
    ADD_FAILURE() << run << ": " << violation;
  }
  for (const NodeVerdict& node : result->nodes) {
    for (const std::string& violation : node.violations) {
      ADD_FAILURE() << run << ": " << node.name << ": " << violation;
    }
  }
}

std::string test_name(const ::testing::TestParamInfo<CaseServoSeed>& info) {
  // GoogleTest names are letters, digits and underscores: "1e-8" becomes "1em8".
  std::string name = std::get<0>(info.param);
  std::replace(name.begin(), name.end(), '-', 'm');
  return name + "_" + std::string(to_string(std::get<1>(info.param))) + "_seed" +
         std::to_string(std::get<2>(info.param));
}

std::vector<std::uint64_t> seeds() {
  std::vector<std::uint64_t> values;
  for (std::uint64_t seed = PTP_CONFORMANCE_FIRST_SEED; seed <= PTP_CONFORMANCE_LAST_SEED; ++seed) {
    values.push_back(seed);
  }
  return values;
}

INSTANTIATE_TEST_SUITE_P(
    Conformance, ConformanceScenario,
    ::testing::Combine(::testing::ValuesIn(case_names(PTP_CONFORMANCE_NIGHTLY != 0)),
                       ::testing::Values(ServoChoice::kBaseline, ServoChoice::kKalman),
                       ::testing::ValuesIn(seeds())),
    test_name);

#if PTP_CONFORMANCE_NIGHTLY == 0 && PTP_CONFORMANCE_FIRST_SEED == 1

// Every scenario file has its case and a header comment naming the suite's test; every case its
// file.
TEST(ConformanceFiles, EveryFileHasACaseAndSaysWhatItReproduces) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kScenariosDir)) {
    if (entry.path().extension() != ".toml") continue;
    files.insert(entry.path().filename().string());
    std::ifstream stream(entry.path());
    std::string first_line;
    std::string second_line;
    std::getline(stream, first_line);
    std::getline(stream, second_line);
    EXPECT_EQ(first_line.rfind("# " + entry.path().filename().string() + ":", 0), 0U)
        << entry.path();
    EXPECT_NE(second_line.find("linuxptp-testsuite"), std::string::npos) << entry.path();
    const auto parsed = ptpsim::parse_scenario_file(entry.path());
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message());
  }
  for (const ConformanceCase& c : conformance_cases()) {
    EXPECT_EQ(files.count(c.file), 1U) << c.file;
  }
  EXPECT_EQ(files.size(), conformance_cases().size());
}

// linuxptp-testsuite's 03-p2p: the peer-to-peer delay mechanism is not implemented. The day the
// option table accepts it, this fails, to have the scenario added.
TEST(ConformanceP2p, PeerDelayMechanism) {
  const auto parsed = ptpsim::parse_scenario(
      "[[node]]\nname = \"gm\"\noptions = { delay_mechanism = \"P2P\" }\n", "p2p.toml");
  ASSERT_FALSE(parsed) << "P2P is accepted now: add the 03-p2p conformance scenario";
  GTEST_SKIP() << "P2P not implemented: " << parsed.error().message();
}

#endif

}  // namespace
}  // namespace ptp::conformance
