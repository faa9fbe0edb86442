// NodeLog: ptp4l's log line formats, with simulated time in the brackets.
#include "node_log.h"

#include <array>
#include <cinttypes>
#include <cstdio>

#include "ptp/core/port_event.h"
#include "ptp/servo/servo.h"
#include "text_format.h"

namespace ptp::ptpsim {

double NodeLog::seconds() const { return scheduler_->now().since_start().to_seconds(); }

void NodeLog::on_state_changed(const StateChanged& change, Nanoseconds now) {
  (void)now;  // the host's own counter: the log shows simulated (true) time instead
  transitions_.push_back(StateTransition{seconds(), change.from, change.to});
  if (out_ == nullptr) return;
  *out_ << "ptpsim[" << format_seconds(seconds()) << "]: " << name_
        << " port 1: " << to_string(change.from) << " to " << to_string(change.to) << " on "
        << to_string(change.event) << '\n';
}

void NodeLog::on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) {
  (void)now;
  if (out_ == nullptr) return;
  std::array<char, 160> line{};
  std::snprintf(line.data(), line.size(),
                " master offset %" PRId64 " %s freq %+.0f path delay %" PRId64,
                measurement.offset_from_master.count(),
                std::string(servo::to_string(measurement.servo_state)).c_str(),
                measurement.frequency_ppb, measurement.mean_path_delay.count());
  *out_ << "ptpsim[" << format_seconds(seconds()) << "]: " << name_ << line.data() << '\n';
}

}  // namespace ptp::ptpsim
