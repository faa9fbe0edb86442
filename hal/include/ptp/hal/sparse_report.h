// The rule for reporting a failure that may repeat for as long as the program runs (a TX
// timestamp that times out, a cross-timestamp capture that fails): report the 1st, 2nd, 4th,
// 8th, ... occurrence, as ptp4l does for its TX timestamp time-outs. A flapping driver then
// costs a few log lines an hour instead of one per attempt, and the count in each line still
// says how bad it is.
#pragma once

#include <bit>
#include <cstdint>

namespace ptp::hal {

// Whether the `occurrences`-th failure (counted from 1) is one to report.
constexpr bool worth_reporting(std::uint64_t occurrences) {
  return std::has_single_bit(occurrences);
}

}  // namespace ptp::hal
