// ptp4win --service: the process as a Windows service (SERVICE_WIN32_OWN_PROCESS). The main
// thread hands itself to the Service Control Manager's dispatcher; the service thread reports
// START_PENDING, runs the body (the ordinary clock on an Asio loop), reports RUNNING once the
// port has started, and STOPPED with the body's exit code once it returns. STOP and SHUTDOWN
// from the SCM post a stop to the loop: the same path as Ctrl+C, which restores the clock's
// frequency adjustment before STOPPED is reported.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>

namespace ptp::ptp4win {

// The service's work: runs on `io` until stopped, calls `on_running` once started, returns its
// exit code (0: a clean stop).
using ServiceBody =
    std::function<int(boost::asio::io_context& io, const std::function<void()>& on_running)>;

// Runs `body` as the service and returns the process's exit code: the body's, or 2 (with a line
// on stderr) when the process was not started by the SCM.
int run_windows_service(ServiceBody body);

}  // namespace ptp::ptp4win
