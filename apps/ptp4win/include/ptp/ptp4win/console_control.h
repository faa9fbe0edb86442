// Ctrl+C, Ctrl+Break, console close, logoff and shutdown: SetConsoleCtrlHandler's handler (an OS
// thread) posts a stop to the Asio loop. For close/logoff/shutdown, after which Windows ends the
// process once the handler returns, it waits (bounded) until the loop has finished cleaning up.
#pragma once

#include <boost/asio/io_context.hpp>

namespace ptp::ptp4win {

// Installs the handler for `io`; false if Windows refused.
bool install_console_control(boost::asio::io_context& io);
// Tells a waiting handler that cleanup is complete, and removes the handler.
void console_control_done();

}  // namespace ptp::ptp4win
