// Running one scenario in the simulator and reducing its samples to figures. The slave is the
// library's assembly (run_once) or ptp4win itself on a simulated Windows (run_once_ptp4win); both
// are sampled by the same loop against the same master, and on one seed both see the same noise
// (a paired comparison: docs/accuracy.md).
#include "accuracy_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "accuracy_network.h"
#include "clock_node.h"
#include "ptp/sim/network.h"
#include "ptp/sim/scheduler.h"
#include "ptp4win_node.h"

namespace ptp::accuracy {
namespace {

// The true frequency error at a sample is the change of the true offset over this span just before
// it (as ptpsim's): the frequency of the moment, not an average over the sample interval.
constexpr double kFrequencyWindowSeconds = 0.01;
// The lower bound is evaluated from this long after the slave follows the master.
constexpr double kBoundStartSeconds = 20;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ptp_accuracy: cannot build the simulated world: %s\n", what);
  std::abort();
}

sim::SimDuration seconds(double value) {
  return sim::SimDuration::picoseconds(static_cast<std::int64_t>(value * 1e12));
}

// The lower bound on the run's own packets, where the figures are: outside the spike windows,
// from kBoundStartSeconds after the slave follows the master (start-up is no estimator's
// business).
void add_bound(const ScenarioSpec& spec, RunSamples& samples, const PathDelays& to_slave,
               const PathDelays& to_master) {
  // Through transparent clocks the corrected delay has no floor (the TCs' error is Gaussian), so
  // the bound's bracketing by the lowest-delay exchanges does not apply: no bound.
  if (spec.transparent_clock != sim::TransparentClockKind::kNone) return;
  std::vector<double> instants;
  for (std::size_t i = 0; i < samples.truth.size(); ++i) {
    const double t = static_cast<double>(i + 1) * samples.sample_interval_s;
    if (t >= samples.following_since_s + kBoundStartSeconds && !samples.excluded[i]) {
      instants.push_back(t);
    }
  }
  constexpr double kNsPerS2PerPpmPerMinute = 1'000.0 / 60;
  samples.bound = lower_bound(to_slave, to_master, instants, frequency_diffusion_ppb2_per_s(),
                              spec.ramp_ppm_per_minute * kNsPerS2PerPpmPerMinute);
}

// Records the true delay of every event message on `network`, for the lower bound.
void observe_delays(sim::Network& network, sim::NodeId master, PathDelays& to_slave,
                    PathDelays& to_master) {
  constexpr std::uint16_t kEventPort = 319;
  network.set_delivery_observer([master, &to_slave, &to_master](const sim::DeliveryTruth& truth) {
    if (truth.destination_port != kEventPort) return;
    PathDelays& delays = truth.from == master ? to_slave : to_master;
    delays.sent_s.push_back(static_cast<double>(truth.departure.since_start().picoseconds()) *
                            1e-12);
    delays.delay_ns.push_back(static_cast<double>((truth.arrival - truth.departure).picoseconds()) *
                              1e-3);
  });
}

// Samples ground truth at every Sync interval, then the lower bound, for a master and a slave
// already on `network` and started.
RunSamples sample_run(const ScenarioSpec& spec, sim::Scheduler& scheduler, sim::Network& network,
                      sim::SimPtpNode& master, ptpsim::ClockNode& slave,
                      const ConnectedPath& path) {
  PathDelays to_slave;
  PathDelays to_master;
  observe_delays(network, master.node_id(), to_slave, to_master);
  RunSamples samples;
  samples.sample_interval_s = std::ldexp(1.0, spec.log_sync_interval);
  const auto count = static_cast<std::size_t>(spec.duration_s / samples.sample_interval_s);
  for (const auto& [start, end] : path.spikes) samples.spikes.push_back(Spike{start, end});
  const auto true_offset_ns = [&] { return slave.true_offset_ns() - master.true_offset_ns(); };
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
    const PortState state = slave.clock().state();
    if (following_since < 0 && (state == PortState::kUncalibrated || state == PortState::kSlave)) {
      following_since = t;
    }
    bool excluded = false;
    for (const Spike& spike : samples.spikes) {
      excluded = excluded || (t >= spike.start_s && t < spike.end_s + kRecoverySeconds);
    }
    samples.excluded.push_back(excluded);
  }
  samples.reached_slave = slave.clock().state() == PortState::kSlave;
  samples.following_since_s = std::max(following_since, 0.0);
  network.set_delivery_observer(nullptr);
  add_bound(spec, samples, to_slave, to_master);
  return samples;
}

}  // namespace

RunSamples run_once(const ScenarioSpec& spec, const servo::ServoConfig& servo, std::uint64_t seed,
                    const hal::CorrelationSettings& correlation) {
  sim::Scheduler scheduler;
  sim::Random random(seed);
  sim::Network network(scheduler, random.fork(1000));
  const auto switches = add_switches(network, spec);
  if (switches.empty()) fail("switch");

  WorldConfigs configs = world_configs(spec, servo, seed);
  configs.master.correlation = correlation;
  configs.slave.correlation = correlation;
  auto master = sim::SimPtpNode::create(scheduler, network, configs.master, random.fork(1));
  auto slave = sim::SimPtpNode::create(scheduler, network, configs.slave, random.fork(2));
  if (!master) fail(sim::to_string(master.error()).data());
  if (!slave) fail(sim::to_string(slave.error()).data());
  const auto path =
      connect(network, spec, switches, (*master)->node_id(), (*slave)->node_id(), seed);
  if (!path.ok) fail(path.failure);
  ptpsim::LibraryClockNode slave_node(std::move(slave).value());
  if (!(*master)->start() || !slave_node.start()) fail("start");
  return sample_run(spec, scheduler, network, **master, slave_node, path);
}

bool ptp4win_runs(const ScenarioSpec& spec) {
  return spec.slave_timestamping != Timestamping::kHardware &&
         spec.transparent_clock == sim::TransparentClockKind::kNone;
}

std::string ptp4win_command_line(const ScenarioSpec& spec) {
  return "-i Ethernet --logSyncInterval " + std::to_string(spec.log_sync_interval) +
         " --logMinDelayReqInterval " + std::to_string(spec.log_delay_req_interval);
}

RunSamples run_once_ptp4win(const ScenarioSpec& spec, std::uint64_t seed) {
  if (!ptp4win_runs(spec)) fail("ptp4win runs only where the slave is a Windows machine");
  sim::Scheduler scheduler;
  sim::Random random(seed);
  sim::Network network(scheduler, random.fork(1000));
  const auto switches = add_switches(network, spec);
  if (switches.empty()) fail("switch");

  // The library run's world: the same hosts, crystals and draws; only the slave's program differs.
  const WorldConfigs configs = world_configs(spec, servo::ServoConfig{}, seed);
  auto master = sim::SimPtpNode::create(scheduler, network, configs.master, random.fork(1));
  if (!master) fail(sim::to_string(master.error()).data());
  ptpsim::Ptp4winNodeConfig ptp4win;
  ptp4win.host = configs.slave.host;
  ptp4win.command_line = ptp4win_command_line(spec);
  // The adapter's MAC is the one whose EUI-64 is the library slave's clock identity: the identity
  // seeds the port's Delay_Req and announce-timeout randomisation, so both slaves send at the same
  // moments and every packet draws the same delays from the network's and the host's streams.
  const auto& id = configs.slave.port.clock_identity.octets;
  ptp4win.windows.adapter.mac = {id[0], id[1], id[2], id[5], id[6], id[7]};
  auto slave = ptpsim::Ptp4winNode::create(scheduler, network, ptp4win, random.fork(2));
  if (!slave) fail(slave.error().c_str());
  const auto path =
      connect(network, spec, switches, (*master)->node_id(), (*slave)->node_id(), seed);
  if (!path.ok) fail(path.failure);
  if (!(*master)->start()) fail("start");
  if (auto started = (*slave)->start(); !started) fail(started.error().c_str());
  return sample_run(spec, scheduler, network, **master, **slave, path);
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
