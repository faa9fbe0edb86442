// EnvelopeServo's first seconds after its start's step: before the envelope's scores are settled,
// the start's line (the joint least-squares line of every exchange since the start) steers
// beside the envelope's early line unless the queueing's shape already shows a single tail. Where
// the queueing is a sum of tails (a chain of loaded switches, whose lucky packets are rare) the
// clock then follows the exchanges' noise less than with the envelope's line alone.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>

#include "ptp/servo/envelope_servo.h"
#include "ptp/servo/servo_config.h"
#include "queueing_model.h"

namespace ptp::servo {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr double kFloorNs = 6'000;
constexpr double kTailNs = 1'500;
// The seconds after the step whose true offsets are measured: from kFromSecond (before it the
// step's own error, the same for any line through so few exchanges, dominates) to kEarlySeconds
// (the scores settle after 16 exchanges, and the start's line steers no further).
constexpr int kFromSecond = 10;
constexpr int kEarlySeconds = 30;

struct Early {
  double squares_ns2 = 0;  // of the true offset from kFromSecond to kEarlySeconds after the step
  int count = 0;
};

// The servo in a closed loop at 1 Hz (ptp4l's default rates): a clock 100 us and 10 ppm off with
// a slow random-walk frequency, queueing of `tails` Exp(1.5 us) each way.
Early run(std::uint64_t seed, int tails) {
  ServoConfig config;
  config.kind = ServoKind::kEnvelope;
  config.sync_interval = Nanoseconds(kSecondNs);
  EnvelopeServo servo(config, 0);
  testing::Queueing queueing(seed, kTailNs, tails);
  std::mt19937_64 random(seed * 7919);
  std::normal_distribution<double> normal(0, 1);
  const double mean_delay_ns = kFloorNs + kTailNs * tails;
  double phase_ns = 100'000;  // local - master
  double adjustment_ppb = 0;
  double frequency_error_ppb = 10'000;
  std::optional<int> stepped_at;
  Early early;
  for (int i = 1; !stepped_at || i <= *stepped_at + kEarlySeconds; ++i) {
    if (i > 100) break;  // no step: the caller's check fails
    frequency_error_ppb += 0.05 * normal(random);
    // ppb over half a second: ns.
    const double request_phase_ns = phase_ns + (frequency_error_ppb + adjustment_ppb) / 2;
    const std::int64_t local = i * kSecondNs + static_cast<std::int64_t>(phase_ns);
    const DelayRequestSample request{
        Nanoseconds(local - kSecondNs / 2),
        Nanoseconds(std::llround(-request_phase_ns + kFloorNs + queueing.next()))};
    phase_ns += frequency_error_ppb + adjustment_ppb;  // ppb over one second: ns
    if (stepped_at && i > *stepped_at + kFromSecond) {
      early.squares_ns2 += phase_ns * phase_ns;
      ++early.count;
    }
    const double down_ns = phase_ns + kFloorNs + queueing.next();
    const auto mean_path_delay = Nanoseconds(std::llround(mean_delay_ns));
    const ServoSample sample{Nanoseconds(std::llround(down_ns) - mean_path_delay.count()),
                             Nanoseconds(local),
                             TimestampKind::kHardware,
                             mean_path_delay,
                             request,
                             Nanoseconds(0)};
    const ServoDecision decision = servo.sample_measurement(sample);
    if (decision.step) {
      phase_ns += static_cast<double>(decision.step->count());
      stepped_at = i;
    }
    if (decision.state != ServoState::kUnlocked) adjustment_ppb = decision.frequency_ppb;
  }
  return early;
}

// The RMS true offset from kFromSecond to kEarlySeconds after the step, pooled over `seeds`, in
// units of one exchange's paired noise (half the difference of the two directions' queueing: each
// direction has a variance of tails x 1.5 us squared).
double early_rms_in_exchange_noise(int tails, std::uint64_t first_seed, int seeds) {
  double squares_ns2 = 0;
  int count = 0;
  for (std::uint64_t seed = first_seed; seed < first_seed + static_cast<std::uint64_t>(seeds);
       ++seed) {
    const Early early = run(seed, tails);
    EXPECT_EQ(early.count, kEarlySeconds - kFromSecond) << "seed " << seed << ": no step";
    squares_ns2 += early.squares_ns2;
    count += early.count;
  }
  const double exchange_noise_ns = kTailNs * std::sqrt(tails / 2.0);
  return std::sqrt(squares_ns2 / count) / exchange_noise_ns;
}

TEST(EnvelopeStartLine, SumOfTailsIsFollowedLessEarlyOn) {
  // Seeds not looked at while the start's line was added. Three tails, as ptp_accuracy's chain:
  // with the envelope's early line alone 0.59 of the exchange noise (0.59-0.61 on three other
  // sets of 300 seeds); with the start's line beside it 0.54 (0.55-0.58). The RMS of a few
  // seeds' largest excursions decides it, so the set is large.
  const double rms = early_rms_in_exchange_noise(3, 81, 300);
  std::printf("three tails, %d-%d s after the step: RMS %.2f x one exchange's noise\n", kFromSecond,
              kEarlySeconds, rms);
  EXPECT_LT(rms, 0.57);
}

}  // namespace
}  // namespace ptp::servo
