// ptp4win_install_check: what the installer registered, read through the Windows APIs, for
// tests/install_wine/run_install.sh (under Wine, after msiexec).
//   service NAME                        the service's configuration as `sc qc` prints it
//                                       (QueryServiceConfig; Wine's sc has no qc); exit 1 if
//                                       there is no such service
//   event-source SOURCE MESSAGE_FILE    what Event Viewer would show for the Event Log source:
//                                       SOURCE registered under the Application log with
//                                       EventMessageFile = MESSAGE_FILE and TypesSupported = 7,
//                                       and every event ID ptp4win writes (3..7) rendering as its
//                                       log line alone; one line per check, exit 1 if one fails
#include <cstdio>
#include <string>

#include "event_viewer.h"

namespace {

using namespace ptp::ptp4win::test;

std::string narrow(const std::wstring& text) {
  std::string out;
  for (const wchar_t c : text) out.push_back(c < 0x80 ? static_cast<char>(c) : '?');
  return out;
}

bool same_path(std::wstring a, std::wstring b) {
  for (auto* text : {&a, &b}) {
    for (wchar_t& c : *text) c = static_cast<wchar_t>(towlower(c));
  }
  return a == b;
}

int query_service(const std::wstring& name) {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) {
    (void)std::printf("OpenSCManager failed: %lu\n", GetLastError());
    return 1;
  }
  SC_HANDLE service = OpenServiceW(manager, name.c_str(), SERVICE_QUERY_CONFIG);
  if (service == nullptr) {
    (void)std::printf("OpenService %s failed: %lu\n", narrow(name).c_str(), GetLastError());
    (void)CloseServiceHandle(manager);
    return 1;
  }
  DWORD bytes = 0;
  (void)QueryServiceConfigW(service, nullptr, 0, &bytes);
  std::string buffer(bytes, '\0');
  auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
  const bool ok = bytes != 0 && QueryServiceConfigW(service, config, bytes, &bytes) != FALSE;
  if (ok) {
    (void)std::printf("SERVICE_NAME: %s\n", narrow(name).c_str());
    (void)std::printf("        TYPE               : %lx\n", config->dwServiceType);
    (void)std::printf("        START_TYPE         : %lu\n", config->dwStartType);
    (void)std::printf("        ERROR_CONTROL      : %lu\n", config->dwErrorControl);
    (void)std::printf("        BINARY_PATH_NAME   : %s\n",
                      narrow(config->lpBinaryPathName).c_str());
    (void)std::printf("        DISPLAY_NAME       : %s\n", narrow(config->lpDisplayName).c_str());
    (void)std::printf("        SERVICE_START_NAME : %s\n",
                      config->lpServiceStartName ? narrow(config->lpServiceStartName).c_str() : "");
  }
  (void)CloseServiceHandle(service);
  (void)CloseServiceHandle(manager);
  return ok ? 0 : 1;
}

int check_event_source(const std::wstring& source, const std::wstring& expected_file) {
  const std::wstring key = kEventLogApplicationKey + source;
  bool ok = true;
  const auto file = registry_string(key, L"EventMessageFile");
  const bool file_ok = file && same_path(*file, expected_file);
  (void)std::printf("%s EventMessageFile = %s\n", file_ok ? "ok" : "FAIL",
                    file ? narrow(*file).c_str() : "(missing)");
  ok = ok && file_ok;
  const auto types = registry_dword(key, L"TypesSupported");
  const bool types_ok = types && *types == 7;
  (void)std::printf("%s TypesSupported = %ld\n", types_ok ? "ok" : "FAIL",
                    types ? static_cast<long>(*types) : -1L);
  ok = ok && types_ok;
  for (DWORD id = 3; id <= 7; ++id) {
    const std::wstring line = L"ptp4win[1.000]: event " + std::to_wstring(id);
    const auto text = render_registered_event(source, id, line);
    const bool rendered = text && *text == line;
    (void)std::printf("%s event ID %lu renders as \"%s\"\n", rendered ? "ok" : "FAIL",
                      static_cast<unsigned long>(id), text ? narrow(*text).c_str() : "(not found)");
    ok = ok && rendered;
  }
  return ok ? 0 : 1;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  const std::wstring mode = argc > 1 ? argv[1] : L"";
  if (mode == L"service" && argc == 3) return query_service(argv[2]);
  if (mode == L"event-source" && argc == 4) return check_event_source(argv[2], argv[3]);
  (void)std::fputs(
      "usage: ptp4win_install_check service NAME\n"
      "       ptp4win_install_check event-source SOURCE MESSAGE_FILE\n",
      stderr);
  return 2;
}
