// run_scenario: builds the simulated world of a scenario, runs it sample interval by sample
// interval, and returns what the summary reports; on the way it writes the optional outputs
// (--csv time series, --pcap capture, --log lines) and feeds the progress display.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ptp/core/port_state.h"
#include "ptp/ptpsim/scenario.h"
#include "ptp/result.h"

namespace ptp::ptpsim {

struct RunOptions {
  std::optional<std::uint64_t> seed;    // over the scenario's [run] seed
  std::optional<SimDuration> duration;  // over the scenario's [run] duration
  std::string csv_path;                 // empty: no CSV
  std::string pcap_path;                // empty: no capture
  std::ostream* log = nullptr;          // ptp4l-style lines, when set
  bool keep_plot_series = false;        // keep offsets over time for a plot
  // Called after every sample interval with the simulated fraction done (0..1).
  std::function<void(double)> progress;
};

struct StateTransition {
  double time_s = 0;
  PortState from = PortState::kInitializing;
  PortState to = PortState::kInitializing;
};

struct NodeSummary {
  std::string name;
  TimestampingKind timestamping = TimestampingKind::kHardware;
  std::string final_state;  // a port state, or CRASHED
  double lock_bound_ns = 0;
  std::optional<double> lock_time_s;
  std::optional<double> rms_ns;
  std::optional<double> percentile_99_ns;
  std::optional<double> max_abs_ns;
  std::optional<double> path_delay_ns;  // the last measured mean path delay
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t drops = 0;
  std::uint64_t state_changes = 0;
  std::vector<StateTransition> transitions;
  // (time, true offset from the grandmaster of the moment), when RunOptions::keep_plot_series.
  std::vector<std::pair<double, double>> series;
};

struct GrandmasterChange {
  double time_s = 0;
  std::string name;  // empty: no grandmaster
};

struct RunReport {
  std::string description;
  std::uint64_t seed = 0;
  double simulated_s = 0;
  double wall_s = 0;
  std::size_t events_left_out = 0;  // events at or after a shortened --duration
  std::vector<NodeSummary> nodes;
  std::vector<GrandmasterChange> grandmasters;  // at sample times, as it changed
};

// The lock bound of a kind of timestamping: 1 us with hardware timestamps, 10 us with software
// ones, 50 us without timestamps.
double lock_bound_ns(TimestampingKind timestamping);

std::string_view to_string(TimestampingKind timestamping);

Result<RunReport, std::string> run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace ptp::ptpsim
