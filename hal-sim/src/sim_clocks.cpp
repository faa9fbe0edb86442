// The simulated counter, system clock and NIC clock over their crystals (see sim_clocks.h).
#include "ptp/sim/sim_clocks.h"

#include <cmath>

namespace ptp::sim {

namespace {

constexpr std::int64_t kPicosecondsPerSecond = 1'000'000'000'000;
constexpr std::int64_t kMillion = 1'000'000;

struct TickCount {
  std::int64_t whole;
  bool exact;
};

// floor(ps * f / 1e12) for ps >= 0, split so that no intermediate exceeds ~1e16.
TickCount ticks_in_non_negative(std::int64_t ps, std::int64_t f) {
  const std::int64_t seconds = ps / kPicosecondsPerSecond;
  const std::int64_t rest = ps % kPicosecondsPerSecond;  // < 1e12
  const std::int64_t high = (rest / kMillion) * f;       // < 1e6 * f
  const std::int64_t low = (rest % kMillion) * f;        // < 1e6 * f
  const std::int64_t high_whole = high / kMillion;
  const std::int64_t remainder = (high % kMillion) * kMillion + low;  // < 1e12 + 1e6 * f
  return TickCount{seconds * f + high_whole + remainder / kPicosecondsPerSecond,
                   remainder % kPicosecondsPerSecond == 0};
}

}  // namespace

std::int64_t ticks_in(SimDuration span, std::uint64_t frequency_hz) {
  const auto f = static_cast<std::int64_t>(frequency_hz);
  const std::int64_t ps = span.picoseconds();
  if (ps >= 0) return ticks_in_non_negative(ps, f).whole;
  const TickCount magnitude = ticks_in_non_negative(-ps, f);
  return -(magnitude.whole + (magnitude.exact ? 0 : 1));
}

SimDuration span_of_ticks(std::int64_t ticks, std::uint64_t frequency_hz) {
  const auto f = static_cast<std::int64_t>(frequency_hz);
  const bool negative = ticks < 0;
  const std::int64_t magnitude = negative ? -ticks : ticks;
  const std::int64_t seconds = magnitude / f;
  const std::int64_t rest = magnitude % f;  // < f
  // rest * 1e12 / f = (rest * 1e6 / f) * 1e6 + ((rest * 1e6) % f) * 1e6 / f
  const std::int64_t scaled = rest * kMillion;
  const std::int64_t below_microsecond = (scaled % f) * kMillion;
  const std::int64_t floor_ps =
      seconds * kPicosecondsPerSecond + (scaled / f) * kMillion + below_microsecond / f;
  const bool whole = below_microsecond % f == 0;
  // Rounded up (ceil(-x) = -floor(x)), so that the clock shows `ticks` from that picosecond on,
  // not from one picosecond after it: ticks_in(span_of_ticks(t)) == t.
  return SimDuration::picoseconds(negative ? -floor_ps : floor_ps + (whole ? 0 : 1));
}

SimMonotonicCounter::SimMonotonicCounter(Scheduler& scheduler, Oscillator& host_crystal,
                                         std::uint64_t frequency_hz)
    : scheduler_(scheduler), crystal_(host_crystal), frequency_hz_(frequency_hz) {}

hal::CounterTicks SimMonotonicCounter::now() {
  // The crystal is only ever read at the scheduler's now(), which never decreases.
  const auto reading = crystal_.reading(scheduler_.now());
  return ticks_at_reading(reading ? *reading : SimDuration());
}

hal::CounterTicks SimMonotonicCounter::ticks_at_reading(SimDuration crystal_reading) const {
  return hal::CounterTicks{ticks_in(crystal_reading, frequency_hz_)};
}

SimDuration SimMonotonicCounter::reading_at_ticks(hal::CounterTicks ticks) const {
  return span_of_ticks(ticks.count, frequency_hz_);
}

SimSystemClock::SimSystemClock(Scheduler& scheduler, Oscillator& host_crystal,
                               const SimMonotonicCounter& counter,
                               const SimSystemClockConfig& config)
    : scheduler_(scheduler),
      crystal_(host_crystal),
      counter_(counter),
      config_(config),
      anchor_time_{config.time_at_crystal_zero.since_epoch.count(), 0.0} {}

SimSystemClock::PreciseTime SimSystemClock::at_reading(SimDuration crystal_reading) const {
  const std::int64_t elapsed_ps = (crystal_reading - anchor_reading_).picoseconds();
  std::int64_t whole = anchor_time_.nanoseconds + elapsed_ps / 1000;
  double fraction = anchor_time_.fraction_ns + static_cast<double>(elapsed_ps % 1000) / 1000.0 +
                    static_cast<double>(elapsed_ps) * adjustment_ / 1000.0;
  const double carry = std::floor(fraction);
  whole += static_cast<std::int64_t>(carry);
  fraction -= carry;
  return PreciseTime{whole, fraction};
}

Result<SimDuration, hal::HalError> SimSystemClock::crystal_reading_now() {
  const auto reading = crystal_.reading(scheduler_.now());
  if (!reading) return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  return *reading;
}

Result<hal::SystemTime, hal::HalError> SimSystemClock::now() {
  const auto reading = crystal_reading_now();
  if (!reading) return unexpected(reading.error());
  // Read through the counter, as Windows' GetSystemTimePreciseAsFileTime reads QPC: a reading
  // then agrees to the nanosecond with at_counter() of a counter value taken at the same time.
  const SimDuration counter_reading =
      counter_.reading_at_ticks(counter_.ticks_at_reading(*reading));
  return hal::SystemTime{Nanoseconds(at_reading(counter_reading).nanoseconds)};
}

Result<hal::SystemTime, hal::HalError> SimSystemClock::at_counter(hal::CounterTicks counter) {
  return hal::SystemTime{Nanoseconds(at_reading(counter_.reading_at_ticks(counter)).nanoseconds)};
}

Result<void, hal::HalError> SimSystemClock::adjust_frequency(hal::PartsPerBillion adjustment) {
  if (!std::isfinite(adjustment.value) ||
      std::fabs(adjustment.value) > config_.max_frequency_adjustment.value) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  const auto reading = crystal_reading_now();
  if (!reading) return unexpected(reading.error());
  anchor_time_ = at_reading(*reading);
  anchor_reading_ = *reading;
  adjustment_ = adjustment.value * 1e-9;
  return {};
}

Result<hal::PartsPerBillion, hal::HalError> SimSystemClock::frequency_adjustment() {
  return hal::PartsPerBillion{adjustment_ * 1e9};
}

Result<Nanoseconds, hal::HalError> SimSystemClock::step(Nanoseconds offset) {
  anchor_time_.nanoseconds += offset.count();
  return offset;
}

double SimSystemClock::true_offset_ns() {
  const SimTime now = scheduler_.now();
  const auto reading = crystal_.reading(now);
  if (!reading) return std::nan("");
  const PreciseTime system = at_reading(*reading);
  const SimDuration since_start = now.since_start();
  const std::int64_t true_whole =
      config_.time_at_crystal_zero.since_epoch.count() + since_start.picoseconds() / 1000;
  const double true_fraction = static_cast<double>(since_start.picoseconds() % 1000) / 1000.0;
  return static_cast<double>(system.nanoseconds - true_whole) +
         (system.fraction_ns - true_fraction);
}

SimHardwareClock::SimHardwareClock(Scheduler& scheduler, Oscillator& nic_crystal,
                                   const SimHardwareClockConfig& config)
    : scheduler_(scheduler), crystal_(nic_crystal), config_(config) {}

hal::NicTicks SimHardwareClock::ticks_at_reading(SimDuration crystal_reading) const {
  const std::int64_t ticks = ticks_in(crystal_reading, config_.frequency_hz);
  // A free-running NIC counter does not go below zero; configure a positive initial phase.
  return hal::NicTicks{static_cast<std::uint64_t>(ticks < 0 ? 0 : ticks)};
}

Result<hal::NicTicks, hal::HalError> SimHardwareClock::now() {
  const auto reading = crystal_.reading(scheduler_.now());
  if (!reading) return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  return ticks_at_reading(*reading);
}

Result<void, hal::HalError> SimHardwareClock::adjust_frequency(hal::PartsPerBillion adjustment) {
  if (!config_.adjustable) return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
  if (!crystal_.adjust_frequency(scheduler_.now(), adjustment.value)) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  return {};
}

Result<Nanoseconds, hal::HalError> SimHardwareClock::step(Nanoseconds offset) {
  if (!config_.adjustable) return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
  if (!crystal_.step(scheduler_.now(), SimDuration::nanoseconds(offset.count()))) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  return offset;
}

double SimHardwareClock::true_phase_error_ps() {
  const auto error = crystal_.phase_error_ps(scheduler_.now());
  return error ? *error : std::nan("");
}

}  // namespace ptp::sim
