// A simulated host's clocks, as on Windows: one crystal drives the monotonic counter (QPC:
// free-running, never adjusted) and, through the OS's adjustment, the system clock that an
// ordinary clock disciplines; the NIC has a crystal of its own for its hardware clock. Every
// reading is taken at the scheduler's now(), and the simulation can read each clock's true error.
#pragma once

#include <cstdint>

#include "ptp/hal/clocks.h"
#include "ptp/sim/oscillator.h"
#include "ptp/sim/scheduler.h"

namespace ptp::sim {

// The counter: ticks of the host crystal's reading at a nominal frequency.
class SimMonotonicCounter final : public hal::MonotonicCounter {
 public:
  // `host_crystal` must outlive the counter; the counter reads zero at crystal reading zero.
  SimMonotonicCounter(Scheduler& scheduler, Oscillator& host_crystal, std::uint64_t frequency_hz);

  hal::CounterTicks now() override;
  [[nodiscard]] std::uint64_t frequency_hz() const override { return frequency_hz_; }

  // Conversions between counter ticks and the crystal's reading, in picoseconds:
  // reading_at_ticks gives the first reading at which the counter shows `ticks`.
  [[nodiscard]] hal::CounterTicks ticks_at_reading(SimDuration crystal_reading) const;
  [[nodiscard]] SimDuration reading_at_ticks(hal::CounterTicks ticks) const;

 private:
  Scheduler& scheduler_;
  Oscillator& crystal_;
  std::uint64_t frequency_hz_;
};

struct SimSystemClockConfig {
  // The system time when the host crystal reads zero (nanoseconds since the Unix epoch).
  hal::SystemTime time_at_crystal_zero{Nanoseconds(1'764'000'000'000'000'000)};
  hal::PartsPerBillion max_frequency_adjustment{500'000};  // as ptp4l's default max_frequency
};

// The system clock: the crystal's reading scaled by the OS frequency adjustment, plus steps.
// Adjustments are absolute (relative to the crystal's nominal rate), like SetSystemTimeAdjustment.
// now() reads the crystal through the counter (whole counter ticks), as Windows does, so that
// now() == at_counter(counter.now()); true_offset_ns() is the unquantized mapping's error.
class SimSystemClock final : public hal::SystemClock {
 public:
  SimSystemClock(Scheduler& scheduler, Oscillator& host_crystal, const SimMonotonicCounter& counter,
                 const SimSystemClockConfig& config);

  Result<hal::SystemTime, hal::HalError> now() override;
  Result<hal::SystemTime, hal::HalError> at_counter(hal::CounterTicks counter) override;
  Result<void, hal::HalError> adjust_frequency(hal::PartsPerBillion adjustment) override;
  Result<hal::PartsPerBillion, hal::HalError> frequency_adjustment() override;
  Result<Nanoseconds, hal::HalError> step(Nanoseconds offset) override;
  [[nodiscard]] hal::PartsPerBillion max_frequency_adjustment() const override {
    return config_.max_frequency_adjustment;
  }

  // Ground truth: system time minus true time at the scheduler's now(), in nanoseconds (double:
  // sub-nanosecond errors are what accuracy figures are made of). True time is the system
  // clock's timescale: time_at_crystal_zero + SimTime.
  [[nodiscard]] double true_offset_ns();

 private:
  // System time, in (whole ns, fraction) since the epoch, at a given crystal reading.
  struct PreciseTime {
    std::int64_t nanoseconds;
    double fraction_ns;
  };
  [[nodiscard]] PreciseTime at_reading(SimDuration crystal_reading) const;
  Result<SimDuration, hal::HalError> crystal_reading_now();

  Scheduler& scheduler_;
  Oscillator& crystal_;
  const SimMonotonicCounter& counter_;
  SimSystemClockConfig config_;
  // The mapping is re-anchored at every adjustment, so that the scaled span stays short.
  SimDuration anchor_reading_;
  PreciseTime anchor_time_;
  double adjustment_ = 0;  // fractional
};

struct SimHardwareClockConfig {
  std::uint64_t frequency_hz = 1'000'000'000;  // a Linux PHC counts nanoseconds
  bool adjustable = false;                     // Windows NIC clocks are not
};

// The NIC's clock: its own crystal's reading in ticks of the nominal frequency. When adjustable,
// frequency adjustments and steps act on that crystal.
class SimHardwareClock final : public hal::HardwareClock {
 public:
  SimHardwareClock(Scheduler& scheduler, Oscillator& nic_crystal,
                   const SimHardwareClockConfig& config);

  Result<hal::NicTicks, hal::HalError> now() override;
  [[nodiscard]] std::uint64_t frequency_hz() const override { return config_.frequency_hz; }
  [[nodiscard]] bool adjustable() const override { return config_.adjustable; }
  Result<void, hal::HalError> adjust_frequency(hal::PartsPerBillion adjustment) override;
  Result<Nanoseconds, hal::HalError> step(Nanoseconds offset) override;

  // The clock's ticks at a crystal reading (quantized: a timestamp is a whole tick).
  [[nodiscard]] hal::NicTicks ticks_at_reading(SimDuration crystal_reading) const;
  // Ground truth: the crystal's reading minus true time at now(), in picoseconds.
  [[nodiscard]] double true_phase_error_ps();

 private:
  Scheduler& scheduler_;
  Oscillator& crystal_;
  SimHardwareClockConfig config_;
};

// Whole ticks of a clock of `frequency_hz` in `span`, rounded toward negative infinity (what a
// clock reading zero at zero shows after `span`), without overflow for spans of days at GHz rates.
std::int64_t ticks_in(SimDuration span, std::uint64_t frequency_hz);
// The span of `ticks` ticks rounded up to a picosecond: the first instant at which such a clock
// shows `ticks`, so that ticks_in(span_of_ticks(t)) == t.
SimDuration span_of_ticks(std::int64_t ticks, std::uint64_t frequency_hz);

}  // namespace ptp::sim
