// The timestamping capabilities of the kinds of simulated NIC that tests, ptpsim and the accuracy
// benchmark build: one definition, so that "a Windows-style NIC" means the same everywhere.
#pragma once

#include <cstdint>

#include "ptp/hal/timestamp_capabilities.h"

namespace ptp::sim {

enum class SimNicKind : std::uint8_t {
  kHardware,         // hardware timestamps (the NIC clock is a PHC the caller makes adjustable)
  kWindowsHardware,  // hardware timestamps plus cross-timestamps (a free-running NIC clock)
  kSoftware,         // OS timestamps only
  kNone,             // nothing: the application time-stamps for itself
};

// Supported = active: every PTP message time-stamped on receive and tagged transmit, by the NIC
// (hardware kinds, whose clock runs at `hardware_clock_frequency_hz`) and by the OS (all but
// kNone).
inline hal::InterfaceTimestampCapabilities nic_capabilities(
    SimNicKind kind, std::uint64_t hardware_clock_frequency_hz) {
  hal::InterfaceTimestampCapabilities caps;
  if (kind == SimNicKind::kNone) return caps;
  if (kind == SimNicKind::kHardware || kind == SimNicKind::kWindowsHardware) {
    caps.supported.hardware.all_receive = caps.supported.hardware.all_transmit = true;
    caps.supported.hardware.tagged_transmit = true;
    caps.supported.hardware_clock_frequency_hz = hardware_clock_frequency_hz;
    caps.supported.supports_cross_timestamp = kind == SimNicKind::kWindowsHardware;
  }
  caps.supported.software.all_receive = caps.supported.software.all_transmit = true;
  caps.supported.software.tagged_transmit = true;
  caps.active = caps.supported;
  return caps;
}

}  // namespace ptp::sim
