// A cross-timestamp: one reading of the NIC's hardware clock bracketed by two readings of the
// host's monotonic counter (Windows' INTERFACE_HARDWARE_CROSSTIMESTAMP). The narrower the window
// between the counter readings, the better the sample relates the two clocks.
#pragma once

#include <cstdint>

#include "ptp/hal/clock_readings.h"

namespace ptp::hal {

struct CrossTimestamp {
  CounterTicks counter_before;
  NicTicks hardware;
  CounterTicks counter_after;

  // The capture window in counter ticks (after - before); negative only from a broken source.
  [[nodiscard]] constexpr std::int64_t window_ticks() const {
    return counter_after.count - counter_before.count;
  }

  friend constexpr bool operator==(const CrossTimestamp&, const CrossTimestamp&) = default;
};

}  // namespace ptp::hal
