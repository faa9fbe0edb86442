// AsioLoopShell: ptp4win's LoopShell on Boost.Asio (Windows): the receive event through an
// object_handle wait, the TX-timestamp poll on a steady_timer, the clock's timers on AsioTimers,
// and asio::post.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/object_handle.hpp>
#include <functional>
#include <memory>

#include "ptp/ptp4win/asio_timers.h"
#include "ptp/ptp4win/loop_shell.h"
#include "ptp/win/win_clocks.h"

namespace ptp::ptp4win {

class AsioLoopShell final : public LoopShell {
 public:
  // `io` and `api` must outlive the shell.
  AsioLoopShell(boost::asio::io_context& io, const win::WinApi& api);

  win::PostToLoop post_to_loop() override;
  hal::Timers& timers() override { return timers_; }
  bool wait_for_signal(ReceiveEvent event, std::function<void()> handler) override;
  void arm_tx_poll(hal::CounterTicks deadline, std::function<void()> handler) override;
  void cancel_waits() override;

 private:
  boost::asio::io_context& io_;
  win::WinMonotonicCounter counter_;
  AsioTimers timers_;
  // One object_handle per shell: Session waits on its transport's one receive event.
  std::unique_ptr<boost::asio::windows::object_handle> signal_;
  boost::asio::steady_timer tx_poll_;
};

}  // namespace ptp::ptp4win
