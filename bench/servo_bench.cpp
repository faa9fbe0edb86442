// Microbenchmarks of the servo layer: one sample() of each servo in a closed loop (the loop's
// clock model costs a few ns of it), the path-delay filter's add(), and the clock correlation's
// add() and conversion. Meaningful only in a Release build.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>

#include "ptp/servo/clock_correlation.h"
#include "ptp/servo/path_delay_filter.h"
#include "ptp/servo/servo_factory.h"

namespace {

using ptp::Nanoseconds;
namespace servo = ptp::servo;

constexpr std::size_t kNoiseSamples = 4096;

// Gaussian noise, 20 ns sigma, drawn once so that the loop measures the servo, not the generator.
const std::array<double, kNoiseSamples>& noise() {
  static const std::array<double, kNoiseSamples> values = [] {
    std::array<double, kNoiseSamples> v{};
    std::mt19937_64 rng(1);
    std::normal_distribution<double> gauss(0.0, 20.0);
    for (double& x : v) x = gauss(rng);
    return v;
  }();
  return values;
}

void BM_ServoSample(benchmark::State& state, servo::ServoKind kind) {
  servo::ServoConfig config;
  config.kind = kind;
  config.sync_interval = Nanoseconds(125'000'000);
  auto made = servo::make_servo(config, 0.0);
  if (!made) {
    state.SkipWithError("make_servo failed");
    return;
  }
  servo::Servo& s = **made;
  double offset_ns = 1000;
  double frequency_ppb = 0;
  std::int64_t local_ns = 1'000'000'000'000;
  std::size_t i = 0;
  for (auto _ : state) {
    const Nanoseconds measured(std::llround(offset_ns + noise()[i++ % kNoiseSamples]));
    const servo::ServoDecision decision = s.sample(measured, Nanoseconds(local_ns));
    benchmark::DoNotOptimize(decision);
    if (decision.step) offset_ns += static_cast<double>(decision.step->count());
    if (decision.state != servo::ServoState::kUnlocked) frequency_ppb = decision.frequency_ppb;
    offset_ns += (37'000 + frequency_ppb) * 0.125;
    local_ns += 125'000'000;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ServoSample, pi, servo::ServoKind::kPi);
BENCHMARK_CAPTURE(BM_ServoSample, linreg, servo::ServoKind::kLinreg);
BENCHMARK_CAPTURE(BM_ServoSample, kalman, servo::ServoKind::kKalman);

// A servo that uses each direction's raw delay: each sample brings a Sync's raw delay and a
// Delay_Req exchange, both with one-sided queueing around a 1 us floor.
void sample_with_raw_delays(benchmark::State& state, const servo::ServoConfig& config) {
  auto made = servo::make_servo(config, 0.0);
  if (!made) {
    state.SkipWithError("make_servo failed");
    return;
  }
  servo::Servo& s = **made;
  double offset_ns = 1000;
  double frequency_ppb = 0;
  std::int64_t local_ns = 1'000'000'000'000;
  std::size_t i = 0;
  const Nanoseconds path_delay(1'200);
  for (auto _ : state) {
    // noise() is zero-mean; its magnitude stands in for one-sided queueing.
    const double down = std::abs(noise()[i++ % kNoiseSamples]);
    const double up = std::abs(noise()[i++ % kNoiseSamples]);
    const servo::ServoSample sample{
        Nanoseconds(std::llround(offset_ns + 1'000 + down) - path_delay.count()),
        Nanoseconds(local_ns), servo::TimestampKind::kHardware, path_delay,
        servo::DelayRequestSample{Nanoseconds(local_ns - 60'000'000),
                                  Nanoseconds(std::llround(-offset_ns + 1'000 + up))}};
    const servo::ServoDecision decision = s.sample_measurement(sample);
    benchmark::DoNotOptimize(decision);
    if (decision.step) offset_ns += static_cast<double>(decision.step->count());
    if (decision.state != servo::ServoState::kUnlocked) frequency_ppb = decision.frequency_ppb;
    offset_ns += (37'000 + frequency_ppb) * 0.125;
    local_ns += 125'000'000;
  }
  state.SetItemsProcessed(state.iterations());
}

// The Kalman servo with its lucky-packet stage.
void BM_ServoSampleDelayFloor(benchmark::State& state) {
  servo::ServoConfig config;
  config.kind = servo::ServoKind::kKalman;
  config.kalman.delay_floor = true;
  config.sync_interval = Nanoseconds(125'000'000);
  sample_with_raw_delays(state, config);
}
BENCHMARK(BM_ServoSampleDelayFloor);

// The envelope servo: 11 windows fitted on up to 256 points per direction, and the Kalman servo
// beside it.
void BM_ServoSampleEnvelope(benchmark::State& state) {
  servo::ServoConfig config;
  config.kind = servo::ServoKind::kEnvelope;
  config.sync_interval = Nanoseconds(125'000'000);
  sample_with_raw_delays(state, config);
}
BENCHMARK(BM_ServoSampleEnvelope);

void BM_PathDelayFilterAdd(benchmark::State& state) {
  servo::PathDelayFilterConfig config;
  config.length = static_cast<std::size_t>(state.range(0));
  servo::PathDelayFilter filter(config);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto estimate =
        filter.add(Nanoseconds(std::llround(5000 + noise()[i++ % kNoiseSamples])));
    benchmark::DoNotOptimize(estimate);
  }
}
BENCHMARK(BM_PathDelayFilterAdd)->Arg(10)->Arg(256);

servo::ClockCorrelationConfig correlation_config() {
  servo::ClockCorrelationConfig config;
  config.hardware_frequency_hz = 125'000'000;
  config.counter_frequency_hz = 10'000'000;
  return config;
}

// A capture at second k: NIC 25 ppm fast, 1 us windows.
servo::CrossTimestampSample capture(std::int64_t k) {
  const std::int64_t counter = 4'000'000'000'000 + k * 10'000'000;
  const auto hardware = static_cast<std::uint64_t>(7'000'000'000'000 + k * 125'003'125);
  return {servo::CounterTicksReading{counter - 5}, servo::HardwareClockTicks{hardware},
          servo::CounterTicksReading{counter + 5}};
}

// Argument: the fit's length in points (the config's default 32; the clock assembly's 128).
void BM_ClockCorrelationAdd(benchmark::State& state) {
  servo::ClockCorrelationConfig config = correlation_config();
  config.window_length = static_cast<std::size_t>(state.range(0));
  servo::ClockCorrelation correlation(config);
  std::int64_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(correlation.add(capture(k++)));
  }
}
BENCHMARK(BM_ClockCorrelationAdd)->Arg(32)->Arg(128);

// Captures whose NIC reading lies anywhere in its 1 us window (a fixed pseudo-random sequence),
// one in 128 of them read 1.3 us late (inside the consistency gate, outside its window): while
// it is in the fit no line passes through every bracket, and each refit searches for the capture
// to drop among the brackets the line misses most.
void BM_ClockCorrelationAddLate(benchmark::State& state) {
  servo::ClockCorrelationConfig config = correlation_config();
  config.window_length = static_cast<std::size_t>(state.range(0));
  servo::ClockCorrelation correlation(config);
  constexpr std::int64_t kLateTicks = 162;  // 1.296 us at 125 MHz
  std::int64_t k = 0;
  for (auto _ : state) {
    servo::CrossTimestampSample sample = capture(k);
    // The read's place in the window, -62..62 NIC ticks (+-0.5 us) around its middle.
    const std::int64_t place = (k * 7919) % 125 - 62 + (k % 128 == 64 ? kLateTicks : 0);
    sample.hardware.count =
        static_cast<std::uint64_t>(static_cast<std::int64_t>(sample.hardware.count) + place);
    ++k;
    benchmark::DoNotOptimize(correlation.add(sample));
  }
}
BENCHMARK(BM_ClockCorrelationAddLate)->Arg(128);

void BM_ClockCorrelationConvert(benchmark::State& state) {
  servo::ClockCorrelation correlation(correlation_config());
  for (std::int64_t k = 0; k < 64; ++k) correlation.add(capture(k));
  std::uint64_t hardware = capture(63).hardware.count;
  for (auto _ : state) {
    const auto estimate = correlation.to_counter_ticks(servo::HardwareClockTicks{hardware});
    benchmark::DoNotOptimize(estimate);
    hardware += 1001;
  }
}
BENCHMARK(BM_ClockCorrelationConvert);

}  // namespace
