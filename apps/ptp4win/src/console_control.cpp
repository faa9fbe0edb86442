// The console control handler.
#include "ptp/ptp4win/console_control.h"

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <atomic>
#include <chrono>
#include <thread>

#include "ptp/ptp4win/ptp4win_app.h"

namespace ptp::ptp4win {
namespace {

std::atomic<boost::asio::io_context*> g_io{nullptr};
std::atomic<bool> g_done{false};
constexpr auto kCloseCleanupLimit = std::chrono::seconds(4);  // Windows allows 5 s on close

BOOL WINAPI handle_console_control(DWORD type) {
  boost::asio::io_context* io = g_io.load();
  if (io == nullptr) return FALSE;
  request_stop(*io);
  if (type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT) {
    const auto limit = std::chrono::steady_clock::now() + kCloseCleanupLimit;
    while (!g_done.load() && std::chrono::steady_clock::now() < limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return TRUE;
}

}  // namespace

bool install_console_control(boost::asio::io_context& io) {
  g_io.store(&io);
  return SetConsoleCtrlHandler(handle_console_control, TRUE) != FALSE;
}

void console_control_done() {
  g_done.store(true);
  (void)SetConsoleCtrlHandler(handle_console_control, FALSE);
  g_io.store(nullptr);
}

}  // namespace ptp::ptp4win
