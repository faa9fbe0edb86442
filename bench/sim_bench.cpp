// Microbenchmarks of the simulator's core: scheduler throughput in events per wall second on a
// realistic mix (every event schedules its successor, a quarter also re-arm a timeout, which
// cancels the previous one; thousands pending), and the cost of evaluating an oscillator. The
// target on the reference machine (Release build, one core): >= 10 million events per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "ptp/sim/oscillator.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"

namespace {

using ptp::sim::EventId;
using ptp::sim::Oscillator;
using ptp::sim::OscillatorConfig;
using ptp::sim::Random;
using ptp::sim::Scheduler;
using ptp::sim::SimDuration;
using ptp::sim::SimTime;

// One simulated node: ticks at random intervals and keeps a protocol-style timeout armed.
struct Node {
  Scheduler* scheduler = nullptr;
  Random* random = nullptr;
  EventId timeout;
  std::uint64_t ticks = 0;
  std::uint64_t timeouts = 0;

  void tick();
};

struct TickEvent {
  Node* node;
  void operator()() const { node->tick(); }
};

struct TimeoutEvent {
  Node* node;
  void operator()() const { ++node->timeouts; }
};

void Node::tick() {
  ++ticks;
  const auto delay_ps = static_cast<std::int64_t>(random->below(2'000'000));
  (void)scheduler->schedule_after(SimDuration::picoseconds(delay_ps), TickEvent{this});
  if (ticks % 4 == 0) {
    scheduler->cancel(timeout);
    auto armed = scheduler->schedule_after(SimDuration::milliseconds(1), TimeoutEvent{this});
    if (armed) timeout = *armed;
  }
}

void BM_SchedulerThroughput(benchmark::State& state) {
  const auto node_count = static_cast<std::size_t>(state.range(0));
  Scheduler scheduler;
  Random random(1);
  std::vector<Node> nodes(node_count);
  for (Node& node : nodes) {
    node.scheduler = &scheduler;
    node.random = &random;
    (void)scheduler.schedule_after(
        SimDuration::picoseconds(static_cast<std::int64_t>(random.below(2'000'000))),
        TickEvent{&node});
  }
  // Warm up past the first timeouts, so the queue holds its steady-state mix.
  (void)scheduler.run_for(SimDuration::milliseconds(2));
  const std::uint64_t executed_before = scheduler.executed_events();
  for (auto _ : state) {
    (void)scheduler.run_for(SimDuration::microseconds(10));
  }
  const auto executed = static_cast<double>(scheduler.executed_events() - executed_before);
  state.counters["events_per_s"] = benchmark::Counter(executed, benchmark::Counter::kIsRate);
  state.counters["pending"] = static_cast<double>(scheduler.pending_events());
}
BENCHMARK(BM_SchedulerThroughput)->Arg(256)->Arg(2048)->Arg(8192);

OscillatorConfig noisy_oscillator() {
  OscillatorConfig config;
  config.initial_frequency_error_ppm = 12.5;
  config.white_fm_adev_at_1s = 1e-9;
  config.random_walk_fm_adev_at_1s = 1e-11;
  config.noise_update_interval = SimDuration::milliseconds(1);
  config.sinusoidal_drift.amplitude_ppm = 0.5;
  config.sinusoidal_drift.period = SimDuration::seconds(600);
  return config;
}

// Readings far more often than the noise changes: the cost of one evaluation.
void BM_OscillatorReading(benchmark::State& state) {
  auto oscillator = Oscillator::create(noisy_oscillator(), Random(3));
  if (!oscillator) {
    state.SkipWithError("oscillator configuration rejected");
    return;
  }
  SimTime now;
  for (auto _ : state) {
    now = now + SimDuration::microseconds(1);
    auto reading = oscillator->reading(now);
    benchmark::DoNotOptimize(reading);
  }
  state.counters["readings_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OscillatorReading);

// Readings once per simulated second: the cost of stepping the noise through 1000 intervals.
void BM_OscillatorNoiseUpdates(benchmark::State& state) {
  auto oscillator = Oscillator::create(noisy_oscillator(), Random(4));
  if (!oscillator) {
    state.SkipWithError("oscillator configuration rejected");
    return;
  }
  SimTime now;
  for (auto _ : state) {
    now = now + SimDuration::seconds(1);
    auto reading = oscillator->reading(now);
    benchmark::DoNotOptimize(reading);
  }
  state.counters["noise_updates_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * 1000.0, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OscillatorNoiseUpdates);

}  // namespace
