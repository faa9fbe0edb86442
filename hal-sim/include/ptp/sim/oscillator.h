// Oscillator: the model of a clock's frequency source, and of the clock it drives. Its reading
// (its own count of elapsed time) is a function of true SimTime, shaped by a phase offset, a
// frequency offset, white and random-walk frequency noise, a slow sinusoidal (temperature)
// drift and a linear frequency ramp. A clock that can be disciplined (a NIC's PHC, the system
// clock) is adjusted through adjust_frequency() and step(), effective from the given instant.
//
// The noise holds the frequency constant over each noise_update_interval and draws it afresh at
// every multiple of the interval, whatever the pattern of evaluations, so one seed gives one
// trajectory. Everything else (offsets, drift, ramp, adjustments) is integrated in closed form,
// and phase accumulates as whole picoseconds plus a fraction: readings keep sub-picosecond
// precision over days of simulated time.
//
// The model's ground truth (phase error, frequency error) is exposed so that tests and
// scenarios can score a servo against what really happened.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ptp/result.h"
#include "ptp/sim/random.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

// A slow periodic wander of the frequency, as a room's temperature cycle causes: the frequency
// error gains amplitude * sin(2 pi t / period + initial_phase).
struct SinusoidalFrequencyDrift {
  double amplitude_ppm = 0;
  SimDuration period = SimDuration::seconds(600);
  double initial_phase_radians = 0;
};

// A steady change of frequency from `start` until `end` (an oven heating up); afterwards the
// frequency holds where the ramp left it.
struct LinearFrequencyRamp {
  double rate_ppm_per_minute = 0;
  SimTime start;
  std::optional<SimTime> end;  // none: ramps for ever
};

struct OscillatorConfig {
  SimDuration initial_phase_offset;  // the reading at SimTime zero
  double initial_frequency_error_ppm = 0;
  // Noise levels the way data sheets give them: the Allan deviation (ADEV) each noise type
  // alone causes at tau = 1 s. White FM then gives ADEV(tau) = white_fm_adev_at_1s / sqrt(tau);
  // random-walk FM gives ADEV(tau) = random_walk_fm_adev_at_1s * sqrt(tau) for tau of ten update
  // intervals or more (at one interval, the piecewise-constant walk reads sqrt(1.5) high).
  double white_fm_adev_at_1s = 0;
  double random_walk_fm_adev_at_1s = 0;
  // How long the noise holds the frequency constant. The noise is band-limited to about half its
  // inverse; longer intervals make long simulations cheaper.
  SimDuration noise_update_interval = SimDuration::milliseconds(1);
  SinusoidalFrequencyDrift sinusoidal_drift;
  LinearFrequencyRamp ramp;
};

// Data-sheet conversions from power-law noise coefficients (S_y(f) = h_a f^a): ADEV^2(tau) =
// h0 / (2 tau) for white FM and (2 pi^2 / 3) h_-2 tau for random-walk FM.
double white_fm_adev_at_1s_from_h0(double h0);
double random_walk_fm_adev_at_1s_from_h_minus2(double h_minus2);

enum class OscillatorError {
  kTimeWentBackwards,          // evaluated or adjusted before an instant already evaluated
  kNonFiniteParameter,         // a NaN or infinite parameter
  kNegativeNoiseLevel,         // an Allan deviation below zero
  kNonPositiveUpdateInterval,  // noise_update_interval <= 0
  kNonPositiveDriftPeriod,     // sinusoidal drift with a period <= 0
  kRampEndsBeforeStart,
};

std::string_view to_string(OscillatorError error);

class Oscillator {
 public:
  static Result<Oscillator, OscillatorError> create(const OscillatorConfig& config, Random random);

  // Every query and control takes the instant it happens at; instants must not decrease from one
  // call to the next (they may repeat).

  // The oscillator's reading: its count of time since SimTime zero, starting from its initial
  // phase offset, rounded down to a whole picosecond.
  Result<SimDuration, OscillatorError> reading(SimTime at);
  // Ground truth: the exact reading minus the true time, in picoseconds.
  Result<double, OscillatorError> phase_error_ps(SimTime at);
  // Ground truth: how much faster than true time the reading advances at `at`, adjustment
  // included, in parts per billion.
  Result<double, OscillatorError> frequency_error_ppb(SimTime at);

  // Sets the frequency adjustment, replacing the previous one, the way Linux's ADJ_FREQUENCY
  // does: the reading's rate becomes (1 + free-running error) * (1 + adjustment). Positive is
  // faster.
  Result<void, OscillatorError> adjust_frequency(SimTime at, double adjustment_ppb);
  // Jumps the reading by `phase_step` at `at`.
  Result<void, OscillatorError> step(SimTime at, SimDuration phase_step);
  [[nodiscard]] double frequency_adjustment_ppb() const;

 private:
  // A phase in picoseconds as whole picoseconds plus a fraction in [-0.5, 0.5]: a lone double
  // would lose sub-picosecond detail once the phase grows past a few seconds' worth.
  struct PrecisePhase {
    std::int64_t whole_ps = 0;
    double fraction_ps = 0;
    void add(double phase_ps);
    void add(const PrecisePhase& other);
    [[nodiscard]] double minus(const PrecisePhase& other) const;
  };

  Oscillator(const OscillatorConfig& config, Random random);
  Result<void, OscillatorError> advance_to(SimTime at);
  void draw_noise();
  [[nodiscard]] double deterministic_frequency_error(SimTime at) const;
  [[nodiscard]] double drift_angle_radians(SimTime at) const;
  [[nodiscard]] PrecisePhase free_running_phase(SimTime at) const;
  [[nodiscard]] PrecisePhase phase(SimTime at) const;

  // Configuration, in the units the arithmetic uses.
  std::int64_t initial_phase_offset_ps_;
  double initial_frequency_error_;     // fractional
  double white_fm_stddev_;             // of each interval's white frequency value
  double random_walk_fm_step_stddev_;  // of each interval's random-walk frequency step
  SimDuration noise_update_interval_;
  double drift_amplitude_;  // fractional
  std::int64_t drift_period_ps_;
  double drift_initial_phase_radians_;
  double ramp_rate_per_ps_;  // fractional frequency change per picosecond
  SimTime ramp_start_;
  std::optional<SimTime> ramp_end_;
  Random random_;

  SimTime evaluated_until_;
  // Noise: constant over [noise_segment_start_, next_noise_update_).
  SimTime noise_segment_start_;
  SimTime next_noise_update_;
  double white_fm_ = 0;
  double random_walk_fm_ = 0;
  PrecisePhase noise_phase_at_segment_start_;
  // Control: the adjustment in force since adjustment_start_, and the phase that earlier
  // adjustments and steps have added.
  double adjustment_ = 0;  // fractional
  SimTime adjustment_start_;
  PrecisePhase free_running_phase_at_adjustment_start_;
  PrecisePhase control_phase_;
};

}  // namespace ptp::sim
