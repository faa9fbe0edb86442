// The log of ptp4win: ptp4l's line format, filtered by logging_level, handed to a writer with its
// level: stdout (-m / verbose) or stderr on the console, the Windows Event Log (syslog's
// counterpart, use_syslog) under --service. The writer and the monotonic clock are injected so
// that tests see exact lines.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ptp/core/port_io.h"
#include "ptp/core/port_state.h"
#include "ptp/hal/port_driver.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"
#include "ptp/ptp4win/log_format.h"
#include "ptp/ptp4win/summary_statistics.h"

namespace ptp::ptp4win {

struct LoggerConfig {
  std::string program = "ptp4win";
  std::string message_tag;
  int logging_level = static_cast<int>(LogLevel::kInfo);
};

class Logger {
 public:
  using Writer = std::function<void(LogLevel level, std::string_view line)>;  // without '\n'
  using Clock = std::function<Nanoseconds()>;                                 // monotonic time

  Logger(LoggerConfig config, Writer writer, Clock clock)
      : config_(std::move(config)), writer_(std::move(writer)), clock_(std::move(clock)) {}

  void log(LogLevel level, std::string_view message) const;
  [[nodiscard]] bool enabled(LogLevel level) const {
    return static_cast<int>(level) <= config_.logging_level;
  }

 private:
  LoggerConfig config_;
  Writer writer_;
  Clock clock_;
};

// The driver's observer that writes ptp4l's lines: state changes (notice), the best master when
// it changes (notice), and either every measurement or one summary per summary interval (info).
class PortLogObserver final : public hal::PortDriverObserver {
 public:
  PortLogObserver(const Logger& logger, std::uint16_t port_number, const ClockIdentity& own,
                  std::uint32_t samples_per_summary)
      : logger_(logger), port_number_(port_number), own_(own), summary_(samples_per_summary) {}

  void on_state_changed(const StateChanged& change, Nanoseconds now) override;
  void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) override;
  void on_utc_offset_changed(Nanoseconds applied, const TimePropertiesDataSet& time_properties,
                             Nanoseconds now) override;
  // A warning, once per kind of bad peer-delay input (the core reports each kind once).
  void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                    Nanoseconds now) override;
  // A warning, once per kind of unicast negotiation event and peer (as the core gives them).
  void on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) override;
  // A warning at the 1st, 2nd, 4th, 8th, ... failed cross-timestamp capture.
  void on_cross_timestamp_capture_failed(const hal::HalError& error, std::uint64_t failures_so_far,
                                         Nanoseconds now) override;
  // Call after anything that may have run the BMCA: logs when the best master changed, once the
  // port has made a state decision (not while INITIALIZING, LISTENING, FAULTY or DISABLED).
  void check_best_master(PortState state, const ClockIdentity& best);
  // The newest measurement (for the metrics).
  [[nodiscard]] const std::optional<OffsetMeasured>& last_measurement() const {
    return last_measurement_;
  }

 private:
  const Logger& logger_;
  std::uint16_t port_number_;
  ClockIdentity own_;
  SummaryAccumulator summary_;
  std::optional<ClockIdentity> best_;
  std::optional<OffsetMeasured> last_measurement_;
};

}  // namespace ptp::ptp4win
