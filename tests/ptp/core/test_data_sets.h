// Builders of identities and Announce data sets for the core's BMCA tests.
#pragma once

#include <cstdint>

#include "ptp/core/data_set_comparison.h"
#include "ptp/identity.h"

namespace ptp::test {

// A clock identity whose eight octets are all `n`; a larger n is a larger (worse) identity.
inline ClockIdentity clock_id(std::uint8_t n) {
  ClockIdentity id;
  id.octets.fill(n);
  return id;
}

inline PortIdentity port_id(std::uint8_t clock, std::uint16_t port_number) {
  return PortIdentity{clock_id(clock), port_number};
}

// An Announce of grandmaster `grandmaster`, sent by port 1 of clock `sender`, received on port 1
// of clock 0x50 (the clock under test in most tests).
inline AnnounceDataSet announce(std::uint8_t grandmaster, std::uint8_t sender,
                                std::uint16_t steps_removed) {
  AnnounceDataSet data;
  data.grandmaster_identity = clock_id(grandmaster);
  data.sender = port_id(sender, 1);
  data.receiver = port_id(0x50, 1);
  data.steps_removed = steps_removed;
  return data;
}

}  // namespace ptp::test
