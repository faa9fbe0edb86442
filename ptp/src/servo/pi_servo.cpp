// PiServo: ptp4l's PI servo behaviour (pi.c), re-implemented from its documented behaviour.
#include "ptp/servo/pi_servo.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {
namespace {

// ptp4l's default gain scales by timestamp kind.
constexpr double kHardwareKpScale = 0.7;
constexpr double kHardwareKiScale = 0.3;
constexpr double kSoftwareKpScale = 0.1;
constexpr double kSoftwareKiScale = 0.001;
// Caps on explicitly configured constants, per sync interval: above them the loop is unstable.
constexpr double kMaxKpNormMax = 1.0;
constexpr double kMaxKiNormMax = 2.0;
// The frequency estimate waits until the two samples are at least 0.016 / ki seconds apart
// (at most 1000 s), measured with a 0.1% margin so that a nominal interval qualifies.
constexpr double kFrequencyEstimateGain = 0.016;
constexpr double kMaxFrequencyEstimateInterval_s = 1000.0;
constexpr double kFrequencyEstimateMargin = 0.001;

}  // namespace

PiServo::PiServo(const ServoConfig& config, double initial_frequency_ppb)
    : ServoBase(config),
      kp_scale_(config.pi.proportional_scale),
      kp_exponent_(config.pi.proportional_exponent),
      kp_norm_max_(config.pi.proportional_norm_max),
      ki_scale_(config.pi.integral_scale),
      ki_exponent_(config.pi.integral_exponent),
      ki_norm_max_(config.pi.integral_norm_max),
      drift_ppb_(-initial_frequency_ppb),
      last_correction_ppb_(-initial_frequency_ppb) {
  if (config.pi.proportional_const != 0 && config.pi.integral_const != 0) {
    kp_scale_ = config.pi.proportional_const;
    ki_scale_ = config.pi.integral_const;
    kp_exponent_ = 0;
    ki_exponent_ = 0;
    kp_norm_max_ = kMaxKpNormMax;
    ki_norm_max_ = kMaxKiNormMax;
  } else if (kp_scale_ == 0 || ki_scale_ == 0) {
    kp_scale_ = config.hardware_timestamps ? kHardwareKpScale : kSoftwareKpScale;
    ki_scale_ = config.hardware_timestamps ? kHardwareKiScale : kSoftwareKiScale;
  }
  set_sync_interval(config.sync_interval);
}

void PiServo::set_sync_interval(Nanoseconds interval) {
  // The port passes the interval with every sample; recompute the gains only when it changes.
  if (interval <= Nanoseconds(0) || interval == sync_interval_) return;
  sync_interval_ = interval;
  const double interval_s =
      static_cast<double>(interval.count()) / static_cast<double>(kNanosecondsPerSecond);
  kp_ = std::min(kp_scale_ * std::pow(interval_s, kp_exponent_), kp_norm_max_ / interval_s);
  ki_ = std::min(ki_scale_ * std::pow(interval_s, ki_exponent_), ki_norm_max_ / interval_s);
}

void PiServo::reset() { count_ = 0; }

void PiServo::absorb_step_remainder(double remainder_ns) {
  // The PI servo keeps no phase: its frequency estimate was taken before the step, and the next
  // offset measured shows the remainder, which the proportional term removes like any offset.
  (void)remainder_ns;
}

ServoDecision PiServo::decide(Nanoseconds offset_from_master, Nanoseconds local_time) {
  const double offset_ns = static_cast<double>(offset_from_master.count());
  ServoDecision decision;
  switch (count_) {
    case 0:
      first_offset_ = offset_from_master;
      first_local_time_ = local_time;
      count_ = 1;
      decision.state = ServoState::kUnlocked;
      break;
    case 1: {
      if (first_local_time_ >= local_time) {
        // Time went backwards (or stood still): the pair says nothing about frequency.
        count_ = 0;
        decision.state = ServoState::kUnlocked;
        break;
      }
      const double elapsed_ns =
          static_cast<double>(local_time.count()) - static_cast<double>(first_local_time_.count());
      const double elapsed_s = elapsed_ns / static_cast<double>(kNanosecondsPerSecond);
      const double required_s =
          ki_ > 0 ? std::min(kFrequencyEstimateGain / ki_, kMaxFrequencyEstimateInterval_s)
                  : kMaxFrequencyEstimateInterval_s;
      if (elapsed_s * (1 + kFrequencyEstimateMargin) < required_s) {
        // Too close together for a useful frequency estimate; keep the first sample.
        decision.state = ServoState::kUnlocked;
        break;
      }
      // The offset grew by (o1 - o0) over the interval: that is the clock's remaining frequency
      // error, measured on a clock already running at -drift.
      const double offset_change_ns = offset_ns - static_cast<double>(first_offset_.count());
      drift_ppb_ += (1e9 - drift_ppb_) * offset_change_ns / elapsed_ns;
      drift_ppb_ = std::clamp(drift_ppb_, -max_frequency_ppb(), max_frequency_ppb());
      last_correction_ppb_ = drift_ppb_;
      count_ = 2;
      if (wants_step(offset_ns)) {
        decision.state = ServoState::kJump;
        decision.step = step_for(offset_from_master);
      } else {
        decision.state = ServoState::kLocked;
      }
      break;
    }
    default: {
      if (beyond_step_threshold(offset_ns)) {
        // Start over: the two-sample estimate, then the step, as at start-up.
        count_ = 0;
        decision.state = ServoState::kUnlocked;
        break;
      }
      const double integral_ppb = ki_ * offset_ns;
      const double correction_ppb = kp_ * offset_ns + drift_ppb_ + integral_ppb;
      if (correction_ppb < -max_frequency_ppb() || correction_ppb > max_frequency_ppb()) {
        // Saturated: do not wind the integral up any further.
        last_correction_ppb_ =
            std::clamp(correction_ppb, -max_frequency_ppb(), max_frequency_ppb());
      } else {
        drift_ppb_ += integral_ppb;
        last_correction_ppb_ = correction_ppb;
      }
      decision.state = ServoState::kLocked;
      break;
    }
  }
  decision.frequency_ppb = -last_correction_ppb_;
  return decision;
}

}  // namespace ptp::servo
