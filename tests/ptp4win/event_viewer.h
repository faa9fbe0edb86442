// What Event Viewer does with an event of a registered source, for the tests: read the source's
// EventMessageFile from the registry, load that file as a resource module, and format the event
// ID's message with the event's insertion strings (FormatMessage, FORMAT_MESSAGE_FROM_HMODULE).
// Used by ptp4win_test (against the built ptp4win.exe) and by ptp4win_event_source_check (against
// the installed one, after msiexec).
#pragma once

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <optional>
#include <string>

namespace ptp::ptp4win::test {

inline constexpr const wchar_t* kEventLogApplicationKey =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\";

// A Unix path (a build tree seen from Wine) as a Windows one on Wine's Z: drive; others as given.
inline std::wstring windows_path(std::string_view path) {
  std::wstring wide(path.begin(), path.end());
  if (wide.empty() || wide.front() != L'/') return wide;
  for (wchar_t& c : wide) {
    if (c == L'/') c = L'\\';
  }
  return L"Z:" + wide;
}

// A registry string value of HKLM\key (REG_SZ, or REG_EXPAND_SZ expanded), or nullopt.
inline std::optional<std::wstring> registry_string(const std::wstring& key, const wchar_t* name) {
  DWORD bytes = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), name, RRF_RT_REG_SZ, nullptr, nullptr,
                   &bytes) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  std::wstring value(bytes / sizeof(wchar_t) + 1, L'\0');
  bytes = static_cast<DWORD>(value.size() * sizeof(wchar_t));
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), name, RRF_RT_REG_SZ, nullptr, value.data(),
                   &bytes) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  value.resize(wcsnlen(value.c_str(), value.size()));
  return value;
}

inline std::optional<DWORD> registry_dword(const std::wstring& key, const wchar_t* name) {
  DWORD value = 0;
  DWORD bytes = sizeof(value);
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), name, RRF_RT_REG_DWORD, nullptr, &value,
                   &bytes) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  return value;
}

// The text of message `event_id` in `module_path`'s message table with `insertion` as %1, or
// nullopt (with the Windows error) when the file or the message is missing.
inline std::optional<std::wstring> format_event(const std::wstring& module_path, DWORD event_id,
                                                const std::wstring& insertion,
                                                DWORD* error = nullptr) {
  HMODULE module = LoadLibraryExW(module_path.c_str(), nullptr,
                                  LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE);
  if (module == nullptr) {
    if (error != nullptr) *error = GetLastError();
    return std::nullopt;
  }
  const DWORD_PTR arguments[] = {reinterpret_cast<DWORD_PTR>(insertion.c_str())};
  LPWSTR buffer = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_ARGUMENT_ARRAY,
      module, event_id, MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL),
      reinterpret_cast<LPWSTR>(&buffer), 0,
      reinterpret_cast<va_list*>(const_cast<DWORD_PTR*>(arguments)));
  const DWORD format_error = GetLastError();
  std::optional<std::wstring> text;
  if (length != 0 && buffer != nullptr) text = std::wstring(buffer, length);
  if (buffer != nullptr) (void)LocalFree(buffer);
  (void)FreeLibrary(module);
  if (!text && error != nullptr) *error = format_error;
  return text;
}

// Event Viewer's view of an event of `source`: the registered message file's message, or nullopt
// (it would print "The description for Event ID ... cannot be found").
inline std::optional<std::wstring> render_registered_event(const std::wstring& source,
                                                           DWORD event_id,
                                                           const std::wstring& insertion) {
  const auto file = registry_string(kEventLogApplicationKey + source, L"EventMessageFile");
  if (!file) return std::nullopt;
  return format_event(*file, event_id, insertion);
}

}  // namespace ptp::ptp4win::test
