// run_scenario: the sampling loop. Every sample interval it finds the grandmaster of the moment
// and reads every node's true offset from it (ground truth: the difference of the two nodes'
// SimPtpNode::true_offset_ns()), which drives the CSV, the plot series and the lock statistics.
#include "run.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>

#include "node_log.h"
#include "ptp/app/metrics.h"
#include "ptp/sim/lock_statistics.h"
#include "ptp/sim/pcap_writer.h"
#include "text_format.h"
#include "world.h"

namespace ptp::ptpsim {
namespace {

// A plot of more lines than this is unreadable; larger runs plot their first nodes only.
constexpr std::size_t kMaxPlotNodes = 16;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string csv_number(double value, int decimals) {
  return std::isnan(value) ? std::string() : format_fixed(value, decimals);
}

std::uint64_t sum(const MessageTypeCounts& counts) {
  std::uint64_t total = 0;
  for (const auto count : counts) total += count;
  return total;
}

bool running(const WorldNode& node) { return node.started && !node.crashed; }

// A port state, or CRASHED, or OFF before the node's start_at.
std::string_view state_name(const WorldNode& node, PortState state) {
  if (node.crashed) return "CRASHED";
  if (!node.started) return "OFF";
  return to_string(state);
}

bool measuring(PortState state) {
  return state == PortState::kSlave || state == PortState::kUncalibrated;
}

}  // namespace

double lock_bound_ns(TimestampingKind timestamping) {
  switch (timestamping) {
    case TimestampingKind::kHardware:
    case TimestampingKind::kWindowsHardware: return 1'000.0;
    case TimestampingKind::kSoftware: return 10'000.0;
    // Application timestamps carry the difference between the receive and transmit paths
    // through the stack (about 15 us with hal-sim's default latencies), which PTP cannot see:
    // no servo gets below 10 us, so a clock without timestamps is judged at 50 us.
    case TimestampingKind::kNone: return 50'000.0;
  }
  return 10'000.0;
}

std::string_view to_string(TimestampingKind timestamping) {
  switch (timestamping) {
    case TimestampingKind::kHardware: return "hardware";
    case TimestampingKind::kWindowsHardware: return "windows-hardware";
    case TimestampingKind::kSoftware: return "software";
    case TimestampingKind::kNone: return "none";
  }
  return "unknown";
}

Result<RunReport, std::string> run_scenario(const Scenario& input, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  Scenario scenario = input;
  if (options.seed) scenario.run.seed = *options.seed;
  if (options.duration) scenario.run.duration = *options.duration;

  auto created = SimulatedWorld::create(scenario, options.log);
  if (!created) return unexpected(created.error());
  SimulatedWorld& world = **created;
  auto& nodes = world.nodes();

  std::vector<std::unique_ptr<NodeLog>> logs;
  // Per node, the samples the lock statistics are over: those taken while the node was running
  // and not itself the grandmaster (a grandmaster's own time is no sample of it); with no
  // grandmaster at all the offset is NaN, which ends a lock stretch.
  std::vector<std::vector<sim::TruthSample>> truth(nodes.size());
  for (WorldNode& node : nodes) {
    // A ptp4win node writes ptp4win's own lines; the NodeLog only keeps its transitions.
    std::ostream* lines = node.program == NodeProgram::kPtp4win ? nullptr : options.log;
    logs.push_back(std::make_unique<NodeLog>(world.scheduler(), node.name, lines));
    node.node->set_observer(logs.back().get());
  }

  std::ofstream pcap_file;
  std::optional<sim::PcapWriter> pcap;
  if (!options.pcap_path.empty()) {
    pcap_file.open(options.pcap_path, std::ios::binary);
    if (!pcap_file) return unexpected("cannot write " + options.pcap_path);
    auto writer = sim::PcapWriter::open(pcap_file);
    if (!writer) return unexpected("cannot write " + options.pcap_path);
    pcap.emplace(writer.value());
    // Captured frames carry the simulation's UTC: the shared epoch plus simulated time.
    const auto start =
        Timestamp::from_nanoseconds(Nanoseconds(kEpochSeconds * kNanosecondsPerSecond));
    world.network().set_capture(&*pcap, start.value());
  }

  std::ofstream csv;
  if (!options.csv_path.empty()) {
    csv.open(options.csv_path, std::ios::binary);
    if (!csv) return unexpected("cannot write " + options.csv_path);
    csv << "time_s,node,state,true_offset_ns,measured_offset_ns,frequency_ppb,path_delay_ns";
    if (options.csv_metrics) {
      // The columns of any snapshot: the families always give the same samples.
      for (const std::string& column :
           app::metric_csv_columns(app::collect_metrics(app::MetricsSnapshot{}))) {
        csv << ',' << column;
      }
    }
    csv << '\n';
  }

  const sim::SimTime end = sim::SimTime::from_start(scenario.run.duration);
  auto started = world.start(end);
  if (!started) return unexpected(started.error());
  // Declared after the world, so released before it.
  const std::shared_ptr<void> attachment = options.attach ? options.attach(world) : nullptr;

  RunReport report;
  report.description = scenario.description;
  report.seed = scenario.run.seed;
  report.events_left_out = *started;
  report.nodes.resize(nodes.size());

  const double duration_s = scenario.run.duration.to_seconds();
  const double window_ns = options.frequency_window.to_seconds() * 1e9;
  std::vector<double> earlier(nodes.size(), kNaN);
  while (world.scheduler().now() < end) {
    sim::SimTime next = world.scheduler().now() + scenario.run.sample_interval;
    if (next > end) next = end;
    // For the true frequency: every node's raw true offset a frequency window before the sample.
    bool have_earlier = false;
    if (options.keep_samples && next - options.frequency_window > world.scheduler().now()) {
      if (auto ran = world.scheduler().run_until(next - options.frequency_window); !ran) {
        return unexpected(std::string("the simulation stopped: events out of time range"));
      }
      for (std::size_t index = 0; index < nodes.size(); ++index) {
        earlier[index] = running(nodes[index]) ? nodes[index].node->true_offset_ns() : kNaN;
      }
      have_earlier = true;
    }
    if (auto ran = world.scheduler().run_until(next); !ran) {
      return unexpected(std::string("the simulation stopped: events out of time range"));
    }
    const double time_s = world.seconds();
    const int reference = world.grandmaster();
    const std::string reference_name =
        reference >= 0 ? nodes[static_cast<std::size_t>(reference)].name : std::string();
    if (report.grandmasters.empty() || report.grandmasters.back().name != reference_name) {
      report.grandmasters.push_back(GrandmasterChange{time_s, reference_name});
    }
    const double reference_ns =
        reference >= 0 ? nodes[static_cast<std::size_t>(reference)].node->true_offset_ns() : kNaN;
    const double reference_earlier_ns =
        reference >= 0 ? earlier[static_cast<std::size_t>(reference)] : kNaN;
    for (std::size_t index = 0; index < nodes.size(); ++index) {
      WorldNode& node = nodes[index];
      // A node not yet switched on may have no clock yet (ptp4win builds it at its start).
      const PortState state = node.started ? node.node->clock().state() : PortState::kInitializing;
      const bool is_reference = static_cast<int>(index) == reference;
      double true_offset = kNaN;
      double raw_offset = kNaN;
      if (running(node) && reference >= 0) {
        raw_offset = node.node->true_offset_ns();
        true_offset = is_reference ? 0.0 : raw_offset - reference_ns;
      }
      double frequency_ppb = kNaN;
      if (have_earlier && !is_reference && !std::isnan(true_offset)) {
        const double before = earlier[index] - reference_earlier_ns;
        frequency_ppb = (true_offset - before) / window_ns * 1e9;
      }
      if (running(node) && !is_reference) {
        truth[index].push_back(sim::TruthSample{time_s, true_offset, frequency_ppb});
      }
      if (options.keep_samples) {
        report.nodes[index].samples.push_back(
            sim::TruthSample{time_s, is_reference ? kNaN : true_offset, frequency_ppb});
      }
      if (options.keep_plot_series && index < kMaxPlotNodes) {
        report.nodes[index].series.emplace_back(time_s, true_offset);
      }
      if (csv.is_open()) {
        const auto& measurement = node.node->last_measurement();
        const bool fresh = measurement.has_value() && running(node) && measuring(state);
        csv << format_seconds(time_s) << ',' << node.name << ',' << state_name(node, state) << ','
            << csv_number(true_offset, 1) << ','
            << (fresh ? std::to_string(measurement->offset_from_master.count()) : std::string())
            << ',' << (fresh ? format_fixed(measurement->frequency_ppb, 3) : std::string()) << ','
            << (fresh ? std::to_string(measurement->mean_path_delay.count()) : std::string());
        if (options.csv_metrics) {
          const app::MetricsSnapshot snapshot =
              node.started ? app::take_metrics_snapshot(node.node->clock(), node.node->driver(),
                                                        node.node->last_measurement(),
                                                        node.node->correlation())
                           : app::MetricsSnapshot{};
          for (const std::string& cell : app::metric_csv_cells(app::collect_metrics(snapshot))) {
            csv << ',' << cell;
          }
        }
        csv << '\n';
      }
    }
    if (options.progress) options.progress(duration_s > 0 ? time_s / duration_s : 1.0);
  }
  world.network().set_capture(nullptr, Timestamp{});

  for (std::size_t index = 0; index < nodes.size(); ++index) {
    WorldNode& node = nodes[index];
    NodeSummary& summary = report.nodes[index];
    summary.name = node.name;
    summary.timestamping = node.timestamping;
    summary.lock_bound_ns = lock_bound_ns(node.timestamping);
    summary.transitions = logs[index]->transitions();
    node.node->set_observer(nullptr);
    if (!node.started) {  // switched on at or after the end: no clock, nothing to report
      summary.final_state = std::string(state_name(node, PortState::kInitializing));
      continue;
    }
    const OrdinaryClock& clock = node.node->clock();
    summary.final_state = std::string(state_name(node, clock.state()));
    const sim::LockStatistics lock =
        sim::lock_statistics(truth[index], sim::LockRule{.offset_bound_ns = summary.lock_bound_ns});
    summary.lock_time_s = lock.lock_time_s;
    if (lock.lock_time_s) {
      summary.rms_ns = lock.after_lock.rms_ns;
      summary.percentile_99_ns = lock.after_lock.percentile_99_ns;
      summary.max_abs_ns = lock.after_lock.max_abs_ns;
    }
    if (const auto& measurement = node.node->last_measurement()) {
      summary.path_delay_ns = static_cast<double>(measurement->mean_path_delay.count());
    }
    summary.messages_sent = sum(clock.counters().sent);
    summary.messages_received = sum(clock.counters().received);
    summary.drops = clock.counters().total_drops();
    summary.state_changes = clock.counters().state_changes;
    summary.leap61 = clock.time_properties_data_set().leap61;
    summary.leap59 = clock.time_properties_data_set().leap59;
  }
  report.simulated_s = world.seconds();
  report.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace ptp::ptpsim
