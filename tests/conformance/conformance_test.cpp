// The conformance suite: every scenario of apps/ptpsim/scenarios/conformance, run with the
// baseline servo (pi, or linreg where the scenario is about linreg) and with the project's default
// servo (servo::kDefaultServoKind, named by its servo in the test names), over the
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
#include <iterator>
#include <map>
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
                       ::testing::Values(ServoChoice::kBaseline, ServoChoice::kDefault),
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

// linuxptp-testsuite's 03-p2pdm, second half: a P2P master and an E2E slave do not
// understand each other's delay messages (each drops them, counted), so the slave never has a
// delay and must not sync ("this should fail"). The first half is the p2p scenario above.
TEST(ConformanceP2p, PeerDelayMechanism) {
  const ConformanceCase* p2p = find_case("p2p");
  ASSERT_NE(p2p, nullptr);
  std::ifstream stream(std::filesystem::path(kScenariosDir) / p2p->file);
  std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  const std::string slave_options =
      "noise_update_interval = \"1 s\" }\n"
      "paths = { hardware_jitter_stddev = \"0 ns\" }\n"
      "options = { delay_mechanism = \"P2P\" }";
  const auto at = text.find(slave_options);
  ASSERT_NE(at, std::string::npos) << "the slave's options in p2p.toml";
  const std::string p2p_value = "P2P\" }";
  text.replace(at + slave_options.size() - p2p_value.size(), p2p_value.size(), "E2E\" }");
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "ptp_conformance_p2p_master_e2e_slave";
  std::filesystem::create_directories(dir);
  ConformanceCase mixed = *p2p;
  mixed.name = "p2p_master_e2e_slave";
  mixed.file = "p2p_master_e2e_slave.toml";
  std::ofstream(dir / mixed.file) << text;
  const auto result = run_case(mixed, ServoChoice::kBaseline, dir.string(), 1);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(result.has_value()) << result.error();
  print_summary(std::cout, mixed, *result);
  EXPECT_FALSE(result->passed()) << "an E2E slave synced to a P2P master";
}

// The kalman servo with its lucky-packet stage (not the default, so not in the table's runs) on
// the two cases where it met neither what kalman alone meets nor the suite: clocks 9 % off with
// software timestamps (the stage off, its control phase in the oscillator's seconds) and 0.1 s
// of jitter (the floors' variance learnt only from the start's projections once the servo has
// stepped). Seeds 1-10.
TEST(ConformanceFloor, LargeFrequencyErrorAndLargeJitter) {
  for (const char* name : {"large_frequency_error", "large_jitter"}) {
    const ConformanceCase* conformance_case = find_case(name);
    ASSERT_NE(conformance_case, nullptr) << name;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const auto result =
          run_case(*conformance_case, ServoChoice::kKalmanFloor, kScenariosDir, seed);
      ASSERT_TRUE(result.has_value()) << result.error();
      EXPECT_TRUE(result->passed()) << name << ", seed " << seed;
    }
  }
}

#endif

#if PTP_CONFORMANCE_NIGHTLY == 1

// The envelope servo's and pi's worst slaves on one seed of a case.
struct SeedFigures {
  std::uint64_t seed = 0;
  WorstFigures envelope;
  WorstFigures pi;
  [[nodiscard]] double rms_ratio() const { return envelope.rms_offset_ns / pi.rms_offset_ns; }
};

// The envelope servo against pi on case `name`, seeds 16-20 (seeds the servo was not looked at
// on). Several tests judge the same runs: they are simulated once per process.
const std::vector<SeedFigures>& envelope_against_pi(const std::string& name) {
  static std::map<std::string, std::vector<SeedFigures>> runs;
  if (const auto found = runs.find(name); found != runs.end()) return found->second;
  std::vector<SeedFigures>& figures = runs[name];
  const ConformanceCase* conformance_case = find_case(name);
  if (conformance_case == nullptr) {
    ADD_FAILURE() << "no case " << name;
    return figures;
  }
  for (std::uint64_t seed = 16; seed <= 20; ++seed) {
    const auto pi = run_case(*conformance_case, ServoChoice::kBaseline, kScenariosDir, seed);
    const auto envelope = run_case(*conformance_case, ServoChoice::kEnvelope, kScenariosDir, seed);
    if (!pi.has_value() || !envelope.has_value()) {
      ADD_FAILURE() << name << ", seed " << seed << ": "
                    << (pi.has_value() ? envelope.error() : pi.error());
      continue;
    }
    figures.push_back(SeedFigures{seed, worst_figures(*envelope), worst_figures(*pi)});
    std::cout << name << " seed " << seed << ": envelope / pi RMS " << figures.back().rms_ratio()
              << "\n";
  }
  return figures;
}

double mean_rms_ratio(const std::vector<SeedFigures>& figures) {
  double sum = 0;
  for (const SeedFigures& seed : figures) sum += seed.rms_ratio();
  return sum / static_cast<double>(figures.size());
}

// The bar on each seed: the envelope syncs within 1.2 x pi's time with no more RMS than pi's.
void expect_bar_on_every_seed(const std::vector<SeedFigures>& figures) {
  ASSERT_EQ(figures.size(), 5U);
  for (const SeedFigures& seed : figures) {
    ASSERT_TRUE(seed.envelope.sync_time_s.has_value() && seed.pi.sync_time_s.has_value())
        << "seed " << seed.seed;
    EXPECT_LE(*seed.envelope.sync_time_s, 1.2 * *seed.pi.sync_time_s) << "seed " << seed.seed;
    EXPECT_LE(seed.rms_ratio(), 1.0) << "seed " << seed.seed;
  }
}

// Through transparent clocks (no queueing left to use) the Kalman servo predicts better than the
// envelope, but its score holds its E2E acquisition's microseconds: at the 16th scored exchange a
// Kalman score beyond the square of the clip the scores take from then on restarts level with the
// steering window's, and the clipped exchanges decide. The Kalman bank's scores average the log
// of each squared prediction error, so the acquisition weighs its log ratio to the nanoseconds
// after it, not a millionfold (the crystal's q is 1 ppb^2/s). Before the scores settle, the
// longest window's line, bent by that crystal's wander over tens of seconds, gives way to a
// shorter window that predicts better by more than half a squared mean excess. Over seeds the
// servo was not looked at on, every seed meets the bar (no more RMS than pi, sync within 1.2 x
// pi's: 0.93-0.98 x and 22-24 s against 34-35 s) and the mean ratio stays below 1.
TEST(ConformanceEnvelope, SettledKalmanSteersThroughTransparentClocks) {
  const std::vector<SeedFigures>& figures = envelope_against_pi("transparent_e2e");
  ASSERT_NO_FATAL_FAILURE(expect_bar_on_every_seed(figures));
  EXPECT_LT(mean_rms_ratio(figures), 1.0);
}

// At 16 s between Syncs the envelope's shortest window spans 128 s of wander and its line's error
// runs in stretches, while the Kalman servo's control averages its own errors over two intervals:
// the settled comparison smooths both as that control does. The scores settle only after 256 s
// there, so the envelope has no presumption of being better: the Kalman servo steers until the
// steering candidate is shown better beyond the comparison's noise (and before the scores are
// settled, as the envelope's unscored line over minutes of wander would cost most of its RMS).
// Over seeds 16-20 every seed meets the bar (no more RMS than pi, sync within 1.2 x pi's) and the
// mean envelope / pi RMS stays below 0.95 (0.90 on this code; 1.00, with seeds 17 and 20 above
// pi's, where the envelope steered until shown worse).
TEST(ConformanceEnvelope, SixteenSecondSyncsSteerWithTheSettledComparison) {
  const std::vector<SeedFigures>& figures = envelope_against_pi("sync_interval_4");
  ASSERT_NO_FATAL_FAILURE(expect_bar_on_every_seed(figures));
  EXPECT_LT(mean_rms_ratio(figures), 0.95);
}

#endif

}  // namespace
}  // namespace ptp::conformance
