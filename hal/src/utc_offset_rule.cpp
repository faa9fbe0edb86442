// The UTC offset rule (see utc_offset_rule.h).
#include "ptp/hal/utc_offset_rule.h"

#include <algorithm>
#include <cstdint>

namespace ptp::hal {

Nanoseconds utc_offset_to_apply(const TimePropertiesDataSet& parent, Nanoseconds configured) {
  if (!parent.ptp_timescale) return Nanoseconds(0);
  // int16 seconds x 1e9 fits comfortably in 64 bits.
  const Nanoseconds announced{std::int64_t{parent.current_utc_offset} * kNanosecondsPerSecond};
  if (parent.current_utc_offset_valid) return announced;
  return std::max(announced, configured);
}

}  // namespace ptp::hal
