// PiServo ("pi"): ptp4l's proportional-integral servo, our baseline. Two samples estimate the
// frequency (s0, then s1 with an optional step), after which every sample sets
// frequency = drift - kp * offset - ki * offset, the integral term accumulating into the drift.
// The gains follow the sync interval as ptp4l computes them (see PiConfig).
#pragma once

#include <optional>

#include "ptp/nanoseconds.h"
#include "ptp/servo/servo_base.h"
#include "ptp/servo/servo_config.h"

namespace ptp::servo {

class PiServo final : public ServoBase {
 public:
  // Precondition: validate(config) succeeded; `initial_frequency_ppb` within the limit.
  PiServo(const ServoConfig& config, double initial_frequency_ppb);

  void set_sync_interval(Nanoseconds interval) override;
  void reset() override;
  // The integral (drift) estimate alone: the proportional term corrects the last offset and
  // must not be held once samples stop.
  [[nodiscard]] double frequency_ppb() const override { return -drift_ppb_; }
  [[nodiscard]] std::string_view name() const override { return "pi"; }

  // The gains in use, per ptp4l's units (ppb per ns of offset).
  [[nodiscard]] double kp() const { return kp_; }
  [[nodiscard]] double ki() const { return ki_; }

 protected:
  ServoDecision decide(Nanoseconds offset_from_master, Nanoseconds local_time) override;
  void absorb_step_remainder(double remainder_ns) override;

 private:
  // One locked sample: the proportional and integral terms, the integral held when saturated.
  void update_locked(double offset_ns);
  // The step remainder still to remove at `local_time`, after the slew since the last sample.
  double slewed_remainder_at(Nanoseconds local_time);
  // The frequency to set: the loop's plus the slew that removes the rest of the remainder.
  double slew_remainder(double loop_frequency_ppb, Nanoseconds local_time);
  void forget_remainder();
  // Ends the remainder's slew set at the last sample.
  void stop_slew();

  // The gain formula's inputs, resolved once from PiConfig and the timestamp kind.
  double kp_scale_;
  double kp_exponent_;
  double kp_norm_max_;
  double ki_scale_;
  double ki_exponent_;
  double ki_norm_max_;
  Nanoseconds sync_interval_;  // the interval kp_ and ki_ were computed for
  double kp_ = 0;
  double ki_ = 0;
  // Internally in ptp4l's sign: a positive correction slows the clock (frequency = -correction).
  double drift_ppb_;
  double last_correction_ppb_;
  Nanoseconds first_offset_;
  Nanoseconds first_local_time_;
  int count_ = 0;
  // A coarse step's remainder (ns, + = clock ahead) not yet slewed off, the slew set at the last
  // sample (ppb, + = faster) and that sample's local time.
  double pending_remainder_ns_ = 0;
  double slew_ppb_ = 0;
  std::optional<Nanoseconds> slew_since_;
};

}  // namespace ptp::servo
