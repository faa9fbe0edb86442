// EnvelopeLineFilter: the envelope servo's steering line treated as a measurement with its own
// noise. A lucky packet that becomes a vertex of a window's hull moves the line at once (by
// microseconds at 10 us of queueing); the dead-beat control would turn that into a frequency
// excursion. The filter is a two-state (phase, frequency) Kalman stage whose process noise is the
// oscillator's frequency wander (learnt by the inner Kalman bank) and whose measurement noise is
// the line's own jitter, learnt online from its one-step changes beyond what the line itself
// predicted: a quiet line passes almost unchanged, a jumpy one is smoothed over as many
// intervals as the wander allows.
#pragma once

#include <cstdint>

#include "ptp/nanoseconds.h"
#include "ptp/servo/envelope_fit.h"

namespace ptp::servo {

class EnvelopeLineFilter {
 public:
  // Filters `measured` (a line of the free-running phase, taken at measured.at) with the
  // oscillator's frequency wander `wander_ppb2_per_s`; returns the filtered line at measured.at.
  // A phase change beyond `jump_limit_ns` restarts the filter (the line is taken as it is).
  EnvelopeFit::Line update(const EnvelopeFit::Line& measured, double wander_ppb2_per_s,
                           double jump_limit_ns);
  // The steering source changed on purpose (a hand-over, a change beyond the queueing's noise):
  // the next line is taken as it is, and its change is not the line's jitter.
  void restart();
  // Forgets the learnt jitter too (the envelope's window started over).
  void clear();

  // The learnt measurement variance of the line's phase (ns^2).
  [[nodiscard]] double phase_variance_ns2() const { return phase_variance_ns2_; }

 private:
  // Learns the jitter from the line's change since the previous one over `dt_s`.
  void learn_jitter(const EnvelopeFit::Line& measured, double dt_s, double wander_ppb2_per_s);

  bool started_ = false;
  EnvelopeFit::Line previous_;  // the last measured line
  // The state: phase (ns) at previous_.at and frequency (ppb); covariance.
  double phase_ns_ = 0;
  double frequency_ppb_ = 0;
  double p_phase_ = 0;
  double p_cross_ = 0;
  double p_frequency_ = 0;
  // The mean square of the line phase's one-step changes beyond the filter's prediction.
  double phase_change_ms_ = 0;
  // The mean square of the line frequency's one-step changes.
  double frequency_change_ms_ = 0;
  double phase_variance_ns2_ = 0;
  std::int64_t changes_ = 0;
};

}  // namespace ptp::servo
