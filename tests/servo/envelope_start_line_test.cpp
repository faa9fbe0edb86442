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
#include "two_way_loop.h"

namespace ptp::servo {
namespace {

constexpr std::int64_t kSecondNs = testing::TwoWayLoop::kSecondNs;
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
  testing::TwoWayLoop loop;
  loop.floor_ns = kFloorNs;
  loop.mean_path_delay = Nanoseconds(std::llround(kFloorNs + kTailNs * tails));
  loop.phase_ns = 100'000;
  loop.frequency_error_ppb = 10'000;
  std::optional<int> stepped_at;
  Early early;
  for (int i = 1; !stepped_at || i <= *stepped_at + kEarlySeconds; ++i) {
    if (i > 100) break;  // no step: the caller's check fails
    loop.frequency_error_ppb += 0.05 * normal(random);
    const ServoDecision decision = loop.exchange(servo, i, queueing);
    // The true offset at the Sync, before its decision.
    if (stepped_at && i > *stepped_at + kFromSecond) {
      early.squares_ns2 += loop.phase_at_sync_ns * loop.phase_at_sync_ns;
      ++early.count;
    }
    if (decision.step) stepped_at = i;
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
