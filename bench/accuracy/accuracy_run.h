// One accuracy run: a scenario, a servo and a seed in the simulator, sampled at every Sync
// interval of ground truth, and the figures the benchmark reports from those samples.
#pragma once

#include <cstdint>
#include <vector>

#include "accuracy_scenario.h"
#include "ptp/servo/servo_config.h"

namespace ptp::accuracy {

struct RunSamples {
  double sample_interval_s = 0;
  std::vector<double> true_offset_ns;  // slave minus grandmaster, one per sample
  std::vector<bool> excluded;          // inside a delay spike or its 10 s recovery (stress)
  bool reached_slave = false;
  // When the slave first followed the master (entered UNCALIBRATED): the servo's clock starts
  // here; before it, start-up (announce timeouts, qualification) is the same for every servo.
  double following_since_s = 0;
};

RunSamples run_once(const ScenarioSpec& spec, const servo::ServoConfig& servo, std::uint64_t seed);

struct RunFigures {
  bool locked = false;
  double lock_s = 0;  // from following the master to the first 10 s with |offset| in bound
  std::vector<double> after_lock;  // offsets after lock, spike windows excluded
  double frequency_rms_ppb = 0;    // RMS of the 1 s frequency error after lock
  int lock_losses = 0;             // samples after lock (outside spike windows) over the threshold
  double worst_relock_s = 0;       // stress: longest time from a spike's end to |offset| in bound
  double spike_max_ns = 0;         // stress: largest |offset| inside the spike windows
};

RunFigures figures(const ScenarioSpec& spec, const RunSamples& samples);

}  // namespace ptp::accuracy
