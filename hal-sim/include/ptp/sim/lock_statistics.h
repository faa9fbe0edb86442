// Lock statistics: the one definition of when a simulated clock is "locked" to its reference and
// of the figures reported after that (RMS, 99th percentile and maximum of the true offset, RMS
// and maximum of the true frequency error), computed over a time series of ground truth. Every
// figure that ptpsim's summary, ptp_accuracy, the conformance suite and the scenario tests print
// comes from here. Pure computation: no simulator, no clock.
//
// The default rule (docs/accuracy.md, "How lock is defined"): a clock is locked from the first
// sample of the first stretch of consecutive samples that all have |offset| < the bound and that
// spans at least `hold_s` (10 s) of time. The figures after the lock are over every sample from
// that first sample to the end, excursions beyond the bound included: nothing that happens after
// the lock is left out. The same rule, run over the samples from the end of a fault on, is the
// relock time after that fault.
//
// The named variant is linuxptp-testsuite's find_sync: scanning back from the last sample, the
// sync time is the first sample after which |offset| and |frequency error| stayed within their
// limits to the end of the run. The conformance suite judges by it, as the suite does.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <span>

namespace ptp::sim {

// One sample of a clock's ground truth against its reference; NaN where there is no figure (the
// clock is off, crashed or is itself the reference, or there is no reference).
struct TruthSample {
  double time_s = 0;
  double offset_ns = 0;  // the clock minus its reference
  // How much faster the clock runs than its reference, as the sampler measured it.
  double frequency_error_ppb = std::numeric_limits<double>::quiet_NaN();
};

// How long |offset| must stay below the bound for the clock to count as locked.
inline constexpr double kLockHoldSeconds = 10.0;

struct LockRule {
  double offset_bound_ns = 1'000;
  double hold_s = kLockHoldSeconds;
};

// The time of the first sample of the first stretch that satisfies `rule` (a NaN offset ends a
// stretch); nullopt when no stretch does.
std::optional<double> lock_time_s(std::span<const TruthSample> samples, const LockRule& rule);

// linuxptp-testsuite's find_sync (unsmoothed): the time of the first sample after which every
// sample had |offset| <= max_offset_ns and |frequency error| <= max_frequency_ppb, NaN counting as
// out of sync; nullopt when the last sample is out of sync.
struct FindSyncRule {
  double max_offset_ns = 0;
  double max_frequency_ppb = 0;
};
std::optional<double> find_sync_time_s(std::span<const TruthSample> samples,
                                       const FindSyncRule& rule);

// The figures over a span of samples. A sample with a NaN offset counts as missing and in no
// figure; a sample with a NaN frequency error only in the offset figures.
struct OffsetStatistics {
  std::size_t samples = 0;  // with an offset
  std::size_t missing = 0;  // without one
  double rms_ns = 0;
  // Nearest rank: the smallest |offset| with at least 99% of the samples at or below it.
  double percentile_99_ns = 0;
  double max_abs_ns = 0;
  std::size_t frequency_samples = 0;
  double frequency_rms_ppb = 0;
  double frequency_max_abs_ppb = 0;
  std::size_t beyond_bound = 0;  // samples with |offset| >= the bound given (excursions)
};

OffsetStatistics offset_statistics(std::span<const TruthSample> samples,
                                   double bound_ns = std::numeric_limits<double>::infinity());

// The samples at or after `from_s` (samples in time order).
std::span<const TruthSample> samples_from(std::span<const TruthSample> samples, double from_s);

// The default rule and the figures after the lock.
struct LockStatistics {
  std::optional<double> lock_time_s;
  OffsetStatistics after_lock;  // all zero before a lock
};

LockStatistics lock_statistics(std::span<const TruthSample> samples, const LockRule& rule);

}  // namespace ptp::sim
