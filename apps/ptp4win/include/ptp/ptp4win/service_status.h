// What ptp4win --service tells the Service Control Manager, and when: the SERVICE_STATUS
// sequence (START_PENDING with advancing checkpoints, RUNNING, STOP_PENDING, STOPPED with the
// exit code) and the mapping of the SCM's controls to a stop request. The status is handed to an
// injected setter (SetServiceStatus in the program, a recorder in the tests), so the whole
// protocol is tested without an SCM. The handler and the service thread share one reporter: it
// is locked, and the status only moves forward.
#pragma once

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <functional>
#include <mutex>

namespace ptp::ptp4win {

// How long the SCM should wait before it calls the service hung (the wait hints, ms). Opening the
// HAL and stopping the port are quick; these leave room for a slow adapter query.
inline constexpr DWORD kServiceStartWaitHintMs = 10'000;
inline constexpr DWORD kServiceStopWaitHintMs = 5'000;

// The exit codes of a stopped service: 0 is NO_ERROR; ptp4win's own exit codes (1: the interface,
// configuration or HAL refused to start; 2: a bad command line) are service-specific errors, as
// the SCM's documentation asks, so `sc query` shows them as SERVICE_EXIT_CODE.
struct ServiceExitCodes {
  DWORD win32_exit_code = NO_ERROR;
  DWORD service_specific_exit_code = 0;
};
ServiceExitCodes service_exit_codes(int exit_code);

class ServiceStatusReporter {
 public:
  using Setter = std::function<bool(const SERVICE_STATUS& status)>;

  explicit ServiceStatusReporter(Setter setter);

  void start_pending();  // each call advances the checkpoint: the service is making progress
  void running();        // accepts STOP and SHUTDOWN from here on
  // STOP_PENDING; false (and nothing reported) if the service is already stopping or stopped.
  bool stop_pending();
  void stopped(int exit_code);
  void report_current();  // SERVICE_CONTROL_INTERROGATE: the current status again

  [[nodiscard]] SERVICE_STATUS current() const;
  // How many SetServiceStatus calls failed (the service still runs; the SCM's view lags).
  [[nodiscard]] int failed_reports() const;

 private:
  void report_locked();

  mutable std::mutex mutex_;
  Setter setter_;
  SERVICE_STATUS status_{};
  int failed_reports_ = 0;
};

// A HandlerEx body: STOP and SHUTDOWN report STOP_PENDING and call `request_stop` once;
// INTERROGATE reports the current status; anything else is ERROR_CALL_NOT_IMPLEMENTED. Returns
// what HandlerEx must return.
DWORD handle_service_control(DWORD control, ServiceStatusReporter& reporter,
                             const std::function<void()>& request_stop);

}  // namespace ptp::ptp4win
