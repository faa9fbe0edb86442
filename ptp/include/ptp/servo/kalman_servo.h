// KalmanServo ("kalman"): our default servo. A two-state Kalman filter over the clock's phase
// offset and free-running frequency error, with the applied frequency as a known control input.
// Its measurement noise is learnt from the offsets' second differences; the oscillator wander is
// chosen by running a small bank of such filters, half a decade of wander apart, and steering
// with the one whose one-step predictions have been best. The control removes the estimated
// frequency error and the estimated offset within `phase_correction_intervals` samples. The model
// is described in docs/servo.md.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "ptp/nanoseconds.h"
#include "ptp/servo/servo_base.h"
#include "ptp/servo/servo_config.h"

namespace ptp::servo {

class KalmanServo final : public ServoBase {
 public:
  // Precondition: validate(config) succeeded; `initial_frequency_ppb` within the limit.
  KalmanServo(const ServoConfig& config, double initial_frequency_ppb);

  void set_sync_interval(Nanoseconds interval) override;
  void reset() override;
  // Hold-over: the frequency that cancels the estimated oscillator error, without the phase term.
  [[nodiscard]] double frequency_ppb() const override;
  [[nodiscard]] std::string_view name() const override { return "kalman"; }

  // The steering filter's adapted noise terms and estimate, for diagnostics and tests.
  [[nodiscard]] double measurement_noise_ns() const;
  [[nodiscard]] double frequency_wander_ppb2_per_s() const;
  // The estimated free-running frequency error of the clock, ppb (positive = the clock runs fast).
  [[nodiscard]] double frequency_error_ppb() const;
  // 1 sigma of the steering filter's phase estimate after the last sample, ns.
  [[nodiscard]] double phase_uncertainty_ns() const;

 protected:
  ServoDecision decide(Nanoseconds offset_from_master, Nanoseconds local_time) override;

 private:
  // One filter of the bank. State: phase offset (ns, local - master, at the last sample) and the
  // clock's free-running frequency error (ppb); covariance in ns^2, ns * ppb, ppb^2.
  struct Filter {
    double wander_ppb2_per_s = 0;  // this filter's process noise, fixed
    double phase_ns = 0;
    double frequency_error_ppb = 0;
    double p_phase = 0;
    double p_cross = 0;
    double p_frequency = 0;
    double score = 0;  // smoothed squared one-step prediction error, ns^2
  };

  void start(double offset_ns, Nanoseconds local_time);
  [[nodiscard]] double control_ppb() const;
  // Learns the measurement noise from the offsets' second differences (the applied control
  // removed), which needs no filter and so is right from the start.
  void learn_measurement_noise(double offset_ns, double interval_s);
  [[nodiscard]] const Filter& best() const { return bank_[best_]; }

  KalmanConfig config_;
  double sync_interval_s_;
  std::array<Filter, kMaxKalmanBank> bank_{};
  std::size_t bank_size_ = 0;
  std::size_t best_ = 0;
  // The frequency adjustment in force since the last sample (the control input).
  double applied_frequency_ppb_;
  // The shared measurement noise (ns^2) and what it is learnt from: the last used offset and the
  // last first difference with the control removed.
  double measurement_variance_ns2_;
  int noise_samples_ = 0;
  double last_offset_ns_ = 0;
  std::optional<double> last_difference_ns_;
  std::optional<Nanoseconds> last_local_time_;
  int samples_ = 0;  // since the last start-over
  int updates_ = 0;  // measurement updates since the last start-over, for the averaging weights
  int consecutive_rejections_ = 0;
};

}  // namespace ptp::servo
