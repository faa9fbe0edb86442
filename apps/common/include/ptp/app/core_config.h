// From ptp4l-style options to the protocol core's configuration: LinuxPtpConfig's ClockOptions and
// PortOptions become a PortConfig (the ordinary clock and its port) and a ServoConfig. ptpsim and
// ptp4win both build their clocks through these, so an option means the same in both.
#pragma once

#include "ptp/app/linuxptp_config.h"
#include "ptp/core/port_config.h"
#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/servo/servo_config.h"

namespace ptp::app {

// The port configuration the options describe, for a clock of identity `identity`, checked with
// validate(PortConfig). The options' own ranges are already the option table's; what remains to
// fail is a combination (slaveOnly with masterOnly) or an identity of all zeros.
Result<PortConfig, PortConfigError> to_port_config(const ClockOptions& clock,
                                                   const PortOptions& port,
                                                   const ClockIdentity& identity);

// The servo configuration: clock_servo, the step thresholds (seconds in ptp4l, nanoseconds here),
// max_frequency and the pi_* constants. `hardware_timestamps` picks the PI servo's default gains
// (ptp4l decides it from time_stamping; the caller knows what the NIC actually gives).
servo::ServoConfig to_servo_config(const ClockOptions& clock, bool hardware_timestamps);

}  // namespace ptp::app
