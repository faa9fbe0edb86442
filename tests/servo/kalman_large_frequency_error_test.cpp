// A KalmanServo with software timestamps on a clock 8-10 % off (linuxptp-testsuite's
// 08-largefreq): frequency adjustments that scale the oscillator's rate, a 1 Hz Sync, Delay_Reqs
// at random times (not every interval has one) and a port whose path delay is the last
// exchanges' raw delays without the clock's run between them. The servo must meet the suite's
// limits (2 us, 2 ppm) as soon as the exchanges allow, whatever its start-up frequency error;
// with the lucky-packet stage configured too, which software timestamps leave off.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

#include "ptp/servo/kalman_servo.h"

namespace ptp::servo {
namespace {

constexpr double kMaxOffsetNs = 2'000;
constexpr double kMaxFrequencyPpb = 2'000;
constexpr int kSyncs = 150;

// The slave's clock in master time: local time and the rate it runs at, (1 + error)(1 + u).
struct HostClock {
  double error = 0;       // the oscillator's fractional frequency error
  double adjustment = 0;  // the servo's, fractional
  double local_ns = 0;
  double master_ns = 0;
  [[nodiscard]] double rate() const { return (1 + error) * (1 + adjustment); }
  void advance_to(double master_ns_then) {
    local_ns += (master_ns_then - master_ns) * rate();
    master_ns = master_ns_then;
  }
};

// The first Sync (seconds from the start) after which the clock stayed within both limits.
std::optional<int> sync_time_s(double error, std::uint64_t seed, bool delay_floor = false) {
  ServoConfig config;
  config.kind = ServoKind::kKalman;
  config.hardware_timestamps = false;
  config.max_frequency_ppb = 1e8;
  config.kalman.delay_floor = delay_floor;
  KalmanServo servo(config, 0);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> queueing(1.0 / 100.0);  // ns
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const auto delay = [&] { return 100.0 + queueing(rng); };
  HostClock clock{error, 0, 1e9 + 100e6, 1e9};  // 100 ms ahead
  std::array<double, 5> path_delays{};          // the port's last round trips / 2, a moving median
  std::size_t exchanges = 0;
  std::optional<DelayRequestSample> pending;
  std::optional<int> synced;
  for (int k = 1; k <= kSyncs; ++k) {
    const double sync_sent = 1e9 * (k + 1);
    // A Delay_Req in 70 % of the intervals, at a random time in it.
    if (uniform(rng) < 0.7) {
      const double request_sent = sync_sent - 1e9 * uniform(rng);
      clock.advance_to(request_sent);
      const double t3 = clock.local_ns;
      const double t4 = request_sent + delay();
      pending =
          DelayRequestSample{Nanoseconds(std::llround(t3)), Nanoseconds(std::llround(t4 - t3))};
    }
    const double arrival = sync_sent + delay();
    clock.advance_to(arrival);
    const double master_to_slave = clock.local_ns - sync_sent;
    if (pending.has_value()) {
      path_delays[exchanges++ % path_delays.size()] =
          (master_to_slave + static_cast<double>(pending->slave_to_master.count())) / 2;
    }
    std::array<double, 5> sorted = path_delays;
    const std::size_t held = std::min<std::size_t>(exchanges, sorted.size());
    const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(held / 2);
    std::nth_element(sorted.begin(), middle, sorted.begin() + static_cast<std::ptrdiff_t>(held));
    const double mean_path_delay = held > 0 ? sorted[held / 2] : 0.0;
    ServoSample sample;
    sample.offset_from_master = Nanoseconds(std::llround(master_to_slave - mean_path_delay));
    sample.mean_path_delay = Nanoseconds(std::llround(mean_path_delay));
    sample.local_time = Nanoseconds(std::llround(clock.local_ns));
    sample.timestamp_kind = TimestampKind::kSoftware;
    sample.delay_request = pending;
    pending.reset();
    const ServoDecision decision = servo.sample_measurement(sample);
    if (decision.step.has_value()) clock.local_ns += static_cast<double>(decision.step->count());
    if (decision.state != ServoState::kUnlocked) clock.adjustment = decision.frequency_ppb * 1e-9;
    const bool within = std::abs(clock.local_ns - clock.master_ns) < kMaxOffsetNs &&
                        std::abs(clock.rate() - 1) * 1e9 < kMaxFrequencyPpb;
    if (!within) {
      synced.reset();
    } else if (!synced.has_value()) {
      synced = k;
    }
  }
  return synced;
}

TEST(KalmanLargeFrequencyError, SyncsWithinTheBarForADefaultServo) {
  // ptp4l's PI servo syncs the suite's case in 40 s, and the bar for a default servo is 1.2 x
  // that (48 s). Over 20 seeds and both signs of the error: every run syncs, nine in ten within
  // the bar and the median within 0.8 x the PI servo's time. (An exchange whose Delay_Req is
  // older than two intervals leaves a Sync to the port's path delay: the rare late runs.)
  std::vector<int> times;
  for (const double error : {1 / 0.91 - 1, 1 / 1.09 - 1}) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const std::optional<int> synced = sync_time_s(error, seed);
      ASSERT_TRUE(synced.has_value()) << "error " << error << ", seed " << seed;
      times.push_back(*synced);
    }
  }
  std::sort(times.begin(), times.end());
  EXPECT_LE(times[times.size() / 2], 32);
  EXPECT_LE(times[times.size() * 9 / 10], 48);
}

TEST(KalmanLargeFrequencyError, TheLuckyPacketStageConfiguredChangesNothing) {
  // The stage is off for software timestamps, and what the servo keeps for it (the phase its
  // control added) must follow the oscillator's scaled rate as the plain servo's model does:
  // counted in local seconds it is off by the clock's 9 % times the control, milliseconds a
  // second, and the servo never syncs. Each run syncs within a second of the plain servo's.
  for (const double error : {1 / 0.91 - 1, 1 / 1.09 - 1}) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const std::optional<int> plain = sync_time_s(error, seed);
      const std::optional<int> floor = sync_time_s(error, seed, true);
      ASSERT_TRUE(plain.has_value() && floor.has_value()) << "error " << error << ", seed " << seed;
      EXPECT_LE(std::abs(*floor - *plain), 1) << "error " << error << ", seed " << seed;
    }
  }
}

}  // namespace
}  // namespace ptp::servo
