// QPC as the monotonic counter; the NIC clock read through cross-timestamps.
#include "ptp/win/win_clocks.h"

namespace ptp::win {

WinMonotonicCounter::WinMonotonicCounter(const WinApi& api)
    : api_(api), frequency_hz_(static_cast<std::uint64_t>(api.query_performance_frequency())) {}

Result<hal::NicTicks, hal::HalError> WinHardwareClock::now() {
  const auto sample = timestamping_.capture_cross_timestamp();
  if (!sample) return unexpected(sample.error());
  return sample->hardware;
}

std::uint64_t WinHardwareClock::frequency_hz() const {
  const auto caps = timestamping_.capabilities();
  return caps ? caps->active.hardware_clock_frequency_hz : 0;
}

Result<void, hal::HalError> WinHardwareClock::adjust_frequency(hal::PartsPerBillion) {
  return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
}

Result<Nanoseconds, hal::HalError> WinHardwareClock::step(Nanoseconds) {
  return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
}

}  // namespace ptp::win
