// ServoBase: the step rules, frequency limit and s3 promotion shared by all servos, following
// ptp4l's servo.c behaviour.
#include "ptp/servo/servo_base.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {

ServoBase::ServoBase(const ServoConfig& config)
    : step_threshold_ns_(static_cast<double>(config.step_threshold.count())),
      first_step_threshold_ns_(static_cast<double>(config.first_step_threshold.count())),
      max_frequency_ppb_(effective_max_frequency_ppb(config)),
      offset_threshold_ns_(static_cast<double>(config.offset_threshold.count())),
      num_offset_values_(config.num_offset_values),
      remaining_offset_values_(config.num_offset_values) {}

ServoDecision ServoBase::sample(Nanoseconds offset_from_master, Nanoseconds local_time) {
  ServoDecision decision = decide(offset_from_master, local_time);
  switch (decision.state) {
    case ServoState::kUnlocked: remaining_offset_values_ = num_offset_values_; break;
    case ServoState::kJump:
      remaining_offset_values_ = num_offset_values_;
      first_update_ = false;
      break;
    case ServoState::kLocked:
    case ServoState::kLockedStable:
      first_update_ = false;
      if (offset_threshold_ns_ > 0) {
        // A run of num_offset_values small offsets in a row; one large offset restarts it.
        if (std::abs(static_cast<double>(offset_from_master.count())) < offset_threshold_ns_) {
          if (remaining_offset_values_ > 0) --remaining_offset_values_;
        } else {
          remaining_offset_values_ = num_offset_values_;
        }
        decision.state =
            remaining_offset_values_ == 0 ? ServoState::kLockedStable : ServoState::kLocked;
      } else {
        decision.state = ServoState::kLocked;
      }
      break;
  }
  return decision;
}

void ServoBase::step_applied(Nanoseconds requested, Nanoseconds applied) {
  if (applied == requested) return;
  // In double: both are steps a clock took, far inside its range, and so is their difference.
  absorb_step_remainder(static_cast<double>(applied.count()) -
                        static_cast<double>(requested.count()));
}

bool ServoBase::wants_step(double offset_ns) const {
  const double magnitude = std::abs(offset_ns);
  return (first_update_ && first_step_threshold_ns_ > 0 && magnitude > first_step_threshold_ns_) ||
         beyond_step_threshold(offset_ns);
}

bool ServoBase::beyond_step_threshold(double offset_ns) const {
  return step_threshold_ns_ > 0 && std::abs(offset_ns) > step_threshold_ns_;
}

double ServoBase::clamp_frequency(double frequency_ppb) const {
  return std::clamp(frequency_ppb, -max_frequency_ppb_, max_frequency_ppb_);
}

Nanoseconds ServoBase::step_for(Nanoseconds offset_from_master) {
  return offset_from_master.checked_negate().value_or(Nanoseconds::max());
}

}  // namespace ptp::servo
