// The accuracy benchmark's network: switches in a row, link loss, delay spikes and bursts.
#include "accuracy_network.h"

#include "ptp/sim/random.h"

namespace ptp::accuracy {
namespace {

constexpr double kLinkPropagationNs = 500;
constexpr double kBurstSlotSeconds = 0.1;

sim::SimDuration seconds(double value) {
  return sim::SimDuration::picoseconds(static_cast<std::int64_t>(value * 1e12));
}

sim::SimTime at(double value) { return sim::SimTime::from_start(seconds(value)); }

// One direction's bursts: a fresh queueing delay every slot while a burst lasts.
bool add_bursts(sim::Network& network, sim::LinkId link, sim::Direction direction,
                double duration_s, sim::Random random) {
  double t = 5 + 15 * random.uniform();
  while (t < duration_s) {
    const double end = std::min(t + 2 + 3 * random.uniform(), duration_s);
    for (; t + kBurstSlotSeconds <= end; t += kBurstSlotSeconds) {
      const double queueing = kBurstQueueingMaxSeconds * random.uniform();
      if (!network.add_delay_spike(link, direction, at(t), at(t + kBurstSlotSeconds),
                                   seconds(queueing))) {
        return false;
      }
    }
    t = end + 5 + 15 * random.uniform();
  }
  return true;
}

}  // namespace

std::vector<sim::NodeId> add_switches(sim::Network& network, const ScenarioSpec& spec) {
  sim::DelayModelConfig residence;
  residence.propagation = seconds(spec.switch_fixed_ns * 1e-9);
  residence.variation = sim::ExponentialDelayVariation{seconds(spec.switch_pdv_mean_ns * 1e-9)};
  sim::TransparentClockConfig transparent;
  transparent.kind = spec.transparent_clock;
  transparent.timestamp_noise = seconds(spec.tc_timestamp_noise_ns * 1e-9);
  std::vector<sim::NodeId> switches;
  for (int i = 0; i < spec.switches; ++i) {
    const auto added = network.add_switch(residence, transparent);
    if (!added) return {};
    switches.push_back(*added);
  }
  return switches;
}

ConnectedPath connect(sim::Network& network, const ScenarioSpec& spec,
                      const std::vector<sim::NodeId>& switches, sim::NodeId master,
                      sim::NodeId slave, std::uint64_t seed) {
  ConnectedPath path;
  sim::LinkDirectionConfig link;
  link.delay.propagation = seconds(kLinkPropagationNs * 1e-9);
  if (spec.link_loss > 0) link.loss = sim::BernoulliLoss{spec.link_loss};

  sim::NodeId previous = master;
  for (const sim::NodeId next : switches) {
    if (!network.add_link(previous, next, link, link)) {
      path.failure = "switch link";
      return path;
    }
    previous = next;
  }
  const auto slave_link = network.add_link(slave, previous, link, link);
  if (!slave_link) {
    path.failure = "slave link";
    return path;
  }
  if (spec.delay_spikes) {
    for (double start = kSpikePeriodSeconds; start + kSpikeLengthSeconds < spec.duration_s;
         start += kSpikePeriodSeconds) {
      // Master to slave: the switch to the slave's link direction b_to_a (add_link(slave, sw)).
      if (!network.add_delay_spike(*slave_link, sim::Direction::kBToA, at(start),
                                   at(start + kSpikeLengthSeconds), seconds(kSpikeExtraSeconds))) {
        path.failure = "delay spike";
        return path;
      }
      path.spikes.emplace_back(start, start + kSpikeLengthSeconds);
    }
  }
  if (spec.bursty) {
    sim::Random random(seed ^ 0xB0B5ULL);
    if (!add_bursts(network, *slave_link, sim::Direction::kBToA, spec.duration_s, random.fork(1)) ||
        !add_bursts(network, *slave_link, sim::Direction::kAToB, spec.duration_s, random.fork(2))) {
      path.failure = "burst";
      return path;
    }
  }
  path.ok = true;
  return path;
}

}  // namespace ptp::accuracy
