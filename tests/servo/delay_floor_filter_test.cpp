// DelayFloorFilter and the Kalman servo's lucky-packet stage: the least delayed packets give the
// offset with less error than the average one, the excess the minima keep cancels between the
// directions, projections follow the phase model, and uncertain projections are left out.
#include "ptp/servo/delay_floor_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "ptp/servo/kalman_servo.h"
#include "ptp/servo/servo_config.h"
#include "queueing_model.h"

namespace ptp::servo {
namespace {

constexpr double kFloorNs = 1'000;
constexpr double kTailNs = 200;  // exponential queueing, mean
constexpr std::int64_t kIntervalNs = 125'000'000;

using testing::Queueing;

DelayFloorFilter::PhaseModel known(std::int64_t now_ns, double frequency_error_ppb = 0) {
  DelayFloorFilter::PhaseModel model;
  model.now = Nanoseconds(now_ns);
  model.frequency_error_ppb = frequency_error_ppb;
  model.frequency_sigma_ppb = 0;
  return model;
}

TEST(DelayFloorFilter, LuckyPacketsBeatTheAverageAndTheirExcessCancels) {
  Queueing queueing(7, kTailNs);
  DelayFloorFilter filter;
  constexpr double kPhaseNs = 500;
  double floor_error_sum = 0;
  double floor_error_squares = 0;
  double pair_error_squares = 0;
  int count = 0;
  for (int i = 1; i <= 2000; ++i) {
    const std::int64_t now = i * kIntervalNs;
    const double down = kPhaseNs + kFloorNs + queueing.next();
    const double up = -kPhaseNs + kFloorNs + queueing.next();
    filter.add_delay_request(up, Nanoseconds(now - kIntervalNs / 2), known(now));
    filter.add_sync(down, known(now));
    const auto estimate = filter.estimate(known(now));
    ASSERT_TRUE(estimate.has_value());
    if (i < static_cast<int>(DelayFloorFilter::kWindow)) continue;
    const double error = estimate->offset_ns - kPhaseNs;
    floor_error_sum += error;
    floor_error_squares += error * error;
    const double pair_error = (down - up) / 2 - kPhaseNs;
    pair_error_squares += pair_error * pair_error;
    ++count;
  }
  const double floor_rms = std::sqrt(floor_error_squares / count);
  const double pair_rms = std::sqrt(pair_error_squares / count);
  // One exchange: (q - q') / 2, 141 ns RMS; the minima of 8: about 18 ns.
  EXPECT_LT(floor_rms, 0.25 * pair_rms) << floor_rms << " vs " << pair_rms;
  EXPECT_LT(std::abs(floor_error_sum / count), 5.0);
}

TEST(DelayFloorFilter, ProjectsOlderPacketsAlongThePhaseModel) {
  // The clock runs 2 ppm fast and the control added 300 ns since the first packets: the true
  // phase moves, and every projected packet says so.
  DelayFloorFilter filter;
  constexpr double kFrequencyPpb = 2'000;
  double control = 0;
  for (int i = 1; i <= 8; ++i) {
    const std::int64_t now = i * kIntervalNs;
    control += 37.5;
    const double phase = kFrequencyPpb * 1e-9 * static_cast<double>(now) + control;
    auto model = known(now, kFrequencyPpb);
    model.control_phase_ns = control;
    // Only the first packets are lucky (no queueing); the later ones queue 1 us.
    const double queue = i <= 2 ? 0 : 1'000;
    filter.add_sync(phase + kFloorNs + queue, model);
    filter.add_delay_request(-phase + kFloorNs + queue, Nanoseconds(now), model);
  }
  const std::int64_t now = 8 * kIntervalNs;
  auto model = known(now, kFrequencyPpb);
  model.control_phase_ns = control;
  const auto estimate = filter.estimate(model);
  ASSERT_TRUE(estimate.has_value());
  const double phase = kFrequencyPpb * 1e-9 * static_cast<double>(now) + control;
  EXPECT_NEAR(estimate->offset_ns, phase, 1e-6);
  EXPECT_NEAR(estimate->floor_ns, kFloorNs, 1e-6);
  EXPECT_NEAR(estimate->lag_s, 7 * 0.125, 1e-9);  // the first packets: a tie keeps the older
}

TEST(DelayFloorFilter, UncertainProjectionsAreLeftOut) {
  DelayFloorFilter filter;
  filter.add_sync(kFloorNs, known(kIntervalNs));
  filter.add_delay_request(kFloorNs, Nanoseconds(kIntervalNs / 2), known(kIntervalNs));
  ASSERT_TRUE(filter.estimate(known(kIntervalNs)).has_value());
  // 100 ppm of frequency uncertainty over the request's 62.5 ms: far beyond any tail.
  auto uncertain = known(kIntervalNs);
  uncertain.frequency_sigma_ppb = 100'000;
  EXPECT_FALSE(filter.estimate(uncertain).has_value());
  filter.clear();
  EXPECT_FALSE(filter.estimate(known(kIntervalNs)).has_value());
}

TEST(DelayFloorFilter, TheTailWidthNeedsNoFrequencyEstimate) {
  // A clock 20 ppm fast that the model knows nothing about yet: consecutive Syncs differ by
  // 2.5 us of phase, but the second differences cancel it and leave the queueing alone.
  Queueing queueing(3, kTailNs);
  DelayFloorFilter filter;
  constexpr double kFrequencyPpb = 20'000;
  for (int i = 1; i <= 40; ++i) {
    const std::int64_t now = i * kIntervalNs;
    const double phase = kFrequencyPpb * 1e-9 * static_cast<double>(now);
    filter.add_sync(phase + kFloorNs + queueing.next(), known(now));
  }
  EXPECT_GT(filter.tail_ns(), 0.3 * kTailNs);
  EXPECT_LT(filter.tail_ns(), 2.0 * kTailNs);
}

TEST(DelayFloorFilter, ADelaySpikeDoesNotInflateTheFloorVariance) {
  Queueing queueing(5, kTailNs);
  DelayFloorFilter filter;
  const auto use = [&](double floor_ns) {
    DelayFloorFilter::Estimate estimate;
    estimate.floor_ns = floor_ns;
    filter.note_used(estimate);
  };
  for (int i = 0; i < 300; ++i) use(kFloorNs + 0.1 * queueing.next());
  const double before = *filter.offset_variance_ns2();
  // One second of 10 ms extra delay at 8 Hz, then the usual floors again for a few seconds.
  for (int i = 0; i < 8; ++i) use(kFloorNs + 1e7);
  for (int i = 0; i < 40; ++i) use(kFloorNs + 0.1 * queueing.next());
  // A clipped spike costs a few times the variance, not (10 ms / 256)^2.
  EXPECT_LT(*filter.offset_variance_ns2(), 20 * before) << before;
}

// The servo in a closed loop on a clock 10 ppm off, Syncs and Delay_Reqs at 8 Hz through a
// switch of exponential queueing: with the stage on, the true offset is well below the plain
// filter's.
double closed_loop_rms(bool delay_floor) {
  ServoConfig config;
  config.kind = ServoKind::kKalman;
  config.sync_interval = Nanoseconds(kIntervalNs);
  config.kalman.delay_floor = delay_floor;
  KalmanServo servo(config, 0);
  Queueing queueing(11, kTailNs);
  double phase = 3'000;  // local - master, ns
  double adjustment = 0;
  constexpr double kFrequencyErrorPpb = 10'000;
  double squares = 0;
  int count = 0;
  std::optional<DelayRequestSample> request;
  for (int i = 1; i <= 4000; ++i) {
    const double dt = static_cast<double>(kIntervalNs) * 1e-9;
    // A Delay_Req half an interval before the Sync.
    const double request_phase = phase + (kFrequencyErrorPpb + adjustment) * dt / 2;
    const std::int64_t local = i * kIntervalNs + static_cast<std::int64_t>(phase);
    request =
        DelayRequestSample{Nanoseconds(local - kIntervalNs / 2),
                           Nanoseconds(std::llround(-request_phase + kFloorNs + queueing.next()))};
    phase += (kFrequencyErrorPpb + adjustment) * dt;
    const double down = phase + kFloorNs + queueing.next();
    const auto mean_path_delay = Nanoseconds(static_cast<std::int64_t>(kFloorNs + kTailNs));
    const ServoSample sample{Nanoseconds(std::llround(down) - mean_path_delay.count()),
                             Nanoseconds(local), TimestampKind::kHardware, mean_path_delay,
                             request};
    const ServoDecision decision = servo.sample_measurement(sample);
    if (decision.step) phase += static_cast<double>(decision.step->count());
    if (decision.state != ServoState::kUnlocked) adjustment = decision.frequency_ppb;
    if (i > 1000) {
      squares += phase * phase;
      ++count;
    }
  }
  return std::sqrt(squares / count);
}

TEST(KalmanDelayFloor, ClosedLoopBeatsThePlainFilter) {
  const double plain = closed_loop_rms(false);
  const double lucky = closed_loop_rms(true);
  EXPECT_LT(lucky, 0.7 * plain) << lucky << " vs " << plain;
  std::printf("closed loop RMS: lucky-packet %.1f ns, plain %.1f ns\n", lucky, plain);
}

}  // namespace
}  // namespace ptp::servo
