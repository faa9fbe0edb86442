// What the Windows HAL needs from the application around it: a way to run work on the
// application's event-loop thread (the OS notifies on its own threads) and a log sink (the HAL
// never writes to stdout or stderr itself).
#pragma once

#include <functional>
#include <string_view>

namespace ptp::win {

// Runs `task` later on the event-loop thread. Must be callable from any thread, concurrently, and
// must not run `task` inside the call. With Boost.Asio:
//   [&io](std::function<void()> task) { asio::post(io, std::move(task)); }
using PostToLoop = std::function<void(std::function<void()> task)>;

enum class LogLevel { kInfo, kWarning, kError };

// Called on the thread of the HAL call that logs (the loop thread, or the caller's during setup).
using LogSink = std::function<void(LogLevel level, std::string_view message)>;

}  // namespace ptp::win
