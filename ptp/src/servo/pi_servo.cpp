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
// A step remainder below this is slewed off: what is left is below any timestamp's resolution.
constexpr double kRemainderDone_ns = 0.5;

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

void PiServo::reset() {
  count_ = 0;
  forget_remainder();
}

void PiServo::forget_remainder() {
  // A new estimate measures the clock as it is, remainder included, and steps from there.
  pending_remainder_ns_ = 0;
  stop_slew();
}

void PiServo::stop_slew() {
  // No slew until the next sample sizes one for what is then pending.
  slew_ppb_ = 0;
  slew_since_.reset();
}

void PiServo::absorb_step_remainder(double remainder_ns) {
  // The step landed `remainder_ns` beyond its request (a clock set to the millisecond). ptp4l's PI
  // gains see what follows an exact step only if that known phase stays out of the loop: it is
  // slewed off beside it (slew_remainder) instead of fed to the integral term, which would take
  // it for a frequency error: with software gains the clock would overshoot by 7 % of it and
  // take minutes to come back.
  pending_remainder_ns_ += remainder_ns;
  stop_slew();  // the next sample starts the slew; the jump's frequency carried none
}

double PiServo::slewed_remainder_at(Nanoseconds local_time) {
  if (pending_remainder_ns_ == 0) return 0;
  if (slew_since_ && local_time > *slew_since_) {
    const double elapsed_ns =
        static_cast<double>(local_time.count()) - static_cast<double>(slew_since_->count());
    const double slewed_ns = slew_ppb_ * elapsed_ns / 1e9;
    // The slew was sized to end on zero; a longer interval than the sync interval must not
    // carry the clock past it.
    pending_remainder_ns_ = std::abs(slewed_ns) >= std::abs(pending_remainder_ns_)
                                ? 0.0
                                : pending_remainder_ns_ + slewed_ns;
  }
  return pending_remainder_ns_;
}

double PiServo::slew_remainder(double loop_frequency_ppb, Nanoseconds local_time) {
  slew_ppb_ = 0;
  slew_since_.reset();
  if (std::abs(pending_remainder_ns_) < kRemainderDone_ns) {
    pending_remainder_ns_ = 0;
    return loop_frequency_ppb;
  }
  // Off in one sync interval if the clock's limit allows, else at the limit's headroom left by
  // the loop's own frequency.
  const double interval_ns = static_cast<double>(sync_interval_.count());
  const double wanted_ppb = interval_ns > 0 ? -pending_remainder_ns_ * 1e9 / interval_ns : 0.0;
  slew_ppb_ = std::clamp(wanted_ppb, -max_frequency_ppb() - loop_frequency_ppb,
                         max_frequency_ppb() - loop_frequency_ppb);
  slew_since_ = local_time;
  return loop_frequency_ppb + slew_ppb_;
}

ServoDecision PiServo::decide(Nanoseconds offset_from_master, Nanoseconds local_time) {
  const double offset_ns = static_cast<double>(offset_from_master.count());
  ServoDecision decision;
  switch (count_) {
    case 0:
      forget_remainder();
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
      // The step's known remainder is out of the loop while it is slewed off.
      const double loop_offset_ns = offset_ns - slewed_remainder_at(local_time);
      if (beyond_step_threshold(loop_offset_ns)) {
        // Start over: the two-sample estimate, then the step, as at start-up.
        count_ = 0;
        forget_remainder();
        decision.state = ServoState::kUnlocked;
        break;
      }
      update_locked(loop_offset_ns);
      decision.state = ServoState::kLocked;
      decision.frequency_ppb = slew_remainder(-last_correction_ppb_, local_time);
      return decision;
    }
  }
  decision.frequency_ppb = -last_correction_ppb_;
  return decision;
}

void PiServo::update_locked(double offset_ns) {
  const double integral_ppb = ki_ * offset_ns;
  const double correction_ppb = kp_ * offset_ns + drift_ppb_ + integral_ppb;
  if (correction_ppb < -max_frequency_ppb() || correction_ppb > max_frequency_ppb()) {
    // Saturated: do not wind the integral up any further.
    last_correction_ppb_ = std::clamp(correction_ppb, -max_frequency_ppb(), max_frequency_ppb());
  } else {
    drift_ppb_ += integral_ppb;
    last_correction_ppb_ = correction_ppb;
  }
}

}  // namespace ptp::servo
