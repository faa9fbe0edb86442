// The statistics of a run of cross-timestamps: how wide the QPC window around each NIC reading
// was, and how fast the NIC clock runs against QPC (and whether that changed during the run).
#include <algorithm>
#include <cmath>
#include <vector>

#include "ptp/win/diagnosis.h"

namespace ptp::win {
namespace {

// NIC ticks per QPC tick by least squares, the QPC side taken at each window's middle.
double rate(std::span<const CrossTimestampSample> samples) {
  const double q0 = static_cast<double>(samples.front().qpc_before);
  const double n0 = static_cast<double>(samples.front().nic);
  double sq = 0;
  double sn = 0;
  double sqq = 0;
  double sqn = 0;
  for (const CrossTimestampSample& s : samples) {
    const double q =
        (static_cast<double>(s.qpc_before) + static_cast<double>(s.qpc_after)) / 2 - q0;
    const double n = static_cast<double>(s.nic) - n0;
    sq += q;
    sn += n;
    sqq += q * q;
    sqn += q * n;
  }
  const double count = static_cast<double>(samples.size());
  const double denominator = count * sqq - sq * sq;
  return denominator == 0 ? 0 : (count * sqn - sq * sn) / denominator;
}

}  // namespace

Check<CrossTimestampStatistics> summarize_cross_timestamps(
    std::span<const CrossTimestampSample> samples, std::uint64_t qpc_hz, std::uint64_t nic_hz) {
  if (samples.size() < 4 || qpc_hz == 0) {
    return unexpected(std::string("fewer than 4 samples or no QPC frequency"));
  }
  std::vector<double> windows_ns;
  windows_ns.reserve(samples.size());
  for (const CrossTimestampSample& s : samples) {
    const double ticks = static_cast<double>(s.qpc_after) - static_cast<double>(s.qpc_before);
    windows_ns.push_back(ticks * 1e9 / static_cast<double>(qpc_hz));
  }
  std::vector<double> sorted = windows_ns;
  std::sort(sorted.begin(), sorted.end());
  CrossTimestampStatistics statistics;
  statistics.samples = samples.size();
  statistics.window_min_ns = sorted.front();
  statistics.window_median_ns = sorted[sorted.size() / 2];
  const auto p99_rank =
      static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(sorted.size())));
  statistics.window_p99_ns = sorted[std::min(sorted.size() - 1, p99_rank - 1)];
  statistics.window_max_ns = sorted.back();
  std::vector<CrossTimestampSample> narrow;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (windows_ns[i] <= 4 * statistics.window_median_ns) narrow.push_back(samples[i]);
  }
  statistics.samples_in_rate = narrow.size();
  if (narrow.size() < 4) return statistics;
  statistics.ratio_scaled_by_nominal_frequencies = nic_hz != 0;
  const double scale =
      nic_hz == 0 ? 1.0 : static_cast<double>(qpc_hz) / static_cast<double>(nic_hz);
  const std::span<const CrossTimestampSample> all(narrow);
  statistics.nic_per_qpc_ratio = rate(all) * scale;
  const double first = rate(all.first(narrow.size() / 2)) * scale;
  const double second = rate(all.subspan(narrow.size() / 2)) * scale;
  statistics.ratio_drift_ppb = first == 0 ? 0 : (second / first - 1) * 1e9;
  return statistics;
}

}  // namespace ptp::win
