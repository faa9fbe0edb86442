// From ptp4l-style options to the protocol core's configuration: LinuxPtpConfig's ClockOptions and
// PortOptions (and the unicast master tables) become a PortConfig (the ordinary clock and its port)
// and a ServoConfig. ptpsim and ptp4win both build their clocks through these, so an option means
// the same in both.
#pragma once

#include "ptp/app/config_error.h"
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

// The masters of the [unicast_master_table] that `port` names (unicast_master_table), into
// `unicast` with the table's logQueryInterval, each address as the driver's PeerAddress. Nothing
// to do for table 0. Fails for a table the configuration does not have (the file's references
// are checked when it is read; this catches --unicast_master_table) and for a master of another
// transport than the port's network_transport.
Result<void, ConfigError> apply_unicast_master_table(const LinuxPtpConfig& config,
                                                     const PortOptions& port,
                                                     UnicastConfig& unicast);

// The servo configuration: clock_servo, the step thresholds (seconds in ptp4l, nanoseconds here),
// max_frequency and the pi_* constants. `hardware_timestamps` picks the PI servo's default gains
// (ptp4l decides it from time_stamping; the caller knows what the NIC actually gives).
servo::ServoConfig to_servo_config(const ClockOptions& clock, bool hardware_timestamps);

}  // namespace ptp::app
