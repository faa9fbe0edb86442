// SimLoopShell: ptp4win's LoopShell (apps/ptp4win/include/ptp/ptp4win/loop_shell.h) on the
// simulator: posts and waits on the receive event through SimWindows' loop hooks, the clock's
// timers on the host's SimTimers (the counter is QPC), the TX-timestamp poll as a scheduler event
// at its QPC deadline. The counterpart of ptp4win's AsioLoopShell, and nothing more.
#pragma once

#include <functional>

#include "ptp/ptp4win/loop_shell.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_timers.h"
#include "ptp/sim_win/sim_windows.h"

namespace ptp::ptpsim {

class SimLoopShell final : public ptp4win::LoopShell {
 public:
  SimLoopShell(sim::Scheduler& scheduler, simwin::SimWindows& windows, hal::Timers& timers)
      : scheduler_(scheduler), windows_(windows), timers_(timers) {}
  SimLoopShell(const SimLoopShell&) = delete;
  SimLoopShell& operator=(const SimLoopShell&) = delete;
  SimLoopShell(SimLoopShell&&) = delete;
  SimLoopShell& operator=(SimLoopShell&&) = delete;
  ~SimLoopShell() override { cancel_waits(); }

  win::PostToLoop post_to_loop() override { return windows_.post_to_loop(); }
  hal::Timers& timers() override { return timers_; }
  bool wait_for_signal(ptp4win::ReceiveEvent event, std::function<void()> handler) override;
  void arm_tx_poll(hal::CounterTicks deadline, std::function<void()> handler) override;
  void cancel_waits() override;

 private:
  void wait_for_deadline();

  sim::Scheduler& scheduler_;
  simwin::SimWindows& windows_;
  hal::Timers& timers_;
  win::WSAEVENT waited_ = nullptr;
  hal::CounterTicks tx_poll_deadline_;
  std::function<void()> tx_poll_handler_;
  sim::EventId tx_poll_;
};

}  // namespace ptp::ptpsim
