// One host's HAL, as the driver loop sees it: the interface's transport and timestamping, the
// clocks, and the timers. Each HAL (hal-sim, hal-win-iphlpapi) builds one of these.
#pragma once

#include "ptp/hal/clocks.h"
#include "ptp/hal/timers.h"
#include "ptp/hal/timestamping_interface.h"
#include "ptp/hal/transport.h"

namespace ptp::hal {

struct Host {
  Transport& transport;
  TimestampingInterface& timestamping;
  HardwareClock* hardware_clock;  // nullptr when the NIC has none the HAL can read
  SystemClock& system_clock;
  MonotonicCounter& counter;
  Timers& timers;
};

}  // namespace ptp::hal
