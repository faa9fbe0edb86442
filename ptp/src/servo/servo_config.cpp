// ServoConfig: the clock_servo names and the configuration checks make_servo relies on.
#include "ptp/servo/servo_config.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {
namespace {

bool finite_non_negative(double value) { return std::isfinite(value) && value >= 0; }

Result<void, ServoError> validate_pi(const PiConfig& pi) {
  for (const double value :
       {pi.proportional_const, pi.integral_const, pi.proportional_scale, pi.integral_scale}) {
    if (!finite_non_negative(value)) return unexpected(ServoError::kBadPiConstant);
  }
  if (!std::isfinite(pi.proportional_exponent) || !std::isfinite(pi.integral_exponent)) {
    return unexpected(ServoError::kBadPiConstant);
  }
  if (!(pi.proportional_norm_max > 0 && pi.proportional_norm_max <= 1.0) ||
      !(pi.integral_norm_max > 0 && pi.integral_norm_max <= 2.0)) {
    return unexpected(ServoError::kBadPiNormMax);
  }
  return {};
}

bool valid_range(double initial, double min, double max) {
  const auto positive_finite = [](double v) { return std::isfinite(v) && v > 0; };
  return positive_finite(initial) && positive_finite(min) && positive_finite(max) && min <= max;
}

Result<void, ServoError> validate_kalman(const KalmanConfig& kalman) {
  if (!valid_range(kalman.initial_measurement_noise_ns, kalman.min_measurement_noise_ns,
                   kalman.max_measurement_noise_ns) ||
      !valid_range(kalman.min_frequency_wander_ppb2_per_s, kalman.min_frequency_wander_ppb2_per_s,
                   kalman.max_frequency_wander_ppb2_per_s) ||
      !(std::isfinite(kalman.initial_frequency_sigma_ppb) &&
        kalman.initial_frequency_sigma_ppb > 0) ||
      !(std::isfinite(kalman.phase_correction_intervals) &&
        kalman.phase_correction_intervals >= 1.0) ||
      !(std::isfinite(kalman.rejection_sigmas) && kalman.rejection_sigmas > 0) ||
      kalman.outlier_holdover < Nanoseconds(0) ||
      kalman.path_change_holdover < kalman.outlier_holdover) {
    return unexpected(ServoError::kBadKalmanParameter);
  }
  return {};
}

}  // namespace

std::string_view to_string(ServoKind kind) {
  switch (kind) {
    case ServoKind::kPi: return "pi";
    case ServoKind::kLinreg: return "linreg";
    case ServoKind::kKalman: return "kalman";
    case ServoKind::kEnvelope: return "envelope";
  }
  return "unknown";
}

std::string_view to_string(ServoError error) {
  switch (error) {
    case ServoError::kUnknownServoName: return "unknown clock_servo name";
    case ServoError::kUnknownServoKind: return "unknown servo kind";
    case ServoError::kNegativeStepThreshold: return "negative step_threshold";
    case ServoError::kNegativeFirstStepThreshold: return "negative first_step_threshold";
    case ServoError::kNoFrequencyLimit: return "no positive max_frequency";
    case ServoError::kBadFrequency: return "frequency not finite or outside the limit";
    case ServoError::kBadPiConstant: return "negative or non-finite PI constant";
    case ServoError::kBadPiNormMax: return "PI norm_max out of range";
    case ServoError::kBadSyncInterval: return "sync interval not positive";
    case ServoError::kBadOffsetThreshold: return "negative servo offset threshold or count";
    case ServoError::kBadKalmanParameter: return "invalid Kalman servo parameter";
  }
  return "unknown servo error";
}

Result<ServoKind, ServoError> parse_servo_kind(std::string_view name) {
  for (const ServoKind kind :
       {ServoKind::kPi, ServoKind::kLinreg, ServoKind::kKalman, ServoKind::kEnvelope}) {
    if (name == to_string(kind)) return kind;
  }
  return unexpected(ServoError::kUnknownServoName);
}

double effective_max_frequency_ppb(const ServoConfig& config) {
  const bool configured = config.max_frequency_ppb > 0;
  const bool clock = config.clock_max_frequency_ppb > 0;
  if (configured && clock)
    return std::min(config.max_frequency_ppb, config.clock_max_frequency_ppb);
  if (configured) return config.max_frequency_ppb;
  if (clock) return config.clock_max_frequency_ppb;
  return 0;
}

Result<void, ServoError> validate(const ServoConfig& config) {
  if (config.kind != ServoKind::kPi && config.kind != ServoKind::kLinreg &&
      config.kind != ServoKind::kKalman && config.kind != ServoKind::kEnvelope) {
    return unexpected(ServoError::kUnknownServoKind);
  }
  if (config.step_threshold < Nanoseconds(0)) {
    return unexpected(ServoError::kNegativeStepThreshold);
  }
  if (config.first_step_threshold < Nanoseconds(0)) {
    return unexpected(ServoError::kNegativeFirstStepThreshold);
  }
  if (!finite_non_negative(config.max_frequency_ppb) ||
      !finite_non_negative(config.clock_max_frequency_ppb)) {
    return unexpected(ServoError::kBadFrequency);
  }
  if (effective_max_frequency_ppb(config) <= 0) return unexpected(ServoError::kNoFrequencyLimit);
  if (config.sync_interval <= Nanoseconds(0)) return unexpected(ServoError::kBadSyncInterval);
  if (config.offset_threshold < Nanoseconds(0) || config.num_offset_values < 0) {
    return unexpected(ServoError::kBadOffsetThreshold);
  }
  if (auto pi = validate_pi(config.pi); !pi) return pi;
  return validate_kalman(config.kalman);
}

}  // namespace ptp::servo
