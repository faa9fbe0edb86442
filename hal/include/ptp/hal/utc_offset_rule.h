// Which UTC offset turns a UTC clock (the system clock) into the time its parent distributes:
// the rule the port driver applies to every timestamp while it disciplines the system clock.
//
//   * parent on the ARB timescale (ptpTimescale 0; ptp4l on CLOCK_REALTIME announces this and
//     sends UTC): 0, the parent's numbers are compared as they are;
//   * parent on the PTP timescale with currentUtcOffsetValid: its currentUtcOffset;
//   * parent on the PTP timescale without a valid offset: the larger of its currentUtcOffset and
//     the configured one (linuxptp's rule: an offset only grows, so a stale announced value
//     cannot take the clock back).
//
// linuxptp trusts the announced value only with timeTraceable as well; IEEE 1588 (8.2.4.3)
// makes currentUtcOffsetValid alone say the value is right, which is what this follows.
#pragma once

#include "ptp/core/data_sets.h"
#include "ptp/nanoseconds.h"

namespace ptp::hal {

// `parent`: the clock's timePropertiesDS (its own while it is the grandmaster).
// `configured`: utc_offset from the configuration (TAI - UTC).
Nanoseconds utc_offset_to_apply(const TimePropertiesDataSet& parent, Nanoseconds configured);

}  // namespace ptp::hal
