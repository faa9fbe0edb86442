// ptp4win's LoopShell on the simulator's scheduler and a SimWindows.
#include "sim_loop_shell.h"

#include <utility>

namespace ptp::ptpsim {

bool SimLoopShell::wait_for_signal(ptp4win::ReceiveEvent event, std::function<void()> handler) {
  waited_ = event;
  windows_.wait_event(event, std::move(handler));
  return true;
}

void SimLoopShell::arm_tx_poll(hal::CounterTicks deadline, std::function<void()> handler) {
  tx_poll_deadline_ = deadline;
  tx_poll_handler_ = std::move(handler);
  wait_for_deadline();
}

// As steady_timer against QPC: the wait is the QPC distance at the counter's nominal rate; a
// crystal running slow reaches the deadline late, one running fast wakes early and waits again.
void SimLoopShell::wait_for_deadline() {
  scheduler_.cancel(tx_poll_);
  const std::int64_t ticks = tx_poll_deadline_.count - windows_.api().query_performance_counter();
  if (ticks <= 0) {
    auto now = scheduler_.schedule_after(sim::SimDuration(), [this] {
      // The handler may arm the next poll, replacing tx_poll_handler_ while it runs.
      const std::function<void()> handler = std::move(tx_poll_handler_);
      tx_poll_handler_ = nullptr;
      if (handler) handler();
    });
    tx_poll_ = now ? *now : sim::EventId{};
    return;
  }
  const auto hz = static_cast<std::int64_t>(windows_.api().query_performance_frequency());
  // Whole seconds, then the rest rounded up to the nanosecond: no overflow for any distance.
  const std::int64_t rest_ns = ((ticks % hz) * 1'000'000'000 + hz - 1) / hz;
  const auto delay = sim::SimDuration::seconds(ticks / hz) + sim::SimDuration::nanoseconds(rest_ns);
  auto later = scheduler_.schedule_after(delay, [this] { wait_for_deadline(); });
  tx_poll_ = later ? *later : sim::EventId{};
}

void SimLoopShell::cancel_waits() {
  if (waited_ != nullptr) windows_.cancel_wait(waited_);
  waited_ = nullptr;
  scheduler_.cancel(tx_poll_);
}

}  // namespace ptp::ptpsim
