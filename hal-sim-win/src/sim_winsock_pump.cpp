// The simulated loop shell of a WinsockTransport.
#include "ptp/sim_win/sim_winsock_pump.h"

#include <utility>

namespace ptp::simwin {

SimWinsockPump::SimWinsockPump(sim::Scheduler& scheduler, SimWindows& windows,
                               win::WinsockTransport& transport, std::function<void()> after_event)
    : scheduler_(scheduler),
      windows_(windows),
      transport_(transport),
      after_event_(std::move(after_event)) {}

SimWinsockPump::~SimWinsockPump() { stop(); }

void SimWinsockPump::start() {
  running_ = true;
  wait_for_packets();
  (void)transport_.poll_receive();
  after_event();
}

void SimWinsockPump::stop() {
  if (!running_) return;
  running_ = false;
  windows_.cancel_wait(transport_.receive_event());
  scheduler_.cancel(tx_poll_);
}

void SimWinsockPump::wait_for_packets() {
  windows_.wait_event(transport_.receive_event(), [this] {
    if (!running_) return;
    (void)transport_.poll_receive();
    after_event();
    wait_for_packets();
  });
}

void SimWinsockPump::after_event() {
  if (!running_) return;
  if (after_event_) after_event_();
  schedule_tx_poll();
}

void SimWinsockPump::schedule_tx_poll() {
  scheduler_.cancel(tx_poll_);
  const auto next = transport_.next_tx_poll();
  if (!running_ || !next) return;
  // QPC ticks to the true delay at the counter's nominal rate: a tick is 100 ns at 10 MHz. A
  // deadline reached early finds nothing due and re-arms for the rest.
  const std::int64_t ticks = next->count - windows_.api().query_performance_counter();
  const auto hz = static_cast<std::int64_t>(windows_.api().query_performance_frequency());
  const auto delay = sim::SimDuration::picoseconds(ticks > 0 ? ticks * 1'000'000'000'000 / hz : 0);
  auto event = scheduler_.schedule_after(delay, [this] {
    if (!running_) return;
    transport_.poll_tx_timestamps();
    after_event();
  });
  tx_poll_ = event ? *event : sim::EventId{};
}

}  // namespace ptp::simwin
