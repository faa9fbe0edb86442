// ptp4l's log line formats (linuxptp print.c, port.c and clock.c's printf formats).
#include "ptp/ptp4win/log_format.h"

#include <cstdio>

#include "ptp/core/port_state.h"
#include "ptp/hal/ip_address.h"
#include "ptp/ptp4win/config_mapping.h"

namespace ptp::ptp4win {

Nanoseconds counter_time(hal::CounterTicks ticks, std::uint64_t frequency_hz) {
  if (frequency_hz == 0 || ticks.count < 0) return Nanoseconds(0);
  const auto count = static_cast<std::uint64_t>(ticks.count);
  const std::uint64_t ns = count / frequency_hz * 1'000'000'000ULL +
                           count % frequency_hz * 1'000'000'000ULL / frequency_hz;
  return Nanoseconds(static_cast<std::int64_t>(ns));
}

std::string format_log_line(std::string_view program, Nanoseconds monotonic,
                            std::string_view message_tag, std::string_view message) {
  const std::int64_t ns = monotonic.count() < 0 ? 0 : monotonic.count();
  char stamp[48];
  (void)std::snprintf(stamp, sizeof stamp,
                      "[%lld.%03lld]: ", static_cast<long long>(ns / 1'000'000'000),
                      static_cast<long long>((ns % 1'000'000'000) / 1'000'000));
  std::string line(program);
  line += stamp;
  if (!message_tag.empty()) {
    line += message_tag;
    line += ' ';
  }
  line += message;
  return line;
}

std::string format_state_change(std::uint16_t port_number, const StateChanged& change) {
  return "port " + std::to_string(port_number) + ": " + std::string(to_string(change.from)) +
         " to " + std::string(to_string(change.to)) + " on " + std::string(to_string(change.event));
}

std::string format_offset(const OffsetMeasured& measurement) {
  char text[128];
  (void)std::snprintf(text, sizeof text, "master offset %10lld %s freq %+7.0f path delay %9lld",
                      static_cast<long long>(measurement.offset_from_master.count()),
                      std::string(servo::to_string(measurement.servo_state)).c_str(),
                      measurement.frequency_ppb,
                      static_cast<long long>(measurement.mean_path_delay.count()));
  return text;
}

std::string format_utc_offset(std::uint16_t port_number, Nanoseconds applied,
                              const TimePropertiesDataSet& time_properties) {
  const std::string port = "port " + std::to_string(port_number) + ": ";
  if (!time_properties.ptp_timescale) {
    return port + "no UTC offset applied to the system clock (ARB timescale)";
  }
  return port + "UTC offset " + std::to_string(applied.count() / kNanosecondsPerSecond) +
         " s applied to the system clock (PTP timescale, currentUtcOffsetValid " +
         (time_properties.current_utc_offset_valid ? "1" : "0") + ")";
}

std::string format_peer_delay_rejected(std::uint16_t port_number,
                                       const PeerDelayInputRejected& rejected) {
  std::string line = "port " + std::to_string(port_number) + ": ";
  line += to_string(rejected.problem);
  line += " (from " + format_clock_identity(rejected.source.clock_identity) + "-" +
          std::to_string(rejected.source.port_number);
  if (rejected.link_delay) line += ", " + std::to_string(rejected.link_delay->count()) + " ns";
  line += "); further ones are counted only";
  return line;
}

std::string format_unicast_notice(std::uint16_t port_number, const UnicastNotice& notice) {
  std::string line = "port " + std::to_string(port_number) + ": ";
  line += describe(notice.kind);
  line += " (peer " + hal::to_string(hal::to_ip_address(notice.peer));
  if (notice.service) line += ", " + std::string(to_string(*notice.service));
  line += "); further ones are counted only";
  return line;
}

std::string format_cross_timestamp_failure(std::uint16_t port_number, const hal::HalError& error,
                                           std::uint64_t failures_so_far) {
  return "port " + std::to_string(port_number) + ": cross-timestamp capture failed (" +
         std::string(hal::to_string(error.code)) + ", code " + std::to_string(error.os_code) +
         "): " + std::to_string(failures_so_far) +
         " so far; the correlation keeps its previous points";
}

std::string format_best_master(const ClockIdentity& best, const ClockIdentity& own) {
  if (best == own) return "selected local clock " + format_clock_identity(own) + " as best master";
  return "selected best master clock " + format_clock_identity(best);
}

}  // namespace ptp::ptp4win
