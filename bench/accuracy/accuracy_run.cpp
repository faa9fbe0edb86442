// Running one scenario in the simulator and reducing its samples to figures.
#include "accuracy_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "ptp/sim/network.h"
#include "ptp/sim/scheduler.h"

namespace ptp::accuracy {
namespace {

constexpr double kLockHoldSeconds = 10;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ptp_accuracy: cannot build the simulated world: %s\n", what);
  std::abort();
}

sim::SimDuration seconds(double value) {
  return sim::SimDuration::picoseconds(static_cast<std::int64_t>(value * 1e12));
}

}  // namespace

RunSamples run_once(const ScenarioSpec& spec, const servo::ServoConfig& servo, std::uint64_t seed) {
  sim::Scheduler scheduler;
  sim::Random random(seed);
  sim::Network network(scheduler, random.fork(1000));
  sim::DelayModelConfig residence;
  residence.propagation = sim::SimDuration::microseconds(1);
  residence.variation = sim::ExponentialDelayVariation{
      sim::SimDuration::nanoseconds(static_cast<std::int64_t>(kSwitchPdvMeanNs))};
  const auto switch_node = network.add_switch(residence);
  if (!switch_node) fail("switch");

  const WorldConfigs configs = world_configs(spec, servo, seed);
  auto master = sim::SimPtpNode::create(scheduler, network, configs.master, random.fork(1));
  auto slave = sim::SimPtpNode::create(scheduler, network, configs.slave, random.fork(2));
  if (!master) fail(sim::to_string(master.error()).data());
  if (!slave) fail(sim::to_string(slave.error()).data());
  sim::LinkDirectionConfig link;
  link.delay.propagation = sim::SimDuration::nanoseconds(500);
  if (spec.link_loss > 0) link.loss = sim::BernoulliLoss{spec.link_loss};
  if (!network.add_link((*master)->node_id(), *switch_node, link, link)) fail("master link");
  const auto slave_link = network.add_link((*slave)->node_id(), *switch_node, link, link);
  if (!slave_link) fail("slave link");

  RunSamples samples;
  samples.sample_interval_s = std::ldexp(1.0, kLogSyncInterval);
  const auto count = static_cast<std::size_t>(kDurationSeconds / samples.sample_interval_s);
  std::vector<std::pair<double, double>> spikes;  // [start, end) in seconds
  if (spec.delay_spikes) {
    for (double at = kSpikePeriodSeconds; at + kSpikeLengthSeconds < kDurationSeconds;
         at += kSpikePeriodSeconds) {
      // Master to slave: the switch to the slave's link direction b_to_a (add_link(slave, sw)).
      if (!network.add_delay_spike(*slave_link, sim::Direction::kBToA,
                                   sim::SimTime::from_start(seconds(at)),
                                   sim::SimTime::from_start(seconds(at + kSpikeLengthSeconds)),
                                   seconds(kSpikeExtraSeconds))) {
        fail("delay spike");
      }
      spikes.emplace_back(at, at + kSpikeLengthSeconds);
    }
  }
  if (!(*master)->start() || !(*slave)->start()) fail("start");
  double following_since = -1;
  samples.true_offset_ns.reserve(count);
  samples.excluded.reserve(count);
  for (std::size_t i = 1; i <= count; ++i) {
    const double t = static_cast<double>(i) * samples.sample_interval_s;
    if (!scheduler.run_until(sim::SimTime::from_start(seconds(t)))) fail("run");
    samples.true_offset_ns.push_back((*slave)->true_offset_ns() - (*master)->true_offset_ns());
    const PortState state = (*slave)->clock().state();
    if (following_since < 0 && (state == PortState::kUncalibrated || state == PortState::kSlave)) {
      following_since = t;
    }
    bool excluded = false;
    for (const auto& [start, end] : spikes) excluded = excluded || (t >= start && t < end + 10);
    samples.excluded.push_back(excluded);
  }
  samples.reached_slave = (*slave)->clock().state() == PortState::kSlave;
  samples.following_since_s = std::max(following_since, 0.0);
  return samples;
}

RunFigures figures(const ScenarioSpec& spec, const RunSamples& samples) {
  RunFigures result;
  const double dt = samples.sample_interval_s;
  const auto hold = static_cast<std::size_t>(kLockHoldSeconds / dt);
  const auto& offsets = samples.true_offset_ns;
  std::size_t lock_index = offsets.size();
  std::size_t run = 0;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    run = std::abs(offsets[i]) < spec.lock_threshold_ns ? run + 1 : 0;
    if (run == hold) {
      lock_index = i + 1 - hold;
      break;
    }
  }
  if (lock_index == offsets.size()) return result;
  result.locked = true;
  result.lock_s = static_cast<double>(lock_index + 1) * dt - samples.following_since_s;
  const auto per_second = static_cast<std::size_t>(1.0 / dt);
  double frequency_squares = 0;
  std::size_t frequency_count = 0;
  double out_of_bound_since = -1;
  for (std::size_t i = lock_index; i < offsets.size(); ++i) {
    const double t = static_cast<double>(i + 1) * dt;
    if (samples.excluded[i]) {
      result.spike_max_ns = std::max(result.spike_max_ns, std::abs(offsets[i]));
      // Recovery after a spike: how long until the offset is back within the bound.
      if (std::abs(offsets[i]) >= spec.lock_threshold_ns) {
        if (out_of_bound_since < 0) out_of_bound_since = t;
      } else if (out_of_bound_since >= 0) {
        result.worst_relock_s = std::max(result.worst_relock_s, t - out_of_bound_since);
        out_of_bound_since = -1;
      }
      continue;
    }
    if (out_of_bound_since >= 0) {  // still out of bound when the recovery window closed
      result.worst_relock_s = std::max(result.worst_relock_s, t - out_of_bound_since);
      out_of_bound_since = -1;
    }
    result.after_lock.push_back(offsets[i]);
    if (std::abs(offsets[i]) >= spec.lock_threshold_ns) ++result.lock_losses;
    if (i >= lock_index + per_second && !samples.excluded[i - per_second]) {
      const double ppb = offsets[i] - offsets[i - per_second];  // ns per second = ppb
      frequency_squares += ppb * ppb;
      ++frequency_count;
    }
  }
  if (frequency_count > 0) {
    result.frequency_rms_ppb = std::sqrt(frequency_squares / static_cast<double>(frequency_count));
  }
  return result;
}

}  // namespace ptp::accuracy
