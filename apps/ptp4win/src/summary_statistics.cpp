// Summary statistics over summary_interval, as ptp4l's clock_stats_display prints them.
#include "ptp/ptp4win/summary_statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ptp::ptp4win {
namespace {

double population_stddev(double sum, double square_sum, double count) {
  const double mean = sum / count;
  return std::sqrt(std::max(0.0, square_sum / count - mean * mean));
}

}  // namespace

std::uint32_t summary_sample_count(std::int32_t summary_interval, std::int8_t log_sync_interval) {
  const std::int32_t shift = summary_interval - log_sync_interval;
  if (shift <= 0) return 1;
  return std::uint32_t{1} << std::min(shift, 30);
}

std::optional<SummaryStatistics> SummaryAccumulator::add(const OffsetMeasured& measurement) {
  const auto offset = static_cast<double>(measurement.offset_from_master.count());
  const auto delay = static_cast<double>(measurement.mean_path_delay.count());
  ++count_;
  offset_square_sum_ += offset * offset;
  offset_max_abs_ = std::max(offset_max_abs_, std::fabs(offset));
  frequency_sum_ += measurement.frequency_ppb;
  frequency_square_sum_ += measurement.frequency_ppb * measurement.frequency_ppb;
  delay_sum_ += delay;
  delay_square_sum_ += delay * delay;
  if (count_ < samples_per_summary_) return std::nullopt;

  const auto n = static_cast<double>(count_);
  SummaryStatistics result;
  result.offset_rms_ns = std::sqrt(offset_square_sum_ / n);
  result.offset_max_abs_ns = offset_max_abs_;
  result.frequency_mean_ppb = frequency_sum_ / n;
  result.frequency_stddev_ppb = population_stddev(frequency_sum_, frequency_square_sum_, n);
  result.delay_mean_ns = delay_sum_ / n;
  result.delay_stddev_ns = population_stddev(delay_sum_, delay_square_sum_, n);
  *this = SummaryAccumulator(samples_per_summary_);
  return result;
}

std::string format_summary(const SummaryStatistics& statistics) {
  char text[160];
  (void)std::snprintf(
      text, sizeof text, "rms %4.0f max %4.0f freq %+6.0f +/- %3.0f delay %5.0f +/- %3.0f",
      statistics.offset_rms_ns, statistics.offset_max_abs_ns, statistics.frequency_mean_ppb,
      statistics.frequency_stddev_ppb, statistics.delay_mean_ns, statistics.delay_stddev_ns);
  return text;
}

}  // namespace ptp::ptp4win
