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

void NodeLog::on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                           Nanoseconds now) {
  (void)now;
  if (out_ == nullptr) return;
  const auto& o = rejected.source.clock_identity.octets;
  std::array<char, 64> source{};
  std::snprintf(source.data(), source.size(), "%02x%02x%02x.%02x%02x.%02x%02x%02x-%u", o[0], o[1],
                o[2], o[3], o[4], o[5], o[6], o[7], unsigned{rejected.source.port_number});
  *out_ << "ptpsim[" << format_seconds(seconds()) << "]: " << name_
        << " port 1: " << to_string(rejected.problem) << " (from " << source.data();
  if (rejected.link_delay) *out_ << ", " << rejected.link_delay->count() << " ns";
  *out_ << "); further ones are counted only\n";
}

}  // namespace ptp::ptpsim
