// The report a person reads at the end of a run: a heading, the grandmaster's history, one table
// row per node, and the closing speed line.
#pragma once

#include <ostream>

#include "run.h"

namespace ptp::ptpsim {

void print_summary(const RunReport& report, std::ostream& out);
// "simulated 600 s in 1.23 s wall (488x real time)"
void print_speed_line(const RunReport& report, std::ostream& out);

}  // namespace ptp::ptpsim
