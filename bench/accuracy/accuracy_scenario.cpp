// The accuracy scenarios as simulator configurations, and the oracle derived from them.
#include "accuracy_scenario.h"

#include <array>
#include <cmath>

#include "ptp/sim/nic_capabilities.h"
#include "ptp/sim/random.h"

namespace ptp::accuracy {
namespace {

constexpr std::int64_t kEpochSeconds = 1'000;  // small: NIC clock phases are picoseconds
constexpr std::int64_t kUtcOffsetSeconds = 37;

constexpr ScenarioSpec hardware(std::string_view name, std::string_view description) {
  ScenarioSpec spec;
  spec.name = name;
  spec.description = description;
  return spec;
}

constexpr ScenarioSpec timestamped(ScenarioSpec spec, Timestamping slave, Timestamping master,
                                   double lock_threshold_ns) {
  spec.slave_timestamping = slave;
  spec.master_timestamping = master;
  spec.lock_threshold_ns = lock_threshold_ns;
  return spec;
}

constexpr ScenarioSpec stress() {
  ScenarioSpec spec =
      hardware("stress", "hw + 10% loss, 10 ms delay spike every minute, 1 ppm/min ramp");
  spec.link_loss = 0.10;
  spec.delay_spikes = true;
  spec.ramp_ppm_per_minute = 1.0;
  return spec;
}

// Three loaded store-and-forward switches (each 2 us + Exp(1.5 us)) at ptp4l's default rates
// (Sync and Delay_Req once a second): the delay is a sum of three tails and its floor is rarely
// reached. 1000 s, as a 1 Hz servo needs minutes to average.
constexpr ScenarioSpec chain() {
  ScenarioSpec spec =
      hardware("chain", "hw, three loaded switches (2 us + Exp(1.5 us) each), 1 Hz");
  spec.switches = 3;
  spec.switch_fixed_ns = 2'000;
  spec.switch_pdv_mean_ns = 1'500;
  spec.log_sync_interval = 0;
  spec.log_delay_req_interval = 0;
  spec.lock_threshold_ns = 10'000;
  spec.duration_s = 1'000;
  return spec;
}

// `chain` with its three switches as one-step transparent clocks of kTransparentClockNoiseNs:
// the queueing is corrected, what is left is the TCs' own timestamp error, so the lock bound is
// hw's.
constexpr ScenarioSpec chain_with_transparent_clocks(sim::TransparentClockKind kind) {
  ScenarioSpec spec = chain();
  const bool e2e = kind == sim::TransparentClockKind::kEndToEnd;
  spec.name = e2e ? "chain-e2e-tc" : "chain-p2p-tc";
  spec.description = e2e ? "chain, the switches E2E transparent clocks (4 ns noise each)"
                         : "chain, the switches P2P transparent clocks (4 ns noise each)";
  spec.transparent_clock = kind;
  spec.tc_timestamp_noise_ns = kTransparentClockNoiseNs;
  spec.lock_threshold_ns = 1'000;  // nanosecond noise: hw's lock bound, not chain's
  return spec;
}

constexpr ScenarioSpec bursty() {
  ScenarioSpec spec = hardware("bursty", "hw + cross-traffic bursts: 0-50 us queueing for seconds");
  spec.bursty = true;
  spec.lock_threshold_ns = 10'000;
  return spec;
}

constexpr std::array<ScenarioSpec, 9> kScenarios{{
    hardware("hw", "hardware timestamps, 8 ns NIC tick, PHC disciplined"),
    timestamped(
        hardware("hw-windows",
                 "hardware timestamps, free-running NIC, system clock via cross-timestamps"),
        Timestamping::kWindowsHardware, Timestamping::kHardware, 1'000),
    timestamped(hardware("sw", "software timestamps (20 us latency, 5 us jitter, heavy tail)"),
                Timestamping::kSoftware, Timestamping::kSoftware, 10'000),
    timestamped(hardware("none", "application-level timestamps only"), Timestamping::kNone,
                Timestamping::kNone, 10'000),
    stress(),
    chain(),
    chain_with_transparent_clocks(sim::TransparentClockKind::kEndToEnd),
    chain_with_transparent_clocks(sim::TransparentClockKind::kPeerToPeer),
    bursty(),
}};

hal::InterfaceTimestampCapabilities capabilities(Timestamping timestamping) {
  constexpr std::uint64_t kNicClockHz = 125'000'000;  // an 8 ns tick
  switch (timestamping) {
    case Timestamping::kHardware:
      return sim::nic_capabilities(sim::SimNicKind::kHardware, kNicClockHz);
    case Timestamping::kWindowsHardware:
      return sim::nic_capabilities(sim::SimNicKind::kWindowsHardware, kNicClockHz);
    case Timestamping::kSoftware: return sim::nic_capabilities(sim::SimNicKind::kSoftware, 0);
    case Timestamping::kNone: break;
  }
  return sim::nic_capabilities(sim::SimNicKind::kNone, 0);
}

sim::OscillatorConfig crystal(double frequency_ppm, sim::SimDuration phase, double ramp) {
  sim::OscillatorConfig config;
  config.initial_phase_offset = phase;
  config.initial_frequency_error_ppm = frequency_ppm;
  config.white_fm_adev_at_1s = kWhiteFmAdevAt1s;
  config.random_walk_fm_adev_at_1s = kRandomWalkAdevAt1s;
  config.noise_update_interval = sim::SimDuration::milliseconds(10);
  config.ramp.rate_ppm_per_minute = ramp;
  return config;
}

sim::SimPtpNodeConfig node(const ScenarioSpec& spec, int index, Timestamping timestamping,
                           double frequency_ppm, sim::SimDuration offset, double ramp,
                           const servo::ServoConfig& servo) {
  sim::SimPtpNodeConfig config;
  const auto octet = static_cast<std::uint8_t>(index + 1);
  config.host.ipv4 = hal::IpAddress::v4(10, 0, 0, octet);
  config.host.ipv6 = hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, octet});
  config.host.system_clock.time_at_crystal_zero =
      hal::SystemTime{Nanoseconds(kEpochSeconds * kNanosecondsPerSecond)};
  config.host.host_crystal = crystal(frequency_ppm, offset, ramp);
  config.host.nic_crystal = crystal(
      frequency_ppm, sim::SimDuration::seconds(kEpochSeconds + kUtcOffsetSeconds) + offset, ramp);
  // An 8 ns tick; a Linux PHC (adjustable) for hardware, a Windows NIC (free-running) otherwise.
  config.host.nic_clock =
      sim::SimHardwareClockConfig{125'000'000, timestamping == Timestamping::kHardware};
  config.host.capabilities = capabilities(timestamping);
  config.port.clock_identity.octets = {0x02, 0x00, 0x00, 0xFF, 0xFE, 0x00, 0x00, octet};
  config.port.priority1 = index == 0 ? 100 : 200;
  config.port.log_sync_interval = spec.log_sync_interval;
  // Delay_Req at the Sync rate: with ptp4l's default of 1 s, each new median of the path delay
  // moves the offset by tens of nanoseconds, a step every second that no servo can filter.
  config.port.log_min_delay_req_interval = spec.log_delay_req_interval;
  if (spec.transparent_clock == sim::TransparentClockKind::kPeerToPeer) {
    config.port.delay_mechanism = DelayMechanism::kP2P;
    config.port.log_min_pdelay_req_interval = spec.log_delay_req_interval;
  }
  config.servo = servo;
  config.servo.hardware_timestamps =
      timestamping == Timestamping::kHardware || timestamping == Timestamping::kWindowsHardware;
  config.servo.sync_interval = Nanoseconds(static_cast<std::int64_t>(
      std::ldexp(static_cast<double>(kNanosecondsPerSecond), spec.log_sync_interval)));
  config.driver.utc_offset = Nanoseconds(kUtcOffsetSeconds * kNanosecondsPerSecond);
  return config;
}

}  // namespace

std::span<const ScenarioSpec> scenarios() { return kScenarios; }

double frequency_diffusion_ppb2_per_s() {
  // Two crystals, each with random-walk FM of ADEV a at 1 s: the frequency difference diffuses
  // at 2 x 3 a^2 per second (AVAR of a frequency random walk of rate D is D tau / 3).
  const double adev_ppb = kRandomWalkAdevAt1s * 1e9;
  return 2 * 3 * adev_ppb * adev_ppb;
}

WorldConfigs world_configs(const ScenarioSpec& spec, const servo::ServoConfig& servo,
                           std::uint64_t seed) {
  sim::Random random(seed ^ 0xACC0ACC0ULL);
  const auto uniform = [&](double range) { return (2 * random.uniform() - 1) * range; };
  const double master_ppm = uniform(kFrequencyRangePpm);
  const double slave_ppm = uniform(kFrequencyRangePpm);
  const auto slave_offset =
      sim::SimDuration::nanoseconds(static_cast<std::int64_t>(uniform(100'000)));
  WorldConfigs configs{node(spec, 0, spec.master_timestamping, master_ppm, sim::SimDuration{}, 0,
                            servo::ServoConfig{}),
                       node(spec, 1, spec.slave_timestamping, slave_ppm, slave_offset,
                            spec.ramp_ppm_per_minute, servo)};
  return configs;
}

servo::ServoConfig oracle_servo(const ScenarioSpec& spec) {
  // Measurement noise of one offset sample: the switches' exponential residence variation (its
  // standard deviation equals its mean) or the transparent clocks' error, plus the timestamp
  // noise of both ends. In `bursty` the
  // bursts are left out: no stationary variance describes them.
  const sim::TimestampPathConfig paths;
  const auto us = [](sim::SimDuration d) { return static_cast<double>(d.picoseconds()) * 1e-3; };
  // Through transparent clocks the queueing is corrected and each TC's interval error remains:
  // one per TC on a Sync through E2E TCs, two (residence and link delay) through P2P TCs.
  double variance = spec.switches * spec.switch_pdv_mean_ns * spec.switch_pdv_mean_ns;
  if (spec.transparent_clock != sim::TransparentClockKind::kNone) {
    const int intervals = spec.transparent_clock == sim::TransparentClockKind::kPeerToPeer ? 2 : 1;
    variance = spec.switches * intervals * spec.tc_timestamp_noise_ns * spec.tc_timestamp_noise_ns;
  }
  switch (spec.slave_timestamping) {
    case Timestamping::kHardware:
    case Timestamping::kWindowsHardware: {
      const double tick_ns = 8.0 / std::sqrt(12.0);
      variance += 2 * (tick_ns * tick_ns + std::pow(us(paths.hardware_jitter_stddev), 2));
      break;
    }
    case Timestamping::kSoftware:
      variance += std::pow(us(paths.receive_stack.jitter_stddev), 2) +
                  std::pow(us(paths.transmit_stack.jitter_stddev), 2) +
                  std::pow(us(paths.transmit_driver.jitter_stddev), 2);
      break;
    case Timestamping::kNone:
      variance += std::pow(us(paths.receive_stack.jitter_stddev), 2) +
                  std::pow(us(paths.receive_application.jitter_stddev), 2) +
                  std::pow(us(paths.transmit_stack.jitter_stddev), 2);
      break;
  }
  const double wander = frequency_diffusion_ppb2_per_s();
  servo::ServoConfig config;
  config.kind = servo::ServoKind::kKalman;
  const double sigma = std::sqrt(variance);
  config.kalman.initial_measurement_noise_ns = sigma;
  config.kalman.min_measurement_noise_ns = sigma;
  config.kalman.max_measurement_noise_ns = sigma;
  config.kalman.min_frequency_wander_ppb2_per_s = wander;
  config.kalman.max_frequency_wander_ppb2_per_s = wander;
  return config;
}

}  // namespace ptp::accuracy
