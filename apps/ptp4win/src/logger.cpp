// The log and the driver observer that writes ptp4l's lines.
#include "ptp/ptp4win/logger.h"

#include "ptp/hal/sparse_report.h"

namespace ptp::ptp4win {

void Logger::log(LogLevel level, std::string_view message) const {
  if (!enabled(level)) return;
  writer_(level, format_log_line(config_.program, clock_(), config_.message_tag, message));
}

void PortLogObserver::on_state_changed(const StateChanged& change, Nanoseconds now) {
  (void)now;
  logger_.log(LogLevel::kNotice, format_state_change(port_number_, change));
  if (change.event == PortEvent::kRsGrandMaster ||
      (change.to == PortState::kMaster &&
       change.event == PortEvent::kAnnounceReceiptTimeoutExpires)) {
    logger_.log(LogLevel::kNotice,
                "port " + std::to_string(port_number_) + ": assuming the grand master role");
  }
}

void PortLogObserver::on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) {
  (void)now;
  last_measurement_ = measurement;
  if (summary_.samples_per_summary() <= 1) {
    logger_.log(LogLevel::kInfo, format_offset(measurement));
    return;
  }
  if (auto statistics = summary_.add(measurement)) {
    logger_.log(LogLevel::kInfo, format_summary(*statistics));
  }
}

void PortLogObserver::on_utc_offset_changed(Nanoseconds applied,
                                            const TimePropertiesDataSet& time_properties,
                                            Nanoseconds now) {
  (void)now;
  logger_.log(LogLevel::kInfo, format_utc_offset(port_number_, applied, time_properties));
}

void PortLogObserver::on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                                   Nanoseconds now) {
  (void)now;
  logger_.log(LogLevel::kWarning, format_peer_delay_rejected(port_number_, rejected));
}

void PortLogObserver::on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) {
  (void)now;
  logger_.log(LogLevel::kWarning, format_unicast_notice(port_number_, notice));
}

void PortLogObserver::on_cross_timestamp_capture_failed(const hal::HalError& error,
                                                        std::uint64_t failures_so_far,
                                                        Nanoseconds now) {
  (void)now;
  if (!hal::worth_reporting(failures_so_far)) return;
  logger_.log(LogLevel::kWarning,
              format_cross_timestamp_failure(port_number_, error, failures_so_far));
}

void PortLogObserver::check_best_master(PortState state, const ClockIdentity& best) {
  if (state == PortState::kInitializing || state == PortState::kListening ||
      state == PortState::kFaulty || state == PortState::kDisabled) {
    return;
  }
  if (best_ && *best_ == best) return;
  best_ = best;
  logger_.log(LogLevel::kNotice, format_best_master(best, own_));
}

}  // namespace ptp::ptp4win
