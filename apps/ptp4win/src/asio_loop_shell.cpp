// ptp4win's LoopShell on Boost.Asio.
#include "ptp/ptp4win/asio_loop_shell.h"

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <boost/asio/post.hpp>
#include <utility>

namespace ptp::ptp4win {

AsioLoopShell::AsioLoopShell(boost::asio::io_context& io, const win::WinApi& api)
    : io_(io), counter_(api), timers_(io, counter_, {}), tx_poll_(io) {}

win::PostToLoop AsioLoopShell::post_to_loop() {
  return [this](std::function<void()> task) { boost::asio::post(io_, std::move(task)); };
}

bool AsioLoopShell::wait_for_signal(ReceiveEvent event, std::function<void()> handler) {
  if (!signal_) {
    // object_handle closes what it holds: it gets a duplicate, the transport keeps its event.
    HANDLE duplicate = nullptr;
    if (DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), &duplicate, 0, FALSE,
                        DUPLICATE_SAME_ACCESS) == FALSE) {
      return false;
    }
    signal_ = std::make_unique<boost::asio::windows::object_handle>(io_, duplicate);
  }
  signal_->async_wait([handler = std::move(handler)](const boost::system::error_code& error) {
    if (!error) handler();
  });
  return true;
}

void AsioLoopShell::arm_tx_poll(hal::CounterTicks deadline, std::function<void()> handler) {
  tx_poll_.expires_after(counter_distance(counter_.now(), deadline, counter_.frequency_hz()));
  tx_poll_.async_wait([handler = std::move(handler)](const boost::system::error_code& error) {
    if (!error) handler();
  });
}

void AsioLoopShell::cancel_waits() {
  timers_.cancel_all();
  tx_poll_.cancel();
  if (signal_) {
    boost::system::error_code ignored;
    (void)signal_->close(ignored);
  }
}

}  // namespace ptp::ptp4win
