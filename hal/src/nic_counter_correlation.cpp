// NicCounterCorrelation: HAL cross-timestamps in, the core's correlation fit out.
#include "ptp/hal/nic_counter_correlation.h"

namespace ptp::hal {

Result<servo::CorrelationSampleOutcome, HalError> NicCounterCorrelation::sample() {
  const auto captured = timestamping_.capture_cross_timestamp();
  if (!captured) {
    ++counters_.capture_failures;
    return unexpected(captured.error());
  }
  ++counters_.samples;
  const CrossTimestamp& cross = captured.value();
  return correlation_.add(
      servo::CrossTimestampSample{servo::CounterTicksReading{cross.counter_before.count},
                                  servo::HardwareClockTicks{cross.hardware.count},
                                  servo::CounterTicksReading{cross.counter_after.count}});
}

std::optional<PreciseCounterTicks> NicCounterCorrelation::to_counter(NicTicks ticks) {
  const auto estimate = correlation_.to_counter_ticks(servo::HardwareClockTicks{ticks.count});
  if (!estimate) {
    ++counters_.conversion_failures;
    return std::nullopt;
  }
  ++counters_.conversions;
  return PreciseCounterTicks{CounterTicks{estimate->whole}, estimate->fraction};
}

}  // namespace ptp::hal
