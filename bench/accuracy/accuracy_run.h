// One accuracy run: a scenario, a servo and a seed in the simulator, sampled at every Sync
// interval of ground truth, and the figures the benchmark reports from those samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "accuracy_bound.h"
#include "accuracy_scenario.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/servo/servo_config.h"
#include "ptp/sim/lock_statistics.h"

namespace ptp::accuracy {

// A delay spike on the master-to-slave path (stress), [start, end) in seconds.
struct Spike {
  double start_s = 0;
  double end_s = 0;
};

// After a spike, how long its samples stay out of the after-lock figures (and count as its own).
inline constexpr double kRecoverySeconds = 10;

struct RunSamples {
  double sample_interval_s = 0;
  // Slave minus grandmaster, one per sample, with the true frequency error of the moment.
  std::vector<sim::TruthSample> truth;
  std::vector<bool> excluded;  // inside a delay spike or its kRecoverySeconds (stress)
  std::vector<Spike> spikes;
  bool reached_slave = false;
  // When the slave first followed the master (entered UNCALIBRATED): the servo's clock starts
  // here; before it, start-up (announce timeouts, qualification) is the same for every servo.
  double following_since_s = 0;
  LowerBound bound;  // the non-causal bound on this run's own packets (accuracy_bound.h)
};

// `correlation`: both nodes' cross-timestamp settings (rate and fit length); the assembly's
// defaults unless a run explores others (ptp_accuracy --cross-timestamp-hz, --fit-length).
RunSamples run_once(const ScenarioSpec& spec, const servo::ServoConfig& servo, std::uint64_t seed,
                    const hal::CorrelationSettings& correlation = {});

// Whether ptp4win can be the slave of `spec`: a Windows machine's timestamping (hw-windows, sw,
// none) on a plain E2E path.
bool ptp4win_runs(const ScenarioSpec& spec);
// ptp4win's command line for `spec`: its own defaults but for the scenario's message rates.
std::string ptp4win_command_line(const ScenarioSpec& spec);
// The same run with ptp4win as the slave: its parser (with ptp4win_command_line(spec)), Session,
// Windows HAL and assembly on a simulated Windows over the slave's host (apps/ptpsim's
// Ptp4winNode, as ptpsim's program = "ptp4win" nodes). Only where ptp4win_runs(spec).
RunSamples run_once_ptp4win(const ScenarioSpec& spec, std::uint64_t seed);

struct RunFigures {
  bool locked = false;
  // From following the master to the lock (sim::lock_time_s, bound lock_threshold_ns).
  double lock_s = 0;
  std::vector<sim::TruthSample> after_lock;  // samples from the lock on, spike windows excluded
  int lock_losses = 0;  // samples after lock (outside spike windows) over the threshold
  // stress: the longest time from a spike's end to the lock rule holding again.
  double worst_relock_s = 0;
  double spike_max_ns = 0;  // stress: largest |offset| from a spike's start to its recovery's end
};

RunFigures figures(const ScenarioSpec& spec, const RunSamples& samples);

}  // namespace ptp::accuracy
