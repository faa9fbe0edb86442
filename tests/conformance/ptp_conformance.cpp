// ptp_conformance: runs the conformance scenarios with the baseline servo and with the project's
// default servo (servo::kDefaultServoKind) and prints their figures side by side
// (docs/conformance.md's table); with --kalman, --floor (kalman with its lucky-packet stage,
// kalman_delay_floor 1) or --envelope, that servo instead of the default. With --bar, each case's
// status against the default-servo bar (conformance_bar.h) over seeds FIRST-LAST (default 1-5)
// instead of the table.
//   ptp_conformance [--seed N] [--kalman|--floor|--envelope] [--bar [--seeds FIRST-LAST]]
//                   [SCENARIOS_DIR] [CASE...]  (no case: all; seed 1)
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "conformance_bar.h"
#include "conformance_run.h"

namespace {

// "N" or "FIRST-LAST" with whole numbers, FIRST <= LAST.
bool parse_seeds(const std::string& value, std::uint64_t& first, std::uint64_t& last) {
  char* end = nullptr;
  first = std::strtoull(value.c_str(), &end, 10);
  if (end == value.c_str()) return false;
  last = first;
  if (*end == '-') {
    const char* rest = end + 1;
    last = std::strtoull(rest, &end, 10);
    if (end == rest) return false;
  }
  return *end == '\0' && first <= last;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptp::conformance;
  bool bar = false;
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 5;
  std::string dir = PTP_CONFORMANCE_SCENARIOS_DIR;
  std::vector<std::string> wanted;
  std::uint64_t seed = 1;
  ServoChoice challenger = ServoChoice::kDefault;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--seed" && i + 1 < argc) {
      const std::string value = argv[++i];
      char* end = nullptr;
      seed = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') {
        std::cerr << "ptp_conformance: --seed takes a whole number, not '" << value << "'\n";
        return 2;
      }
    } else if (argument == "--bar") {
      bar = true;
    } else if (argument == "--seeds" && i + 1 < argc) {
      if (!parse_seeds(argv[++i], first_seed, last_seed)) {
        std::cerr << "ptp_conformance: --seeds takes FIRST-LAST, not '" << argv[i] << "'\n";
        return 2;
      }
    } else if (argument == "--kalman") {
      challenger = ServoChoice::kKalman;
    } else if (argument == "--floor") {
      challenger = ServoChoice::kKalmanFloor;
    } else if (argument == "--envelope") {
      challenger = ServoChoice::kEnvelope;
    } else if (argument.find('/') != std::string::npos) {
      dir = argument;
    } else {
      wanted.push_back(argument);
    }
  }
  if (bar) return run_bar(std::cout, BarRun{challenger, dir, first_seed, last_seed, wanted});
  print_table_header(std::cout);
  int status = 0;
  for (const ConformanceCase& c : conformance_cases()) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), c.name) == wanted.end()) {
      continue;
    }
    const auto baseline = run_case(c, ServoChoice::kBaseline, dir, seed);
    const auto ours = run_case(c, challenger, dir, seed);
    if (!baseline || !ours) {
      std::cerr << c.name << ": " << (baseline ? ours.error() : baseline.error()) << "\n";
      status = 2;
      continue;
    }
    print_table_row(std::cout, c, *baseline, *ours);
    for (const auto* result : {&*baseline, &*ours}) {
      for (const auto& node : result->nodes) {
        for (const auto& violation : node.violations) {
          std::cout << "  " << result->servo_name << " " << node.name << ": " << violation << "\n";
        }
      }
    }
    if (!baseline->passed() || !ours->passed()) status = 1;
  }
  return status;
}
