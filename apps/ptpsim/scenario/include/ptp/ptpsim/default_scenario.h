// The built-in scenario ptpsim runs without arguments: a grandmaster and four ordinary
// clocks behind one switch -- hardware timestamps (a PHC), Windows-style hardware timestamps
// through cross-timestamps, software timestamps, and no timestamps -- for 10 simulated minutes.
// The grandmaster crashes at minute 5 and the hardware-timestamp clock, second best by
// priority1, takes over. apps/ptpsim/scenarios/default.toml is the same scenario as a file.
#pragma once

#include "ptp/ptpsim/scenario.h"

namespace ptp::ptpsim {

Scenario default_scenario();

}  // namespace ptp::ptpsim
