// Lock statistics: the lock rules and the figures over a span of ground-truth samples.
#include "ptp/sim/lock_statistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ptp::sim {
namespace {

bool within(double value, double limit) { return !std::isnan(value) && std::fabs(value) <= limit; }

double nearest_rank_99(std::vector<double>& magnitudes) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(magnitudes.size())));
  const std::size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(index),
                   magnitudes.end());
  return magnitudes[index];
}

}  // namespace

std::optional<double> lock_time_s(std::span<const TruthSample> samples, const LockRule& rule) {
  std::optional<double> stretch_start_s;
  for (const TruthSample& sample : samples) {
    // Strictly below the bound; NaN is not.
    if (!(std::fabs(sample.offset_ns) < rule.offset_bound_ns)) {
      stretch_start_s.reset();
      continue;
    }
    if (!stretch_start_s) stretch_start_s = sample.time_s;
    if (sample.time_s - *stretch_start_s >= rule.hold_s) return stretch_start_s;
  }
  return std::nullopt;
}

std::optional<double> find_sync_time_s(std::span<const TruthSample> samples,
                                       const FindSyncRule& rule) {
  std::optional<double> sync_time_s;
  for (auto it = samples.rbegin(); it != samples.rend(); ++it) {
    if (!within(it->offset_ns, rule.max_offset_ns) ||
        !within(it->frequency_error_ppb, rule.max_frequency_ppb)) {
      break;
    }
    sync_time_s = it->time_s;
  }
  return sync_time_s;
}

OffsetStatistics offset_statistics(std::span<const TruthSample> samples, double bound_ns) {
  OffsetStatistics result;
  std::vector<double> magnitudes;
  magnitudes.reserve(samples.size());
  double offset_squares = 0;
  double frequency_squares = 0;
  for (const TruthSample& sample : samples) {
    if (std::isnan(sample.offset_ns)) {
      ++result.missing;
      continue;
    }
    const double magnitude = std::fabs(sample.offset_ns);
    magnitudes.push_back(magnitude);
    offset_squares += magnitude * magnitude;
    result.max_abs_ns = std::max(result.max_abs_ns, magnitude);
    if (magnitude >= bound_ns) ++result.beyond_bound;
    if (!std::isnan(sample.frequency_error_ppb)) {
      const double frequency = std::fabs(sample.frequency_error_ppb);
      ++result.frequency_samples;
      frequency_squares += frequency * frequency;
      result.frequency_max_abs_ppb = std::max(result.frequency_max_abs_ppb, frequency);
    }
  }
  result.samples = magnitudes.size();
  if (result.samples > 0) {
    result.rms_ns = std::sqrt(offset_squares / static_cast<double>(result.samples));
    result.percentile_99_ns = nearest_rank_99(magnitudes);
  }
  if (result.frequency_samples > 0) {
    result.frequency_rms_ppb =
        std::sqrt(frequency_squares / static_cast<double>(result.frequency_samples));
  }
  return result;
}

std::span<const TruthSample> samples_from(std::span<const TruthSample> samples, double from_s) {
  const auto first = std::find_if(samples.begin(), samples.end(),
                                  [from_s](const TruthSample& s) { return s.time_s >= from_s; });
  return samples.subspan(static_cast<std::size_t>(first - samples.begin()));
}

LockStatistics lock_statistics(std::span<const TruthSample> samples, const LockRule& rule) {
  LockStatistics result;
  result.lock_time_s = lock_time_s(samples, rule);
  if (result.lock_time_s) {
    result.after_lock =
        offset_statistics(samples_from(samples, *result.lock_time_s), rule.offset_bound_ns);
  }
  return result;
}

}  // namespace ptp::sim
