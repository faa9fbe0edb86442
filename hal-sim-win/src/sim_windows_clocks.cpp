// SimWindows' clocks: QPC from the host's counter, the system clock read and set through the
// kernel32/kernelbase calls with Windows' units, and w32time disciplining it on its own.
#include <chrono>
#include <cmath>
#include <limits>

#include "ptp/sim_win/sim_windows.h"
#include "ptp/win/win_system_clock.h"
#include "sim_windows_state.h"

namespace ptp::simwin {

namespace {

// SYSTEMTIME (UTC) to ns since the Unix epoch; nullopt for a field out of range.
std::optional<std::int64_t> unix_ns_of(const SYSTEMTIME& time) {
  using namespace std::chrono;
  const year_month_day date{year{time.wYear}, month{time.wMonth}, day{time.wDay}};
  if (!date.ok() || time.wYear < 1601 || time.wHour > 23 || time.wMinute > 59 ||
      time.wSecond > 59 || time.wMilliseconds > 999) {
    return std::nullopt;
  }
  const sys_days days{date};
  const auto point = days + hours{time.wHour} + minutes{time.wMinute} + seconds{time.wSecond} +
                     milliseconds{time.wMilliseconds};
  return duration_cast<nanoseconds>(point.time_since_epoch()).count();
}

}  // namespace

bool SimWindows::State::apply_adjustment(std::uint64_t new_adjustment, bool new_disabled) {
  // WT:75 "adjustment is added at each clock update" of `increment` (100 ns units): the clock
  // runs at adjustment / increment of its own rate. Disabled: the nominal rate (the system's own
  // mechanism; w32time, when running, sets its adjustment at its next poll).
  const auto increment = static_cast<double>(config.time_increment_100ns);
  const double ppb =
      new_disabled ? 0.0 : (static_cast<double>(new_adjustment) - increment) * 1e9 / increment;
  if (!host.system_clock().adjust_frequency(hal::PartsPerBillion{ppb})) return false;
  adjustment = new_disabled ? config.time_increment_100ns : new_adjustment;
  disabled = new_disabled;
  return true;
}

void SimWindows::State::w32time_poll() {
  // WT:78 a running w32time fights the application's adjustments: at each poll it measures the
  // clock against its source and slews that offset away over one poll with its own adjustment.
  const SimW32TimeConfig& w32 = config.w32time;
  const double noise_ns =
      random.normal() * static_cast<double>(w32.source_noise.picoseconds()) / 1000.0;
  const double measured_ns = host.system_clock().true_offset_ns() + noise_ns;
  const double poll_ns = static_cast<double>(w32.poll_interval.picoseconds()) / 1000.0;
  double ppm = -measured_ns / poll_ns * 1e6;
  ppm = std::fmax(-w32.max_slew_ppm, std::fmin(w32.max_slew_ppm, ppm));
  const auto increment = static_cast<double>(config.time_increment_100ns);
  const auto value = static_cast<std::uint64_t>(std::llround(increment * (1.0 + ppm * 1e-6)));
  if (apply_adjustment(value, false)) ++counters.w32time_adjustments;
  defer(w32.poll_interval, [this] { w32time_poll(); });
}

void SimWindows::install_clocks() {
  State* s = state_.get();
  // WT:74 QPC, the base of software and cross timestamps: the host's counter (10 MHz).
  api_.query_performance_counter = [s] { return s->host.counter().now().count; };
  api_.query_performance_frequency = [s] {
    return static_cast<std::int64_t>(s->host.counter().frequency_hz());
  };
  // WT:74, WT:83 GetSystemTimePreciseAsFileTime: the simulated system clock (which reads the
  // counter, as Windows interpolates with QPC), in 100 ns since 1601.
  api_.get_system_time_precise_as_file_time = [s]() -> std::uint64_t {
    const auto now = s->host.system_clock().now();
    return now ? win::file_time_from_system_time(*now) : 0;
  };
  api_.get_last_error = [s] { return s->last_error; };
  // WT:77 AdjustTokenPrivileges: ERROR_NOT_ALL_ASSIGNED when the account lacks the privilege.
  api_.enable_system_time_privilege = [s] { return s->config.system_time_privilege; };
  api_.w32time_running = [s]() -> std::optional<bool> { return s->config.w32time.running; };

  const auto may_set = [s] {
    if (s->config.system_time_privilege == NO_ERROR) return true;
    s->last_error = ERROR_PRIVILEGE_NOT_HELD;  // WT:77 both setters need SE_SYSTEMTIME_NAME
    return false;
  };
  const auto set = [s, may_set](std::uint64_t adjustment, bool disabled) -> BOOL {
    if (!may_set()) return FALSE;
    if ((!disabled && adjustment == 0) || !s->apply_adjustment(adjustment, disabled)) {
      s->last_error = ERROR_INVALID_PARAMETER;
      return FALSE;
    }
    ++s->counters.adjustments_set;
    return TRUE;
  };
  // WT:75 the legacy pair in 100 ns units (kernel32, always there).
  api_.get_system_time_adjustment = [s](DWORD* adjustment, DWORD* increment, BOOL* disabled) {
    *adjustment = static_cast<DWORD>(s->adjustment);
    *increment = static_cast<DWORD>(s->config.time_increment_100ns);
    *disabled = s->disabled ? TRUE : FALSE;
    return TRUE;
  };
  api_.set_system_time_adjustment = [set](DWORD adjustment, BOOL disabled) {
    return set(adjustment, disabled != FALSE);
  };
  // WT:75 the precise pair, kernelbase.dll, Windows 10+: absent under Wine (WT:83).
  if (config_.precise_adjustment_api) {
    api_.get_system_time_adjustment_precise = [s](DWORD64* adjustment, DWORD64* increment,
                                                  BOOL* disabled) {
      *adjustment = s->adjustment;
      *increment = s->config.time_increment_100ns;
      *disabled = s->disabled ? TRUE : FALSE;
      return TRUE;
    };
    api_.set_system_time_adjustment_precise = [set](DWORD64 adjustment, BOOL disabled) {
      return set(adjustment, disabled != FALSE);
    };
  }
  // WT:76 SetSystemTime: UTC with millisecond resolution; the clock reads exactly that time now.
  api_.set_system_time = [s, may_set](const SYSTEMTIME* time) -> BOOL {
    if (!may_set()) return FALSE;
    const auto target = time != nullptr ? unix_ns_of(*time) : std::nullopt;
    const auto now = s->host.system_clock().now();
    if (!target || !now) {
      s->last_error = ERROR_INVALID_PARAMETER;
      return FALSE;
    }
    (void)s->host.system_clock().step(Nanoseconds(*target - now->since_epoch.count()));
    ++s->counters.system_time_sets;
    return TRUE;
  };
}

}  // namespace ptp::simwin
