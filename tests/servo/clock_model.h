// A deterministic clock for closed-loop servo tests: an oscillator with a fixed frequency offset,
// optional random-walk frequency wander and a steady drift, and white phase noise on each offset
// measurement, all from a fixed-seed std::mt19937_64. The servo's decisions are applied to it
// exactly as the port would apply them to a real clock (step, then set the frequency).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "ptp/nanoseconds.h"
#include "ptp/servo/servo.h"

namespace ptp::servo::testing {

struct ClockModelConfig {
  double frequency_offset_ppb = 37'000;  // the free-running oscillator is 37 ppm fast
  double initial_offset_ns = 0;          // local - master at the first sample
  double phase_noise_sigma_ns = 20;      // white noise on each measured offset
  double wander_ppb_per_sqrt_s = 0;      // random-walk frequency: sigma of the change over 1 s
  double ramp_ppb_per_s = 0;             // a steady frequency drift (temperature), ppb per second
  double interval_s = 0.125;             // logSyncInterval -3
  double initial_adjustment_ppb = 0;
  std::uint64_t seed = 1;
};

class ClockModel {
 public:
  explicit ClockModel(const ClockModelConfig& config)
      : config_(config),
        rng_(config.seed),
        offset_ns_(config.initial_offset_ns),
        frequency_offset_ppb_(config.frequency_offset_ppb),
        adjustment_ppb_(config.initial_adjustment_ppb) {}

  // The true offset (local - master), ns.
  [[nodiscard]] double true_offset_ns() const { return offset_ns_; }
  // The true remaining frequency error (oscillator + adjustment), ppb.
  [[nodiscard]] double frequency_error_ppb() const {
    return frequency_offset_ppb_ + adjustment_ppb_;
  }
  [[nodiscard]] double adjustment_ppb() const { return adjustment_ppb_; }

  // The measured offset (true offset plus noise, rounded to the ns) and the local time it was
  // measured at.
  [[nodiscard]] Nanoseconds measured_offset() {
    return Nanoseconds(std::llround(offset_ns_ + config_.phase_noise_sigma_ns * gauss_(rng_)));
  }
  [[nodiscard]] Nanoseconds local_time() const {
    return Nanoseconds(std::llround(master_time_ns_ + offset_ns_));
  }

  void apply(const ServoDecision& decision) {
    if (decision.step.has_value()) offset_ns_ += static_cast<double>(decision.step->count());
    if (decision.state != ServoState::kUnlocked) adjustment_ppb_ = decision.frequency_ppb;
  }

  // Something outside the servo moves the clock (a phase jump of the master, say).
  void jump(double offset_ns) { offset_ns_ += offset_ns; }
  // The oscillator's frequency changes at once (a mechanical or thermal shock).
  void change_frequency(double ppb) { frequency_offset_ppb_ += ppb; }

  // One sync interval passes.
  void advance() {
    const double dt = config_.interval_s;
    offset_ns_ += (frequency_offset_ppb_ + adjustment_ppb_) * dt;
    master_time_ns_ += dt * 1e9;
    // The phase runs at the mean frequency over the interval: a ramp adds half its change.
    offset_ns_ += 0.5 * config_.ramp_ppb_per_s * dt * dt;
    frequency_offset_ppb_ += config_.ramp_ppb_per_s * dt;
    if (config_.wander_ppb_per_sqrt_s > 0) {
      frequency_offset_ppb_ += config_.wander_ppb_per_sqrt_s * std::sqrt(dt) * gauss_(rng_);
    }
  }

 private:
  ClockModelConfig config_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> gauss_{0.0, 1.0};
  double master_time_ns_ = 1e12;  // an arbitrary epoch, far from 0
  double offset_ns_;
  double frequency_offset_ppb_;
  double adjustment_ppb_;
};

// What one closed-loop run saw.
struct LoopRecord {
  std::vector<ServoState> states;
  std::vector<double> true_offsets_ns;       // before each sample
  std::vector<double> frequency_errors_ppb;  // after each sample's decision
  int steps = 0;
};

// Runs `samples` sync intervals: measure, sample, apply, advance.
inline LoopRecord run_loop(Servo& servo, ClockModel& clock, int samples) {
  LoopRecord record;
  for (int i = 0; i < samples; ++i) {
    record.true_offsets_ns.push_back(clock.true_offset_ns());
    const Nanoseconds offset = clock.measured_offset();
    const ServoDecision decision = servo.sample(offset, clock.local_time());
    record.states.push_back(decision.state);
    if (decision.step.has_value()) ++record.steps;
    clock.apply(decision);
    record.frequency_errors_ppb.push_back(clock.frequency_error_ppb());
    clock.advance();
  }
  return record;
}

inline double rms(const std::vector<double>& values, std::size_t from) {
  double sum = 0;
  for (std::size_t i = from; i < values.size(); ++i) sum += values[i] * values[i];
  return std::sqrt(sum / static_cast<double>(values.size() - from));
}

}  // namespace ptp::servo::testing
