// render_plot: the true offset of each node over time as an SVG, drawn by gnuplot from a script
// and data files written to a temporary directory (removed afterwards).
#pragma once

#include <string>

#include "ptp/result.h"
#include "run.h"

namespace ptp::ptpsim {

// Whether gnuplot can be run; the error says how to install it. ptpsim asks before a run, so that
// a long run is not wasted.
Result<void, std::string> check_gnuplot();

// Needs RunOptions::keep_plot_series. The error says what went wrong, including a missing gnuplot
// (scripts/install-deps.sh installs gnuplot-nox).
Result<void, std::string> render_plot(const RunReport& report, const std::string& svg_path);

}  // namespace ptp::ptpsim
