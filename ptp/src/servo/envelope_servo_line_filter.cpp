// EnvelopeLineFilter: the Kalman stage between the envelope's steering line and the dead-beat
// control (model in docs/servo.md, `envelope`).
#include "ptp/servo/envelope_servo_line_filter.h"

#include <algorithm>
#include <cmath>

#include "ptp/servo/forgetting_moments.h"
#include "seconds_between.h"

namespace ptp::servo {
namespace {

using detail::seconds_between;

// The jitter's mean squares average equally over their first changes, then forget with this
// weight: the vertex changes that make the jitter come every few tens of intervals.
constexpr double kJitterSamples = 256.0;

}  // namespace

void EnvelopeLineFilter::restart() { started_ = false; }

void EnvelopeLineFilter::clear() { *this = EnvelopeLineFilter{}; }

void EnvelopeLineFilter::learn_jitter(const EnvelopeFit::Line& measured, double dt_s,
                                      double wander_ppb2_per_s) {
  // With the line's phase = truth + white noise of variance R, its one-step change beyond the
  // filter's frequency has the mean square Q + 2 R, where Q is the wander's share over dt. (The
  // line's own frequency is its window's mean, which lags the wander: predicting with it would
  // count that lag as noise.)
  const double phase_change = measured.phase_ns - previous_.phase_ns - frequency_ppb_ * dt_s;
  ++changes_;
  const double w = forgetting_weight(changes_, kJitterSamples);
  phase_change_ms_ += w * (phase_change * phase_change - phase_change_ms_);
  const double frequency_change = measured.frequency_ppb - previous_.frequency_ppb;
  frequency_change_ms_ += w * (frequency_change * frequency_change - frequency_change_ms_);
  const double q_phase = wander_ppb2_per_s * dt_s * dt_s * dt_s / 3;
  phase_variance_ns2_ = std::max(phase_change_ms_ - q_phase, 0.0) / 2;
}

EnvelopeFit::Line EnvelopeLineFilter::update(const EnvelopeFit::Line& measured,
                                             double wander_ppb2_per_s, double jump_limit_ns) {
  if (started_) {
    // The line farther from the filter's prediction than the queueing's noise explains is an
    // event (a delay spike inside the window, a change of the clock or the path), or the filter
    // lagging a turn of the line: followed at once, and not learnt as jitter.
    const double dt_s = seconds_between(measured.at, previous_.at);
    const double innovation = measured.phase_ns - phase_ns_ - frequency_ppb_ * dt_s;
    if (std::abs(innovation) > jump_limit_ns) started_ = false;
  }
  if (!started_) {
    // The line's frequency starts the state (it is the best the window knows); from then on
    // only the line's phase is measured, and the frequency follows from it.
    started_ = true;
    previous_ = measured;
    phase_ns_ = measured.phase_ns;
    frequency_ppb_ = measured.frequency_ppb;
    // The line's frequency is as uncertain as its one-step changes show (half their mean
    // square, as for the phase): the filter must not hold a start on a jumpy line.
    p_phase_ = phase_variance_ns2_;
    p_cross_ = 0;
    p_frequency_ = frequency_change_ms_ / 2;
    return measured;
  }
  const double dt_s = seconds_between(measured.at, previous_.at);
  if (dt_s <= 0) return measured;
  learn_jitter(measured, dt_s, wander_ppb2_per_s);
  previous_ = measured;
  // Predict: integrated random-walk frequency (ppb * s = ns).
  const double q = wander_ppb2_per_s;
  phase_ns_ += frequency_ppb_ * dt_s;
  p_phase_ += 2 * dt_s * p_cross_ + dt_s * dt_s * p_frequency_ + q * dt_s * dt_s * dt_s / 3;
  p_cross_ += dt_s * p_frequency_ + q * dt_s * dt_s / 2;
  p_frequency_ += q * dt_s;
  EnvelopeFit::Line filtered = measured;
  const double s = p_phase_ + phase_variance_ns2_;
  if (!(s > 0) || phase_variance_ns2_ == 0) {
    // No jitter beyond the wander: the line is taken as it is.
    phase_ns_ = measured.phase_ns;
    frequency_ppb_ = measured.frequency_ppb;
    p_phase_ = 0;
    p_cross_ = 0;
    p_frequency_ = 0;
    return filtered;
  }
  // Update with the line's phase (H = [1 0]).
  const double k_phase = p_phase_ / s;
  const double k_frequency = p_cross_ / s;
  const double innovation = measured.phase_ns - phase_ns_;
  phase_ns_ += k_phase * innovation;
  frequency_ppb_ += k_frequency * innovation;
  p_frequency_ -= k_frequency * p_cross_;
  p_cross_ *= 1 - k_phase;
  p_phase_ *= 1 - k_phase;
  filtered.phase_ns = phase_ns_;
  filtered.frequency_ppb = frequency_ppb_;
  return filtered;
}

}  // namespace ptp::servo
