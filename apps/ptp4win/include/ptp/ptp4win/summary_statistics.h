// The statistics behind ptp4l's summary lines (summary_interval above logSyncInterval): over each
// interval, the offset's rms and largest magnitude, and the mean and standard deviation of the
// frequency and the path delay, printed as
//   rms   12 max   30 freq  -1234 +/-   5 delay   567 +/-   3
// The standard deviation is the population one, as linuxptp's stats.c computes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ptp/core/port_io.h"

namespace ptp::ptp4win {

struct SummaryStatistics {
  double offset_rms_ns = 0;
  double offset_max_abs_ns = 0;
  double frequency_mean_ppb = 0;
  double frequency_stddev_ppb = 0;
  double delay_mean_ns = 0;
  double delay_stddev_ns = 0;
};

// How many measurements one summary covers: 2^(summary_interval - logSyncInterval), at least 1
// (1 means no summary: every measurement is printed as a "master offset" line).
std::uint32_t summary_sample_count(std::int32_t summary_interval, std::int8_t log_sync_interval);

class SummaryAccumulator {
 public:
  explicit SummaryAccumulator(std::uint32_t samples_per_summary)
      : samples_per_summary_(samples_per_summary == 0 ? 1 : samples_per_summary) {}

  // Adds one measurement; when it completes an interval, returns the statistics and starts over.
  std::optional<SummaryStatistics> add(const OffsetMeasured& measurement);

  [[nodiscard]] std::uint32_t samples_per_summary() const { return samples_per_summary_; }

 private:
  std::uint32_t samples_per_summary_;
  std::uint32_t count_ = 0;
  double offset_square_sum_ = 0;
  double offset_max_abs_ = 0;
  double frequency_sum_ = 0;
  double frequency_square_sum_ = 0;
  double delay_sum_ = 0;
  double delay_square_sum_ = 0;
};

// "rms %4.0f max %4.0f freq %+6.0f +/- %3.0f delay %5.0f +/- %3.0f"
std::string format_summary(const SummaryStatistics& statistics);

}  // namespace ptp::ptp4win
