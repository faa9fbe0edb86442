// check_sync: the sync time scan and the statistics after the sync window.
#include "check_sync.h"

#include <sstream>

namespace ptp::conformance {
namespace {

std::string describe(std::string_view figure, double value, std::string_view unit,
                     std::string_view relation, double limit) {
  std::ostringstream text;
  text << figure << " " << value << " " << unit << " " << relation << " " << limit << " " << unit;
  return text.str();
}

}  // namespace

SyncFigures compute_sync_figures(std::span<const sim::TruthSample> samples,
                                 const SyncLimits& limits) {
  SyncFigures figures;
  figures.sync_time_s = sim::find_sync_time_s(
      samples, sim::FindSyncRule{limits.max_offset_ns, limits.max_frequency_ppb});
  const sim::OffsetStatistics statistics =
      sim::offset_statistics(sim::samples_from(samples, limits.statistics_start_s()));
  // The suite's figures are over samples with both an offset and a frequency error.
  figures.statistics_samples = statistics.frequency_samples;
  figures.missing_samples = statistics.missing + statistics.samples - statistics.frequency_samples;
  figures.max_offset_ns = statistics.max_abs_ns;
  figures.rms_offset_ns = statistics.rms_ns;
  figures.max_frequency_ppb = statistics.frequency_max_abs_ppb;
  figures.rms_frequency_ppb = statistics.frequency_rms_ppb;
  return figures;
}

std::vector<std::string> sync_violations(const SyncFigures& figures, const SyncLimits& limits) {
  std::vector<std::string> violations;
  if (!figures.sync_time_s) {
    violations.emplace_back("sync time: never (out of sync at the end of the run)");
  } else if (*figures.sync_time_s < limits.min_sync_time_s) {
    violations.push_back(
        describe("sync time", *figures.sync_time_s, "s", "<", limits.min_sync_time_s));
  } else if (*figures.sync_time_s > limits.max_sync_time_s) {
    violations.push_back(
        describe("sync time", *figures.sync_time_s, "s", ">", limits.max_sync_time_s));
  }
  if (figures.statistics_samples == 0) {
    violations.emplace_back("no samples after the sync window");
    return violations;
  }
  if (figures.missing_samples > 0) {
    violations.push_back(describe("samples without a grandmaster after the sync window",
                                  static_cast<double>(figures.missing_samples), "", ">", 0));
  }
  if (figures.max_offset_ns > limits.max_offset_ns) {
    violations.push_back(
        describe("max |offset|", figures.max_offset_ns, "ns", ">", limits.max_offset_ns));
  }
  if (figures.rms_offset_ns > limits.rms_offset_ns) {
    violations.push_back(
        describe("RMS offset", figures.rms_offset_ns, "ns", ">", limits.rms_offset_ns));
  }
  if (figures.max_frequency_ppb > limits.max_frequency_ppb) {
    violations.push_back(describe("max |frequency error|", figures.max_frequency_ppb, "ppb", ">",
                                  limits.max_frequency_ppb));
  }
  if (figures.rms_frequency_ppb > limits.rms_frequency_ppb) {
    violations.push_back(describe("RMS frequency error", figures.rms_frequency_ppb, "ppb", ">",
                                  limits.rms_frequency_ppb));
  }
  return violations;
}

}  // namespace ptp::conformance
