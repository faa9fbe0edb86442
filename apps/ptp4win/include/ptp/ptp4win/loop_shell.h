// LoopShell: the only thing ptp4win's Session needs of the event loop it runs on. Everything
// else — the Windows HAL, the assembly, the log — is the same code on Windows and in ptpsim.
// On Windows it is Boost.Asio (asio_loop_shell.h: object_handle, steady_timer, post); in ptpsim
// it is the simulator's scheduler over a simulated Windows (apps/ptpsim/src/sim_loop_shell.h).
// All handlers run on the loop thread, never inside the call that registers them.
#pragma once

#include <functional>

#include "ptp/hal/clock_readings.h"
#include "ptp/hal/timers.h"
#include "ptp/win/loop_hooks.h"
#include "ptp/win/win_types.h"

namespace ptp::ptp4win {

// What the transport's receive_event() is: the SDK's WSAEVENT (a HANDLE) on Windows,
// portable_win_types.h's elsewhere.
#ifdef _WIN32
using ReceiveEvent = ::WSAEVENT;
#else
using ReceiveEvent = win::WSAEVENT;
#endif

class LoopShell {
 public:
  virtual ~LoopShell() = default;
  // The HAL's PostToLoop: `task` runs later on the loop thread (callable from any thread).
  virtual win::PostToLoop post_to_loop() = 0;
  // The clock's timers, deadlines in QPC ticks.
  virtual hal::Timers& timers() = 0;
  // One-shot: `handler` runs once `event` (the transport's receive event) is signalled. False
  // when the loop cannot wait on it (the caller reports it).
  [[nodiscard]] virtual bool wait_for_signal(ReceiveEvent event, std::function<void()> handler) = 0;
  // One-shot: `handler` runs at or after QPC `deadline`; arming again replaces the last one.
  virtual void arm_tx_poll(hal::CounterTicks deadline, std::function<void()> handler) = 0;
  // Nothing registered above, timers included, runs after this.
  virtual void cancel_waits() = 0;
};

}  // namespace ptp::ptp4win
