// WinApi: the one table through which the Windows HAL reaches the operating system. load_win_api()
// fills it from the real DLLs; tests fill it with fakes, which is how the HAL's logic (capability
// mapping, missing functions, failing calls, notifications on a foreign thread, TX-timestamp
// retries, the WSAEOPNOTSUPP fallback) is exercised under Wine, which lacks the timestamping API.
//
// An optional function that the OS lacks is an empty std::function: callers test it before use
// and fall back. Each entry keeps the Win32 signature (minus calling convention) so the real
// table is a direct forward and a fake sees exactly what the OS would.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "ptp/win/iphlpapi_timestamp_types.h"
#include "ptp/win/win_types.h"

namespace ptp::win {

struct WinApi {
  // --- IP Helper (always present) ---
  std::function<ULONG(ULONG family, ULONG flags, IP_ADAPTER_ADDRESSES* addresses, ULONG* size)>
      get_adapters_addresses;

  // --- IP Helper timestamping (optional: Windows 10 20348+ only) ---
  std::function<DWORD(const NET_LUID*, IfTimestampCapabilities*)>
      get_interface_supported_timestamp_capabilities;
  std::function<DWORD(const NET_LUID*, IfTimestampCapabilities*)>
      get_interface_active_timestamp_capabilities;
  std::function<DWORD(const NET_LUID*, IfHardwareCrossTimestamp*)>
      capture_interface_hardware_cross_timestamp;
  std::function<DWORD(IfTimestampConfigChangeCallback, PVOID, IfTimestampChangeHandle*)>
      register_interface_timestamp_config_change;
  std::function<void(IfTimestampChangeHandle)> unregister_interface_timestamp_config_change;

  // --- Winsock ---
  std::function<int(WORD version, WSADATA*)> wsa_startup;
  std::function<int()> wsa_cleanup;
  std::function<int()> wsa_get_last_error;
  std::function<SOCKET(int family, int type, int protocol)> socket;
  std::function<int(SOCKET)> closesocket;
  std::function<int(SOCKET, const sockaddr*, int length)> bind;
  std::function<int(SOCKET, int level, int name, const char* value, int length)> setsockopt;
  std::function<int(SOCKET, DWORD code, void* in, DWORD in_size, void* out, DWORD out_size,
                    DWORD* returned)>
      wsa_ioctl;  // synchronous only: no overlapped arguments
  std::function<int(SOCKET, long command, u_long* argument)> ioctlsocket;
  std::function<int(SOCKET, WSAMSG*, DWORD* sent)> wsa_send_msg;      // synchronous
  std::function<int(SOCKET, WSAMSG*, DWORD* received)> wsa_recv_msg;  // synchronous
  std::function<WSAEVENT()> wsa_create_event;
  std::function<BOOL(WSAEVENT)> wsa_close_event;
  std::function<BOOL(WSAEVENT)> wsa_reset_event;
  std::function<int(SOCKET, WSAEVENT, long events)> wsa_event_select;

  // --- Clocks (kernel32; the adjustment pair "precise" is optional, from kernelbase.dll) ---
  std::function<std::int64_t()> query_performance_counter;
  std::function<std::int64_t()> query_performance_frequency;
  // 100 ns intervals since 1601-01-01 UTC (FILETIME as one number).
  std::function<std::uint64_t()> get_system_time_precise_as_file_time;
  std::function<BOOL(DWORD64* adjustment, DWORD64* increment, BOOL* disabled)>
      get_system_time_adjustment_precise;
  std::function<BOOL(DWORD64 adjustment, BOOL disabled)> set_system_time_adjustment_precise;
  std::function<BOOL(DWORD* adjustment, DWORD* increment, BOOL* disabled)>
      get_system_time_adjustment;
  std::function<BOOL(DWORD adjustment, BOOL disabled)> set_system_time_adjustment;
  std::function<BOOL(const SYSTEMTIME*)> set_system_time;
  std::function<DWORD()> get_last_error;
  // Enables SE_SYSTEMTIME_NAME in the process token: NO_ERROR, ERROR_NOT_ALL_ASSIGNED when the
  // account does not hold it (AdjustTokenPrivileges "succeeds" then), or the failing call's code.
  std::function<DWORD()> enable_system_time_privilege;
  // Whether the Windows Time service (w32time) is running; nullopt when that cannot be told.
  std::function<std::optional<bool>()> w32time_running;
};

// The real table. Optional functions the running OS lacks stay empty; the timestamping functions
// are only taken as a set, and only when GetInterfaceSupportedTimestampCapabilities exists (which
// rules out Windows 10 1809's older API of the same names).
WinApi load_win_api();

}  // namespace ptp::win
