// make_servo: validation, then the one allocation a servo costs.
#include "ptp/servo/servo_factory.h"

#include <cmath>

#include "ptp/servo/envelope_servo.h"
#include "ptp/servo/kalman_servo.h"
#include "ptp/servo/linreg_servo.h"
#include "ptp/servo/pi_servo.h"

namespace ptp::servo {

Result<std::unique_ptr<Servo>, ServoError> make_servo(const ServoConfig& config,
                                                      double initial_frequency_ppb) {
  if (auto valid = validate(config); !valid) return unexpected(valid.error());
  if (!std::isfinite(initial_frequency_ppb) ||
      std::abs(initial_frequency_ppb) > effective_max_frequency_ppb(config)) {
    return unexpected(ServoError::kBadFrequency);
  }
  std::unique_ptr<Servo> servo;
  switch (config.kind) {
    case ServoKind::kPi: servo = std::make_unique<PiServo>(config, initial_frequency_ppb); break;
    case ServoKind::kLinreg:
      servo = std::make_unique<LinregServo>(config, initial_frequency_ppb);
      break;
    case ServoKind::kKalman:
      servo = std::make_unique<KalmanServo>(config, initial_frequency_ppb);
      break;
    case ServoKind::kEnvelope:
      servo = std::make_unique<EnvelopeServo>(config, initial_frequency_ppb);
      break;
  }
  if (!servo) return unexpected(ServoError::kUnknownServoKind);
  return servo;
}

}  // namespace ptp::servo
