// The parts of a scenario file, each read by its own file (private to ptpsim_scenario). Each
// reads its part of `root` into `scenario` and reports problems through the root's Context;
// later parts rely on the earlier ones (links on nodes and switches, events on all of them).
#pragma once

#include "ptp/ptpsim/scenario.h"
#include "toml_reader.h"

namespace ptp::ptpsim::detail {

void read_run(TableReader& root, Scenario& scenario);                          // read_run.cpp
void read_nodes(TableReader& root, Scenario& scenario);                        // read_nodes.cpp
void read_oscillator(TableReader& table, OscillatorModel& clock);              // read_clocks.cpp
void read_paths(TableReader& table, TimestampPathModel& paths);                // read_clocks.cpp
void read_node_options(TableReader& options, app::LinuxPtpConfig& config);     // read_options.cpp
void read_delay_variation(TableReader& table, DelayVariationSpec& variation);  // read_links.cpp
void read_switches(TableReader& root, Scenario& scenario);                     // read_links.cpp
void read_links(TableReader& root, Scenario& scenario);                        // read_links.cpp
void read_events(TableReader& root, Scenario& scenario);                       // read_events.cpp

}  // namespace ptp::ptpsim::detail
