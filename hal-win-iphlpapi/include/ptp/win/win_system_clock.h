// WinSystemClock: the Windows system clock as hal::SystemClock. Reads with
// GetSystemTimePreciseAsFileTime; maps counter readings to system time through a SystemTimeMap fed
// by QPC/system-time reads (finer than FILETIME's 100 ns); disciplines the frequency with
// SetSystemTimeAdjustmentPrecise (kernelbase.dll, Windows 10+) or the legacy
// SetSystemTimeAdjustment where the precise pair is missing; steps with SetSystemTime. Changing the
// clock needs SE_SYSTEMTIME_NAME: without it adjust/step fail with kPermissionDenied (and say so
// once in the log), they never abort. A running Windows Time service, which would fight the
// adjustments, is reported once in the log at the first change. The adjustment found at the first
// change is restored on destruction. Read-only mode never touches the clock (free-running, tests).
#pragma once

#include <cstdint>
#include <optional>

#include "ptp/hal/clocks.h"
#include "ptp/win/frequency_dither.h"
#include "ptp/win/loop_hooks.h"
#include "ptp/win/system_time_map.h"
#include "ptp/win/win_api.h"

namespace ptp::win {

struct WinSystemClockConfig {
  bool read_only = false;
  double max_frequency_adjustment_ppb = 500'000;  // 500 ppm, like ptp4l's usual system clock
  int correlation_samples = 3;  // QPC/system-time reads taken by at_counter; the narrowest counts
};

class WinSystemClock final : public hal::SystemClock {
 public:
  // Unless read-only, enables SE_SYSTEMTIME_NAME (a failure is remembered and logged, not fatal).
  WinSystemClock(const WinApi& api, const WinSystemClockConfig& config, LogSink log);
  // Restores the adjustment found before our first change.
  ~WinSystemClock() override;
  WinSystemClock(const WinSystemClock&) = delete;
  WinSystemClock& operator=(const WinSystemClock&) = delete;
  WinSystemClock(WinSystemClock&&) = delete;
  WinSystemClock& operator=(WinSystemClock&&) = delete;

  Result<hal::SystemTime, hal::HalError> now() override;
  Result<hal::SystemTime, hal::HalError> at_counter(hal::CounterTicks counter) override;
  Result<void, hal::HalError> adjust_frequency(hal::PartsPerBillion adjustment) override;
  Result<hal::PartsPerBillion, hal::HalError> frequency_adjustment() override;
  // SetSystemTime has millisecond resolution: the clock is set to the millisecond nearest the
  // target, and the step returned is the one that landed (measured with QPC around the call).
  Result<Nanoseconds, hal::HalError> step(Nanoseconds offset) override;
  [[nodiscard]] hal::PartsPerBillion max_frequency_adjustment() const override {
    return hal::PartsPerBillion{config_.max_frequency_adjustment_ppb};
  }

  // The smallest frequency change the OS can make (1e9 / increment), once known.
  [[nodiscard]] std::optional<double> frequency_resolution_ppb() const;
  // Whether the precise (kernelbase) adjustment pair is in use.
  [[nodiscard]] bool precise_adjustment() const;

 private:
  struct Adjustment {
    std::uint64_t adjustment = 0;
    std::uint64_t increment = 0;
    bool disabled = true;
  };
  static double rate_of(const Adjustment& adjustment);
  Result<Adjustment, hal::HalError> read_adjustment() const;
  void follow_adjustment();
  Result<void, hal::HalError> write_adjustment(std::uint64_t adjustment, bool disabled);
  Result<void, hal::HalError> check_may_change();
  [[nodiscard]] Nanoseconds applied_step(std::int64_t set_ns, Nanoseconds read,
                                         std::int64_t read_qpc, std::int64_t set_qpc_before,
                                         std::int64_t set_qpc_after) const;
  void warn_if_w32time_runs();
  hal::HalError last_error() const;

  const WinApi& api_;
  WinSystemClockConfig config_;
  LogSink log_;
  DWORD privilege_ = NO_ERROR;
  bool privilege_logged_ = false;
  bool w32time_checked_ = false;
  std::optional<Adjustment> original_;
  std::optional<std::uint64_t> increment_;
  // QPC -> system time finer than FILETIME's 100 ns, built at the first conversion (QPF).
  std::optional<SystemTimeMap> map_;
  FrequencyDither dither_;  // whole adjustment units, right on average
  std::int64_t map_frequency_hz_ = 0;
};

// FILETIME (100 ns since 1601-01-01 UTC) <-> ns since the Unix epoch.
hal::SystemTime system_time_from_file_time(std::uint64_t file_time);
std::uint64_t file_time_from_system_time(hal::SystemTime time);  // rounds down to 100 ns

}  // namespace ptp::win
