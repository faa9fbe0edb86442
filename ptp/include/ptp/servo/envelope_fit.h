// EnvelopeFit: the maximum-likelihood line under both directions' delay envelopes. Network delay
// has a hard floor and a one-sided queueing tail, so each Sync measures the free-running phase x
// plus the floor plus a non-negative excess (A = x + floor + q) and each Delay_Req measures minus
// the phase plus the floor plus its excess (B = -x + floor + q'). For exponential tails, the most
// likely straight phase trajectory x(t) = x0 + f t over a window is the one that minimises the
// summed excesses: for a trial frequency f the best intercepts are the lower envelopes
// c1(f) = min(A - f t) and c2(f) = min(B + f t), and the summed excess is convex and
// piecewise-linear in f, with its minimum where a Sync hull vertex and a Delay_Req hull vertex
// balance the points' mean times. So the fit is a walk along the two lower convex hulls.
// The fit is computed over a ladder of windows (a wandering clock bends the line; a short window
// has fewer lucky packets), all in one pass from the newest point back, and the caller chooses.
// The hull of the older points is kept between fits (a block, rebuilt every kBlockPoints points),
// so a fit walks the newest points' hull (kept as they arrive) and joins it to the block's. The
// servo refits the long windows on a schedule (fit_scheduled): about half as many window fits per
// sample.
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>

#include "ptp/nanoseconds.h"

namespace ptp::servo {

class EnvelopeFit {
 public:
  // Points kept per direction.
  static constexpr std::size_t kCapacity = 256;
  // The windows, in sync intervals: half-octave steps from 8 (a ramp of 1 ppm/min bends the phase
  // by a few ns over 8 intervals at 8 Hz) to the capacity.
  static constexpr std::size_t kWindows = 11;
  static constexpr std::array<double, kWindows> kWindowIntervals = {8,  11, 16,  23,  32, 45,
                                                                    64, 91, 128, 181, 256};
  // The fewest points per direction a window is fitted with.
  static constexpr std::size_t kMinPoints = 4;
  // The block's hull is rebuilt after this many new points: a rebuild costs kCapacity pushes, a
  // fit about half this many, so about sqrt(2 kCapacity) balances them (the power of two above
  // it: with fit_scheduled's refits, 32 costs less per sample than 24 and 48).
  static constexpr std::size_t kBlockPoints = 32;
  // A scheduled fit (fit_scheduled) refits a window of kAlwaysRefit intervals or more every
  // kRefitPeriods[k]-th call (a quarter of its length: its line rests on lucky packets spread
  // over the window, and a quarter of new points moves it by little), and sooner where a new point
  // lies below its line (a new lucky packet: the fit moves). The shorter windows follow the
  // newest points (a wandering clock, where they steer) and are refitted every time.
  static constexpr std::size_t kRefitShare = 4;
  static constexpr std::size_t kAlwaysRefit = 16;
  static constexpr std::array<std::size_t, kWindows> kRefitPeriods = [] {
    std::array<std::size_t, kWindows> periods{};
    for (std::size_t k = 0; k < kWindows; ++k) {
      const auto intervals = static_cast<std::size_t>(kWindowIntervals[k]);
      periods[k] = intervals < kAlwaysRefit ? 1 : intervals / kRefitShare;
    }
    return periods;
  }();
  using Windows = std::bitset<kWindows>;

  // One window's fit at `at`: the free-running phase (ns, local - master) and frequency error (ppb)
  // there, and the one-way floor (ns).
  struct Line {
    bool valid = false;
    Nanoseconds at{0};
    double phase_ns = 0;
    double frequency_ppb = 0;
    double floor_ns = 0;
    // The phase the line gives at `time`.
    [[nodiscard]] double phase_at(Nanoseconds time) const;
  };
  using Lines = std::array<Line, kWindows>;

  // A Sync's t2 - t1 - correction minus the phase the control added by its receive time `time`.
  void add_sync(Nanoseconds time, double value_ns);
  // A Delay_Req's t4 - t3 - correction plus the phase the control added by its send time `time`.
  // Points older than the newest one are accepted (they arrive with the next Sync).
  void add_request(Nanoseconds time, double value_ns);
  void clear();
  [[nodiscard]] std::size_t syncs() const { return syncs_.count; }
  [[nodiscard]] std::size_t requests() const { return requests_.count; }

  // Fits every window ending at `now`; window k spans kWindowIntervals[k] * interval. (Not
  // const: each window's first point is remembered as where to look for it next time.)
  void fit(Nanoseconds now, Nanoseconds interval, Lines& lines);
  // As fit(), but refits only the windows in `required`, those whose line in `lines` is not
  // valid, those with a newest point below their line, and the ones whose turn it is
  // (kRefitPeriods, staggered so that the long windows' refits fall on different calls); the
  // others keep their last line (carried on by its frequency: Line::phase_at) while they have
  // kMinPoints points per direction. Returns the windows it refitted.
  Windows fit_scheduled(Nanoseconds now, Nanoseconds interval, Lines& lines, Windows required);
  // Refits the windows in `windows` only (the others keep their line while they have
  // kMinPoints points per direction).
  void fit_only(Nanoseconds now, Nanoseconds interval, Lines& lines, Windows windows);

 private:
  struct Point {
    Nanoseconds time{0};
    double value_ns = 0;
  };
  // One direction's points in time order, and the block: the lower hull of every suffix of the
  // points up to the block's newest one, as links (each point's next vertex towards it).
  struct Direction {
    std::array<Point, kCapacity> points{};
    std::size_t count = 0;
    std::size_t next = 0;
    std::uint64_t added = 0;  // points ever added: the sequence number of the next one
    std::array<std::uint64_t, kCapacity> link{};
    std::uint64_t block_end = 0;  // sequence number after the block's newest point (0: none)
    // The times' sum (ns, modulo 2^64) of the points before sequence number x, at
    // x % (2 kCapacity) (a power of two: no division): a window's sum is a difference, exact
    // whatever the wrap-arounds.
    std::array<std::uint64_t, 2 * kCapacity> time_sums{};
    // Each window's oldest point at the last fit (where the next fit starts looking).
    std::array<std::uint64_t, kWindows> window_start{};
    // Each window's tangent between the block's hull and the recent hull at the last fit: the
    // sequence number of its vertex on the block's hull and its vertex's index on the recent
    // hull (where the next fit's search starts).
    std::array<std::uint64_t, kWindows> bridge{};
    std::array<std::size_t, kWindows> bridge_recent{};
    // The points newer than the block, by index after it (sequence - block_end): their times
    // relative to the first of them (ns: exact integers) and values, and each one's link: the
    // next vertex of the lower hull of the points from it to the newest (the newest's: itself).
    // Kept as points arrive (add_recent), so that a fit walks these hulls instead of building
    // them.
    std::array<double, kBlockPoints> recent_t_ns{};
    std::array<double, kBlockPoints> recent_value_ns{};
    std::array<std::uint8_t, kBlockPoints> recent_link{};
    Nanoseconds recent_base{0};
    void add(const Point& point);
    void add_recent(std::size_t index, const Point& point);
    // The i-th newest point (0 = newest by arrival).
    [[nodiscard]] const Point& newest(std::size_t i) const;
    [[nodiscard]] const Point& at(std::uint64_t sequence) const {
      return points[sequence % kCapacity];
    }
    // Points newer than the block (the fit builds their hull itself).
    [[nodiscard]] std::size_t after_block() const {
      return static_cast<std::size_t>(added - block_end);
    }
    void rebuild_block();
    // A point for the block's build: its time relative to the newest (ns) and value.
    struct BlockPoint {
      double t_ns;
      double value_ns;
    };
    [[nodiscard]] BlockPoint block_point(std::uint64_t sequence) const;
    // Whether `middle` lies strictly below the chord from `older` to `newer`.
    [[nodiscard]] static bool below_block_chord(const BlockPoint& older, const BlockPoint& middle,
                                                const BlockPoint& newer);
    // rebuild_block() from the last block's links (block_end before it: `last_end`).
    void relink_block(std::uint64_t last_end);
    [[nodiscard]] std::uint64_t time_sum(std::uint64_t sequence) const {
      return time_sums[sequence % (2 * kCapacity)];
    }
  };
  Direction syncs_;
  Direction requests_;
  // Each window's frequency at the last fit (NaN: none), where the next fit's walk starts.
  std::array<double, kWindows> last_frequency_ppb_{};
  // Scheduled fits since the last clear: whose turn it is.
  std::uint64_t scheduled_fits_ = 0;
  // Each direction's newest point: its time relative to the fit's `now` (seconds) and value.
  struct Newest {
    struct Value {
      bool present = false;
      double t_s = 0;
      double value_ns = 0;
    };
    Value sync;
    Value request;
  };
  [[nodiscard]] Newest newest_points(Nanoseconds now) const;
  // Whether the newest point of either direction lies below `line`'s envelope; `age_s` is
  // seconds_between(now, line.at) (the kept lines share a few fit times: the caller keeps it).
  [[nodiscard]] static bool below_line(const Line& line, double age_s, const Newest& newest);
};

}  // namespace ptp::servo
