// ClockCorrelation: the mapping from a NIC's free-running hardware clock to the host's monotonic
// counter (QPC on Windows), learnt from periodic cross-timestamps (counter, NIC, counter). Where
// the NIC clock cannot be steered, every hardware timestamp goes through this mapping before the
// servo sees it, so its error adds directly to the clock's.
//
// The method: each cross-timestamp says the NIC was read at some instant between the two counter
// readings, a bracket the true line must cross whatever the read's position in the window. Over
// a sliding window of the newest captures, the line that crosses every bracket with the largest
// margin is the estimate (BracketLineFit); where none crosses them all, the captures that make
// it so are dropped one by one. Beside it runs a weighted least-squares fit of the windows'
// midpoints (uncertainty width^2 / 12 plus both clocks' quantisation, a prior holding the rate
// near nominal): it gives the reported uncertainty and the outlier gate, and is the estimate
// itself with CorrelationEstimator::kMidpoints. A point far off the prediction is held back; if
// the next is consistent with it (and not with the fit) the NIC clock was reset or stepped and
// the estimator restarts from the two, otherwise it was an outlier. A NIC reading that goes
// backwards restarts at once. `ptp` knows no HAL, so the readings are this header's own strong
// types; the HAL glue copies hal::CrossTimestamp into them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/servo/clock_correlation_bracket_fit.h"

namespace ptp::servo {

// A raw reading of the NIC's free-running hardware clock, at its nominal frequency.
struct HardwareClockTicks {
  std::uint64_t count = 0;
  friend constexpr bool operator==(HardwareClockTicks, HardwareClockTicks) = default;
};

// A reading of the host's monotonic counter, at its nominal frequency.
struct CounterTicksReading {
  std::int64_t count = 0;
  friend constexpr bool operator==(CounterTicksReading, CounterTicksReading) = default;
};

// One cross-timestamp: the NIC clock read between two counter readings.
struct CrossTimestampSample {
  CounterTicksReading counter_before;
  HardwareClockTicks hardware;
  CounterTicksReading counter_after;
};

// A converted timestamp: counter ticks with sub-tick precision (`whole` + `fraction`, fraction in
// [0, 1)), and the estimator's 1-sigma uncertainty for it.
struct CounterTicksEstimate {
  std::int64_t whole = 0;
  double fraction = 0;
  Nanoseconds uncertainty;

  // The nearest tick (halves round up).
  [[nodiscard]] CounterTicksReading rounded() const {
    return CounterTicksReading{fraction >= 0.5 ? whole + 1 : whole};
  }
};

inline constexpr std::size_t kMaxCorrelationWindow = 128;
static_assert(kMaxCorrelationWindow <= BracketLineFit::kCapacity);

// How the line is drawn through the points.
enum class CorrelationEstimator : std::uint8_t {
  // Through every capture's bracket [counter before, counter after], with the largest margin
  // (BracketLineFit): uses the hard constraint, assumes nothing about where in the window the NIC
  // is read.
  kBrackets,
  // Weighted least squares of the windows' midpoints: assumes the read uniform in the window.
  kMidpoints,
};

struct ClockCorrelationConfig {
  std::uint64_t hardware_frequency_hz = 1'000'000'000;  // nominal NIC clock rate (a PHC: 1 GHz)
  std::uint64_t counter_frequency_hz = 10'000'000;      // nominal counter rate (QPC: 10 MHz)
  // Points in the sliding fit, 2..kMaxCorrelationWindow. Longer averages more noise but follows
  // a drifting rate (temperature) less closely.
  std::size_t window_length = 32;
  // Cross-timestamps with a wider capture window are not used at all.
  Nanoseconds max_capture_window{20'000};
  // The prior on the NIC clock's rate relative to the counter: nominal +- this (1 sigma).
  double rate_tolerance_ppm = 200;
  // A point further than gate_sigmas * its predicted sigma from the fit, and further than
  // min_gate, is inconsistent (an outlier, or the first point after a reset).
  double gate_sigmas = 5;
  Nanoseconds min_gate{1'000};
  // Conversions further than this before the oldest or after the newest point are refused.
  Nanoseconds max_extrapolation{60 * kNanosecondsPerSecond};
  CorrelationEstimator estimator = CorrelationEstimator::kBrackets;
};

enum class ClockCorrelationError : std::uint8_t {
  kBadFrequency,     // config: a nominal frequency of 0 or above 10 GHz
  kBadWindowLength,  // config: window_length not in 2..kMaxCorrelationWindow
  kBadParameter,     // config: a negative or non-finite threshold
  kNoEstimate,       // conversion: no point since the (re)start
  kOutOfRange,       // conversion: beyond max_extrapolation
};

std::string_view to_string(ClockCorrelationError error);

// What add() did with a cross-timestamp.
enum class CorrelationSampleOutcome : std::uint8_t {
  kAccepted,
  kRejectedInvalidWindow,  // counter_after < counter_before
  kRejectedWideWindow,     // wider than max_capture_window
  kHeldInconsistent,       // far off the fit: an outlier, or a reset if the next one agrees
  kRestarted,              // NIC clock reset or step detected; the fit starts over from here
};

struct ClockCorrelationCounters {
  std::uint64_t accepted = 0;
  std::uint64_t rejected_invalid = 0;
  std::uint64_t rejected_wide = 0;
  std::uint64_t outliers = 0;  // inconsistent points the next point showed to be outliers
  std::uint64_t restarts = 0;  // detected resets/steps (restart() calls are not counted)

  friend bool operator==(const ClockCorrelationCounters&,
                         const ClockCorrelationCounters&) = default;
};

class ClockCorrelation {
 public:
  // Clamps what validate() rejects (window_length into 2..kMaxCorrelationWindow, a zero frequency
  // to 1 Hz); call validate() first to report bad configuration instead.
  explicit ClockCorrelation(const ClockCorrelationConfig& config);

  [[nodiscard]] static Result<ClockCorrelationConfig, ClockCorrelationError> validate(
      const ClockCorrelationConfig& config);

  CorrelationSampleOutcome add(const CrossTimestampSample& sample);

  // The counter time of a NIC timestamp, interpolated or extrapolated along the fit.
  [[nodiscard]] Result<CounterTicksEstimate, ClockCorrelationError> to_counter_ticks(
      HardwareClockTicks hardware) const;

  // The NIC clock's rate relative to the counter, minus 1, in ppb of nominal (positive = the NIC
  // clock runs fast against the counter); std::nullopt before the first point.
  [[nodiscard]] std::optional<double> rate_error_ppb() const;
  // The 1-sigma uncertainty of a conversion at the newest point; std::nullopt before it.
  [[nodiscard]] std::optional<Nanoseconds> uncertainty() const;
  [[nodiscard]] std::size_t point_count() const { return count_; }

  // Forget everything (the timestamping capabilities or the NIC changed).
  void restart();

  [[nodiscard]] const ClockCorrelationCounters& counters() const { return counters_; }

 private:
  struct Point {
    std::uint64_t hardware = 0;
    std::int64_t counter_before = 0;
    std::int64_t counter_after = 0;
    std::int64_t counter_mid = 0;  // floor of the counter midpoint, ticks
    bool counter_half = false;     // the midpoint is half a tick above counter_mid
    double variance_ns2 = 0;
    double weight = 0;  // 1 / variance_ns2, once per point instead of once per refit
  };
  // The weighted fit counter_ns = intercept + slope * hardware_ns, both relative to `newest_`.
  struct Fit {
    double intercept_ns = 0;
    double slope = 1;
    double var_intercept = 0;
    double cov = 0;
    double var_slope = 0;
  };
  // The line conversions use, relative to `newest_` like Fit.
  struct Line {
    double intercept_ns = 0;
    double slope = 1;
  };

  [[nodiscard]] Point make_point(const CrossTimestampSample& sample) const;
  [[nodiscard]] double hardware_ns(std::uint64_t hardware, const Point& reference) const;
  [[nodiscard]] double counter_ns(const Point& point, const Point& reference) const;
  [[nodiscard]] double predicted_variance(double x_ns) const;
  // Residual (ns) of `point` against the fit, and the gate it must stay within.
  [[nodiscard]] bool consistent_with_fit(const Point& point) const;
  void push(const Point& point);
  void refit();
  void fit_midpoints();
  void fit_brackets();
  std::size_t collect_brackets();
  BracketLine fit_without(std::size_t used, std::size_t skipped);
  [[nodiscard]] double counter_edge_ns(std::int64_t reading) const;

  ClockCorrelationConfig config_;
  double hardware_ns_per_tick_;
  double counter_ns_per_tick_;
  double quantisation_variance_ns2_;
  std::array<Point, kMaxCorrelationWindow> points_{};
  std::size_t count_ = 0;
  std::size_t next_ = 0;
  Point newest_;
  Fit fit_;
  Line line_;
  std::array<Bracket, kMaxCorrelationWindow> brackets_{};
  BracketLineFit bracket_fit_;
  std::optional<Point> held_;
  ClockCorrelationCounters counters_;
};

}  // namespace ptp::servo
