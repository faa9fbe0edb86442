// The data set comparison algorithm of IEEE 1588-2019 9.3.4 (Figures 34 and 35): which of two
// Announce-derived data sets describes the better master. Pure functions over plain data, so
// every branch of the figures can be tested without ports, clocks or timers.
#pragma once

#include <cstdint>
#include <string_view>

#include "ptp/core/data_sets.h"
#include "ptp/identity.h"

namespace ptp {

// The Announce flags that feed timePropertiesDS (1588-2019 Table 37 flagField bits).
struct TimePropertiesFlags {
  bool leap61 = false;
  bool leap59 = false;
  bool current_utc_offset_valid = false;
  bool ptp_timescale = false;
  bool time_traceable = false;
  bool frequency_traceable = false;

  friend bool operator==(const TimePropertiesFlags&, const TimePropertiesFlags&) = default;
};

// What the BMCA keeps of one received Announce: the inputs of the comparison (9.3.4) and what
// the S1 update copies into parentDS and timePropertiesDS (9.3.5). E_rbest and E_best are values
// of this type; D0 is made from defaultDS by d0_data_set().
struct AnnounceDataSet {
  std::uint8_t grandmaster_priority1 = kDefaultPriority;
  ClockQuality grandmaster_clock_quality;
  std::uint8_t grandmaster_priority2 = kDefaultPriority;
  ClockIdentity grandmaster_identity;
  std::uint16_t steps_removed = 0;
  PortIdentity sender;    // the Announce's sourcePortIdentity
  PortIdentity receiver;  // portDS.portIdentity of the port that received it
  TimeSource time_source = TimeSource::kInternalOscillator;
  std::int16_t current_utc_offset = 0;
  TimePropertiesFlags flags;

  friend bool operator==(const AnnounceDataSet&, const AnnounceDataSet&) = default;
};

// The outcomes of Figures 34 and 35, named from A's side.
enum class ComparisonResult : std::uint8_t {
  kABetter,            // A is the better master
  kBBetter,            // B is the better master
  kABetterByTopology,  // same grandmaster; A's path to it is preferred
  kBBetterByTopology,  // same grandmaster; B's path to it is preferred
  kError1,             // a receiver is its own sender: our own Announce came back
  kError2,             // same sender and same receiving port: A and B are the same Announce
};

// 9.3.4: the data set comparison of A and B.
[[nodiscard]] ComparisonResult compare_data_sets(const AnnounceDataSet& a,
                                                 const AnnounceDataSet& b);

// "A better than B or A better by topology than B", the question Figure 33 asks.
[[nodiscard]] constexpr bool a_better_or_better_by_topology(ComparisonResult result) {
  return result == ComparisonResult::kABetter || result == ComparisonResult::kABetterByTopology;
}

// D0: defaultDS seen as an Announce of this clock as grandmaster (9.3.4: stepsRemoved 0, and
// this clock's identity, port number 0, as both sender and receiver).
[[nodiscard]] AnnounceDataSet d0_data_set(const DefaultDataSet& default_ds);

std::string_view to_string(ComparisonResult result);

}  // namespace ptp
