// Tests of KalmanServo with software and application timestamps: each sample measured two-way
// from its exchange's raw delays (the port's path delay plays no part), and a wander bank that
// does not flip between filters its scores cannot tell apart.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "clock_model.h"
#include "ptp/servo/kalman_servo.h"

namespace ptp::servo {
namespace {

using testing::ClockModel;
using testing::ClockModelConfig;

constexpr double kIntervalS = 0.125;
constexpr double kPathDelayNs = 25'000;  // a host's send and receive latency, both directions

struct HostRun {
  double mean_offset_ns = 0;  // over the second half of the run, true local - master
  double rms_offset_ns = 0;
  double max_wander_ppb2_per_s = 0;  // of the steering filter over the second half
};

// A closed loop at 8 Hz with a Delay_Req half-way between Syncs. Each direction's raw delay has
// `latency_sigma_ns` of Gaussian latency; the port's path delay is the true one plus
// `path_delay_error_ns` (a moving median that has not settled, say).
HostRun run_host(TimestampKind kind, double latency_sigma_ns, double path_delay_error_ns,
                 int samples, std::uint64_t seed) {
  ServoConfig config;
  config.kind = ServoKind::kKalman;
  config.hardware_timestamps = kind == TimestampKind::kHardware;
  config.sync_interval = Nanoseconds(std::llround(kIntervalS * 1e9));
  KalmanServo servo(config, 0);
  ClockModelConfig model_config;
  model_config.phase_noise_sigma_ns = 0;  // the latencies below are the noise
  model_config.initial_offset_ns = 3'000;
  ClockModel clock(model_config);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> latency(0.0, latency_sigma_ns);
  HostRun run;
  double sum = 0;
  double sum_square = 0;
  int counted = 0;
  for (int i = 0; i < samples; ++i) {
    const double before_ns = clock.true_offset_ns();
    clock.advance();
    // The Delay_Req left half an interval ago, at the interval's mean offset (no ramp).
    const double at_request_ns = (before_ns + clock.true_offset_ns()) / 2;
    const Nanoseconds now = clock.local_time();
    const double master_to_slave = kPathDelayNs + clock.true_offset_ns() + latency(rng);
    const double slave_to_master = kPathDelayNs - at_request_ns + latency(rng);
    const double mean_path_delay = kPathDelayNs + path_delay_error_ns;
    ServoSample sample;
    sample.offset_from_master = Nanoseconds(std::llround(master_to_slave - mean_path_delay));
    sample.local_time = now;
    sample.timestamp_kind = kind;
    sample.mean_path_delay = Nanoseconds(std::llround(mean_path_delay));
    const Nanoseconds sent(now.count() - std::llround(kIntervalS / 2 * 1e9));
    sample.delay_request = DelayRequestSample{sent, Nanoseconds(std::llround(slave_to_master))};
    clock.apply(servo.sample_measurement(sample));
    if (i >= samples / 2) {
      sum += clock.true_offset_ns();
      sum_square += clock.true_offset_ns() * clock.true_offset_ns();
      ++counted;
      run.max_wander_ppb2_per_s =
          std::max(run.max_wander_ppb2_per_s, servo.frequency_wander_ppb2_per_s());
    }
  }
  run.mean_offset_ns = sum / counted;
  run.rms_offset_ns = std::sqrt(sum_square / counted);
  return run;
}

TEST(KalmanHostTimestamps, TwoWayOffsetNeedsNoPathDelay) {
  // The port's path delay 4 us off: the Sync direction alone puts the clock 4 us off; both
  // directions of each exchange do not depend on it.
  for (const TimestampKind kind : {TimestampKind::kSoftware, TimestampKind::kApplication}) {
    const HostRun run = run_host(kind, 2'000, 4'000, 3'200, 1);
    EXPECT_LT(std::abs(run.mean_offset_ns), 300.0);
    EXPECT_LT(run.rms_offset_ns, 500.0);
  }
  // Hardware timestamps keep the port's offset (its filter and the lucky-packet stage own the
  // path delay there), so the same error shows.
  const HostRun hardware = run_host(TimestampKind::kHardware, 2'000, 4'000, 3'200, 1);
  EXPECT_GT(hardware.mean_offset_ns, 3'000.0);
}

TEST(KalmanHostTimestamps, TwoWayHalvesTheNoise) {
  // Half the difference of two independent latencies has half the variance of one; the port's
  // offset carries one in full. Over seeds, against the same loop told a hardware kind.
  double host_square = 0;
  double one_way_square = 0;
  for (std::uint64_t seed = 11; seed <= 15; ++seed) {
    const HostRun host = run_host(TimestampKind::kSoftware, 5'000, 0, 3'200, seed);
    const HostRun one_way = run_host(TimestampKind::kHardware, 5'000, 0, 3'200, seed);
    host_square += host.rms_offset_ns * host.rms_offset_ns;
    one_way_square += one_way.rms_offset_ns * one_way.rms_offset_ns;
  }
  EXPECT_LT(std::sqrt(host_square), 0.85 * std::sqrt(one_way_square));
}

TEST(KalmanHostTimestamps, SmoothWanderIsKeptUnderMicrosecondNoise) {
  // No wander and 5 us of latency: the one-step scores of the usual filters differ by less than
  // their own noise, and the servo keeps to the smooth end of the bank instead of flipping.
  for (std::uint64_t seed = 21; seed <= 23; ++seed) {
    const HostRun run = run_host(TimestampKind::kSoftware, 5'000, 0, 4'000, seed);
    EXPECT_LT(run.max_wander_ppb2_per_s, 5.0) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ptp::servo
