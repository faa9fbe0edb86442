// The service status sequence and the control mapping (no SCM calls here: see
// windows_service.cpp).
#include "ptp/ptp4win/service_status.h"

#include <utility>

namespace ptp::ptp4win {

ServiceExitCodes service_exit_codes(int exit_code) {
  if (exit_code == 0) return {};
  return {ERROR_SERVICE_SPECIFIC_ERROR, static_cast<DWORD>(exit_code)};
}

ServiceStatusReporter::ServiceStatusReporter(Setter setter) : setter_(std::move(setter)) {
  status_.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status_.dwCurrentState = SERVICE_STOPPED;
}

void ServiceStatusReporter::start_pending() {
  const std::scoped_lock lock(mutex_);
  if (status_.dwCurrentState != SERVICE_STOPPED &&
      status_.dwCurrentState != SERVICE_START_PENDING) {
    return;
  }
  status_.dwCurrentState = SERVICE_START_PENDING;
  status_.dwControlsAccepted = 0;  // a stop now would race the start; the SCM refuses it for us
  ++status_.dwCheckPoint;
  status_.dwWaitHint = kServiceStartWaitHintMs;
  report_locked();
}

void ServiceStatusReporter::running() {
  const std::scoped_lock lock(mutex_);
  if (status_.dwCurrentState != SERVICE_START_PENDING) return;
  status_.dwCurrentState = SERVICE_RUNNING;
  status_.dwControlsAccepted = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN;
  status_.dwCheckPoint = 0;
  status_.dwWaitHint = 0;
  report_locked();
}

bool ServiceStatusReporter::stop_pending() {
  const std::scoped_lock lock(mutex_);
  if (status_.dwCurrentState != SERVICE_RUNNING &&
      status_.dwCurrentState != SERVICE_START_PENDING) {
    return false;
  }
  status_.dwCurrentState = SERVICE_STOP_PENDING;
  status_.dwControlsAccepted = 0;
  status_.dwCheckPoint = 1;
  status_.dwWaitHint = kServiceStopWaitHintMs;
  report_locked();
  return true;
}

void ServiceStatusReporter::stopped(int exit_code) {
  const std::scoped_lock lock(mutex_);
  const ServiceExitCodes codes = service_exit_codes(exit_code);
  status_.dwCurrentState = SERVICE_STOPPED;
  status_.dwControlsAccepted = 0;
  status_.dwWin32ExitCode = codes.win32_exit_code;
  status_.dwServiceSpecificExitCode = codes.service_specific_exit_code;
  status_.dwCheckPoint = 0;
  status_.dwWaitHint = 0;
  report_locked();
}

void ServiceStatusReporter::report_current() {
  const std::scoped_lock lock(mutex_);
  report_locked();
}

SERVICE_STATUS ServiceStatusReporter::current() const {
  const std::scoped_lock lock(mutex_);
  return status_;
}

int ServiceStatusReporter::failed_reports() const {
  const std::scoped_lock lock(mutex_);
  return failed_reports_;
}

void ServiceStatusReporter::report_locked() {
  if (!setter_(status_)) ++failed_reports_;
}

DWORD handle_service_control(DWORD control, ServiceStatusReporter& reporter,
                             const std::function<void()>& request_stop) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      // The stop itself runs on the service thread (the Asio loop): the handler must return at
      // once, and STOPPED is reported only after the clock adjustment has been restored.
      if (reporter.stop_pending()) request_stop();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE: reporter.report_current(); return NO_ERROR;
    default: return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

}  // namespace ptp::ptp4win
