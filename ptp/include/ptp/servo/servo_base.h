// ServoBase: what every servo implementation shares, for implementers only (the port uses
// Servo): ptp4l's step rules (first_step_threshold on the first update, step_threshold after),
// the frequency limit, and the s2 -> s3 promotion after a run of small offsets.
#pragma once

#include "ptp/nanoseconds.h"
#include "ptp/servo/servo.h"
#include "ptp/servo/servo_config.h"

namespace ptp::servo {

class ServoBase : public Servo {
 public:
  // Runs the implementation's decide(), then applies the common bookkeeping.
  ServoDecision sample(Nanoseconds offset_from_master, Nanoseconds local_time) final;
  // Passes a step that landed off its request to absorb_step_remainder.
  void step_applied(Nanoseconds requested, Nanoseconds applied) final;

 protected:
  explicit ServoBase(const ServoConfig& config);

  // One sample, returning kUnlocked, kJump or kLocked (never kLockedStable: the base decides).
  virtual ServoDecision decide(Nanoseconds offset_from_master, Nanoseconds local_time) = 0;
  // The step of the last kJump landed `remainder_ns` (applied - requested, never 0) off: the
  // clock is that much ahead of where the decision left it. Make the state after the step say so.
  virtual void absorb_step_remainder(double remainder_ns) = 0;

  // Whether a servo that has an estimate should step for this offset: |offset| above
  // first_step_threshold on the first update, or above step_threshold at any time.
  [[nodiscard]] bool wants_step(double offset_ns) const;
  // Whether |offset| exceeds step_threshold (0 = never): a locked servo starts over then.
  [[nodiscard]] bool beyond_step_threshold(double offset_ns) const;
  [[nodiscard]] double clamp_frequency(double frequency_ppb) const;
  [[nodiscard]] double max_frequency_ppb() const { return max_frequency_ppb_; }

  // The step that cancels `offset` (minus it, saturated at the int64 range).
  static Nanoseconds step_for(Nanoseconds offset_from_master);

 private:
  double step_threshold_ns_;
  double first_step_threshold_ns_;
  double max_frequency_ppb_;
  double offset_threshold_ns_;
  int num_offset_values_;
  int remaining_offset_values_;
  bool first_update_ = true;
};

}  // namespace ptp::servo
