// NodeLog: ptp4l's log line formats, with simulated time in the brackets.
#include "node_log.h"

#include <array>
#include <cinttypes>
#include <cstdio>

#include "ptp/core/port_event.h"
#include "ptp/hal/sparse_report.h"
#include "ptp/ptp4win/log_format.h"
#include "ptp/servo/servo.h"
#include "text_format.h"

namespace ptp::ptpsim {

double NodeLog::seconds() const { return scheduler_->now().since_start().to_seconds(); }

void NodeLog::on_state_changed(const StateChanged& change, Nanoseconds now) {
  (void)now;  // the host's own counter: the log shows simulated (true) time instead
  transitions_.push_back(StateTransition{seconds(), change.from, change.to});
  if (out_ == nullptr) return;
  write("port 1: " + std::string(to_string(change.from)) + " to " +
        std::string(to_string(change.to)) + " on " + std::string(to_string(change.event)));
}

void NodeLog::on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) {
  (void)now;
  if (out_ == nullptr) return;
  std::array<char, 160> line{};
  std::snprintf(line.data(), line.size(),
                "master offset %" PRId64 " %s freq %+.0f path delay %" PRId64,
                measurement.offset_from_master.count(),
                std::string(servo::to_string(measurement.servo_state)).c_str(),
                measurement.frequency_ppb, measurement.mean_path_delay.count());
  write(line.data());
}

void NodeLog::on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                           Nanoseconds now) {
  (void)now;
  write(ptp4win::format_peer_delay_rejected(1, rejected));
}

void NodeLog::on_utc_offset_changed(Nanoseconds applied,
                                    const TimePropertiesDataSet& time_properties, Nanoseconds now) {
  (void)now;
  write(ptp4win::format_utc_offset(1, applied, time_properties));
}

void NodeLog::on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) {
  (void)now;
  write(ptp4win::format_unicast_notice(1, notice));
}

void NodeLog::on_cross_timestamp_capture_failed(const hal::HalError& error,
                                                std::uint64_t failures_so_far, Nanoseconds now) {
  (void)now;
  if (!hal::worth_reporting(failures_so_far)) return;
  write(ptp4win::format_cross_timestamp_failure(1, error, failures_so_far));
}

void NodeLog::write(const std::string& text) const {
  if (out_ == nullptr) return;
  *out_ << "ptpsim[" << format_seconds(seconds()) << "]: " << name_ << ' ' << text << '\n';
}

}  // namespace ptp::ptpsim
