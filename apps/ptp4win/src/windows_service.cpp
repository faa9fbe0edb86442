// The SCM glue: StartServiceCtrlDispatcherW, ServiceMain, HandlerEx. The status protocol itself
// is ServiceStatusReporter (service_status.cpp), which the tests drive without an SCM.
#include "ptp/ptp4win/windows_service.h"

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <atomic>
#include <cstdio>
#include <mutex>
#include <utility>

#include "ptp/ptp4win/ptp4win_app.h"
#include "ptp/ptp4win/service_status.h"

namespace ptp::ptp4win {
namespace {

// Everything the service thread and the handler share. One per process: an own-process service
// runs once, and the SCM may call the handler until STOPPED has been reported.
struct ServiceContext {
  ServiceBody body;
  std::atomic<SERVICE_STATUS_HANDLE> handle{nullptr};
  ServiceStatusReporter reporter{[this](const SERVICE_STATUS& status) {
    SERVICE_STATUS copy = status;
    SERVICE_STATUS_HANDLE target = handle.load();
    return target != nullptr && SetServiceStatus(target, &copy) != FALSE;
  }};
  std::mutex io_mutex;  // guards io against the service thread tearing the loop down
  boost::asio::io_context* io = nullptr;
  int exit_code = 0;
};

ServiceContext* g_context = nullptr;

DWORD WINAPI handle_control(DWORD control, DWORD event_type, LPVOID event_data, LPVOID context) {
  (void)event_type;
  (void)event_data;
  auto& service = *static_cast<ServiceContext*>(context);
  return handle_service_control(control, service.reporter, [&service] {
    const std::scoped_lock lock(service.io_mutex);
    if (service.io != nullptr) request_stop(*service.io);
  });
}

void WINAPI service_main(DWORD argc, LPWSTR* argv) {
  ServiceContext& service = *g_context;
  // For an own-process service the SCM does not check the name; argv[0] is the installed one.
  const wchar_t* name = argc > 0 && argv != nullptr && argv[0] != nullptr ? argv[0] : L"ptp4win";
  SERVICE_STATUS_HANDLE handle = RegisterServiceCtrlHandlerExW(name, handle_control, &service);
  if (handle == nullptr) {
    service.exit_code = 1;
    return;
  }
  service.handle.store(handle);
  service.reporter.start_pending();
  int exit_code = 1;
  {
    boost::asio::io_context io;
    {
      const std::scoped_lock lock(service.io_mutex);
      service.io = &io;
    }
    exit_code = service.body(io, [&service] { service.reporter.running(); });
    const std::scoped_lock lock(service.io_mutex);
    service.io = nullptr;
  }
  service.exit_code = exit_code;
  service.reporter.stopped(exit_code);  // the last call: the process may end after it
}

}  // namespace

int run_windows_service(ServiceBody body) {
  static ServiceContext context;
  context.body = std::move(body);
  g_context = &context;
  wchar_t empty_name[] = L"";  // ignored for SERVICE_WIN32_OWN_PROCESS
  const SERVICE_TABLE_ENTRYW table[] = {{empty_name, service_main}, {nullptr, nullptr}};
  if (StartServiceCtrlDispatcherW(table) == FALSE) {
    const DWORD error = GetLastError();
    if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
      (void)std::fputs(
          "ptp4win: --service: not started by the Service Control Manager (install the service "
          "with sc create, see docs/ptp4win.md; without --service ptp4win runs in the console)\n",
          stderr);
    } else {
      (void)std::fprintf(stderr, "ptp4win: --service: StartServiceCtrlDispatcher failed (%lu)\n",
                         static_cast<unsigned long>(error));
    }
    return 2;
  }
  return context.exit_code;
}

}  // namespace ptp::ptp4win
