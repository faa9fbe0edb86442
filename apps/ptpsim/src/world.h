// SimulatedWorld: a Scenario turned into hal-sim objects — one ClockNode per node (the library's
// SimPtpNode, or ptp4win on a simulated Windows), the switches
// and links of the network, and the fault timeline on the scheduler. It owns the scheduler, so a
// run is a pure function of the scenario and its seed.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "clock_node.h"
#include "ptp/ptpsim/scenario.h"
#include "ptp/result.h"
#include "ptp/sim/network.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_ptp_node.h"

namespace ptp::ptpsim {

// The system clocks' time at crystal zero, shared by every node: small, so that NIC clocks (whose
// phase is int64 picoseconds) can carry the same PTP timescale. And the UTC offset every driver
// applies. Both cancel in every comparison of two nodes.
inline constexpr std::int64_t kEpochSeconds = 1'000;
inline constexpr std::int64_t kUtcOffsetSeconds = 37;

struct WorldNode {
  std::string name;
  TimestampingKind timestamping = TimestampingKind::kHardware;
  NodeProgram program = NodeProgram::kLibrary;
  std::unique_ptr<ClockNode> node;
  bool crashed = false;
  // False until the node's start_at: offline, no protocol (its clocks run all along).
  bool started = false;
  SimDuration start_at;
  std::size_t link = 0;  // index into SimulatedWorld::links(), if the node has one
  bool has_link = false;
};

class SimulatedWorld {
 public:
  // Builds the world; an error is a sentence naming the node, link or event that failed. The log
  // lines of nodes that write their own (ptp4win's) go to `log` (may be null).
  static Result<std::unique_ptr<SimulatedWorld>, std::string> create(const Scenario& scenario,
                                                                     std::ostream* log = nullptr);
  SimulatedWorld(const SimulatedWorld&) = delete;
  SimulatedWorld& operator=(const SimulatedWorld&) = delete;
  SimulatedWorld(SimulatedWorld&&) = delete;
  SimulatedWorld& operator=(SimulatedWorld&&) = delete;
  ~SimulatedWorld();

  // Starts every node and puts the events before `end` on the timeline; returns how many events
  // were left out because they lie at or after `end` (a --duration shorter than the file's).
  Result<std::size_t, std::string> start(sim::SimTime end);

  sim::Scheduler& scheduler() { return scheduler_; }
  sim::Network& network() { return network_; }
  std::vector<WorldNode>& nodes() { return nodes_; }
  // The network node of the switch named `name`, if there is one (to attach extra hosts to).
  [[nodiscard]] std::optional<sim::NodeId> switch_node(const std::string& name) const;
  [[nodiscard]] double seconds() const { return scheduler_.now().since_start().to_seconds(); }

  // The index of the current grandmaster: a running node in MASTER that is its own grandmaster
  // (the one most slaves follow, if several claim it); -1 when there is none.
  [[nodiscard]] int grandmaster() const;

 private:
  explicit SimulatedWorld(std::uint64_t seed, std::ostream* log);
  Result<void, std::string> build(const Scenario& scenario);
  Result<std::unique_ptr<ClockNode>, std::string> make_node(const NodeModel& model,
                                                            std::size_t index);
  Result<void, std::string> schedule(const EventModel& event, std::size_t index, sim::SimTime end);
  void switch_on(std::size_t node);
  void crash(std::size_t node);
  void restart(std::size_t node);
  void set_priorities(std::size_t node, const PriorityChangeEvent& change);
  [[nodiscard]] int node_index(const std::string& name) const;
  [[nodiscard]] int link_index(const std::string& name) const;

  sim::Scheduler scheduler_;
  sim::Random random_;
  sim::Network network_;
  std::ostream* log_;
  std::vector<WorldNode> nodes_;
  std::vector<std::pair<std::string, sim::NodeId>> switches_;
  std::vector<std::string> link_names_;
  std::vector<sim::LinkId> links_;
  std::vector<EventModel> events_;
};

}  // namespace ptp::ptpsim
