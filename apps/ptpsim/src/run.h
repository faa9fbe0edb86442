// run_scenario: builds the simulated world of a scenario, runs it sample interval by sample
// interval, and returns what the summary reports; on the way it writes the optional outputs
// (--csv time series, --pcap capture, --log lines) and feeds the progress display.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ptp/core/port_state.h"
#include "ptp/ptpsim/scenario.h"
#include "ptp/result.h"
#include "ptp/sim/lock_statistics.h"

namespace ptp::ptpsim {

class SimulatedWorld;

struct RunOptions {
  std::optional<std::uint64_t> seed;    // over the scenario's [run] seed
  std::optional<SimDuration> duration;  // over the scenario's [run] duration
  std::string csv_path;                 // empty: no CSV
  bool csv_metrics = false;             // also the metric families per node (apps/common metrics.h)
  std::string pcap_path;                // empty: no capture
  std::ostream* log = nullptr;          // ptp4l-style lines, when set
  bool keep_plot_series = false;        // keep offsets over time for a plot
  // Keep every node's true offset and true frequency error at every sample (NodeSummary::samples).
  bool keep_samples = false;
  // The true frequency error at a sample is the change of the true offset over this span just
  // before it: short, so that it is the frequency of the moment (as clknetsim's log), not an
  // average over the sample interval.
  SimDuration frequency_window = SimDuration::milliseconds(10);
  // Called once the world is built and started, before the first sample (to attach an extra
  // host, a pmc say); what it returns is kept until the run ends and released before the world.
  std::function<std::shared_ptr<void>(SimulatedWorld&)> attach;
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
  // The clock's timePropertiesDS at the end (what it took from its grandmaster).
  bool leap61 = false;
  bool leap59 = false;
  std::vector<StateTransition> transitions;
  // (time, true offset from the grandmaster of the moment), when RunOptions::keep_plot_series.
  std::vector<std::pair<double, double>> series;
  // Every sample, when RunOptions::keep_samples: the node's true offset from the grandmaster of
  // the moment and its true frequency error over RunOptions::frequency_window; NaN where there is
  // none (the node is the grandmaster, crashed or not yet switched on, or there is no grandmaster).
  std::vector<sim::TruthSample> samples;
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
