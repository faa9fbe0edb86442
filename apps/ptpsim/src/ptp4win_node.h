// Ptp4winNode: a scenario node that runs ptp4win's own code (program = "ptp4win"): its command
// line and configuration file through ptp4win's parser, its Session — the Windows HAL and the
// clock assembly with ptp4win's defaults — and its log lines ("ptp4win[...]"), on a simulated
// Windows (hal-sim-win) over the node's SimHost. Only the loop shell differs from ptp4win.exe:
// SimLoopShell instead of Asio.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "clock_node.h"
#include "ptp/ptp4win/command_line.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/ptp4win/session.h"
#include "ptp/sim/random.h"
#include "ptp/sim_win/sim_windows.h"
#include "sim_loop_shell.h"

namespace ptp::ptpsim {

// ptp4win's arguments from one string: split at blanks, double quotes group ("-f \"my file\"").
std::vector<std::string> split_command_line(std::string_view text);

struct Ptp4winNodeConfig {
  sim::SimHostConfig host;
  std::string command_line;
  // The simulated Windows: its adapter (friendly name "Ethernet"; MAC and GUID per node), the
  // functions it has, w32time and the faults it injects.
  simwin::SimWindowsConfig windows;
  // The node's log lines go here (ptpsim --log); null: nowhere.
  std::ostream* log = nullptr;
};

class Ptp4winNode final : public ClockNode, private hal::PortDriverObserver {
 public:
  // Parses the command line (and its -f file) and builds the host and its Windows; the error is
  // a sentence. ptp4win itself starts at start().
  static Result<std::unique_ptr<Ptp4winNode>, std::string> create(sim::Scheduler& scheduler,
                                                                  sim::Network& network,
                                                                  const Ptp4winNodeConfig& config,
                                                                  sim::Random random);
  ~Ptp4winNode() override;
  Ptp4winNode(const Ptp4winNode&) = delete;
  Ptp4winNode& operator=(const Ptp4winNode&) = delete;
  Ptp4winNode(Ptp4winNode&&) = delete;
  Ptp4winNode& operator=(Ptp4winNode&&) = delete;

  Result<void, std::string> start() override;
  void set_observer(hal::PortDriverObserver* observer) override { observer_ = observer; }
  [[nodiscard]] sim::NodeId node_id() const override { return node_id_; }
  sim::SimHost& host() override { return *host_; }
  [[nodiscard]] const sim::SimHostConfig& host_config() const override { return host_config_; }
  OrdinaryClock& clock() override { return session_->assembly().clock(); }
  [[nodiscard]] const OrdinaryClock& clock() const override { return session_->assembly().clock(); }
  hal::PortDriver& driver() override { return session_->assembly().driver(); }
  [[nodiscard]] const hal::NicCounterCorrelation* correlation() const override {
    return session_->assembly().correlation();
  }
  [[nodiscard]] double true_offset_ns() override { return host_->system_clock().true_offset_ns(); }
  [[nodiscard]] const std::optional<OffsetMeasured>& last_measurement() const override {
    return last_measurement_;
  }
  Result<void, std::string> change_capabilities_at(
      sim::SimTime at, const hal::InterfaceTimestampCapabilities& capabilities,
      std::optional<sim::SimDuration> adapter_restart) override;

  simwin::SimWindows& windows() { return *windows_; }
  [[nodiscard]] const ptp4win::CommandLine& command_line() const { return command_line_; }

 private:
  Ptp4winNode(const Ptp4winNodeConfig& config, ptp4win::CommandLine command_line);
  void on_state_changed(const StateChanged& change, Nanoseconds now) override;
  void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) override;
  void on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) override;
  void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                    Nanoseconds now) override;
  void on_cross_timestamp_capture_failed(const hal::HalError& error, std::uint64_t failures_so_far,
                                         Nanoseconds now) override;

  sim::SimHostConfig host_config_;
  ptp4win::CommandLine command_line_;
  std::ostream* log_;
  std::unique_ptr<sim::SimHost> host_;
  std::unique_ptr<simwin::SimWindows> windows_;
  std::unique_ptr<SimLoopShell> loop_;
  std::unique_ptr<ptp4win::Logger> logger_;
  std::unique_ptr<ptp4win::Session> session_;
  std::string last_error_;  // the newest error line ptp4win logged (why start() failed)
  sim::NodeId node_id_;
  hal::PortDriverObserver* observer_ = nullptr;
  std::optional<OffsetMeasured> last_measurement_;
};

}  // namespace ptp::ptpsim
