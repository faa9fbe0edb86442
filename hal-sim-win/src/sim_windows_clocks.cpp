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

bool SimWindows::State::apply_adjustment(std::uint64_t new_adjustment, std::uint64_t increment,
                                         bool new_disabled) {
  // WT:75 "adjustment is added at each clock update" in place of `increment`: the clock runs at
  // adjustment / increment of its own rate. Disabled: the nominal rate (the system's own
  // mechanism; w32time, when running, sets its adjustment at its next poll).
  const auto nominal = static_cast<double>(increment);
  const double ppb =
      new_disabled ? 0.0 : (static_cast<double>(new_adjustment) - nominal) * 1e9 / nominal;
  if (!host.system_clock().adjust_frequency(hal::PartsPerBillion{ppb})) return false;
  adjustment_ppb = ppb;
  disabled = new_disabled;
  return true;
}

std::uint64_t SimWindows::State::adjustment_in(std::uint64_t increment) const {
  if (disabled) return increment;
  const auto nominal = static_cast<double>(increment);
  return static_cast<std::uint64_t>(std::llround(nominal * (1.0 + adjustment_ppb * 1e-9)));
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
  // w32time sets its slew through the legacy pair (100 ns units).
  const std::uint64_t increment = config.legacy_time_increment_100ns;
  const auto value =
      static_cast<std::uint64_t>(std::llround(static_cast<double>(increment) * (1.0 + ppm * 1e-6)));
  if (apply_adjustment(value, increment, false)) ++counters.w32time_adjustments;
  defer(w32.poll_interval, [this] { w32time_poll(); });
  if (w32.update_interval <= sim::SimDuration()) return;
  // WT:78 the fight, at every clock update: the slew chosen at this poll is set again until the
  // next poll, over whatever the application set in between.
  for (sim::SimDuration after = w32.update_interval; after < w32.poll_interval;
       after = after + w32.update_interval) {
    defer(after, [this, value, increment] {
      if (apply_adjustment(value, increment, false)) ++counters.w32time_adjustments;
    });
  }
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
  const auto set = [s, may_set](std::uint64_t adjustment, std::uint64_t increment,
                                bool disabled) -> BOOL {
    if (!may_set()) return FALSE;
    if ((!disabled && adjustment == 0) || !s->apply_adjustment(adjustment, increment, disabled)) {
      s->last_error = ERROR_INVALID_PARAMETER;
      return FALSE;
    }
    ++s->counters.adjustments_set;
    return TRUE;
  };
  // WT:75 the legacy pair in 100 ns units per 15.625 ms update (kernel32, always there; WT:83
  // Wine reports 156250/156250): one unit is 6.4 ppm.
  api_.get_system_time_adjustment = [s](DWORD* adjustment, DWORD* increment, BOOL* disabled) {
    *adjustment = static_cast<DWORD>(s->adjustment_in(s->config.legacy_time_increment_100ns));
    *increment = static_cast<DWORD>(s->config.legacy_time_increment_100ns);
    *disabled = s->disabled ? TRUE : FALSE;
    return TRUE;
  };
  api_.set_system_time_adjustment = [s, set](DWORD adjustment, BOOL disabled) {
    return set(adjustment, s->config.legacy_time_increment_100ns, disabled != FALSE);
  };
  // WT:75 the precise pair, kernelbase.dll, Windows 10+: absent under Wine (WT:83). Its units
  // follow Microsoft's sample (WT:75): +n ppm is +n x QPF / 1e6 units on the adjustment, so the
  // increment is the counter's frequency and one unit is 1 / QPF of the rate (0.1 ppm at 10 MHz).
  if (config_.precise_adjustment_api) {
    api_.get_system_time_adjustment_precise = [s](DWORD64* adjustment, DWORD64* increment,
                                                  BOOL* disabled) {
      *adjustment = s->adjustment_in(s->precise_increment());
      *increment = s->precise_increment();
      *disabled = s->disabled ? TRUE : FALSE;
      return TRUE;
    };
    api_.set_system_time_adjustment_precise = [s, set](DWORD64 adjustment, BOOL disabled) {
      return set(adjustment, s->precise_increment(), disabled != FALSE);
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
