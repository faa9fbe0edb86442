// check_sync: linuxptp-testsuite's pass criteria for one slave, computed from the simulation's
// ground truth (ptpsim's per-sample true offset and true frequency error from the grandmaster)
// with hal-sim's lock statistics.
//
// The sync time is the suite's find_sync variant (sim::find_sync_time_s, unsmoothed, with the
// max limits): the time of the first sample after which |offset| stayed within max_offset_ns and
// |frequency error| within max_frequency_ppb until the end of the run; a sample with no figure
// (the node not yet switched on, or no grandmaster) counts as out of sync. The statistics
// (sim::offset_statistics) are over the samples from statistics_from_s on: the end of the sync
// window, so 40 s for the reference network.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ptp/sim/lock_statistics.h"

namespace ptp::conformance {

struct SyncLimits {
  double min_sync_time_s = 10;
  double max_sync_time_s = 40;
  double max_offset_ns = 2'000;
  double max_frequency_ppb = 2'000;
  double rms_offset_ns = 1'000;
  double rms_frequency_ppb = 1'000;
  // The statistics start here; nullopt: at max_sync_time_s.
  std::optional<double> statistics_from_s;

  [[nodiscard]] double statistics_start_s() const {
    return statistics_from_s.value_or(max_sync_time_s);
  }
};

struct SyncFigures {
  std::optional<double> sync_time_s;  // nullopt: out of sync at the last sample
  double max_offset_ns = 0;
  double rms_offset_ns = 0;
  double max_frequency_ppb = 0;
  double rms_frequency_ppb = 0;
  std::size_t statistics_samples = 0;
  std::size_t missing_samples = 0;  // in the statistics span, samples with no figure
};

SyncFigures compute_sync_figures(std::span<const sim::TruthSample> samples,
                                 const SyncLimits& limits);

// One sentence per criterion the figures fail, naming the figure, its value and its limit;
// empty when they pass.
std::vector<std::string> sync_violations(const SyncFigures& figures, const SyncLimits& limits);

}  // namespace ptp::conformance
