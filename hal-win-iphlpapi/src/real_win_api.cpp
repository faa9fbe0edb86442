// load_win_api(): the WinApi table over the real DLLs. Functions every supported Windows (and
// Wine) has are linked directly; the timestamping and precise-adjustment functions are looked up
// with GetProcAddress, because a static import of a missing function stops the .exe from loading.
#include <memory>

#include "ptp/win/win_api.h"
#include "ptp/win/windows_headers.h"

namespace ptp::win {

namespace {

// The exported functions' types, for GetProcAddress.
using GetInterfaceTimestampCapabilitiesFn = DWORD(WINAPI*)(const NET_LUID*,
                                                           IfTimestampCapabilities*);
using CaptureInterfaceHardwareCrossTimestampFn = DWORD(WINAPI*)(const NET_LUID*,
                                                                IfHardwareCrossTimestamp*);
using RegisterInterfaceTimestampConfigChangeFn = DWORD(WINAPI*)(IfTimestampConfigChangeCallback,
                                                                PVOID, IfTimestampChangeHandle*);
using UnregisterInterfaceTimestampConfigChangeFn = VOID(WINAPI*)(IfTimestampChangeHandle);

// GetProcAddress returns FARPROC; going through void(*)() is the conversion GCC accepts between
// unrelated function pointer types.
template <class Fn>
Fn resolve(HMODULE module, const char* name) {
  if (module == nullptr) return nullptr;
  const FARPROC proc = GetProcAddress(module, name);
  if (proc == nullptr) return nullptr;
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(proc));
}

HMODULE module_handle(const wchar_t* name) {
  // Already loaded by the imports (iphlpapi, kernel32) or by kernel32 itself (kernelbase);
  // LoadLibrary keeps it loaded for the process's lifetime either way.
  return LoadLibraryW(name);
}

void load_ip_helper_timestamping(WinApi& api) {
  const HMODULE iphlpapi = module_handle(L"iphlpapi.dll");
  const auto supported = resolve<GetInterfaceTimestampCapabilitiesFn>(
      iphlpapi, "GetInterfaceSupportedTimestampCapabilities");
  if (supported == nullptr) return;  // no API, or only 1809's incompatible one: no timestamping
  const auto active = resolve<GetInterfaceTimestampCapabilitiesFn>(
      iphlpapi, "GetInterfaceActiveTimestampCapabilities");
  const auto capture = resolve<CaptureInterfaceHardwareCrossTimestampFn>(
      iphlpapi, "CaptureInterfaceHardwareCrossTimestamp");
  const auto register_change = resolve<RegisterInterfaceTimestampConfigChangeFn>(
      iphlpapi, "RegisterInterfaceTimestampConfigChange");
  const auto unregister_change = resolve<UnregisterInterfaceTimestampConfigChangeFn>(
      iphlpapi, "UnregisterInterfaceTimestampConfigChange");
  api.get_interface_supported_timestamp_capabilities = supported;
  if (active != nullptr) api.get_interface_active_timestamp_capabilities = active;
  if (capture != nullptr) api.capture_interface_hardware_cross_timestamp = capture;
  if (register_change != nullptr && unregister_change != nullptr) {
    api.register_interface_timestamp_config_change = register_change;
    api.unregister_interface_timestamp_config_change = unregister_change;
  }
}

void load_precise_adjustment(WinApi& api) {
  using GetPrecise = BOOL(WINAPI*)(DWORD64*, DWORD64*, BOOL*);
  using SetPrecise = BOOL(WINAPI*)(DWORD64, BOOL);
  const HMODULE kernelbase = module_handle(L"kernelbase.dll");
  const auto get = resolve<GetPrecise>(kernelbase, "GetSystemTimeAdjustmentPrecise");
  const auto set = resolve<SetPrecise>(kernelbase, "SetSystemTimeAdjustmentPrecise");
  if (get == nullptr || set == nullptr) return;  // Wine, older Windows: the legacy pair is used
  api.get_system_time_adjustment_precise = get;
  api.set_system_time_adjustment_precise = set;
}

// WSARecvMsg is only reachable as a Winsock extension function pointer, asked of a socket. It is
// the same for every socket of the (one) UDP provider, so it is asked once and kept.
int recv_msg(SOCKET socket_handle, WSAMSG* message, DWORD* received) {
  static LPFN_WSARECVMSG function = nullptr;
  if (function == nullptr) {
    GUID id = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG found = nullptr;
    DWORD returned = 0;
    if (WSAIoctl(socket_handle, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id), &found,
                 sizeof(found), &returned, nullptr, nullptr) == SOCKET_ERROR) {
      return SOCKET_ERROR;
    }
    function = found;
  }
  return function(socket_handle, message, received, nullptr, nullptr);
}

DWORD enable_privilege() {
  HANDLE token = nullptr;
  if (OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token) == 0) {
    return GetLastError();
  }
  TOKEN_PRIVILEGES privileges{};
  privileges.PrivilegeCount = 1;
  privileges.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  // Whichever call fails leaves its code in GetLastError(); when both succeed, GetLastError() tells
  // NO_ERROR from ERROR_NOT_ALL_ASSIGNED (AdjustTokenPrivileges returns TRUE even when the account
  // does not hold the privilege).
  if (LookupPrivilegeValueW(nullptr, L"SeSystemtimePrivilege", &privileges.Privileges[0].Luid) !=
      0) {
    AdjustTokenPrivileges(token, FALSE, &privileges, 0, nullptr, nullptr);
  }
  const DWORD result = GetLastError();
  CloseHandle(token);
  return result;
}

std::optional<bool> w32time_state() {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) return std::nullopt;
  std::optional<bool> running;
  SC_HANDLE service = OpenServiceW(manager, L"W32Time", SERVICE_QUERY_STATUS);
  if (service == nullptr) {
    // Not installed (Wine, stripped-down images): nothing can fight our adjustments.
    if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) running = false;
  } else {
    SERVICE_STATUS status{};
    if (QueryServiceStatus(service, &status) != 0) {
      running = status.dwCurrentState == SERVICE_RUNNING;
    }
    CloseServiceHandle(service);
  }
  CloseServiceHandle(manager);
  return running;
}

}  // namespace

WinApi load_win_api() {
  WinApi api;
  api.get_adapters_addresses = [](ULONG family, ULONG flags, IP_ADAPTER_ADDRESSES* addresses,
                                  ULONG* size) {
    return GetAdaptersAddresses(family, flags, nullptr, addresses, size);
  };
  load_ip_helper_timestamping(api);

  api.wsa_startup = [](WORD version, WSADATA* data) { return WSAStartup(version, data); };
  api.wsa_cleanup = [] { return WSACleanup(); };
  api.wsa_get_last_error = [] { return WSAGetLastError(); };
  api.socket = [](int family, int type, int protocol) { return ::socket(family, type, protocol); };
  api.closesocket = [](SOCKET s) { return ::closesocket(s); };
  api.bind = [](SOCKET s, const sockaddr* address, int length) {
    return ::bind(s, address, length);
  };
  api.setsockopt = [](SOCKET s, int level, int name, const char* value, int length) {
    return ::setsockopt(s, level, name, value, length);
  };
  api.wsa_ioctl = [](SOCKET s, DWORD code, void* in, DWORD in_size, void* out, DWORD out_size,
                     DWORD* returned) {
    return WSAIoctl(s, code, in, in_size, out, out_size, returned, nullptr, nullptr);
  };
  api.ioctlsocket = [](SOCKET s, long command, u_long* argument) {
    return ::ioctlsocket(s, command, argument);
  };
  api.wsa_send_msg = [](SOCKET s, WSAMSG* message, DWORD* sent) {
    return WSASendMsg(s, message, 0, sent, nullptr, nullptr);
  };
  api.wsa_recv_msg = recv_msg;
  api.wsa_create_event = [] { return WSACreateEvent(); };
  api.wsa_close_event = [](WSAEVENT event) { return WSACloseEvent(event); };
  api.wsa_reset_event = [](WSAEVENT event) { return WSAResetEvent(event); };
  api.wsa_event_select = [](SOCKET s, WSAEVENT event, long events) {
    return WSAEventSelect(s, event, events);
  };

  api.query_performance_counter = [] {
    LARGE_INTEGER value{};
    QueryPerformanceCounter(&value);
    return static_cast<std::int64_t>(value.QuadPart);
  };
  api.query_performance_frequency = [] {
    LARGE_INTEGER value{};
    QueryPerformanceFrequency(&value);
    return static_cast<std::int64_t>(value.QuadPart);
  };
  api.get_system_time_precise_as_file_time = [] {
    FILETIME time{};
    GetSystemTimePreciseAsFileTime(&time);
    return (static_cast<std::uint64_t>(time.dwHighDateTime) << 32U) | time.dwLowDateTime;
  };
  load_precise_adjustment(api);
  api.get_system_time_adjustment = [](DWORD* adjustment, DWORD* increment, BOOL* disabled) {
    return GetSystemTimeAdjustment(adjustment, increment, disabled);
  };
  api.set_system_time_adjustment = [](DWORD adjustment, BOOL disabled) {
    return SetSystemTimeAdjustment(adjustment, disabled);
  };
  api.set_system_time = [](const SYSTEMTIME* time) { return SetSystemTime(time); };
  api.get_last_error = [] { return GetLastError(); };
  api.enable_system_time_privilege = enable_privilege;
  api.w32time_running = w32time_state;
  return api;
}

}  // namespace ptp::win
