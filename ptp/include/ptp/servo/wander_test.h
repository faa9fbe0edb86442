// WanderTest: tells a random walk of the clock's frequency from the noise of its phase
// measurements by how the second differences of the free-running phase grow with their span.
// Over points m intervals apart, x(t + 2m) - 2 x(t + m) + x(t) has a variance of 6 s^2 for
// independent measurement noise of variance s^2 whatever m, (2 m^3 + m) / 3 q T^3 for a frequency
// that takes a random step of variance q T each interval T; a step of the phase (a delay that
// shifts, a control change taken a little off its time) adds in proportion to m. The variance
// over a span of kSpanIntervals against that over one interval then shows a random-walk
// frequency (19 times as large at 3 intervals) apart from noise (1) and phase steps (3), and
// their difference estimates q with the noise's share cancelled.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "ptp/nanoseconds.h"

namespace ptp::servo {

class WanderTest {
 public:
  static constexpr std::size_t kSpanIntervals = 3;

  // Adds the free-running phase (ns) at `time`; `interval` is the nominal time between points.
  // Points whose spacing is not about one interval (lost or late messages) start the series over.
  void add(Nanoseconds time, double phase_ns, Nanoseconds interval);
  // Forgets the points and the moments (a new timescale).
  void clear();
  // Forgets the points but keeps the moments: the next differences do not span a change of the
  // control whose timing the points cannot be trusted across.
  void restart() { points_ = 0; }
  // The wander's estimate (ppb^2/s) once the span's variance exceeds the one interval's by
  // kShownRatio over at least kMinDifferences spans, until it falls below kHiddenRatio; nullopt
  // otherwise.
  [[nodiscard]] std::optional<double> shown_wander_ppb2_per_s() const;
  // The span's mean square second difference over the one interval's (0 before any).
  [[nodiscard]] double variance_ratio() const;

 private:
  static constexpr std::size_t kPoints = 2 * kSpanIntervals + 1;
  // The last kPoints phases, oldest first once full.
  std::array<double, kPoints> phases_ns_{};
  std::size_t points_ = 0;
  std::optional<Nanoseconds> last_time_;
  int differences_ = 0;
  double mean_square_one_ns2_ = 0;   // of the one-interval second differences
  double mean_square_span_ns2_ = 0;  // of the kSpanIntervals ones
  double mean_spacing_s_ = 0;
  bool shown_ = false;
};

}  // namespace ptp::servo
