// ClockCorrelation: the weighted sliding-window fit, its consistency gate and the restart rules
// (see the header for the method).
#include "ptp/servo/clock_correlation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "ptp/portability.h"

namespace ptp::servo {
namespace {

constexpr std::uint64_t kMaxFrequencyHz = 10'000'000'000;

// How far `line` passes outside `bracket` (negative: inside, by the margin to its nearer edge).
double miss(const BracketLine& line, const Bracket& bracket) {
  const double fitted = line.intercept + line.slope * bracket.x;
  return std::max(bracket.low - fitted, fitted - bracket.high);
}

double ns_per_tick(std::uint64_t frequency_hz) {
  return 1e9 / static_cast<double>(std::max<std::uint64_t>(frequency_hz, 1));
}

}  // namespace

std::string_view to_string(ClockCorrelationError error) {
  switch (error) {
    case ClockCorrelationError::kBadFrequency: return "nominal clock frequency out of range";
    case ClockCorrelationError::kBadWindowLength: return "correlation window length out of range";
    case ClockCorrelationError::kBadParameter:
      return "negative or non-finite correlation parameter";
    case ClockCorrelationError::kNoEstimate: return "no correlation estimate yet";
    case ClockCorrelationError::kOutOfRange: return "timestamp too far from the correlation points";
  }
  return "unknown clock correlation error";
}

ClockCorrelation::ClockCorrelation(const ClockCorrelationConfig& config)
    : config_(config),
      hardware_ns_per_tick_(ns_per_tick(config.hardware_frequency_hz)),
      counter_ns_per_tick_(ns_per_tick(config.counter_frequency_hz)),
      // Each reading is the floor of a uniformly distributed true value: tick^2 / 12 apiece.
      quantisation_variance_ns2_((hardware_ns_per_tick_ * hardware_ns_per_tick_ +
                                  counter_ns_per_tick_ * counter_ns_per_tick_) /
                                 12.0) {
  config_.window_length = std::clamp<std::size_t>(config_.window_length, 2, kMaxCorrelationWindow);
}

Result<ClockCorrelationConfig, ClockCorrelationError> ClockCorrelation::validate(
    const ClockCorrelationConfig& config) {
  if (config.hardware_frequency_hz == 0 || config.hardware_frequency_hz > kMaxFrequencyHz ||
      config.counter_frequency_hz == 0 || config.counter_frequency_hz > kMaxFrequencyHz) {
    return unexpected(ClockCorrelationError::kBadFrequency);
  }
  if (config.window_length < 2 || config.window_length > kMaxCorrelationWindow) {
    return unexpected(ClockCorrelationError::kBadWindowLength);
  }
  if (config.max_capture_window < Nanoseconds(0) || config.min_gate < Nanoseconds(0) ||
      config.max_extrapolation < Nanoseconds(0) ||
      !(std::isfinite(config.rate_tolerance_ppm) && config.rate_tolerance_ppm > 0) ||
      !(std::isfinite(config.gate_sigmas) && config.gate_sigmas > 0)) {
    return unexpected(ClockCorrelationError::kBadParameter);
  }
  return config;
}

ClockCorrelation::Point ClockCorrelation::make_point(const CrossTimestampSample& sample) const {
  // Precondition: counter_after >= counter_before. The difference of two int64 readings of one
  // monotonic counter fits an uint64.
  const std::uint64_t width = static_cast<std::uint64_t>(sample.counter_after.count) -
                              static_cast<std::uint64_t>(sample.counter_before.count);
  Point point;
  point.hardware = sample.hardware.count;
  point.counter_before = sample.counter_before.count;
  point.counter_after = sample.counter_after.count;
  // A counter reading k means the counter's continuous value lies in [k, k + 1): each reading is
  // half a tick below that value on average, and so is the midpoint of two. The point takes the
  // midpoint of the continuous values, (before + after + 1) / 2 ticks, because converted
  // timestamps are read back as continuous counter time (whole ticks plus a fraction); without
  // the half tick every converted timestamp would be half a counter tick early (50 ns at QPC's
  // 10 MHz), shifting the offset by that much.
  const std::uint64_t doubled_mid = width + 1;  // 2 * (midpoint - counter_before), in ticks
  point.counter_mid = sample.counter_before.count + static_cast<std::int64_t>(doubled_mid / 2);
  point.counter_half = doubled_mid % 2 != 0;
  // Where in the window the NIC was read is unknown: uniform over it, variance width^2 / 12.
  const double width_ns = static_cast<double>(width) * counter_ns_per_tick_;
  point.variance_ns2 = width_ns * width_ns / 12.0 + quantisation_variance_ns2_;
  point.weight = 1.0 / point.variance_ns2;
  return point;
}

double ClockCorrelation::hardware_ns(std::uint64_t hardware, const Point& reference) const {
  // Modular difference read as signed: exact for points within 2^63 ticks of each other.
  const auto ticks = static_cast<std::int64_t>(hardware - reference.hardware);
  return static_cast<double>(ticks) * hardware_ns_per_tick_;
}

double ClockCorrelation::counter_ns(const Point& point, const Point& reference) const {
  // Modular difference again, so that no pair of readings can overflow it.
  const auto whole = static_cast<std::int64_t>(static_cast<std::uint64_t>(point.counter_mid) -
                                               static_cast<std::uint64_t>(reference.counter_mid));
  const double ticks =
      static_cast<double>(whole) +
      0.5 * (static_cast<double>(point.counter_half) - static_cast<double>(reference.counter_half));
  return ticks * counter_ns_per_tick_;
}

double ClockCorrelation::predicted_variance(double x_ns) const {
  return std::max(0.0, fit_.var_intercept + 2 * x_ns * fit_.cov + x_ns * x_ns * fit_.var_slope);
}

bool ClockCorrelation::consistent_with_fit(const Point& point) const {
  const double x = hardware_ns(point.hardware, newest_);
  const double residual = counter_ns(point, newest_) - (fit_.intercept_ns + fit_.slope * x);
  const double gate =
      std::max(config_.gate_sigmas * std::sqrt(predicted_variance(x) + point.variance_ns2),
               static_cast<double>(config_.min_gate.count()));
  return std::abs(residual) <= gate;
}

void ClockCorrelation::push(const Point& point) {
  points_[next_] = point;
  next_ = (next_ + 1) % config_.window_length;
  count_ = std::min(count_ + 1, config_.window_length);
  newest_ = point;
  refit();
}

void ClockCorrelation::refit() {
  fit_midpoints();
  line_ = Line{fit_.intercept_ns, fit_.slope};
  if (config_.estimator == CorrelationEstimator::kBrackets) fit_brackets();
}

double ClockCorrelation::counter_edge_ns(std::int64_t reading) const {
  const auto whole = static_cast<std::int64_t>(static_cast<std::uint64_t>(reading) -
                                               static_cast<std::uint64_t>(newest_.counter_mid));
  return (static_cast<double>(whole) - 0.5 * static_cast<double>(newest_.counter_half)) *
         counter_ns_per_tick_;
}

std::size_t ClockCorrelation::collect_brackets() {
  // The NIC was read at an instant whose counter value lies in [before, after + 1 tick] (both
  // readings are floors). The NIC reading is a floor of its own tick too: packet timestamps are
  // floors of the same clock, so the line maps a reading to the middle of its tick, and the
  // bracket widens by half a NIC tick on each side (its centre stays the point's midpoint).
  const double half_hardware_tick = hardware_ns_per_tick_ / 2;
  // The ring from its oldest point, wrapped by a comparison (a modulo by the run-time window
  // length is an integer division per point).
  std::size_t slot = count_ < config_.window_length ? 0 : next_;
  for (std::size_t k = 0; k < count_;
       ++k, slot = slot + 1 == config_.window_length ? 0 : slot + 1) {
    const Point& point = points_[slot];
    const double x = hardware_ns(point.hardware, newest_);
    const double low = counter_edge_ns(point.counter_before) - half_hardware_tick;
    const double high =
        counter_edge_ns(point.counter_after) + counter_ns_per_tick_ + half_hardware_tick;
    // Relative to the nominal line, so that the hull arithmetic works on small numbers.
    brackets_[k] = Bracket{x, low - x, high - x};
  }
  return count_;
}

BracketLine ClockCorrelation::fit_without(std::size_t used, std::size_t skipped) {
  return bracket_fit_.fit_without(std::span<const Bracket>(brackets_.data(), used), skipped,
                                  fit_.slope - 1);
}

void ClockCorrelation::fit_brackets() {
  std::size_t used = collect_brackets();
  if (used == 0) return;
  BracketLine line =
      bracket_fit_.fit(std::span<const Bracket>(brackets_.data(), used), fit_.slope - 1);
  // No line through every bracket: a capture is wrong (or the clocks wandered over the span).
  // The line that misses them least then leans on the culprit by half its miss. The culprit is
  // one of the brackets that line misses most: drop the one whose removal leaves the smallest
  // miss, and repeat while misses remain, up to an eighth of the brackets.
  const std::size_t max_drops = used / 8;
  for (std::size_t drops = 0; line.violation > 0 && drops < max_drops; ++drops) {
    std::size_t culprit = used;
    BracketLine best = line;
    const double binding = line.violation * (1 - 1e-9);
    // The candidates in order share the hulls of the brackets before them (fit_without).
    bracket_fit_.forget_prefix();
    for (std::size_t i = 0; i < used; ++i) {
      if (miss(line, brackets_[i]) < binding) continue;
      const BracketLine without = fit_without(used, i);
      if (without.violation < best.violation) {
        best = without;
        culprit = i;
      }
    }
    if (culprit == used) break;
    std::copy(brackets_.begin() + static_cast<std::ptrdiff_t>(culprit) + 1,
              brackets_.begin() + static_cast<std::ptrdiff_t>(used),
              brackets_.begin() + static_cast<std::ptrdiff_t>(culprit));
    --used;
    line = best;
  }
  line_ = Line{line.intercept, 1 + line.slope};
}

void ClockCorrelation::fit_midpoints() {
  // Weighted least squares of counter time on NIC time, relative to the newest point, with the
  // prior slope ~ N(1, tolerance^2) added to the normal equations.
  double sw = 0;
  double swx = 0;
  double swy = 0;
  double swxx = 0;
  double swxy = 0;
  // Each point's coordinates, kept for the residuals below.
  std::array<double, kMaxCorrelationWindow> xs;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<double, kMaxCorrelationWindow> ys;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (std::size_t i = 0; i < count_; ++i) {
    const Point& point = points_[i];
    const double w = point.weight;
    const double x = hardware_ns(point.hardware, newest_);
    const double y = counter_ns(point, newest_);
    xs[i] = x;
    ys[i] = y;
    sw += w;
    swx += w * x;
    swy += w * y;
    swxx += w * x * x;
    swxy += w * x * y;
  }
  const double tolerance = config_.rate_tolerance_ppm * 1e-6;
  const double prior = 1.0 / (tolerance * tolerance);
  const double a11 = swxx + prior;
  const double determinant = sw * a11 - swx * swx;
  fit_.intercept_ns = (a11 * swy - swx * (swxy + prior)) / determinant;
  fit_.slope = (sw * (swxy + prior) - swx * swy) / determinant;
  // The covariance is the inverse of the normal matrix, scaled up when the points scatter more
  // than their windows explain (the variance model is a lower bound, e.g. for asymmetric capture).
  double chi2 = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const double residual = ys[i] - (fit_.intercept_ns + fit_.slope * xs[i]);
    chi2 += residual * residual / points_[i].variance_ns2;
  }
  const double scale = count_ > 2 ? std::max(1.0, chi2 / static_cast<double>(count_ - 2)) : 1.0;
  fit_.var_intercept = scale * a11 / determinant;
  fit_.cov = -scale * swx / determinant;
  fit_.var_slope = scale * sw / determinant;
}

CorrelationSampleOutcome ClockCorrelation::add(const CrossTimestampSample& sample) {
  if (sample.counter_after.count < sample.counter_before.count) {
    ++counters_.rejected_invalid;
    return CorrelationSampleOutcome::kRejectedInvalidWindow;
  }
  const Point point = make_point(sample);
  const double width_ns =
      static_cast<double>(static_cast<std::uint64_t>(sample.counter_after.count) -
                          static_cast<std::uint64_t>(sample.counter_before.count)) *
      counter_ns_per_tick_;
  if (width_ns > static_cast<double>(config_.max_capture_window.count())) {
    ++counters_.rejected_wide;
    return CorrelationSampleOutcome::kRejectedWideWindow;
  }
  if (count_ == 0) {
    ++counters_.accepted;
    push(point);
    return CorrelationSampleOutcome::kAccepted;
  }
  if (point.hardware < newest_.hardware || point.counter_mid < newest_.counter_mid) {
    // Either clock went backwards: a NIC reset (or a new NIC). Nothing old applies.
    ++counters_.restarts;
    restart();
    push(point);
    return CorrelationSampleOutcome::kRestarted;
  }
  if (consistent_with_fit(point)) {
    if (held_.has_value()) ++counters_.outliers;
    held_.reset();
    ++counters_.accepted;
    push(point);
    return CorrelationSampleOutcome::kAccepted;
  }
  if (held_.has_value()) {
    // Two inconsistent points in a row: if they agree with each other at the nominal rate, the
    // NIC clock was stepped between the fit and them.
    const Point first = *held_;
    const double dx = hardware_ns(point.hardware, first);
    const double dy = counter_ns(point, first);
    const double tolerance = config_.rate_tolerance_ppm * 1e-6 * std::abs(dx);
    const double gate =
        std::max(config_.gate_sigmas *
                     std::sqrt(first.variance_ns2 + point.variance_ns2 + tolerance * tolerance),
                 static_cast<double>(config_.min_gate.count()));
    if (std::abs(dy - dx) <= gate) {
      ++counters_.restarts;
      restart();
      push(first);
      push(point);
      return CorrelationSampleOutcome::kRestarted;
    }
    ++counters_.outliers;  // the held point agreed with nothing
  }
  held_ = point;
  return CorrelationSampleOutcome::kHeldInconsistent;
}

Result<CounterTicksEstimate, ClockCorrelationError> ClockCorrelation::to_counter_ticks(
    HardwareClockTicks hardware) const {
  if (count_ == 0) return unexpected(ClockCorrelationError::kNoEstimate);
  const double x = hardware_ns(hardware.count, newest_);
  double oldest = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    oldest = std::min(oldest, hardware_ns(points_[i].hardware, newest_));
  }
  const auto limit = static_cast<double>(config_.max_extrapolation.count());
  if (x > limit || x < oldest - limit) return unexpected(ClockCorrelationError::kOutOfRange);
  const double ticks = (line_.intercept_ns + line_.slope * x) / counter_ns_per_tick_ +
                       (newest_.counter_half ? 0.5 : 0.0);
  const double whole = std::floor(ticks);
  CounterTicksEstimate estimate;
  if (!(std::abs(whole) < 4e18)) return unexpected(ClockCorrelationError::kOutOfRange);
  const auto sum = checked_add(newest_.counter_mid, static_cast<std::int64_t>(whole));
  if (!sum) return unexpected(ClockCorrelationError::kOutOfRange);
  estimate.whole = *sum;
  estimate.fraction = ticks - whole;
  estimate.uncertainty = saturated_nanoseconds(std::sqrt(predicted_variance(x)));
  return estimate;
}

std::optional<double> ClockCorrelation::rate_error_ppb() const {
  if (count_ == 0) return std::nullopt;
  return (1.0 / line_.slope - 1.0) * 1e9;
}

std::optional<Nanoseconds> ClockCorrelation::uncertainty() const {
  if (count_ == 0) return std::nullopt;
  return saturated_nanoseconds(std::sqrt(predicted_variance(0)));
}

void ClockCorrelation::restart() {
  count_ = 0;
  next_ = 0;
  held_.reset();
  fit_ = Fit{};
  line_ = Line{};
}

}  // namespace ptp::servo
