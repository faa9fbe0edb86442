// Counts heap allocations in the per-sample paths of the servo layer and asserts there are none:
// every servo's sample(), the path-delay filter's add() and the correlation's add() and
// conversion. Creating a servo through the factory may allocate; using it may not.
#include <gtest/gtest.h>

#include <cstdint>

#include "heap_allocation_counter.h"
#include "ptp/servo/clock_correlation.h"
#include "ptp/servo/path_delay_filter.h"
#include "ptp/servo/servo_factory.h"

namespace ptp::servo {
namespace {

std::uint64_t allocations() { return ptp::test::heap_allocations(); }

TEST(ServoAllocation, SamplingAllocatesNothing) {
  for (const ServoKind kind :
       {ServoKind::kPi, ServoKind::kLinreg, ServoKind::kKalman, ServoKind::kEnvelope}) {
    ServoConfig config;
    config.kind = kind;
    config.sync_interval = Nanoseconds(125'000'000);
    auto servo = make_servo(config, 0.0);
    ASSERT_TRUE(servo.has_value());
    const std::uint64_t before = allocations();
    std::int64_t local = 1'000'000'000'000;
    for (int i = 0; i < 500; ++i, local += 125'000'000) {
      const ServoDecision decision =
          (*servo)->sample(Nanoseconds(30'000 + (i % 7) * 13 - 40), Nanoseconds(local));
      EXPECT_NE(decision.state, ServoState::kLockedStable);
    }
    (*servo)->reset();
    (*servo)->set_sync_interval(Nanoseconds(1'000'000'000));
    EXPECT_EQ(allocations(), before) << to_string(kind);
  }
}

TEST(ServoAllocation, EnvelopeWithDelayRequestsAllocatesNothing) {
  ServoConfig config;
  config.kind = ServoKind::kEnvelope;
  config.sync_interval = Nanoseconds(125'000'000);
  auto servo = make_servo(config, 0.0);
  ASSERT_TRUE(servo.has_value());
  const std::uint64_t before = allocations();
  std::int64_t local = 1'000'000'000'000;
  for (int i = 0; i < 500; ++i, local += 125'000'000) {
    const ServoSample sample{Nanoseconds(300 + (i % 7) * 13 - 40), Nanoseconds(local),
                             TimestampKind::kHardware, Nanoseconds(1000),
                             DelayRequestSample{Nanoseconds(local - 60'000'000),
                                                Nanoseconds(1000 - 300 + (i % 5) * 11)}};
    (void)(*servo)->sample_measurement(sample);
  }
  (*servo)->reset();
  EXPECT_EQ(allocations(), before);
}

TEST(ServoAllocation, FilterAndCorrelationAllocateNothing) {
  PathDelayFilter filter(PathDelayFilterConfig{});
  ClockCorrelation correlation(ClockCorrelationConfig{});
  const std::uint64_t before = allocations();
  for (std::int64_t i = 0; i < 500; ++i) {
    filter.add(Nanoseconds(5000 + (i % 11) * 3));
    correlation.add(
        CrossTimestampSample{CounterTicksReading{i * 10'000'000},
                             HardwareClockTicks{static_cast<std::uint64_t>(i) * 1'000'000'025},
                             CounterTicksReading{i * 10'000'000 + 10}});
    EXPECT_TRUE(
        correlation
            .to_counter_ticks(HardwareClockTicks{static_cast<std::uint64_t>(i) * 1'000'000'025})
            .has_value());
  }
  EXPECT_EQ(allocations(), before);
}

}  // namespace
}  // namespace ptp::servo
