// SystemTimeMap: the system-time line in QPC and its offset bounded by FILETIME reads.
#include "ptp/win/system_time_map.h"

#include <algorithm>
#include <cmath>

namespace ptp::win {

void SystemTimeMap::set_rate(std::int64_t qpc, double rate) {
  rate_ = rate;
  if (!current_) return;
  // QPC never runs backwards; a caller's older reading starts the new slope where the old one
  // began rather than bending the line before its own start.
  const std::int64_t at = std::max(qpc, current_->qpc);
  const Span since = span(*current_, at);
  const double fraction = current_->fraction_ns + since.fraction_ns;
  const double carry = std::floor(fraction);
  previous_ = current_;
  current_ = Segment{at, current_->whole_ns + since.whole_ns + static_cast<std::int64_t>(carry),
                     fraction - carry, rate};
}

SystemTimeMap::Span SystemTimeMap::span(const Segment& segment, std::int64_t qpc) const {
  // The nominal part in integers (whole seconds first: no overflow, no rounding for a year of
  // QPC), the adjustment's small part in a double.
  const std::int64_t ticks = qpc - segment.qpc;
  const std::int64_t seconds = ticks / qpc_frequency_hz_;
  const std::int64_t rest = ticks % qpc_frequency_hz_;
  const std::int64_t rest_scaled = rest * kNanosecondsPerSecond;
  const std::int64_t whole = seconds * kNanosecondsPerSecond + rest_scaled / qpc_frequency_hz_;
  const double nominal_fraction =
      static_cast<double>(rest_scaled % qpc_frequency_hz_) / static_cast<double>(qpc_frequency_hz_);
  const double nominal = static_cast<double>(whole) + nominal_fraction;
  return Span{whole, nominal_fraction + nominal * (segment.rate - 1.0)};
}

void SystemTimeMap::forget() {
  current_.reset();
  previous_.reset();
  count_ = 0;
  offset_ns_ = kReadResolutionNs / 2;
}

SystemTimeMap::Segment SystemTimeMap::point_at(std::int64_t qpc) const {
  if (qpc < current_->qpc && previous_) return *previous_;
  return *current_;
}

double SystemTimeMap::line_minus(std::int64_t qpc, std::int64_t base_ns) const {
  const Segment segment = point_at(qpc);
  const Span since = span(segment, qpc);
  return static_cast<double>(segment.whole_ns + since.whole_ns - base_ns) + segment.fraction_ns +
         since.fraction_ns;
}

void SystemTimeMap::add(const SystemTimeRead& read) {
  const std::int64_t read_ns = read.system_time.since_epoch.count();
  if (!current_) {
    current_ = Segment{read.qpc_before, read_ns, 0.0, rate_};
    previous_.reset();
    count_ = 0;
  }
  // The read is the time at some QPC between the two readings, truncated: with the line rising,
  // read <= line(after) + d and line(before) + d < read + 100 ns.
  const Bounds bounds{-line_minus(read.qpc_after, read_ns),
                      kReadResolutionNs - line_minus(read.qpc_before, read_ns)};
  reads_[next_] = bounds;
  next_ = (next_ + 1) % kReads;
  count_ = std::min(count_ + 1, kReads);
  // Newest first: the first older read that leaves no offset consistent with the newer ones, and
  // every read before it, described a line that no longer holds.
  double low = bounds.low_ns;
  double high = bounds.high_ns;
  for (std::size_t i = 1; i < count_; ++i) {
    const Bounds& older = reads_[(next_ + kReads - 1 - i) % kReads];
    const double new_low = std::max(low, older.low_ns);
    const double new_high = std::min(high, older.high_ns);
    if (new_low > new_high) {
      count_ = i;
      break;
    }
    low = new_low;
    high = new_high;
  }
  offset_ns_ = (low + high) / 2;
}

std::optional<hal::SystemTime> SystemTimeMap::at(std::int64_t qpc) const {
  if (!current_) return std::nullopt;
  // The whole nanoseconds in integers: a double would round a year of QPC to 4 ns.
  const Segment segment = point_at(qpc);
  const Span since = span(segment, qpc);
  const double fraction = segment.fraction_ns + since.fraction_ns + offset_ns_;
  return hal::SystemTime{Nanoseconds(segment.whole_ns + since.whole_ns + std::llround(fraction))};
}

std::optional<double> SystemTimeMap::uncertainty_ns() const {
  if (!current_ || count_ == 0) return std::nullopt;
  Bounds result = reads_[(next_ + kReads - 1) % kReads];
  for (std::size_t i = 1; i < count_; ++i) {
    const Bounds& bounds = reads_[(next_ + kReads - 1 - i) % kReads];
    result.low_ns = std::max(result.low_ns, bounds.low_ns);
    result.high_ns = std::min(result.high_ns, bounds.high_ns);
  }
  return result.high_ns - result.low_ns;
}

}  // namespace ptp::win
