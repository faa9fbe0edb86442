// Unit tests of a simulated host's clocks and timers, each against configured truth: tick
// conversions against exact 128-bit arithmetic, counters and NIC clocks of noiseless crystals with
// known frequency errors, the system clock's adjustments and steps, and counter-domain timers
// firing at the true instant a drifting counter reaches their deadline.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "ptp/portability.h"
#include "ptp/sim/oscillator.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_clocks.h"
#include "ptp/sim/sim_time.h"
#include "ptp/sim/sim_timers.h"

namespace ptp::sim {
namespace {

// The reference arithmetic below is exact in 128 bits, so it owes nothing to the code under test.
using Int128 = ptp::Int128;

constexpr std::int64_t kPicosecondsPerSecond = 1'000'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr std::uint64_t kFrequenciesHz[] = {10'000'000, 125'000'000, 1'000'000'000, 24'000'000,
                                            3'579'545};

// floor(ps * f / 1e12): the ticks a clock of f Hz, reading zero at zero, shows after ps.
std::int64_t exact_ticks_in(std::int64_t ps, std::uint64_t frequency_hz) {
  const Int128 product = Int128{ps} * static_cast<Int128>(frequency_hz);
  const Int128 scale = kPicosecondsPerSecond;
  Int128 quotient = product / scale;
  if (product % scale != 0 && product < 0) --quotient;
  return static_cast<std::int64_t>(quotient);
}

// ceil(ticks * 1e12 / f): the first picosecond at which such a clock shows `ticks`.
std::int64_t exact_first_ps_of_tick(std::int64_t ticks, std::uint64_t frequency_hz) {
  const Int128 product = Int128{ticks} * kPicosecondsPerSecond;
  const auto frequency = static_cast<Int128>(frequency_hz);
  Int128 quotient = product / frequency;
  if (product % frequency != 0 && product > 0) ++quotient;
  return static_cast<std::int64_t>(quotient);
}

SimDuration ps(std::int64_t count) { return SimDuration::picoseconds(count); }
SimTime at_ps(std::int64_t count) { return SimTime::from_start(ps(count)); }
SimTime at_seconds(std::int64_t seconds) {
  return SimTime::from_start(SimDuration::seconds(seconds));
}

// A uniformly drawn value in [-magnitude, magnitude].
std::int64_t draw_signed(Random& random, std::int64_t magnitude) {
  const auto unsigned_magnitude = static_cast<std::uint64_t>(magnitude);
  // In unsigned arithmetic: twice the magnitude may not fit an int64.
  return static_cast<std::int64_t>(random.below(2 * unsigned_magnitude + 1) - unsigned_magnitude);
}

// A noiseless crystal: its reading is exactly phase + t * (1 + ppm * 1e-6).
Oscillator make_crystal(double frequency_error_ppm, SimDuration initial_phase_offset = {}) {
  OscillatorConfig config;
  config.initial_frequency_error_ppm = frequency_error_ppm;
  config.initial_phase_offset = initial_phase_offset;
  auto crystal = Oscillator::create(config, Random(1));
  EXPECT_TRUE(crystal);
  return *crystal;
}

// ---- ticks_in / span_of_ticks ----------------------------------------------------------------

TEST(TickConversionTest, KnownValuesAtCommonFrequencies) {
  // 10 MHz (QPC): 100 ns ticks.
  EXPECT_EQ(ticks_in(ps(99'999), 10'000'000), 0);
  EXPECT_EQ(ticks_in(ps(100'000), 10'000'000), 1);
  EXPECT_EQ(ticks_in(SimDuration::seconds(1), 10'000'000), 10'000'000);
  EXPECT_EQ(span_of_ticks(1, 10'000'000), ps(100'000));
  EXPECT_EQ(span_of_ticks(10'000'000, 10'000'000), SimDuration::seconds(1));
  // 125 MHz (a NIC): 8 ns ticks.
  EXPECT_EQ(ticks_in(ps(7'999), 125'000'000), 0);
  EXPECT_EQ(ticks_in(ps(8'000), 125'000'000), 1);
  EXPECT_EQ(span_of_ticks(125'000'000, 125'000'000), SimDuration::seconds(1));
  // 1 GHz (a PHC): 1 ns ticks.
  EXPECT_EQ(ticks_in(ps(999), 1'000'000'000), 0);
  EXPECT_EQ(ticks_in(ps(1'000), 1'000'000'000), 1);
  EXPECT_EQ(span_of_ticks(1'000'000'000, 1'000'000'000), SimDuration::seconds(1));
  // 24 MHz: 41666.67 ps ticks; three ticks are exactly 125 ns.
  EXPECT_EQ(ticks_in(ps(41'666), 24'000'000), 0);
  EXPECT_EQ(ticks_in(ps(41'667), 24'000'000), 1);
  EXPECT_EQ(ticks_in(ps(124'999), 24'000'000), 2);
  EXPECT_EQ(ticks_in(ps(125'000), 24'000'000), 3);
  EXPECT_EQ(span_of_ticks(1, 24'000'000), ps(41'667));  // the first picosecond showing tick 1
  EXPECT_EQ(span_of_ticks(3, 24'000'000), ps(125'000));
  EXPECT_EQ(span_of_ticks(24'000'000, 24'000'000), SimDuration::seconds(1));
  // 3.579545 MHz (the ACPI PM timer's QPC): 279365.22 ps ticks.
  EXPECT_EQ(ticks_in(ps(279'365), 3'579'545), 0);
  EXPECT_EQ(ticks_in(ps(279'366), 3'579'545), 1);
  EXPECT_EQ(ticks_in(SimDuration::seconds(1) - ps(1), 3'579'545), 3'579'544);
  EXPECT_EQ(ticks_in(SimDuration::seconds(1), 3'579'545), 3'579'545);
  EXPECT_EQ(span_of_ticks(1, 3'579'545), ps(279'366));
  EXPECT_EQ(span_of_ticks(3'579'545, 3'579'545), SimDuration::seconds(1));
}

TEST(TickConversionTest, NegativeSpansRoundTowardNegativeInfinity) {
  EXPECT_EQ(ticks_in(ps(-1), 10'000'000), -1);
  EXPECT_EQ(ticks_in(ps(-100'000), 10'000'000), -1);
  EXPECT_EQ(ticks_in(ps(-100'001), 10'000'000), -2);
  EXPECT_EQ(ticks_in(ps(-41'666), 24'000'000), -1);
  EXPECT_EQ(ticks_in(ps(-41'667), 24'000'000), -2);
  EXPECT_EQ(ticks_in(ps(-125'000), 24'000'000), -3);
  EXPECT_EQ(ticks_in(ps(-kPicosecondsPerSecond), 3'579'545), -3'579'545);
  EXPECT_EQ(ticks_in(ps(-kPicosecondsPerSecond - 1), 3'579'545), -3'579'546);
  // The first picosecond showing tick -1 of 24 MHz is -41666.67 ps rounded up.
  EXPECT_EQ(span_of_ticks(-1, 24'000'000), ps(-41'666));
  EXPECT_EQ(span_of_ticks(-3, 24'000'000), ps(-125'000));
  EXPECT_EQ(span_of_ticks(-1, 10'000'000), ps(-100'000));
}

TEST(TickConversionTest, LargeSpansDoNotOverflow) {
  const SimDuration hundred_days = SimDuration::seconds(100 * kSecondsPerDay);
  EXPECT_EQ(ticks_in(hundred_days, 1'000'000'000), 100 * kSecondsPerDay * 1'000'000'000);
  EXPECT_EQ(ticks_in(SimDuration{} - hundred_days, 1'000'000'000),
            -100 * kSecondsPerDay * 1'000'000'000);
  EXPECT_EQ(span_of_ticks(100 * kSecondsPerDay * 1'000'000'000, 1'000'000'000), hundred_days);
  constexpr std::int64_t kLongest = std::numeric_limits<std::int64_t>::max();  // ~106 days
  for (const std::uint64_t frequency : kFrequenciesHz) {
    SCOPED_TRACE(frequency);
    EXPECT_EQ(ticks_in(ps(kLongest), frequency), exact_ticks_in(kLongest, frequency));
    EXPECT_EQ(ticks_in(ps(-kLongest), frequency), exact_ticks_in(-kLongest, frequency));
    const std::int64_t ticks = exact_ticks_in(kLongest, frequency);
    EXPECT_EQ(span_of_ticks(ticks, frequency).picoseconds(),
              exact_first_ps_of_tick(ticks, frequency));
  }
}

TEST(TickConversionTest, MatchesExactArithmeticOverHundredDays) {
  Random random(2024);
  const std::int64_t range_ps = 100 * kSecondsPerDay * kPicosecondsPerSecond;
  for (const std::uint64_t frequency : kFrequenciesHz) {
    SCOPED_TRACE(frequency);
    const std::int64_t range_ticks = exact_ticks_in(range_ps, frequency);
    for (int i = 0; i < 2'000; ++i) {
      // Spans of every magnitude, not just huge ones.
      const std::int64_t magnitude = range_ps >> random.below(60);
      const std::int64_t span_ps = draw_signed(random, magnitude);
      ASSERT_EQ(ticks_in(ps(span_ps), frequency), exact_ticks_in(span_ps, frequency)) << span_ps;

      // Tick edges: the clock shows `ticks` from its first picosecond on, and not one before.
      const std::int64_t ticks = draw_signed(random, range_ticks >> random.below(50));
      const std::int64_t first_ps = exact_first_ps_of_tick(ticks, frequency);
      ASSERT_EQ(span_of_ticks(ticks, frequency).picoseconds(), first_ps) << ticks;
      ASSERT_EQ(ticks_in(ps(first_ps), frequency), ticks) << ticks;
      ASSERT_EQ(ticks_in(ps(first_ps - 1), frequency), ticks - 1) << ticks;
    }
  }
}

TEST(TickConversionTest, RoundTrips) {
  Random random(99);
  for (const std::uint64_t frequency : kFrequenciesHz) {
    SCOPED_TRACE(frequency);
    // The most ticks whose span a SimDuration holds.
    const std::int64_t max_ticks =
        exact_ticks_in(std::numeric_limits<std::int64_t>::max(), frequency) - 1;
    for (int i = 0; i < 2'000; ++i) {
      // ticks -> span -> ticks is the identity.
      const std::int64_t ticks = draw_signed(random, max_ticks >> random.below(50));
      ASSERT_EQ(ticks_in(span_of_ticks(ticks, frequency), frequency), ticks) << ticks;
      // span -> ticks -> span lands on the start of the tick holding the span.
      const SimDuration span = ps(draw_signed(random, std::int64_t{1} << random.below(62)));
      const std::int64_t ticks_of_span = ticks_in(span, frequency);
      ASSERT_LE(span_of_ticks(ticks_of_span, frequency), span) << span.picoseconds();
      ASSERT_GT(span_of_ticks(ticks_of_span + 1, frequency), span) << span.picoseconds();
    }
  }
}

// ---- SimMonotonicCounter ---------------------------------------------------------------------

TEST(SimMonotonicCounterTest, CountsTheCrystalsTicksExactly) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(+10.0);
  SimMonotonicCounter qpc(scheduler, crystal, 10'000'000);
  Oscillator second_crystal = make_crystal(+10.0);
  SimMonotonicCounter acpi(scheduler, second_crystal, 3'579'545);
  EXPECT_EQ(qpc.frequency_hz(), 10'000'000U);
  EXPECT_EQ(acpi.frequency_hz(), 3'579'545U);
  EXPECT_EQ(qpc.now(), hal::CounterTicks{0});

  ASSERT_TRUE(scheduler.run_until(at_seconds(1)));
  // 1 s at +10 ppm is 1.00001 s of the crystal.
  EXPECT_EQ(qpc.now(), hal::CounterTicks{10'000'100});
  EXPECT_EQ(acpi.now(), hal::CounterTicks{3'579'580});  // floor(3579545 * 1.00001)
  ASSERT_TRUE(scheduler.run_until(at_seconds(3'600)));
  EXPECT_EQ(qpc.now(), hal::CounterTicks{36'000'360'000});
  EXPECT_EQ(acpi.now(), hal::CounterTicks{12'886'490'863});  // floor(3579545 * 3600 * 1.00001)
}

TEST(SimMonotonicCounterTest, StartsFromTheCrystalsInitialPhase) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(-50.0, SimDuration::milliseconds(2) + ps(50'000));
  SimMonotonicCounter counter(scheduler, crystal, 10'000'000);
  EXPECT_EQ(counter.now(), hal::CounterTicks{20'000});  // 2.00005 ms of 100 ns ticks
  // 2.00005 ms + 1 s * (1 - 50e-6) = 1.00195005 s.
  ASSERT_TRUE(scheduler.run_until(at_seconds(1)));
  EXPECT_EQ(counter.now(), hal::CounterTicks{10'019'500});
}

// ---- SimSystemClock --------------------------------------------------------------------------

constexpr std::int64_t kEpochAtCrystalZeroNs = 1'700'000'000'000'000'000;
// Crystal readings are whole picoseconds (rounded down, and the oscillator's double arithmetic
// can put an exact whole value a hair below), so offsets at other instants agree to ~1 ps.
constexpr double kCrystalResolutionNs = 1.5e-3;

struct SystemClockRig {
  explicit SystemClockRig(double frequency_error_ppm, SimDuration initial_phase = {},
                          double max_adjustment_ppb = 500'000)
      : crystal(make_crystal(frequency_error_ppm, initial_phase)),
        counter(scheduler, crystal, 10'000'000),
        clock(scheduler, crystal, counter,
              SimSystemClockConfig{hal::SystemTime{Nanoseconds(kEpochAtCrystalZeroNs)},
                                   hal::PartsPerBillion{max_adjustment_ppb}}) {}

  std::int64_t now_ns() {
    const auto now = clock.now();
    EXPECT_TRUE(now);
    return now ? now->since_epoch.count() : 0;
  }
  std::int64_t at_counter_ns(hal::CounterTicks ticks) {
    const auto time = clock.at_counter(ticks);
    EXPECT_TRUE(time);
    return time ? time->since_epoch.count() : 0;
  }
  void run_until(SimTime time) { ASSERT_TRUE(scheduler.run_until(time)); }

  Scheduler scheduler;
  Oscillator crystal;
  SimMonotonicCounter counter;
  SimSystemClock clock;
};

TEST(SimSystemClockTest, InitialOffsetIsTheCrystalsInitialPhase) {
  SystemClockRig rig(+10.0, ps(1'234'567));
  EXPECT_NEAR(rig.clock.true_offset_ns(), 1'234.567, kCrystalResolutionNs);
  // Read through the 10 MHz counter: 1.234567 us is 12 whole ticks.
  EXPECT_EQ(rig.now_ns(), kEpochAtCrystalZeroNs + 1'200);
  // +10 ppm gains 10 us per second.
  rig.run_until(at_seconds(1));
  EXPECT_NEAR(rig.clock.true_offset_ns(), 1'234.567 + 10'000.0, kCrystalResolutionNs);
  EXPECT_EQ(rig.now_ns(), kEpochAtCrystalZeroNs + 1'000'011'200);
}

TEST(SimSystemClockTest, FrequencyAdjustmentMovesTheOffsetExactly) {
  {
    SCOPED_TRACE("ideal crystal");
    SystemClockRig rig(0.0);
    rig.run_until(at_seconds(1));
    ASSERT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{100}));
    EXPECT_NEAR(rig.clock.true_offset_ns(), 0.0, 1e-6);
    rig.run_until(at_seconds(2));
    EXPECT_NEAR(rig.clock.true_offset_ns(), 100.0, 1e-6);
    rig.run_until(at_seconds(11));
    EXPECT_NEAR(rig.clock.true_offset_ns(), 1'000.0, 1e-6);
    ASSERT_TRUE(rig.clock.frequency_adjustment());
    EXPECT_DOUBLE_EQ(rig.clock.frequency_adjustment()->value, 100.0);
  }
  {
    SCOPED_TRACE("+10 ppm crystal, 500 ns initial phase");
    SystemClockRig rig(+10.0, SimDuration::nanoseconds(500));
    rig.run_until(at_seconds(1));
    EXPECT_NEAR(rig.clock.true_offset_ns(), 500.0 + 10'000.0, kCrystalResolutionNs);
    ASSERT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{100}));
    // From here the clock runs (1 + 10e-6) * (1 + 100e-9) fast: 10100.001 ns per second. (The
    // tolerance is the crystal's resolution: its readings are whole picoseconds.)
    rig.run_until(at_seconds(11));
    EXPECT_NEAR(rig.clock.true_offset_ns(), 10'500.0 + 10 * 10'100.001, kCrystalResolutionNs);
    // Adjustments are absolute: -10 ppm cancels the crystal's error to first order.
    ASSERT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{-10'000}));
    const double before = rig.clock.true_offset_ns();
    rig.run_until(at_seconds(111));
    // (1 + 10e-6) * (1 - 10e-6) - 1 = -1e-10: -0.1 ns per second.
    EXPECT_NEAR(rig.clock.true_offset_ns() - before, -10.0, 2 * kCrystalResolutionNs);
    // The readings follow the truth, at most the counter's 100 ns tick behind it.
    const auto reading_offset_ns =
        static_cast<double>(rig.now_ns() - kEpochAtCrystalZeroNs - 111'000'000'000);
    EXPECT_LE(reading_offset_ns, rig.clock.true_offset_ns());
    EXPECT_GT(reading_offset_ns, rig.clock.true_offset_ns() - 100.0);
  }
}

TEST(SimSystemClockTest, MaxFrequencyAdjustmentIsEnforced) {
  SystemClockRig rig(0.0, {}, 1'000);
  EXPECT_EQ(rig.clock.max_frequency_adjustment(), hal::PartsPerBillion{1'000});
  const auto too_fast = rig.clock.adjust_frequency(hal::PartsPerBillion{1'000.5});
  ASSERT_FALSE(too_fast);
  EXPECT_EQ(too_fast.error().code, hal::HalErrorCode::kInvalidArgument);
  const auto too_slow = rig.clock.adjust_frequency(hal::PartsPerBillion{-1'001});
  ASSERT_FALSE(too_slow);
  EXPECT_EQ(too_slow.error().code, hal::HalErrorCode::kInvalidArgument);
  const auto not_a_number =
      rig.clock.adjust_frequency(hal::PartsPerBillion{std::numeric_limits<double>::quiet_NaN()});
  ASSERT_FALSE(not_a_number);
  EXPECT_EQ(not_a_number.error().code, hal::HalErrorCode::kInvalidArgument);
  // Refused adjustments change nothing.
  EXPECT_EQ(rig.clock.frequency_adjustment()->value, 0.0);
  rig.run_until(at_seconds(1));
  EXPECT_NEAR(rig.clock.true_offset_ns(), 0.0, 1e-6);
  // The limit itself is allowed.
  EXPECT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{-1'000}));
  rig.run_until(at_seconds(2));
  EXPECT_NEAR(rig.clock.true_offset_ns(), -1'000.0, 1e-6);
}

TEST(SimSystemClockTest, StepMovesReadingAndOffsetByExactlyTheStep) {
  SystemClockRig rig(+10.0, ps(333'333));
  rig.run_until(SimTime::from_start(SimDuration::milliseconds(1'500) + ps(12'345)));
  ASSERT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{-2'500}));
  const std::int64_t before_ns = rig.now_ns();
  const double offset_before = rig.clock.true_offset_ns();
  ASSERT_TRUE(rig.clock.step(Nanoseconds(1'000'000'007)));
  EXPECT_EQ(rig.now_ns(), before_ns + 1'000'000'007);
  EXPECT_NEAR(rig.clock.true_offset_ns(), offset_before + 1'000'000'007.0, 1e-6);
  ASSERT_TRUE(rig.clock.step(Nanoseconds(-3'000'000'013)));
  EXPECT_EQ(rig.now_ns(), before_ns - 2'000'000'006);
  EXPECT_NEAR(rig.clock.true_offset_ns(), offset_before - 2'000'000'006.0, 1e-6);
  // The step does not disturb the rate: (1 + 10e-6) * (1 - 2.5e-6) - 1 per second.
  const double rate = (1.0 + 10e-6) * (1.0 - 2.5e-6) - 1.0;
  rig.run_until(SimTime::from_start(SimDuration::milliseconds(2'500) + ps(12'345)));
  EXPECT_NEAR(rig.clock.true_offset_ns(), offset_before - 2'000'000'006.0 + rate * 1e9,
              kCrystalResolutionNs);
}

TEST(SimSystemClockTest, AtCounterOfTheCounterNowIsNow) {
  SystemClockRig rig(+37.0, ps(987'654'321));
  Random random(5);
  std::int64_t elapsed_ps = 0;
  for (int i = 0; i < 200; ++i) {
    elapsed_ps += static_cast<std::int64_t>(random.below(3'000'000'000));  // up to 3 ms
    rig.run_until(at_ps(elapsed_ps));
    if (i % 50 == 10) {
      ASSERT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{random.normal(0, 10'000)}));
    }
    if (i % 70 == 30) {
      ASSERT_TRUE(rig.clock.step(Nanoseconds(draw_signed(random, 1'000'000))));
    }
    ASSERT_EQ(rig.at_counter_ns(rig.counter.now()), rig.now_ns()) << i;
  }
  // Another counter reading maps through the clock's current rate: 10^7 ticks of a +37 ppm
  // crystal adjusted by +100 ppb are 1 s * (1 + 100e-9) of system time.
  ASSERT_TRUE(rig.clock.adjust_frequency(hal::PartsPerBillion{100}));
  const hal::CounterTicks now = rig.counter.now();
  const hal::CounterTicks second_later{now.count + 10'000'000};
  EXPECT_NEAR(static_cast<double>(rig.at_counter_ns(second_later) - rig.at_counter_ns(now)),
              1'000'000'100.0, 1.0);
}

// ---- SimHardwareClock ------------------------------------------------------------------------

// The NIC's 125 MHz clock on a crystal with phase 1 ms + 3 ps and +20 ppm error.
constexpr std::int64_t kNicPhasePs = 1'000'000'003;
constexpr double kNicErrorPpm = 20.0;

// The ticks a noiseless crystal's clock shows at true time t, from its configuration alone:
// floor((phase + t * (1 + ppm * 1e-6)) * f / 1e12), with ppm a whole number.
std::uint64_t expected_nic_ticks(std::int64_t t_ps, std::int64_t phase_ps, std::int64_t ppm,
                                 std::uint64_t frequency_hz) {
  const Int128 reading_ps_times_million =
      Int128{phase_ps} * 1'000'000 + Int128{t_ps} * 1'000'000 + Int128{t_ps} * ppm;
  const Int128 ticks = reading_ps_times_million * static_cast<Int128>(frequency_hz) /
                       (Int128{kPicosecondsPerSecond} * 1'000'000);
  return static_cast<std::uint64_t>(ticks);
}

TEST(SimHardwareClockTest, ReadsWholeTicksOfTheNicCrystal) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(kNicErrorPpm, ps(kNicPhasePs));
  SimHardwareClock clock(scheduler, crystal, SimHardwareClockConfig{125'000'000, false});
  EXPECT_EQ(clock.frequency_hz(), 125'000'000U);
  EXPECT_FALSE(clock.adjustable());

  Random random(11);
  std::int64_t t_ps = 0;
  std::optional<std::uint64_t> previous;
  int tick_changes = 0;
  for (int i = 0; i < 1'000; ++i) {
    // Mostly 1 ns apart (to see every tick), now and then a jump of up to a second.
    t_ps += i % 100 == 99 ? static_cast<std::int64_t>(random.below(1'000'000'000'000)) : 1'000;
    ASSERT_TRUE(scheduler.run_until(at_ps(t_ps)));
    const auto reading = clock.now();
    ASSERT_TRUE(reading);
    ASSERT_EQ(reading->count, expected_nic_ticks(t_ps, kNicPhasePs, 20, 125'000'000)) << t_ps;
    if (previous && i % 100 != 99) {
      // 1 ns later: the same 8 ns tick or the next one, never a fraction of a tick.
      ASSERT_LE(reading->count - *previous, 1U);
      tick_changes += static_cast<int>(reading->count - *previous);
    }
    previous = reading->count;
  }
  // 990 steps of 1 ns cross 990 / 8 tick edges (+-1 per run of steps).
  EXPECT_NEAR(tick_changes, 990.0 / 8.0, 11.0);
  EXPECT_NEAR(clock.true_phase_error_ps(),
              static_cast<double>(kNicPhasePs) + static_cast<double>(t_ps) * kNicErrorPpm * 1e-6,
              1e-3);
}

TEST(SimHardwareClockTest, NotAdjustableRefusesAdjustments) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(kNicErrorPpm, ps(kNicPhasePs));
  SimHardwareClock clock(scheduler, crystal, SimHardwareClockConfig{125'000'000, false});
  ASSERT_TRUE(scheduler.run_until(at_seconds(1)));
  const auto adjusted = clock.adjust_frequency(hal::PartsPerBillion{1'000});
  ASSERT_FALSE(adjusted);
  EXPECT_EQ(adjusted.error().code, hal::HalErrorCode::kNotSupported);
  const auto stepped = clock.step(Nanoseconds(1'000));
  ASSERT_FALSE(stepped);
  EXPECT_EQ(stepped.error().code, hal::HalErrorCode::kNotSupported);
  // Nothing changed: the clock still reads its crystal's configured trajectory.
  ASSERT_TRUE(scheduler.run_until(at_seconds(2)));
  EXPECT_EQ(clock.now()->count,
            expected_nic_ticks(2 * kPicosecondsPerSecond, kNicPhasePs, 20, 125'000'000));
}

TEST(SimHardwareClockTest, AdjustableClockShowsAdjustmentsInItsReadings) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(kNicErrorPpm, ps(kNicPhasePs));
  SimHardwareClock clock(scheduler, crystal, SimHardwareClockConfig{1'000'000'000, true});
  EXPECT_TRUE(clock.adjustable());
  ASSERT_TRUE(scheduler.run_until(at_seconds(1)));
  const std::uint64_t at_one_second =
      expected_nic_ticks(kPicosecondsPerSecond, kNicPhasePs, 20, 1'000'000'000);
  EXPECT_EQ(clock.now()->count, at_one_second);
  // -20 ppm: (1 + 20e-6) * (1 - 20e-6) = 1 - 4e-10, so the next second lasts 1 s - 0.4 ns.
  ASSERT_TRUE(clock.adjust_frequency(hal::PartsPerBillion{-20'000}));
  ASSERT_TRUE(scheduler.run_until(at_seconds(2)));
  const double expected_error_ps = static_cast<double>(kNicPhasePs) + 20e-6 * 1e12 - 4e-10 * 1e12;
  EXPECT_NEAR(clock.true_phase_error_ps(), expected_error_ps, 1e-3);
  // 1 GHz ticks: the reading at 2 s is floor(the crystal's reading in ns).
  EXPECT_EQ(clock.now()->count,
            static_cast<std::uint64_t>(std::floor((2e12 + expected_error_ps) / 1'000.0)));
  // A step moves the reading by exactly its size.
  const std::uint64_t before_step = clock.now()->count;
  ASSERT_TRUE(clock.step(Nanoseconds(-123'456)));
  EXPECT_EQ(clock.now()->count, before_step - 123'456);
  EXPECT_NEAR(clock.true_phase_error_ps(), expected_error_ps - 123'456'000.0, 1e-3);
}

// ---- SimTimers -------------------------------------------------------------------------------

struct Fired {
  hal::TimerId id;
  SimTime at;
  hal::CounterTicks counter;
};

class RecordingTimerListener final : public hal::TimerListener {
 public:
  RecordingTimerListener(Scheduler& scheduler, SimMonotonicCounter& counter)
      : scheduler_(scheduler), counter_(counter) {}
  void on_timer(hal::TimerId id) override {
    fired.push_back(Fired{id, scheduler_.now(), counter_.now()});
    if (on_fire) on_fire(id);
  }
  std::vector<Fired> fired;
  std::function<void(hal::TimerId)> on_fire;

 private:
  Scheduler& scheduler_;
  SimMonotonicCounter& counter_;
};

struct TimerRig {
  TimerRig(double frequency_error_ppm, std::uint64_t counter_hz)
      : crystal(make_crystal(frequency_error_ppm)),
        counter(scheduler, crystal, counter_hz),
        timers(scheduler, crystal, counter),
        listener(scheduler, counter) {
    timers.set_listener(&listener);
  }
  Scheduler scheduler;
  Oscillator crystal;
  SimMonotonicCounter counter;
  SimTimers timers;
  RecordingTimerListener listener;
};

// The true time (ps) at which a noiseless zero-phase crystal of `ppm` first shows `deadline`.
double true_time_of_deadline_ps(hal::CounterTicks deadline, std::uint64_t counter_hz, double ppm) {
  const double crystal_ps = static_cast<double>(exact_first_ps_of_tick(deadline.count, counter_hz));
  return crystal_ps / (1.0 + ppm * 1e-6);
}

TEST(SimTimersTest, FiresOnceWhenTheDriftingCounterReachesTheDeadline) {
  for (const std::uint64_t counter_hz : {std::uint64_t{10'000'000}, std::uint64_t{3'579'545}}) {
    SCOPED_TRACE(counter_hz);
    TimerRig rig(+100.0, counter_hz);
    // A deadline of one counter second: 1 s / (1 + 1e-4) of true time.
    const hal::CounterTicks one_second{static_cast<std::int64_t>(counter_hz)};
    rig.timers.arm(hal::TimerId{1}, one_second);
    ASSERT_TRUE(rig.scheduler.run_until(at_ps(300'000'000'017)));
    // Armed mid-tick, on a deadline 12345 ticks from now.
    const hal::CounterTicks later{rig.counter.now().count + 12'345};
    rig.timers.arm(hal::TimerId{2}, later);
    ASSERT_TRUE(rig.scheduler.run_until(at_seconds(3)));

    ASSERT_EQ(rig.listener.fired.size(), 2U);
    const Fired& second = rig.listener.fired[0];
    const Fired& first = rig.listener.fired[1];
    EXPECT_EQ(second.id, hal::TimerId{2});
    EXPECT_EQ(first.id, hal::TimerId{1});
    for (const auto& [fired, deadline] : {std::pair{first, one_second}, std::pair{second, later}}) {
      EXPECT_GE(fired.counter, deadline);
      const double expected_ps = true_time_of_deadline_ps(deadline, counter_hz, 100.0);
      EXPECT_NEAR(static_cast<double>(fired.at.since_start().picoseconds()), expected_ps, 1.5);
    }
    EXPECT_NEAR(static_cast<double>(first.at.since_start().picoseconds()), 1e12 / 1.0001, 1.5);
  }
}

TEST(SimTimersTest, NeverFiresBeforeTheDeadlineOnANoisyCrystal) {
  Scheduler scheduler;
  OscillatorConfig config;
  config.initial_frequency_error_ppm = -30;
  config.white_fm_adev_at_1s = 1e-8;
  config.random_walk_fm_adev_at_1s = 1e-8;
  config.noise_update_interval = SimDuration::microseconds(100);
  auto crystal = Oscillator::create(config, Random(3));
  ASSERT_TRUE(crystal);
  SimMonotonicCounter counter(scheduler, *crystal, 24'000'000);
  SimTimers timers(scheduler, *crystal, counter);
  RecordingTimerListener listener(scheduler, counter);
  timers.set_listener(&listener);
  // Periodic: re-armed from inside the callback every 1.001 ms of counter time.
  constexpr std::int64_t kPeriodTicks = 24'000 + 24;
  std::vector<hal::CounterTicks> deadlines{hal::CounterTicks{kPeriodTicks}};
  listener.on_fire = [&](hal::TimerId id) {
    deadlines.push_back(hal::CounterTicks{deadlines.back().count + kPeriodTicks});
    timers.arm(id, deadlines.back());
  };
  timers.arm(hal::TimerId{7}, deadlines.back());
  ASSERT_TRUE(scheduler.run_until(at_seconds(1)));
  ASSERT_EQ(listener.fired.size(), deadlines.size() - 1);
  // As many as whole periods fit the counter's 0.99997 s.
  EXPECT_EQ(listener.fired.size(), 998U);
  for (std::size_t i = 0; i < listener.fired.size(); ++i) {
    ASSERT_GE(listener.fired[i].counter, deadlines[i]) << i;
    // ...and not late: one 41.7 ns tick of true time is far more than the noise moves it.
    ASSERT_LT(listener.fired[i].counter.count, deadlines[i].count + 1) << i;
  }
}

TEST(SimTimersTest, CancelPreventsFiring) {
  TimerRig rig(0.0, 10'000'000);
  rig.timers.arm(hal::TimerId{1}, hal::CounterTicks{1'000});
  rig.timers.arm(hal::TimerId{2}, hal::CounterTicks{2'000});
  rig.timers.cancel(hal::TimerId{1});
  rig.timers.cancel(hal::TimerId{99});  // never armed: nothing happens
  ASSERT_TRUE(rig.scheduler.run_until(at_seconds(1)));
  ASSERT_EQ(rig.listener.fired.size(), 1U);
  EXPECT_EQ(rig.listener.fired[0].id, hal::TimerId{2});
  // Cancelled from inside another timer's callback, due at the same instant.
  rig.timers.arm(hal::TimerId{3}, hal::CounterTicks{20'000'000});
  rig.timers.arm(hal::TimerId{4}, hal::CounterTicks{20'000'000});
  rig.listener.on_fire = [&](hal::TimerId id) {
    if (id == hal::TimerId{3}) rig.timers.cancel(hal::TimerId{4});
  };
  ASSERT_TRUE(rig.scheduler.run_until(at_seconds(3)));
  ASSERT_EQ(rig.listener.fired.size(), 2U);
  EXPECT_EQ(rig.listener.fired[1].id, hal::TimerId{3});
}

TEST(SimTimersTest, RearmingReplacesTheDeadline) {
  TimerRig rig(0.0, 10'000'000);
  rig.timers.arm(hal::TimerId{1}, hal::CounterTicks{5'000});
  rig.timers.arm(hal::TimerId{1}, hal::CounterTicks{8'000});  // later
  rig.timers.arm(hal::TimerId{2}, hal::CounterTicks{5'000});
  rig.timers.arm(hal::TimerId{2}, hal::CounterTicks{3'000});  // earlier
  ASSERT_TRUE(rig.scheduler.run_until(at_seconds(1)));
  ASSERT_EQ(rig.listener.fired.size(), 2U);
  EXPECT_EQ(rig.listener.fired[0].id, hal::TimerId{2});
  EXPECT_EQ(rig.listener.fired[0].at, SimTime::from_start(SimDuration::microseconds(300)));
  EXPECT_EQ(rig.listener.fired[1].id, hal::TimerId{1});
  EXPECT_EQ(rig.listener.fired[1].at, SimTime::from_start(SimDuration::microseconds(800)));
}

TEST(SimTimersTest, PastDeadlineFiresOnTheNextTurn) {
  TimerRig rig(+5.0, 10'000'000);
  ASSERT_TRUE(rig.scheduler.run_until(at_seconds(1)));
  const hal::CounterTicks past{rig.counter.now().count - 5};
  rig.timers.arm(hal::TimerId{1}, past);
  EXPECT_TRUE(rig.listener.fired.empty());             // not from inside arm()
  rig.timers.arm(hal::TimerId{2}, rig.counter.now());  // due now
  // Armed from inside an event: fires after that event, at the same instant.
  bool event_done = false;
  ASSERT_TRUE(rig.scheduler.schedule_at(at_seconds(1), [&] {
    rig.timers.arm(hal::TimerId{3}, hal::CounterTicks{0});
    EXPECT_EQ(rig.listener.fired.size(), 2U);
    event_done = true;
  }));
  ASSERT_TRUE(rig.scheduler.run_until(at_seconds(1)));
  EXPECT_TRUE(event_done);
  ASSERT_EQ(rig.listener.fired.size(), 3U);
  for (const Fired& fired : rig.listener.fired) EXPECT_EQ(fired.at, at_seconds(1));
  EXPECT_EQ(rig.listener.fired[2].id, hal::TimerId{3});
  ASSERT_TRUE(rig.scheduler.run_until(at_seconds(2)));
  EXPECT_EQ(rig.listener.fired.size(), 3U);  // each fired once
}

TEST(SimTimersTest, DestroyedTimersLeaveNoEventsBehind) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(0.0);
  SimMonotonicCounter counter(scheduler, crystal, 10'000'000);
  RecordingTimerListener listener(scheduler, counter);
  {
    SimTimers timers(scheduler, crystal, counter);
    timers.set_listener(&listener);
    timers.arm(hal::TimerId{1}, hal::CounterTicks{1'000});
    EXPECT_EQ(scheduler.pending_events(), 1U);
  }
  EXPECT_EQ(scheduler.pending_events(), 0U);
  ASSERT_TRUE(scheduler.run_until(at_seconds(1)));
  EXPECT_TRUE(listener.fired.empty());
}

}  // namespace
}  // namespace ptp::sim
