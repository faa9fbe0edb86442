// The servo factory: a servo chosen by clock_servo name, built from a ServoConfig (ptp4l's
// servo_create). The port holds the result through the Servo interface only.
#pragma once

#include <memory>

#include "ptp/result.h"
#include "ptp/servo/servo.h"
#include "ptp/servo/servo_config.h"

namespace ptp::servo {

// Validates `config` (see ServoError) and builds the servo. `initial_frequency_ppb` is the
// clock's current frequency adjustment (positive = faster), where the servo starts from; it must
// be finite and within the effective frequency limit. Allocates once; sampling never does.
Result<std::unique_ptr<Servo>, ServoError> make_servo(const ServoConfig& config,
                                                      double initial_frequency_ppb);

}  // namespace ptp::servo
