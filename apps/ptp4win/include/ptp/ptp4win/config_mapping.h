// From a ptp4l-style configuration to what the core takes, for ptp4win's one port: the PortConfig
// and ServoConfig (the shared mapping of ptp/app/core_config.h, plus the interface's own section,
// the sync interval and the clock's frequency limit), the address family, the timestamping wish
// and the clock identity. Pure functions, so the tests check every option without a network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ptp/app/linuxptp_config.h"
#include "ptp/core/port_config.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/servo/servo_config.h"

namespace ptp::ptp4win {

struct MappingError {
  std::string message;
};

// The PortConfig of `interface_name`'s port: the clock options, and the port options in force on
// that interface (its section's over [global]) and the unicast master table it names. Validated.
Result<PortConfig, MappingError> to_port_config(const app::LinuxPtpConfig& config,
                                                std::string_view interface_name,
                                                const ClockIdentity& identity);

// clock_servo as ptp4win reads it: left at ptp4l's default (pi) it means ptpstack's default
// servo (servo::kDefaultServoKind, envelope); set explicitly (the file, --clock_servo) it is what
// was asked for.
servo::ServoKind requested_servo(const app::LinuxPtpConfig& config);

// The servo: clock_servo (requested_servo), the thresholds, max_frequency, the PI constants, the
// sync interval. `clock_max_frequency_ppb` is the clock's own limit (0: unknown). Validated.
Result<servo::ServoConfig, MappingError> to_servo_config(const app::LinuxPtpConfig& config,
                                                         std::string_view interface_name,
                                                         bool hardware_timestamps,
                                                         double clock_max_frequency_ppb);

hal::AddressFamily address_family(const app::LinuxPtpConfig& config,
                                  std::string_view interface_name);

// time_stamping as ptp4win reads it: left at ptp4l's default it means kAuto (the best source the
// NIC offers), set explicitly (-H, -S, the file, --time_stamping) it is what was asked for.
app::TimeStamping requested_time_stamping(const app::LinuxPtpConfig& config);

// Whether the servo runs on hardware timestamps, given the wish and the source the HAL selected.
bool uses_hardware_timestamps(app::TimeStamping requested, hal::TimestampSource selected);

// A warning when the wish cannot be met (the HAL falls back, ptp4win keeps running), else empty.
std::string time_stamping_warning(app::TimeStamping requested, hal::TimestampSource selected);

// An EUI-64 style identity (xx:xx:xx:ff:fe:xx:xx:xx) derived from a stable adapter key (its GUID),
// never all-zero: the fallback for adapters without a usable MAC (ptp::win::clock_identity_of).
ClockIdentity clock_identity_from_key(std::string_view adapter_key);

// "001122.fffe.334455", as ptp4l prints clock identities.
std::string format_clock_identity(const ClockIdentity& identity);

}  // namespace ptp::ptp4win
