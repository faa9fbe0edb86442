// Running one scenario in the simulator and reducing its samples to figures.
#include "accuracy_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>

#include "ptp/sim/network.h"
#include "ptp/sim/scheduler.h"

namespace ptp::accuracy {
namespace {

// The true frequency error at a sample is the change of the true offset over this span just before
// it (as ptpsim's): the frequency of the moment, not an average over the sample interval.
constexpr double kFrequencyWindowSeconds = 0.01;

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
      samples.spikes.push_back(Spike{at, at + kSpikeLengthSeconds});
    }
  }
  if (!(*master)->start() || !(*slave)->start()) fail("start");
  const auto true_offset_ns = [&] {
    return (*slave)->true_offset_ns() - (*master)->true_offset_ns();
  };
  double following_since = -1;
  samples.truth.reserve(count);
  samples.excluded.reserve(count);
  for (std::size_t i = 1; i <= count; ++i) {
    const double t = static_cast<double>(i) * samples.sample_interval_s;
    if (!scheduler.run_until(sim::SimTime::from_start(seconds(t - kFrequencyWindowSeconds)))) {
      fail("run");
    }
    const double earlier_ns = true_offset_ns();
    if (!scheduler.run_until(sim::SimTime::from_start(seconds(t)))) fail("run");
    const double offset_ns = true_offset_ns();
    samples.truth.push_back(
        sim::TruthSample{t, offset_ns, (offset_ns - earlier_ns) / kFrequencyWindowSeconds});
    const PortState state = (*slave)->clock().state();
    if (following_since < 0 && (state == PortState::kUncalibrated || state == PortState::kSlave)) {
      following_since = t;
    }
    bool excluded = false;
    for (const Spike& spike : samples.spikes) {
      excluded = excluded || (t >= spike.start_s && t < spike.end_s + kRecoverySeconds);
    }
    samples.excluded.push_back(excluded);
  }
  samples.reached_slave = (*slave)->clock().state() == PortState::kSlave;
  samples.following_since_s = std::max(following_since, 0.0);
  return samples;
}

RunFigures figures(const ScenarioSpec& spec, const RunSamples& samples) {
  RunFigures result;
  const sim::LockRule rule{.offset_bound_ns = spec.lock_threshold_ns};
  const std::optional<double> lock_s = sim::lock_time_s(samples.truth, rule);
  if (!lock_s) return result;
  result.locked = true;
  result.lock_s = *lock_s - samples.following_since_s;
  const std::span<const sim::TruthSample> after_lock = sim::samples_from(samples.truth, *lock_s);
  const std::size_t first = samples.truth.size() - after_lock.size();
  for (std::size_t i = first; i < samples.truth.size(); ++i) {
    if (!samples.excluded[i]) result.after_lock.push_back(samples.truth[i]);
  }
  result.lock_losses = static_cast<int>(
      sim::offset_statistics(result.after_lock, rule.offset_bound_ns).beyond_bound);
  for (const Spike& spike : samples.spikes) {
    const auto from_spike = sim::samples_from(samples.truth, spike.start_s);
    const auto from_recovery_end = sim::samples_from(from_spike, spike.end_s + kRecoverySeconds);
    const auto in_window = from_spike.first(from_spike.size() - from_recovery_end.size());
    result.spike_max_ns =
        std::max(result.spike_max_ns, sim::offset_statistics(in_window).max_abs_ns);
    // Re-lock: the lock rule over the samples from the spike's end; never: to the run's end.
    const auto after_spike = sim::samples_from(samples.truth, spike.end_s);
    const std::optional<double> relock_s = sim::lock_time_s(after_spike, rule);
    const double end_s = samples.truth.empty() ? spike.end_s : samples.truth.back().time_s;
    result.worst_relock_s = std::max(result.worst_relock_s, relock_s.value_or(end_s) - spike.end_s);
  }
  return result;
}

}  // namespace ptp::accuracy
