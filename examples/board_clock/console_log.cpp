// ConsoleLog (console_log.h): the board's log lines on stdout.
#include "console_log.h"

#include <cstdio>
#include <string_view>

#include "ptp/core/port_event.h"
#include "ptp/core/port_state.h"
#include "ptp/servo/servo.h"

namespace board {
namespace {

// The core's `now` is the board's counter in nanoseconds: seconds since power-up.
double seconds(ptp::Nanoseconds now) { return static_cast<double>(now.count()) * 1e-9; }

int width(std::string_view text) { return static_cast<int>(text.size()); }

}  // namespace

void ConsoleLog::on_state_changed(const ptp::StateChanged& change, ptp::Nanoseconds now) {
  const auto from = ptp::to_string(change.from);
  const auto to = ptp::to_string(change.to);
  const auto event = ptp::to_string(change.event);
  std::printf("[%8.3f] port: %.*s to %.*s on %.*s\n", seconds(now), width(from), from.data(),
              width(to), to.data(), width(event), event.data());
}

void ConsoleLog::on_offset_measured(const ptp::OffsetMeasured& measurement, ptp::Nanoseconds now) {
  if (measurements_++ % every_ != 0) return;
  const auto state = ptp::servo::to_string(measurement.servo_state);
  std::printf("[%8.3f] master offset %9lld ns %.*s freq %+9.0f ppb path delay %6lld ns\n",
              seconds(now), static_cast<long long>(measurement.offset_from_master.count()),
              width(state), state.data(), measurement.frequency_ppb,
              static_cast<long long>(measurement.mean_path_delay.count()));
}

}  // namespace board
