// The bar a default servo must meet on every conformance case (docs/conformance.md): against the
// case's baseline (pi, or linreg where the scenario says so), in the same run and seed, the worst
// slave syncs no later than 1.2 x the baseline's sync time and has no more RMS offset, and the
// case passes check_sync. ptp_conformance --bar lists every case's status over a range of seeds.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "conformance_run.h"

namespace ptp::conformance {

// How much later than the baseline a default servo may sync.
constexpr double kBarSyncRatio = 1.2;

enum class BarStatus : std::uint8_t { kMet, kLaterSync, kMoreRms, kLaterSyncAndMoreRms, kFailed };
// The table's cell: "ok", "sync", "rms", "s+r", "FAIL".
std::string_view to_string(BarStatus status);

// Judges one case's pair of runs. A baseline that never syncs bounds no sync time; a challenger
// that never syncs where the baseline does syncs too late.
BarStatus judge_bar(const CaseResult& baseline, const CaseResult& challenger);

struct BarRun {
  ServoChoice challenger = ServoChoice::kDefault;
  std::string scenarios_dir;
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 5;
  std::vector<std::string> cases;  // empty: every case
};

// Runs every case and seed with the baseline and the challenger; prints one row per case (a cell
// per seed), then each miss's figures and the counts. Returns 0 when every case met the bar, 1
// when some did not, 2 when a scenario did not run.
int run_bar(std::ostream& out, const BarRun& run);

}  // namespace ptp::conformance
