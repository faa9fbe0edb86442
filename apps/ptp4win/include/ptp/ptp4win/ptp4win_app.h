// Ptp4winApp: one ordinary clock on one Windows interface, on a Boost.Asio event loop. It opens
// the Windows HAL (WinHost), builds the servo and the OrdinaryClock from the configuration, and
// runs the shared PortDriver: the receive event through an object_handle wait, transmit-timestamp
// polls on a steady_timer at next_tx_poll(), the clock's timers (AsioTimers), the cross-timestamp
// sampling when hardware timestamps come from a NIC clock, and Ctrl+C / console close through
// SetConsoleCtrlHandler (posted to the loop). Stopping detaches the driver; the WinSystemClock's
// destructor restores the frequency adjustment found before our first change.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>

#include "ptp/app/linuxptp_config.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/win/win_api.h"

namespace ptp::ptp4win {

// Runs until stopped (Ctrl+C, console close, service stop: request_stop()); returns the process
// exit code: 0 after a clean stop, 1 when the metrics address cannot be bound (checked first,
// before PTP starts) or the interface, the configuration or the HAL refused to start. `on_running`
// (if set) is called once the port has started, before the loop runs.
int run_ordinary_clock(boost::asio::io_context& io, const win::WinApi& api,
                       const app::LinuxPtpConfig& config, const std::string& interface_name,
                       const Logger& logger, const std::function<void()>& on_running = {});

// Asks a running run_ordinary_clock() on `io` to stop (any thread; what the console handler does).
void request_stop(boost::asio::io_context& io);

// --list-interfaces: the adapter listing on `out`; returns the exit code.
int list_interfaces(const win::WinApi& api, std::FILE* out);

}  // namespace ptp::ptp4win
