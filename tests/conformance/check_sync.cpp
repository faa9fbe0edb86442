// check_sync: the sync time scan and the statistics after the sync window.
#include "check_sync.h"

#include <cmath>
#include <sstream>

namespace ptp::conformance {
namespace {

bool in_sync(const ptpsim::TrueSample& sample, const SyncLimits& limits) {
  if (std::isnan(sample.offset_ns) || std::isnan(sample.frequency_error_ppb)) return false;
  return std::fabs(sample.offset_ns) <= limits.max_offset_ns &&
         std::fabs(sample.frequency_error_ppb) <= limits.max_frequency_ppb;
}

std::string describe(std::string_view figure, double value, std::string_view unit,
                     std::string_view relation, double limit) {
  std::ostringstream text;
  text << figure << " " << value << " " << unit << " " << relation << " " << limit << " " << unit;
  return text.str();
}

}  // namespace

SyncFigures compute_sync_figures(const std::vector<ptpsim::TrueSample>& samples,
                                 const SyncLimits& limits) {
  SyncFigures figures;
  // Scanning back from the end: the sync time is where the last out-of-sync stretch ended.
  for (auto it = samples.rbegin(); it != samples.rend(); ++it) {
    if (!in_sync(*it, limits)) break;
    figures.sync_time_s = it->time_s;
  }
  double offset_squares = 0;
  double frequency_squares = 0;
  for (const ptpsim::TrueSample& sample : samples) {
    if (sample.time_s < limits.statistics_start_s()) continue;
    if (std::isnan(sample.offset_ns) || std::isnan(sample.frequency_error_ppb)) {
      ++figures.missing_samples;
      continue;
    }
    ++figures.statistics_samples;
    figures.max_offset_ns = std::max(figures.max_offset_ns, std::fabs(sample.offset_ns));
    figures.max_frequency_ppb =
        std::max(figures.max_frequency_ppb, std::fabs(sample.frequency_error_ppb));
    offset_squares += sample.offset_ns * sample.offset_ns;
    frequency_squares += sample.frequency_error_ppb * sample.frequency_error_ppb;
  }
  if (figures.statistics_samples > 0) {
    const auto count = static_cast<double>(figures.statistics_samples);
    figures.rms_offset_ns = std::sqrt(offset_squares / count);
    figures.rms_frequency_ppb = std::sqrt(frequency_squares / count);
  }
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
