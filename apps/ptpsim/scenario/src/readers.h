// The parts of a scenario file, each read by its own file (private to ptpsim_scenario). Each
// reads its part of `root` into `scenario` and reports problems through the root's Context;
// later parts rely on the earlier ones (links on nodes and switches, events on all of them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// A node's unicast_master_table key as written, resolved once every node is known.
struct UnicastMastersKey {
  std::vector<std::string> entries;    // node names or addresses
  std::int8_t log_query_interval = 0;  // unicast_log_query_interval: the table's logQueryInterval
  std::size_t line = 0;
  std::string path;  // "node[1].unicast_master_table"
};
std::optional<UnicastMastersKey> read_unicast_masters(TableReader& node);  // read_unicast.cpp
// The key's masters as node `node`'s [unicast_master_table] (table_id 1), named by its
// unicast_master_table option; a name that is not a node nor an address fails at the key's line.
void apply_unicast_masters(Context& context, Scenario& scenario, std::size_t node,
                           const UnicastMastersKey& key);  // read_unicast.cpp

}  // namespace ptp::ptpsim::detail
