// Session: one run of ptp4win's ordinary clock on one Windows interface — the Windows HAL
// (WinHost), the clock assembly (servo, OrdinaryClock, PortDriver, NIC-to-QPC correlation), the
// log observer — driven by a LoopShell. ptp4win.exe runs it on Boost.Asio (ptp4win_app.cpp);
// ptpsim runs the same Session on a simulated Windows, so the simulator measures ptp4win itself.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ptp/app/linuxptp_config.h"
#include "ptp/app/metrics.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/ptp4win/loop_shell.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_host.h"

namespace ptp::ptp4win {

class Session {
 public:
  // `loop` and `logger` must outlive the session. `also_observe` (may be null; ptpsim's record
  // of the run) gets the driver's events after ptp4win's log has.
  Session(LoopShell& loop, const Logger& logger, hal::PortDriverObserver* also_observe = nullptr);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;
  ~Session();

  // Opens the interface, builds the clock and starts the port; 0 on success, else the process
  // exit code (1) after logging why. `api` must outlive the session.
  int start(const win::WinApi& api, const app::LinuxPtpConfig& config,
            const std::string& interface_name);
  // Stops the port and every wait; the clock's adjustment is restored when the session goes.
  void shutdown();

  [[nodiscard]] bool running() const { return running_; }
  // Valid after a successful start().
  hal::OrdinaryClockAssembly& assembly() { return *assembly_; }
  [[nodiscard]] const std::optional<OffsetMeasured>& last_measurement() const;
  [[nodiscard]] app::MetricsSnapshot metrics_snapshot() const;

 private:
  class AfterFireTimers;
  class ObserverPair;
  class TimestampingLog;
  bool wait_for_packets();
  void after_event();
  void schedule_tx_poll();
  int fail(std::string_view message) const;

  LoopShell& loop_;
  const Logger& logger_;
  std::unique_ptr<win::WinHost> host_;
  std::unique_ptr<AfterFireTimers> timers_;
  hal::PortDriverObserver* also_observe_;
  std::unique_ptr<PortLogObserver> observer_;
  std::unique_ptr<ObserverPair> observers_;
  std::unique_ptr<hal::OrdinaryClockAssembly> assembly_;
  std::unique_ptr<TimestampingLog> timestamping_log_;
  bool running_ = false;
};

}  // namespace ptp::ptp4win
