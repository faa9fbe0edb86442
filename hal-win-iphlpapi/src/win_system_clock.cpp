// The Windows system clock: read, map from QPC, frequency discipline and steps.
#include "ptp/win/win_system_clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

namespace ptp::win {

namespace {

// 1601-01-01 to 1970-01-01 in 100 ns units.
constexpr std::uint64_t kUnixEpochAsFileTime = 116'444'736'000'000'000ULL;

// SetSystemTime takes milliseconds: the nearest one, in ns since the Unix epoch.
std::int64_t nearest_millisecond_ns(Nanoseconds since_epoch) {
  const std::int64_t ns = since_epoch.count();
  return (ns + (ns >= 0 ? 500'000 : -500'000)) / 1'000'000 * 1'000'000;
}

Result<SYSTEMTIME, hal::HalError> to_system_time(std::int64_t whole_ms_ns) {
  using namespace std::chrono;
  const std::int64_t ms = whole_ms_ns / 1'000'000;
  const sys_time<milliseconds> point{milliseconds{ms}};
  const sys_days day = floor<days>(point);
  const year_month_day date{day};
  const hh_mm_ss clock{point - day};
  if (date.year() < year{1601} || date.year() > year{30827}) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  SYSTEMTIME out{};
  out.wYear = static_cast<WORD>(static_cast<int>(date.year()));
  out.wMonth = static_cast<WORD>(static_cast<unsigned>(date.month()));
  out.wDay = static_cast<WORD>(static_cast<unsigned>(date.day()));
  out.wDayOfWeek = static_cast<WORD>(weekday{day}.c_encoding());
  out.wHour = static_cast<WORD>(clock.hours().count());
  out.wMinute = static_cast<WORD>(clock.minutes().count());
  out.wSecond = static_cast<WORD>(clock.seconds().count());
  out.wMilliseconds = static_cast<WORD>(clock.subseconds().count());
  return out;
}

}  // namespace

hal::SystemTime system_time_from_file_time(std::uint64_t file_time) {
  const auto delta = static_cast<std::int64_t>(file_time - kUnixEpochAsFileTime);
  return hal::SystemTime{Nanoseconds(delta * 100)};
}

std::uint64_t file_time_from_system_time(hal::SystemTime time) {
  // 2^63 ns is 292 years: every SystemTime lies after 1601, FILETIME's epoch.
  const std::int64_t ns = time.since_epoch.count();
  std::int64_t units = ns / 100;
  if (ns % 100 < 0) --units;  // floor, also for times before 1970
  return static_cast<std::uint64_t>(units) + kUnixEpochAsFileTime;
}

WinSystemClock::WinSystemClock(const WinApi& api, const WinSystemClockConfig& config, LogSink log)
    : api_(api), config_(config), log_(std::move(log)) {
  if (!config_.read_only) privilege_ = api_.enable_system_time_privilege();
}

WinSystemClock::~WinSystemClock() {
  if (original_) {
    // Best effort: nothing to report to at this point.
    (void)write_adjustment(original_->adjustment, original_->disabled);
  }
}

hal::HalError WinSystemClock::last_error() const {
  const DWORD code = api_.get_last_error();
  return hal::HalError{code == ERROR_PRIVILEGE_NOT_HELD || code == ERROR_ACCESS_DENIED
                           ? hal::HalErrorCode::kPermissionDenied
                           : hal::HalErrorCode::kOsError,
                       code};
}

Result<hal::SystemTime, hal::HalError> WinSystemClock::now() {
  return system_time_from_file_time(api_.get_system_time_precise_as_file_time());
}

Result<hal::SystemTime, hal::HalError> WinSystemClock::at_counter(hal::CounterTicks counter) {
  const std::int64_t frequency = api_.query_performance_frequency();
  if (frequency <= 0) return unexpected(hal::HalError{hal::HalErrorCode::kOsError, 0});
  if (!map_ || map_frequency_hz_ != frequency) {
    map_.emplace(frequency);
    map_frequency_hz_ = frequency;
  }
  follow_adjustment();
  // The pair whose QPC readings bracket the system-time read most tightly bounds the map best.
  std::optional<SystemTimeRead> best;
  for (int i = 0; i < std::max(1, config_.correlation_samples); ++i) {
    const std::int64_t before = api_.query_performance_counter();
    const std::uint64_t file_time = api_.get_system_time_precise_as_file_time();
    const std::int64_t after = api_.query_performance_counter();
    if (!best || after - before < best->qpc_after - best->qpc_before) {
      best = SystemTimeRead{before, system_time_from_file_time(file_time), after};
    }
  }
  map_->add(*best);
  const auto time = map_->at(counter.count);
  if (!time) return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  return *time;
}

double WinSystemClock::rate_of(const Adjustment& adjustment) {
  if (adjustment.disabled) return 1.0;  // the OS's own discipline: nominal as far as we know
  return static_cast<double>(adjustment.adjustment) / static_cast<double>(adjustment.increment);
}

void WinSystemClock::follow_adjustment() {
  // Someone else (w32time, an administrator) may have changed the adjustment since we last set
  // or read it; the moment is unknown, so the reads taken before no longer bound the line.
  const auto current = read_adjustment();
  if (!current) return;
  const double rate = rate_of(*current);
  if (rate == map_->rate()) return;
  map_->set_rate(api_.query_performance_counter(), rate);
  map_->forget_reads();
  dither_.forget();  // what we owed was overwritten with the adjustment
}

Result<WinSystemClock::Adjustment, hal::HalError> WinSystemClock::read_adjustment() const {
  Adjustment result;
  BOOL disabled = TRUE;
  if (api_.get_system_time_adjustment_precise) {
    DWORD64 adjustment = 0;
    DWORD64 increment = 0;
    if (api_.get_system_time_adjustment_precise(&adjustment, &increment, &disabled) == 0) {
      return unexpected(last_error());
    }
    result = Adjustment{adjustment, increment, disabled != 0};
  } else {
    DWORD adjustment = 0;
    DWORD increment = 0;
    if (api_.get_system_time_adjustment(&adjustment, &increment, &disabled) == 0) {
      return unexpected(last_error());
    }
    result = Adjustment{adjustment, increment, disabled != 0};
  }
  if (result.increment == 0) return unexpected(hal::HalError{hal::HalErrorCode::kOsError, 0});
  return result;
}

Result<void, hal::HalError> WinSystemClock::write_adjustment(std::uint64_t adjustment,
                                                             bool disabled) {
  BOOL ok = FALSE;
  if (api_.set_system_time_adjustment_precise) {
    ok = api_.set_system_time_adjustment_precise(adjustment, disabled ? TRUE : FALSE);
  } else {
    if (adjustment > std::numeric_limits<DWORD>::max()) {
      return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
    }
    ok = api_.set_system_time_adjustment(static_cast<DWORD>(adjustment), disabled ? TRUE : FALSE);
  }
  if (ok == 0) return unexpected(last_error());
  return {};
}

void WinSystemClock::warn_if_w32time_runs() {
  if (w32time_checked_) return;
  w32time_checked_ = true;
  if (!api_.w32time_running || !log_) return;
  if (api_.w32time_running().value_or(false)) {
    log_(LogLevel::kWarning,
         "the Windows Time service (w32time) is running and will fight this clock's adjustments: "
         "stop it (net stop w32time) or disable its time providers");
  }
}

Result<void, hal::HalError> WinSystemClock::check_may_change() {
  if (config_.read_only) return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
  if (privilege_ == NO_ERROR) {
    warn_if_w32time_runs();
    return {};
  }
  if (!privilege_logged_ && log_) {
    privilege_logged_ = true;
    log_(LogLevel::kError,
         "cannot change the system clock: the SE_SYSTEMTIME_NAME privilege (\"Change the system "
         "time\") is not held (error " +
             std::to_string(privilege_) +
             "); run as Administrator or as a service account "
             "that holds it");
  }
  return unexpected(hal::HalError{hal::HalErrorCode::kPermissionDenied, privilege_});
}

Result<void, hal::HalError> WinSystemClock::adjust_frequency(hal::PartsPerBillion adjustment) {
  if (!(std::fabs(adjustment.value) <= config_.max_frequency_adjustment_ppb)) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  if (auto allowed = check_may_change(); !allowed) return allowed;
  const auto current = read_adjustment();
  if (!current) return unexpected(current.error());
  if (!original_) original_ = *current;
  increment_ = current->increment;
  // Absolute: relative to the nominal increment, never to the previous adjustment; in whole units
  // whose mean is the asked frequency (frequency_dither.h).
  const std::int64_t qpc = api_.query_performance_counter();
  const std::int64_t qpf = api_.query_performance_frequency();
  const double now_s = qpf > 0 ? static_cast<double>(qpc) / static_cast<double>(qpf) : 0.0;
  const std::uint64_t written = dither_.adjustment_for(adjustment.value, current->increment, now_s);
  if (auto done = write_adjustment(written, false); !done) return done;
  // The system time's slope changes now, and the map's line with it: the rate as written, which
  // is also what the OS reads back (checked at the next conversion).
  if (map_)
    map_->set_rate(api_.query_performance_counter(), rate_of({written, current->increment, false}));
  return {};
}

Result<hal::PartsPerBillion, hal::HalError> WinSystemClock::frequency_adjustment() {
  const auto current = read_adjustment();
  if (!current) return unexpected(current.error());
  increment_ = current->increment;
  if (current->disabled) return hal::PartsPerBillion{0};  // the OS's own discipline is in charge
  // The difference first: adjustment/increment - 1 would lose the small part to rounding.
  const double difference = static_cast<double>(static_cast<std::int64_t>(current->adjustment) -
                                                static_cast<std::int64_t>(current->increment));
  return hal::PartsPerBillion{difference * 1e9 / static_cast<double>(current->increment)};
}

Result<Nanoseconds, hal::HalError> WinSystemClock::step(Nanoseconds offset) {
  if (auto allowed = check_may_change(); !allowed) return unexpected(allowed.error());
  const std::int64_t read_qpc = api_.query_performance_counter();
  const auto current = now();
  if (!current) return unexpected(current.error());
  const auto target = current->since_epoch.checked_add(offset);
  if (!target) return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  const std::int64_t set_ns = nearest_millisecond_ns(*target);
  const auto time = to_system_time(set_ns);
  if (!time) return unexpected(time.error());
  const std::int64_t set_qpc_before = api_.query_performance_counter();
  if (api_.set_system_time(&*time) == 0) return unexpected(last_error());
  const std::int64_t set_qpc_after = api_.query_performance_counter();
  dither_.forget();          // the phase owed is moot: the clock is somewhere new
  if (map_) map_->forget();  // the new time is known to the millisecond only: read it afresh
  return applied_step(set_ns, current->since_epoch, read_qpc, set_qpc_before, set_qpc_after);
}

Nanoseconds WinSystemClock::applied_step(std::int64_t set_ns, Nanoseconds read,
                                         std::int64_t read_qpc, std::int64_t set_qpc_before,
                                         std::int64_t set_qpc_after) const {
  // What the clock would have read when SetSystemTime set it: the read carried on by the QPC time
  // since, to the middle of the call (when in it the OS set the time is unknown). The read is
  // FILETIME, floored to 100 ns: it stands for the middle of its unit. The step applied is the
  // time set minus that; the remainder of the millisecond rounding is what the servo is told.
  const std::int64_t qpf = api_.query_performance_frequency();
  const double elapsed_ns = qpf > 0 ? (static_cast<double>(set_qpc_before - read_qpc) +
                                       static_cast<double>(set_qpc_after - set_qpc_before) / 2.0) *
                                          1e9 / static_cast<double>(qpf)
                                    : 0.0;
  // The whole difference first: as doubles, times since 1970 keep only 256 ns.
  const std::int64_t set_minus_read = set_ns - read.count();
  return Nanoseconds(std::llround(static_cast<double>(set_minus_read) - 50.0 - elapsed_ns));
}

std::optional<double> WinSystemClock::frequency_resolution_ppb() const {
  if (!increment_) return std::nullopt;
  return 1e9 / static_cast<double>(*increment_);
}

bool WinSystemClock::precise_adjustment() const {
  return static_cast<bool>(api_.set_system_time_adjustment_precise);
}

}  // namespace ptp::win
