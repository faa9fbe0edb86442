// The path between the accuracy benchmark's grandmaster and slave: a row of store-and-forward
// switches, the loss and delay spikes of `stress`, and the cross-traffic bursts of `bursty`.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "accuracy_scenario.h"
#include "ptp/sim/network.h"

namespace ptp::accuracy {

// Cross-traffic in `bursty`: on each direction of the slave's link, independently, a burst of
// 2-5 s starts after a quiet 5-20 s; within a burst the queueing a packet meets is drawn anew
// every 100 ms, uniform in 0-50 us.
inline constexpr double kBurstQueueingMaxSeconds = 50e-6;

struct ConnectedPath {
  bool ok = false;
  const char* failure = "";
  // The windows whose samples the figures leave out ([start, end), seconds): the delay spikes.
  std::vector<std::pair<double, double>> spikes;
};

// Adds the switches of `spec` (before the hosts: the simulator's draws follow the order of
// creation); empty if the network refused one.
std::vector<sim::NodeId> add_switches(sim::Network& network, const ScenarioSpec& spec);

// Links `master` through `switches` to `slave`, with the faults of `spec`; `seed` draws the
// bursts.
ConnectedPath connect(sim::Network& network, const ScenarioSpec& spec,
                      const std::vector<sim::NodeId>& switches, sim::NodeId master,
                      sim::NodeId slave, std::uint64_t seed);

}  // namespace ptp::accuracy
