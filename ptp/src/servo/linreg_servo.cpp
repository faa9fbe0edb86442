// LinregServo: ptp4l's linreg behaviour (linreg.c), re-implemented from its documented behaviour.
#include "ptp/servo/linreg_servo.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {
namespace {

// The prediction error is averaged over the first updates, then smoothed exponentially.
constexpr int kErrorInitialUpdates = 10;
constexpr double kErrorSmoothing = 0.02;
// A larger fit wins when its error is within 5% of the best smaller one: more points, less noise.
constexpr double kErrorEquality = 1.05;

std::uint64_t wrapping(std::int64_t value) { return static_cast<std::uint64_t>(value); }
// The signed distance b - a of two wrapping values less than 2^63 apart.
std::int64_t signed_difference(std::uint64_t b, std::uint64_t a) {
  return static_cast<std::int64_t>(b - a);
}

}  // namespace

LinregServo::LinregServo(const ServoConfig& config, double initial_frequency_ppb)
    : ServoBase(config),
      clock_frequency_ppb_(initial_frequency_ppb),
      slope_frequency_ppb_(initial_frequency_ppb),
      update_interval_s_(static_cast<double>(config.sync_interval.count()) /
                         static_cast<double>(kNanosecondsPerSecond)) {}

void LinregServo::set_sync_interval(Nanoseconds interval) {
  if (interval <= Nanoseconds(0)) return;
  update_interval_s_ =
      static_cast<double>(interval.count()) / static_cast<double>(kNanosecondsPerSecond);
}

void LinregServo::reset() {
  point_count_ = 0;
  last_update_.reset();
  fit_size_ = 0;
  for (Fit& fit : fits_) fit = Fit{};
}

void LinregServo::move_reference(std::int64_t dx, std::int64_t dy) {
  reference_.x += wrapping(dx);
  reference_.y += wrapping(dy);
  // Each fit's intercept is relative to the reference: carry it along the fitted line.
  for (Fit& fit : fits_) {
    fit.intercept += static_cast<double>(dx) * fit.slope - static_cast<double>(dy);
  }
}

void LinregServo::update_reference(Nanoseconds local_time) {
  if (last_update_.has_value()) {
    const std::int64_t dy = signed_difference(wrapping(local_time.count()), *last_update_);
    // The local clock ran at (1 + frequency) since the last update; x is the uncorrected time.
    // (Bounded well inside the int64 range: a frequency limit near -1e9 ppb could otherwise
    // stretch an extreme interval past it.)
    const double dx = std::clamp(
        static_cast<double>(dy) / (1.0 + clock_frequency_ppb_ / 1e9) + x_remainder_, -4e18, 4e18);
    const double whole = std::trunc(dx);
    x_remainder_ = dx - whole;
    move_reference(static_cast<std::int64_t>(whole), dy);
  }
  last_update_ = wrapping(local_time.count());
}

void LinregServo::add_point(Nanoseconds offset_from_master) {
  newest_ = (newest_ + 1) % kMaxPoints;
  points_[newest_] = Point{reference_.x, reference_.y - wrapping(offset_from_master.count())};
  point_count_ = std::min(point_count_ + 1, kMaxPoints);
}

void LinregServo::regress() {
  double x_sum = 0;
  double y_sum = 0;
  double xy_sum = 0;
  double xx_sum = 0;
  std::size_t used = 0;
  const auto newest_y = static_cast<double>(signed_difference(points_[newest_].y, reference_.y));
  for (unsigned size = kMinSizeLog2; size <= kMaxSizeLog2; ++size) {
    const std::size_t n = std::size_t{1} << size;
    if (n > point_count_) break;
    Fit& fit = fits_[size - kMinSizeLog2];
    if (fit.valid) {
      // How well did this fit, made one sample ago, predict the sample that just came?
      const double error = std::abs(fit.intercept - newest_y);
      if (fit.error_updates < kErrorInitialUpdates) {
        fit.error = (fit.error * fit.error_updates + error) / (fit.error_updates + 1);
        ++fit.error_updates;
      } else {
        fit.error += kErrorSmoothing * (error - fit.error);
      }
    }
    // The sums grow from the newest point backwards, so each size reuses the smaller ones'.
    for (; used < n; ++used) {
      const Point& point = points_[(kMaxPoints + newest_ - used) % kMaxPoints];
      const auto x = static_cast<double>(signed_difference(point.x, reference_.x));
      const auto y = static_cast<double>(signed_difference(point.y, reference_.y));
      x_sum += x;
      y_sum += y;
      xy_sum += x * y;
      xx_sum += x * x;
    }
    const double count = static_cast<double>(n);
    const double denominator = xx_sum - x_sum * x_sum / count;
    if (denominator <= 0) continue;  // all points at one local time: no line
    fit.slope = (xy_sum - x_sum * y_sum / count) / denominator;
    fit.intercept = (y_sum - fit.slope * x_sum) / count;
    fit.valid = true;
  }
}

unsigned LinregServo::best_size_log2() const {
  unsigned best = 0;
  double best_error = 0;
  for (unsigned size = kMinSizeLog2; size <= kMaxSizeLog2; ++size) {
    const Fit& fit = fits_[size - kMinSizeLog2];
    if ((best == 0 && fit.valid) || (fit.valid && fit.error_updates >= kErrorInitialUpdates &&
                                     best_error * kErrorEquality > fit.error)) {
      best = size;
      best_error = fit.error;
    }
  }
  return best;
}

void LinregServo::absorb_step_remainder(double remainder_ns) {
  // As the jump moved the reference and the last local time by the step asked, so by the rest.
  if (!last_update_) return;
  const auto remainder = static_cast<std::int64_t>(std::llround(remainder_ns));
  move_reference(0, remainder);
  *last_update_ += wrapping(remainder);
}

ServoDecision LinregServo::decide(Nanoseconds offset_from_master, Nanoseconds local_time) {
  ServoDecision decision;
  if (last_update_.has_value() &&
      signed_difference(wrapping(local_time.count()), *last_update_) <= 0) {
    // Time went backwards or stood still: the history no longer lines up; start over.
    reset();
  }
  update_reference(local_time);
  add_point(offset_from_master);
  regress();
  const unsigned size = best_size_log2();
  if (size == 0) {
    decision.state = ServoState::kUnlocked;
    decision.frequency_ppb = clock_frequency_ppb_;
    fit_size_ = 0;
    return decision;
  }
  fit_size_ = std::size_t{1} << size;
  Fit& fit = fits_[size - kMinSizeLog2];
  if (wants_step(fit.intercept)) {
    // The caller steps by -offset: move the reference and the last local time with the clock.
    const Nanoseconds step = step_for(offset_from_master);
    move_reference(0, step.count());
    *last_update_ += wrapping(step.count());
    decision.state = ServoState::kJump;
    decision.step = step;
  } else {
    decision.state = ServoState::kLocked;
  }
  // Frequency from the slope; the predicted offset removed over one interval for fits of up to
  // 16 points and log2(points) / 2 intervals (2 for 32, 3 for 64) for larger ones, whose slope is
  // precise enough to be worth disturbing less.
  const double correction_intervals = size <= 4 ? 1.0 : std::floor(static_cast<double>(size) / 2.0);
  slope_frequency_ppb_ = clamp_frequency(1e9 * (fit.slope - 1.0));
  clock_frequency_ppb_ =
      1e9 * (fit.slope - 1.0) + fit.intercept / update_interval_s_ / correction_intervals;
  clock_frequency_ppb_ = clamp_frequency(clock_frequency_ppb_);
  decision.frequency_ppb = clock_frequency_ppb_;
  return decision;
}

}  // namespace ptp::servo
