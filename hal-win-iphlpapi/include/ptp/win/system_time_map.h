// SystemTimeMap: Windows' system time as a function of QPC, finer than FILETIME's 100 ns.
//
// GetSystemTimePreciseAsFileTime reports the system time at the QPC instant of the call truncated
// to 100 ns, so a QPC value mapped through one read (QPC, FILETIME) is off by the truncation: up to
// -100 ns, -50 ns on average. Every timestamp the Windows HAL converts (software ones in QPC
// ticks, hardware ones mapped to QPC through cross-timestamps) would carry that error, and the
// servo would steer the clock 50 ns off with 20 ns of extra noise on each offset.
//
// Between changes of its adjustment the system time is a line in QPC whose slope the application
// knows (adjustment / increment of the nominal rate, WT:75), so the map keeps that line itself and
// only needs its constant offset d from the reads: each read (QPC before, FILETIME, QPC after)
// says F <= line(q) + d < F + 100 ns for some q between the two QPC readings. As the line's
// fractional phase on the 100 ns grid moves from read to read (any rate other than exactly
// nominal moves it), the intersection of the last reads' intervals narrows to a few nanoseconds;
// the map answers its middle. Reads that contradict the older ones (the slope was not what the
// map was told, e.g. another program changed the adjustment) push those older reads out, so the
// map never holds on to a wrong line. Pure arithmetic: WinSystemClock feeds it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ptp/hal/clocks.h"

namespace ptp::win {

// One (QPC, system time, QPC) read, the system time as read (a multiple of 100 ns).
struct SystemTimeRead {
  std::int64_t qpc_before = 0;
  hal::SystemTime system_time;
  std::int64_t qpc_after = 0;
};

class SystemTimeMap {
 public:
  // How many of the newest reads bound the offset.
  static constexpr std::size_t kReads = 64;
  // FILETIME's unit: a read is the system time truncated to this.
  static constexpr double kReadResolutionNs = 100.0;

  explicit SystemTimeMap(std::int64_t qpc_frequency_hz) : qpc_frequency_hz_(qpc_frequency_hz) {}

  // The clock runs at `rate` x nominal from `qpc` on (adjustment / increment; 1 when the OS is
  // in charge). The line stays continuous at `qpc`, so the reads taken before still bound it.
  void set_rate(std::int64_t qpc, double rate);
  // Adds a read's bounds; the first read after construction or forget() anchors the line.
  void add(const SystemTimeRead& read);
  // Drops the line and its reads (after a step: the clock jumped by an amount known only to the
  // millisecond). The rate is kept.
  void forget();
  // Drops the reads but keeps the line and the last offset: the slope changed at an unknown
  // moment, so the old reads no longer bound the offset.
  void forget_reads() { count_ = 0; }

  // The system time at `qpc`, to the nanosecond; nullopt before the first read.
  [[nodiscard]] std::optional<hal::SystemTime> at(std::int64_t qpc) const;
  // The width of the offset's interval (100 ns after one read, shrinking as reads add up).
  [[nodiscard]] std::optional<double> uncertainty_ns() const;
  [[nodiscard]] double rate() const { return rate_; }

 private:
  // One straight piece of the line: time(q) = whole + fraction + (q - qpc) at `rate` x nominal.
  struct Segment {
    std::int64_t qpc = 0;
    std::int64_t whole_ns = 0;
    double fraction_ns = 0;
    double rate = 1.0;
  };
  // How far the line moves from a segment's start to a QPC value: whole ns and a (signed) rest.
  struct Span {
    std::int64_t whole_ns = 0;
    double fraction_ns = 0;
  };
  struct Bounds {
    double low_ns = 0;
    double high_ns = 0;
  };
  // The line's value at `qpc` relative to `base_ns` (kept small, so a double holds it exactly
  // enough); the segment in force at `qpc` (the previous one before the current one began).
  [[nodiscard]] double line_minus(std::int64_t qpc, std::int64_t base_ns) const;
  [[nodiscard]] Segment point_at(std::int64_t qpc) const;
  [[nodiscard]] Span span(const Segment& segment, std::int64_t qpc) const;

  std::int64_t qpc_frequency_hz_;
  double rate_ = 1.0;
  std::optional<Segment> current_;
  std::optional<Segment> previous_;
  std::array<Bounds, kReads> reads_{};  // ring: the offset d's bounds from each read
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  // The middle of the newest consistent reads' intersection; before any, a truncation's mean.
  double offset_ns_ = kReadResolutionNs / 2;
};

}  // namespace ptp::win
