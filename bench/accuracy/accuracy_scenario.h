// The accuracy benchmark's scenarios (hw, hw-windows, sw, none, stress, chain, chain-e2e-tc,
// chain-p2p-tc, bursty): one
// grandmaster and one slave in the simulator, described by the few parameters that differ between
// them, and the "oracle" servo configuration built from those same parameters (a Kalman filter
// told the true measurement noise and oscillator wander).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ptp/servo/servo_config.h"
#include "ptp/sim/sim_ptp_node.h"

namespace ptp::accuracy {

enum class Timestamping : std::uint8_t { kHardware, kWindowsHardware, kSoftware, kNone };

struct ScenarioSpec {
  std::string_view name;
  std::string_view description;
  Timestamping slave_timestamping = Timestamping::kHardware;
  Timestamping master_timestamping = Timestamping::kHardware;
  double lock_threshold_ns = 1'000;  // |offset| below this for 10 s: locked (10 us for software)
  double link_loss = 0;
  bool delay_spikes = false;       // 10 ms extra on master -> slave for 1 s every minute
  double ramp_ppm_per_minute = 0;  // the slave's crystals drift at this rate
  // The path: `switches` store-and-forward switches in a row, each with a residence of
  // `switch_fixed_ns` plus an exponential extra of mean `switch_pdv_mean_ns`.
  int switches = 1;
  double switch_fixed_ns = 1'000;
  double switch_pdv_mean_ns = 200;
  // Whether the switches are transparent clocks (the clocks then use the matching delay
  // mechanism), and the standard deviation of each interval a TC writes: its timestamp noise.
  sim::TransparentClockKind transparent_clock = sim::TransparentClockKind::kNone;
  double tc_timestamp_noise_ns = 0;
  // Cross-traffic in on/off bursts on both directions of the slave's link (accuracy_network.h).
  bool bursty = false;
  std::int8_t log_sync_interval = -3;
  std::int8_t log_delay_req_interval = -3;
  double duration_s = 400;
};

// Every scenario, in the order of the table.
std::span<const ScenarioSpec> scenarios();

// The common settings of every run.
inline constexpr double kFrequencyRangePpm = 20;      // crystals start within +-20 ppm
inline constexpr double kRandomWalkAdevAt1s = 3e-11;  // each crystal's frequency wander
inline constexpr double kWhiteFmAdevAt1s = 1e-11;
inline constexpr double kSpikePeriodSeconds = 60;
inline constexpr double kSpikeLengthSeconds = 1;
inline constexpr double kSpikeExtraSeconds = 0.010;
inline constexpr double kTransparentClockNoiseNs = 4;  // each TC interval's error (std dev)

// The two nodes of one run: `servo` is the slave's; the master runs the default servo (it never
// uses it). `seed` fixes every random draw of the world.
struct WorldConfigs {
  sim::SimPtpNodeConfig master;
  sim::SimPtpNodeConfig slave;
};
WorldConfigs world_configs(const ScenarioSpec& spec, const servo::ServoConfig& servo,
                           std::uint64_t seed);

// How fast the frequency difference of the two crystals diffuses (their random-walk FM).
double frequency_diffusion_ppb2_per_s();

// The oracle: Kalman with measurement noise and wander pinned to the scenario's true values.
servo::ServoConfig oracle_servo(const ScenarioSpec& spec);

}  // namespace ptp::accuracy
