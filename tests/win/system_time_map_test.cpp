// SystemTimeMap against a model Windows clock whose true time is known: a line in QPC (10 MHz)
// read through FILETIME's 100 ns truncation. The map must find the line to a few nanoseconds where
// one read alone is up to 100 ns off, follow rate changes it is told of, recover from ones it is
// not told of, and start afresh after a step.
#include "ptp/win/system_time_map.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace ptp::win {
namespace {

constexpr std::int64_t kQpf = 10'000'000;

// The true system time: a line in QPC whose slope changes when the test says, read truncated.
// Kept relative to a whole epoch (2023, a multiple of 100 ns) so that doubles hold it exactly.
constexpr std::int64_t kEpochNs = 1'700'000'000'000'000'000;

class ModelClock {
 public:
  ModelClock(double start_ns, double rate) : start_ns_(start_ns), rate_(rate) {}
  // Nanoseconds since kEpochNs.
  [[nodiscard]] double true_ns(std::int64_t qpc) const {
    return start_ns_ + static_cast<double>(qpc - start_qpc_) * 100.0 * rate_;
  }
  void set_rate(std::int64_t qpc, double rate) {
    start_ns_ = true_ns(qpc);
    start_qpc_ = qpc;
    rate_ = rate;
  }
  [[nodiscard]] SystemTimeRead read(std::int64_t qpc) const {
    const auto truncated = static_cast<std::int64_t>(std::floor(true_ns(qpc) / 100.0)) * 100;
    return SystemTimeRead{qpc, hal::SystemTime{Nanoseconds(kEpochNs + truncated)}, qpc};
  }

 private:
  double start_ns_;
  std::int64_t start_qpc_ = 0;
  double rate_;
};

double error_ns(const SystemTimeMap& map, const ModelClock& clock, std::int64_t qpc) {
  const auto mapped = map.at(qpc);
  EXPECT_TRUE(mapped.has_value());
  if (!mapped) return 1e300;
  return static_cast<double>(mapped->since_epoch.count() - kEpochNs) - clock.true_ns(qpc);
}

// A start off FILETIME's grid.
constexpr double kStartNs = 37.0;

// The next QPC reading: about 16 a second, at irregular spacing (timestamps arrive with the
// network's jitter), so that the line's phase on the 100 ns grid does not alias.
std::int64_t next_read(std::int64_t qpc, int i) { return qpc + kQpf / 16 + (i * 7919) % 4001; }

TEST(SystemTimeMap, OneReadIsUpToHalfAFileTimeUnitOff) {
  const ModelClock clock(kStartNs, 1.0 + 12e-6);
  SystemTimeMap map(kQpf);
  EXPECT_FALSE(map.at(0).has_value());
  map.set_rate(0, 1.0 + 12e-6);
  map.add(clock.read(0));
  EXPECT_LE(std::fabs(error_ns(map, clock, 0)), 50.5);
  EXPECT_NEAR(*map.uncertainty_ns(), 100.0, 1e-6);
}

TEST(SystemTimeMap, ReadsAtAMovingPhaseNarrowItToAFewNanoseconds) {
  for (const double ppm : {12.0, -6.5, 0.3}) {
    const double rate = 1.0 + ppm * 1e-6;
    const ModelClock clock(kStartNs, rate);
    SystemTimeMap map(kQpf);
    map.set_rate(0, rate);
    // 16 reads a second for 10 s, as the HAL converts timestamps at 8 Hz (RX and TX).
    std::int64_t qpc = 0;
    for (int i = 0; i < 160; ++i) map.add(clock.read(qpc = next_read(qpc, i)));
    EXPECT_LE(std::fabs(error_ns(map, clock, qpc + kQpf / 100)), 5.0) << ppm << " ppm";
    EXPECT_LE(*map.uncertainty_ns(), 10.0) << ppm << " ppm";
  }
}

TEST(SystemTimeMap, FollowsTheRatesItIsToldOf) {
  ModelClock clock(kStartNs, 1.0 + 20e-6);
  SystemTimeMap map(kQpf);
  map.set_rate(0, 1.0 + 20e-6);
  std::int64_t qpc = 0;
  double worst = 0;
  for (int second = 0; second < 30; ++second) {
    // A servo's new frequency every second, told to both at the same QPC.
    const double rate = 1.0 + (20.0 - 0.7 * second) * 1e-6;
    clock.set_rate(qpc, rate);
    map.set_rate(qpc, rate);
    for (int i = 0; i < 16; ++i) {
      qpc = next_read(qpc, i + 16 * second);
      map.add(clock.read(qpc));
      if (second >= 5) worst = std::fmax(worst, std::fabs(error_ns(map, clock, qpc)));
    }
  }
  EXPECT_LE(worst, 5.0);
  // A QPC value from before the last change maps along the slope in force then.
  const std::int64_t earlier = qpc - kQpf / 10;
  const double truth_ns = clock.true_ns(earlier);
  map.set_rate(qpc, 1.0 + 50e-6);
  const auto mapped = map.at(earlier);
  ASSERT_TRUE(mapped);
  EXPECT_LE(std::fabs(static_cast<double>(mapped->since_epoch.count() - kEpochNs) - truth_ns), 5.0);
}

TEST(SystemTimeMap, AChangeItWasNotToldOfPushesTheOldReadsOut) {
  ModelClock clock(kStartNs, 1.0 + 5e-6);
  SystemTimeMap map(kQpf);
  map.set_rate(0, 1.0 + 5e-6);
  std::int64_t qpc = 0;
  for (int i = 0; i < 64; ++i) map.add(clock.read(qpc = next_read(qpc, i)));
  // Another program sets 100 ppm for 10 ms: the map's line is 1 us off afterwards.
  clock.set_rate(qpc, 1.0 + 105e-6);
  clock.set_rate(qpc + kQpf / 100, 1.0 + 5e-6);
  qpc += kQpf / 100;
  map.add(clock.read(qpc += 13));
  // The contradicting read wins at once: within a truncation of the truth, not 1 us off.
  EXPECT_LE(std::fabs(error_ns(map, clock, qpc)), 100.0);
  for (int i = 0; i < 64; ++i) map.add(clock.read(qpc = next_read(qpc, i)));
  EXPECT_LE(std::fabs(error_ns(map, clock, qpc)), 5.0);
}

TEST(SystemTimeMap, ForgettingAfterAStepStartsFromTheNextRead) {
  ModelClock clock(kStartNs, 1.0 + 8e-6);
  SystemTimeMap map(kQpf);
  map.set_rate(0, 1.0 + 8e-6);
  std::int64_t qpc = 0;
  for (int i = 0; i < 64; ++i) map.add(clock.read(qpc = next_read(qpc, i)));
  // SetSystemTime: the clock jumps by 3.2574 ms.
  clock.set_rate(qpc, 1.0 + 8e-6);
  ModelClock stepped(clock.true_ns(qpc) + 3'257'400.0, 1.0 + 8e-6);
  map.forget();
  EXPECT_FALSE(map.at(qpc).has_value());
  EXPECT_DOUBLE_EQ(map.rate(), 1.0 + 8e-6);
  // The stepped model starts at QPC 0: read it at offsets from there.
  map.add(stepped.read(0));
  EXPECT_LE(std::fabs(error_ns(map, stepped, 0)), 50.5);
  std::int64_t after = 0;
  for (int i = 0; i < 64; ++i) map.add(stepped.read(after = next_read(after, i)));
  EXPECT_LE(std::fabs(error_ns(map, stepped, after)), 5.0);
}

TEST(SystemTimeMap, AReadWhoseQpcBracketIsWideBoundsLess) {
  const ModelClock clock(kStartNs, 1.0 + 12e-6);
  SystemTimeMap map(kQpf);
  map.set_rate(0, 1.0 + 12e-6);
  SystemTimeRead wide = clock.read(1000);
  wide.qpc_before = 990;  // the read happened somewhere in 1 us
  map.add(wide);
  EXPECT_NEAR(*map.uncertainty_ns(), 100.0 + 10 * 100.0 * (1.0 + 12e-6), 1e-3);
}

}  // namespace
}  // namespace ptp::win
