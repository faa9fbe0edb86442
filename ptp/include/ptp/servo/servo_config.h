// ServoConfig: everything a servo needs, as plain data (the caller reads the configuration file;
// a servo never does), with ptp4l's option names and defaults. Also the servo kinds, their
// clock_servo names and the configuration errors the factory reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ptp/nanoseconds.h"
#include "ptp/result.h"

namespace ptp::servo {

enum class ServoKind : std::uint8_t { kPi, kLinreg, kKalman, kEnvelope };

// The clock_servo name: "pi", "linreg", "kalman", "envelope".
std::string_view to_string(ServoKind kind);

enum class ServoError : std::uint8_t {
  kUnknownServoName,            // parse_servo_kind: not one of "pi", "linreg", "kalman"
  kUnknownServoKind,            // a ServoKind value outside the enumeration
  kNegativeStepThreshold,       // step_threshold < 0
  kNegativeFirstStepThreshold,  // first_step_threshold < 0
  kNoFrequencyLimit,            // neither max_frequency_ppb nor clock_max_frequency_ppb is > 0
  kBadFrequency,                // a frequency that is negative, not finite, or an initial
                                // frequency outside the limit
  kBadPiConstant,               // a PI constant, scale or exponent that is negative or not finite
  kBadPiNormMax,                // pi_proportional_norm_max not in (0, 1] or pi_integral_norm_max
                                // not in (0, 2] (ptp4l's ranges)
  kBadSyncInterval,             // sync_interval <= 0
  kBadOffsetThreshold,          // servo_offset_threshold < 0
  kBadKalmanParameter,  // a Kalman noise bound that is not positive and finite, or min > max
};

std::string_view to_string(ServoError error);

// "pi", "linreg", "kalman" or "envelope" (exactly, as ptp4l's clock_servo); anything else is
// kUnknownServoName.
Result<ServoKind, ServoError> parse_servo_kind(std::string_view name);

// ptp4l's PI options. A servo built with both *_const nonzero uses them (capped at 1/interval
// and 2/interval for stability, like ptp4l); otherwise the gains follow the sync interval:
// kp = min(scale * interval^exponent, norm_max / interval), and the same for ki, with the
// scales defaulting by timestamp kind when either scale is 0 (hardware 0.7 / 0.3, software
// 0.1 / 0.001).
struct PiConfig {
  double proportional_const = 0.0;      // pi_proportional_const
  double integral_const = 0.0;          // pi_integral_const
  double proportional_scale = 0.0;      // pi_proportional_scale
  double proportional_exponent = -0.3;  // pi_proportional_exponent
  double proportional_norm_max = 0.7;   // pi_proportional_norm_max
  double integral_scale = 0.0;          // pi_integral_scale
  double integral_exponent = 0.4;       // pi_integral_exponent
  double integral_norm_max = 0.3;       // pi_integral_norm_max
};

// Our Kalman servo's parameters (see docs/servo.md for the model). The measurement noise adapts
// from its initial value within its bounds; the oscillator wander is chosen by a bank of filters
// spaced half a decade apart between its bounds (at most kMaxKalmanBank of them).
struct KalmanConfig {
  // Measurement noise (timestamp noise of one offset sample), standard deviation, nanoseconds.
  double initial_measurement_noise_ns = 100.0;
  // Offsets come from whole-nanosecond timestamps: on a noiseless link the learnt noise would
  // otherwise collapse below that quantization, and a 1 ns step would look like an outlier.
  double min_measurement_noise_ns = 1.0;
  // 1 s: linuxptp-testsuite's large_jitter has 0.1 s of packet jitter (10 ms capped the filter's
  // trust in its averaging tenfold too high).
  double max_measurement_noise_ns = 1.0e9;
  // Oscillator wander: the random-walk frequency noise density, (ppb)^2 per second. Up to 1e4 (a
  // poor crystal's) the filters compete by prediction error; beyond it they steer only when the
  // usual ones cannot explain the samples (linuxptp-testsuite's large_wander is 1e10).
  double min_frequency_wander_ppb2_per_s = 1.0e-4;
  double max_frequency_wander_ppb2_per_s = 1.0e10;
  // The frequency uncertainty before the first estimate, ppb (1 sigma): an uncalibrated crystal.
  double initial_frequency_sigma_ppb = 100'000.0;
  // How many sync intervals the servo takes to remove an estimated phase offset (1 = remove it
  // all by the next sample). Larger values trade accuracy for a smoother frequency.
  double phase_correction_intervals = 1.0;
  // A sample whose innovation exceeds this many sigmas of the prediction (whose uncertainty grows
  // with the time since the last used sample, as the oscillator may wander) is not used: the
  // servo holds over on its prediction. A delay spike passes; a genuine change does not end, so
  // once samples have been rejected for longer than `outlier_holdover` the servo believes them
  // and relearns phase and frequency.
  double rejection_sigmas = 6.0;
  Nanoseconds outlier_holdover{2'000'000'000};
  // While the filtered path delay also differs from the one of the last used sample by more than
  // the gate, the outliers are known to come from the path (an asymmetric delay change, or the
  // delay filter still holding a spike), and the hold-over lasts up to this long instead.
  Nanoseconds path_change_holdover{10'000'000'000};
  // The lucky-packet stage (DelayFloorFilter): with E2E, measure the offset from the least
  // delayed Sync and Delay_Req of the last few instead of the port's offset. Off by default: it
  // beats the plain filter where the network's queueing dominates (hw, chain, the high-jitter
  // sweeps) but not everywhere yet (docs/servo.md).
  bool delay_floor = false;
};

// The most filters the Kalman servo's wander bank holds (16 decades at half-decade spacing).
inline constexpr std::size_t kMaxKalmanBank = 33;

// The project's default servo: what ptp4win runs unless clock_servo is set, what ptpsim's default
// scenario and the conformance suite's non-baseline column run, and the library row ptp_accuracy
// holds ptp4win against. envelope, because it uses the floor of the network's delay: the lowest
// RMS against pi of all our servos on the reference network, hw, hw-windows and the switch chain,
// and the same figures as kalman where it defers to it (sw, none) (docs/servo.md).
// ServoConfig::kind stays ptp4l's pi, the default of a configuration mapped from linuxptp options.
inline constexpr ServoKind kDefaultServoKind = ServoKind::kEnvelope;

struct ServoConfig {
  ServoKind kind = ServoKind::kPi;  // clock_servo
  // Step the clock whenever |offset| exceeds this; 0 = never after the first update (ptp4l's
  // step_threshold default 0.0 s).
  Nanoseconds step_threshold{0};
  // Step on the first update only if |offset| exceeds this; 0 = never (ptp4l's
  // first_step_threshold default 0.00002 s = 20 us).
  Nanoseconds first_step_threshold{20'000};
  // ptp4l's max_frequency (900000000 ppb); the servo never asks for more than the smaller of this
  // and clock_max_frequency_ppb. 0 = no configured limit (the clock's alone applies).
  double max_frequency_ppb = 900'000'000.0;
  // The clock's own adjustment limit (ptp4l's max_ppb from the PHC or the system clock); 0 =
  // unknown (the configured limit alone applies).
  double clock_max_frequency_ppb = 0.0;
  // Hardware timestamps (true) or software (false): the PI default gains depend on it.
  bool hardware_timestamps = true;
  PiConfig pi;
  // The sync interval the gains start with, until set_sync_interval() says otherwise.
  Nanoseconds sync_interval{kNanosecondsPerSecond};
  // s3 (locked stable): after servo_num_offset_values consecutive locked samples with |offset|
  // below servo_offset_threshold. 0 = never report s3 (ptp4l's defaults: 0 and 10).
  Nanoseconds offset_threshold{0};
  int num_offset_values = 10;
  KalmanConfig kalman;
};

// Checks a configuration the way make_servo does (initial frequency excluded).
Result<void, ServoError> validate(const ServoConfig& config);

// The frequency limit the servo applies: the smaller of the positive limits in `config`.
double effective_max_frequency_ppb(const ServoConfig& config);

}  // namespace ptp::servo
