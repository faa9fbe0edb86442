// Running one conformance scenario with one servo, in-process (ptpsim_runner), and judging every
// slave by check_sync; and the side-by-side table of the two servos' figures.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "check_sync.h"
#include "ptp/result.h"

namespace ptp::conformance {

// Which servo a case runs with: the scenario file's own (pi, as ptp4l's default, unless the file
// says linreg) or ours, set on every node. kDefault: the project's default servo
// (servo::kDefaultServoKind), the suite's second column; to_string names it by the servo.
// kKalman, kKalmanFloor (kalman with its lucky-packet stage, kalman_delay_floor 1) and kEnvelope
// by name, for ptp_conformance --kalman, --floor and --envelope.
enum class ServoChoice : std::uint8_t { kBaseline, kDefault, kKalman, kKalmanFloor, kEnvelope };
std::string_view to_string(ServoChoice servo);

struct ConformanceCase {
  std::string name;         // the ctest name part, e.g. "defaults"
  std::string file;         // under apps/ptpsim/scenarios/conformance
  std::string grandmaster;  // the node every other node is judged against; not itself judged
  SyncLimits limits;
  // Nodes judged by their final port state instead of check_sync (masterOnly): name, state.
  std::vector<std::pair<std::string, std::string>> final_states;
  // A pmc on the segment sends GETs at 60 s and 300 s: every clock must answer each, with its
  // real data sets.
  bool pmc = false;
  // The grandmaster announces a leap second: every judged slave's timePropertiesDS must show it.
  bool expect_leap61 = false;
  // Several masters serve: from the end of the sync window on, the grandmaster of the moment
  // (the master most slaves follow) must be `grandmaster` (the suite reads the slaves' "selected
  // best master clock" lines; the sync figures alone are taken against whichever is followed).
  bool check_grandmaster = false;
  // The grandmasters of the moment the run must have had at some time, and whether the last one
  // must be `grandmaster` (the suite's check_any_log_message and check_last_log_message on
  // "selected best master clock", for a run whose grandmaster changes after the window).
  std::vector<std::string> grandmasters_seen;
  bool check_last_grandmaster = false;
  bool nightly = false;  // too slow for the CI set under the dev preset's sanitizers
  // The earliest sync time the window allows our servos (every choice but the baseline), where
  // the suite's lower bound is only how slowly ptp4l's PI servo converges (nothing in the network
  // stops an earlier sync).
  std::optional<double> ours_min_sync_time_s;
};

// The scenarios, in the order of docs/conformance.md.
const std::vector<ConformanceCase>& conformance_cases();
const ConformanceCase* find_case(std::string_view name);

struct NodeVerdict {
  std::string name;
  std::string final_state;
  SyncFigures figures;
  std::vector<std::string> violations;  // empty: passed
};

struct CaseResult {
  std::string servo_name;  // what the slaves ran: pi, linreg, kalman or envelope
  std::vector<NodeVerdict> nodes;
  std::vector<std::string> violations;  // of the case as a whole (the pmc's answers)
  double wall_s = 0;
  [[nodiscard]] bool passed() const;
};

// Runs the case's scenario file (from `scenarios_dir`) with the chosen servo and seed; an error
// is a scenario that does not parse or run.
Result<CaseResult, std::string> run_case(const ConformanceCase& conformance_case, ServoChoice servo,
                                         const std::string& scenarios_dir, std::uint64_t seed);

// The worst figure of each kind over the judged slaves (sync_time_s: nullopt if any slave never
// synced).
struct WorstFigures {
  std::optional<double> sync_time_s;
  bool never_synced = false;
  double max_offset_ns = 0;
  double rms_offset_ns = 0;
  double rms_frequency_ppb = 0;
};
WorstFigures worst_figures(const CaseResult& result);

// One line per case: the baseline and the other servo's figures side by side (worst slave of
// each).
void print_table_header(std::ostream& out);
void print_table_row(std::ostream& out, const ConformanceCase& conformance_case,
                     const CaseResult& baseline, const CaseResult& ours);
// The figures of one run, worst slave, for a test's output.
void print_summary(std::ostream& out, const ConformanceCase& conformance_case,
                   const CaseResult& result);

}  // namespace ptp::conformance
