// The Windows clocks behind the HAL's clock interfaces: QueryPerformanceCounter as the monotonic
// counter, the NIC's clock as read through cross-timestamps (read-only), and the system clock
// (win_system_clock.h).
#pragma once

#include <cstdint>

#include "ptp/hal/clocks.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_timestamping.h"

namespace ptp::win {

class WinMonotonicCounter final : public hal::MonotonicCounter {
 public:
  explicit WinMonotonicCounter(const WinApi& api);
  hal::CounterTicks now() override { return hal::CounterTicks{api_.query_performance_counter()}; }
  [[nodiscard]] std::uint64_t frequency_hz() const override { return frequency_hz_; }

 private:
  const WinApi& api_;
  std::uint64_t frequency_hz_;
};

// Windows exposes no direct read of a NIC clock: a cross-timestamp's middle reading is the
// closest thing, so now() captures one. Not adjustable (the system clock is disciplined instead).
class WinHardwareClock final : public hal::HardwareClock {
 public:
  explicit WinHardwareClock(WinTimestampingInterface& timestamping) : timestamping_(timestamping) {}
  Result<hal::NicTicks, hal::HalError> now() override;
  // The active capabilities' nominal frequency; 0 when unknown.
  [[nodiscard]] std::uint64_t frequency_hz() const override;
  [[nodiscard]] bool adjustable() const override { return false; }
  Result<void, hal::HalError> adjust_frequency(hal::PartsPerBillion) override;
  Result<Nanoseconds, hal::HalError> step(Nanoseconds) override;

 private:
  WinTimestampingInterface& timestamping_;
};

}  // namespace ptp::win
