// The oscillator model: noise advanced interval by interval, everything else in closed form.
#include "ptp/sim/oscillator.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ptp::sim {

namespace {

constexpr double kPicosecondsPerSecond = 1e12;
constexpr double kPicosecondsPerMinute = 60.0 * kPicosecondsPerSecond;
constexpr double kPerPpm = 1e-6;
constexpr double kPerPpb = 1e-9;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

double as_double_ps(SimDuration duration) { return static_cast<double>(duration.picoseconds()); }

}  // namespace

double white_fm_adev_at_1s_from_h0(double h0) { return std::sqrt(h0 / 2.0); }

double random_walk_fm_adev_at_1s_from_h_minus2(double h_minus2) {
  return std::sqrt(2.0 * std::numbers::pi * std::numbers::pi / 3.0 * h_minus2);
}

std::string_view to_string(OscillatorError error) {
  switch (error) {
    case OscillatorError::kTimeWentBackwards: return "time went backwards";
    case OscillatorError::kNonFiniteParameter: return "non-finite parameter";
    case OscillatorError::kNegativeNoiseLevel: return "negative noise level";
    case OscillatorError::kNonPositiveUpdateInterval: return "non-positive noise update interval";
    case OscillatorError::kNonPositiveDriftPeriod: return "non-positive drift period";
    case OscillatorError::kRampEndsBeforeStart: return "ramp ends before it starts";
  }
  return "unknown oscillator error";
}

void Oscillator::PrecisePhase::add(double phase_ps) {
  // Splitting off the whole part first is exact, so the addend's fraction survives intact.
  const double whole = std::floor(phase_ps);
  whole_ps += static_cast<std::int64_t>(whole);
  fraction_ps += phase_ps - whole;
  if (fraction_ps > 0.5) {
    fraction_ps -= 1.0;
    ++whole_ps;
  }
}

void Oscillator::PrecisePhase::add(const PrecisePhase& other) {
  whole_ps += other.whole_ps;
  fraction_ps += other.fraction_ps;
  if (fraction_ps > 0.5) {
    fraction_ps -= 1.0;
    ++whole_ps;
  } else if (fraction_ps < -0.5) {
    fraction_ps += 1.0;
    --whole_ps;
  }
}

double Oscillator::PrecisePhase::minus(const PrecisePhase& other) const {
  return static_cast<double>(whole_ps - other.whole_ps) + (fraction_ps - other.fraction_ps);
}

Result<Oscillator, OscillatorError> Oscillator::create(const OscillatorConfig& config,
                                                       Random random) {
  const double parameters[] = {config.initial_frequency_error_ppm,
                               config.white_fm_adev_at_1s,
                               config.random_walk_fm_adev_at_1s,
                               config.sinusoidal_drift.amplitude_ppm,
                               config.sinusoidal_drift.initial_phase_radians,
                               config.ramp.rate_ppm_per_minute};
  for (double parameter : parameters) {
    if (!std::isfinite(parameter)) return unexpected(OscillatorError::kNonFiniteParameter);
  }
  if (config.white_fm_adev_at_1s < 0 || config.random_walk_fm_adev_at_1s < 0) {
    return unexpected(OscillatorError::kNegativeNoiseLevel);
  }
  if (config.noise_update_interval <= SimDuration{}) {
    return unexpected(OscillatorError::kNonPositiveUpdateInterval);
  }
  if (config.sinusoidal_drift.amplitude_ppm != 0 &&
      config.sinusoidal_drift.period <= SimDuration{}) {
    return unexpected(OscillatorError::kNonPositiveDriftPeriod);
  }
  if (config.ramp.end && *config.ramp.end < config.ramp.start) {
    return unexpected(OscillatorError::kRampEndsBeforeStart);
  }
  return Oscillator(config, random);
}

Oscillator::Oscillator(const OscillatorConfig& config, Random random)
    : initial_phase_offset_ps_(config.initial_phase_offset.picoseconds()),
      initial_frequency_error_(config.initial_frequency_error_ppm * kPerPpm),
      // White FM: the mean of n independent interval values has variance stddev^2 / n, and for
      // white noise that is the Allan variance at n intervals: adev_1s^2 / tau.
      white_fm_stddev_(config.white_fm_adev_at_1s /
                       std::sqrt(config.noise_update_interval.to_seconds())),
      // Random-walk FM: a walk diffusing at D per second has Allan variance D tau / 3, and
      // stepping once per interval of tau0 diffuses at step_stddev^2 / tau0.
      random_walk_fm_step_stddev_(config.random_walk_fm_adev_at_1s *
                                  std::sqrt(3.0 * config.noise_update_interval.to_seconds())),
      noise_update_interval_(config.noise_update_interval),
      drift_amplitude_(config.sinusoidal_drift.amplitude_ppm * kPerPpm),
      drift_period_ps_(config.sinusoidal_drift.period.picoseconds()),
      drift_initial_phase_radians_(config.sinusoidal_drift.initial_phase_radians),
      ramp_rate_per_ps_(config.ramp.rate_ppm_per_minute * kPerPpm / kPicosecondsPerMinute),
      ramp_start_(config.ramp.start),
      ramp_end_(config.ramp.end),
      random_(random),
      next_noise_update_(SimTime{} + config.noise_update_interval) {
  draw_noise();
}

Result<SimDuration, OscillatorError> Oscillator::reading(SimTime at) {
  if (auto advanced = advance_to(at); !advanced) return unexpected(advanced.error());
  const PrecisePhase error = phase(at);
  const std::int64_t floor_of_fraction = error.fraction_ps < 0 ? -1 : 0;
  return at.since_start() + SimDuration::picoseconds(error.whole_ps + floor_of_fraction);
}

Result<double, OscillatorError> Oscillator::phase_error_ps(SimTime at) {
  if (auto advanced = advance_to(at); !advanced) return unexpected(advanced.error());
  const PrecisePhase error = phase(at);
  return static_cast<double>(error.whole_ps) + error.fraction_ps;
}

Result<double, OscillatorError> Oscillator::frequency_error_ppb(SimTime at) {
  if (auto advanced = advance_to(at); !advanced) return unexpected(advanced.error());
  const double free_running = deterministic_frequency_error(at) + white_fm_ + random_walk_fm_;
  // (1 + free_running) * (1 + adjustment) - 1, without cancelling against the 1.
  return (free_running + adjustment_ + free_running * adjustment_) / kPerPpb;
}

Result<void, OscillatorError> Oscillator::adjust_frequency(SimTime at, double adjustment_ppb) {
  if (!std::isfinite(adjustment_ppb)) return unexpected(OscillatorError::kNonFiniteParameter);
  if (auto advanced = advance_to(at); !advanced) return unexpected(advanced.error());
  const PrecisePhase free_running_now = free_running_phase(at);
  // Bank what the outgoing adjustment contributed up to now.
  control_phase_.add(adjustment_ *
                     (as_double_ps(at - adjustment_start_) +
                      free_running_now.minus(free_running_phase_at_adjustment_start_)));
  adjustment_ = adjustment_ppb * kPerPpb;
  adjustment_start_ = at;
  free_running_phase_at_adjustment_start_ = free_running_now;
  return {};
}

Result<void, OscillatorError> Oscillator::step(SimTime at, SimDuration phase_step) {
  if (auto advanced = advance_to(at); !advanced) return unexpected(advanced.error());
  control_phase_.whole_ps += phase_step.picoseconds();
  return {};
}

double Oscillator::frequency_adjustment_ppb() const { return adjustment_ / kPerPpb; }

Result<void, OscillatorError> Oscillator::advance_to(SimTime at) {
  if (at < evaluated_until_) return unexpected(OscillatorError::kTimeWentBackwards);
  evaluated_until_ = at;
  // Without noise every interval is alike: there is nothing to step through.
  if (white_fm_stddev_ <= 0 && random_walk_fm_step_stddev_ <= 0) return {};
  const double interval_ps = as_double_ps(noise_update_interval_);
  while (next_noise_update_ <= at) {
    noise_phase_at_segment_start_.add((white_fm_ + random_walk_fm_) * interval_ps);
    noise_segment_start_ = next_noise_update_;
    next_noise_update_ = next_noise_update_ + noise_update_interval_;
    draw_noise();
  }
  return {};
}

void Oscillator::draw_noise() {
  if (white_fm_stddev_ > 0) white_fm_ = white_fm_stddev_ * random_.normal();
  if (random_walk_fm_step_stddev_ > 0)
    random_walk_fm_ += random_walk_fm_step_stddev_ * random_.normal();
}

double Oscillator::deterministic_frequency_error(SimTime at) const {
  double error = initial_frequency_error_;
  if (ramp_rate_per_ps_ != 0 && at > ramp_start_) {
    const SimTime ramp_stop = ramp_end_ ? std::min(at, *ramp_end_) : at;
    error += ramp_rate_per_ps_ * as_double_ps(ramp_stop - ramp_start_);
  }
  if (drift_amplitude_ != 0) error += drift_amplitude_ * std::sin(drift_angle_radians(at));
  return error;
}

double Oscillator::drift_angle_radians(SimTime at) const {
  // Reducing time modulo the period in integers keeps the angle exact however long the run.
  const double cycle_fraction =
      static_cast<double>(at.since_start().picoseconds() % drift_period_ps_) /
      static_cast<double>(drift_period_ps_);
  return kTwoPi * cycle_fraction + drift_initial_phase_radians_;
}

Oscillator::PrecisePhase Oscillator::free_running_phase(SimTime at) const {
  PrecisePhase result = noise_phase_at_segment_start_;
  result.whole_ps += initial_phase_offset_ps_;
  result.add((white_fm_ + random_walk_fm_) * as_double_ps(at - noise_segment_start_));
  // Each closed-form term goes in on its own, so a large one does not round away a small one.
  result.add(initial_frequency_error_ * as_double_ps(at.since_start()));
  if (ramp_rate_per_ps_ != 0 && at > ramp_start_) {
    const SimTime ramp_stop = ramp_end_ ? std::min(at, *ramp_end_) : at;
    const double ramp_ps = as_double_ps(ramp_stop - ramp_start_);
    result.add(0.5 * ramp_rate_per_ps_ * ramp_ps * ramp_ps);
    // After the ramp, the frequency it reached holds.
    if (ramp_stop < at) result.add(ramp_rate_per_ps_ * ramp_ps * as_double_ps(at - ramp_stop));
  }
  if (drift_amplitude_ != 0) {
    result.add(drift_amplitude_ * static_cast<double>(drift_period_ps_) / kTwoPi *
               (std::cos(drift_initial_phase_radians_) - std::cos(drift_angle_radians(at))));
  }
  return result;
}

Oscillator::PrecisePhase Oscillator::phase(SimTime at) const {
  const PrecisePhase free_running = free_running_phase(at);
  PrecisePhase result = free_running;
  result.add(control_phase_);
  if (adjustment_ != 0) {
    // The adjustment scales the free-running rate: it applies to true time elapsed and to the
    // free-running phase gained, both since it took effect.
    result.add(adjustment_ * (as_double_ps(at - adjustment_start_) +
                              free_running.minus(free_running_phase_at_adjustment_start_)));
  }
  return result;
}

}  // namespace ptp::sim
