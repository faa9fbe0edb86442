// NodeLog: one node's driver observer. It writes ptp4l-style log lines when asked to
// ("ptpsim[12.250]: oc-hw port 1: LISTENING to UNCALIBRATED on RS_SLAVE",
// "ptpsim[12.375]: oc-hw master offset -23 s2 freq +1234 path delay 5678"), stamped with
// simulated seconds, and keeps the node's state transitions for the report. The UTC offset and
// peer-delay lines are ptp4win's (ptp/ptp4win/log_format.h): one wording for both programs.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "ptp/hal/port_driver.h"
#include "ptp/sim/scheduler.h"
#include "run.h"

namespace ptp::ptpsim {

class NodeLog final : public hal::PortDriverObserver {
 public:
  NodeLog(const sim::Scheduler& scheduler, std::string name, std::ostream* out)
      : scheduler_(&scheduler), name_(std::move(name)), out_(out) {}

  void on_state_changed(const StateChanged& change, Nanoseconds now) override;
  void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) override;
  void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                    Nanoseconds now) override;
  void on_utc_offset_changed(Nanoseconds applied, const TimePropertiesDataSet& time_properties,
                             Nanoseconds now) override;
  void on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) override;
  // At the 1st, 2nd, 4th, 8th, ... failure, as ptp4win logs them.
  void on_cross_timestamp_capture_failed(const hal::HalError& error, std::uint64_t failures_so_far,
                                         Nanoseconds now) override;

  [[nodiscard]] const std::vector<StateTransition>& transitions() const { return transitions_; }

 private:
  [[nodiscard]] double seconds() const;
  // "ptpsim[<seconds>]: <name> <text>", when lines are asked for.
  void write(const std::string& text) const;

  const sim::Scheduler* scheduler_;
  std::string name_;
  std::ostream* out_;
  std::vector<StateTransition> transitions_;
};

}  // namespace ptp::ptpsim
