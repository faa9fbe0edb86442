// SimWinsockPump: the loop shell of a WinsockTransport on a SimWindows, as an application's event
// loop drives it on Windows (see winsock_transport.h): wait on the receive event, then
// poll_receive(); after every event, poll the TX timestamps when next_tx_poll() is due. The
// waits are scheduler events (SimWindows::wait_event), the TX poll timer a scheduled event at the
// QPC deadline.
#pragma once

#include <functional>

#include "ptp/sim/scheduler.h"
#include "ptp/sim_win/sim_windows.h"
#include "ptp/win/winsock_transport.h"

namespace ptp::simwin {

class SimWinsockPump {
 public:
  // `after_event` (may be empty) runs after each receive or TX poll, as ptp4win's does.
  SimWinsockPump(sim::Scheduler& scheduler, SimWindows& windows, win::WinsockTransport& transport,
                 std::function<void()> after_event = {});
  ~SimWinsockPump();
  SimWinsockPump(const SimWinsockPump&) = delete;
  SimWinsockPump& operator=(const SimWinsockPump&) = delete;
  SimWinsockPump(SimWinsockPump&&) = delete;
  SimWinsockPump& operator=(SimWinsockPump&&) = delete;

  // Starts waiting for packets and picks up anything already signalled.
  void start();
  void stop();
  // Re-arms the TX poll timer at next_tx_poll(); call after sending outside the pump's events.
  void schedule_tx_poll();

 private:
  void wait_for_packets();
  void after_event();

  sim::Scheduler& scheduler_;
  SimWindows& windows_;
  win::WinsockTransport& transport_;
  std::function<void()> after_event_;
  sim::EventId tx_poll_;
  bool running_ = false;
};

}  // namespace ptp::simwin
