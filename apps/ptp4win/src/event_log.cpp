// The Event Log writer.
#include "ptp/ptp4win/event_log.h"

#include <string>

#include "ptp4win_messages.h"  // generated from resources/ptp4win_messages.mc

namespace ptp::ptp4win {
namespace {

std::wstring to_wide(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int size =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  if (size <= 0) return std::wstring(utf8.begin(), utf8.end());  // not UTF-8: keep the bytes
  std::wstring wide(static_cast<std::size_t>(size), L'\0');
  (void)MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(),
                            size);
  return wide;
}

}  // namespace

WORD event_type_of(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return EVENTLOG_ERROR_TYPE;
    case LogLevel::kWarning: return EVENTLOG_WARNING_TYPE;
    case LogLevel::kNotice:
    case LogLevel::kInfo:
    case LogLevel::kDebug: return EVENTLOG_INFORMATION_TYPE;
  }
  return EVENTLOG_INFORMATION_TYPE;
}

DWORD event_id_of(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return PTP4WIN_EVENT_ERROR;
    case LogLevel::kWarning: return PTP4WIN_EVENT_WARNING;
    case LogLevel::kNotice: return PTP4WIN_EVENT_NOTICE;
    case LogLevel::kInfo: return PTP4WIN_EVENT_INFO;
    case LogLevel::kDebug: return PTP4WIN_EVENT_DEBUG;
  }
  return PTP4WIN_EVENT_INFO;
}

std::unique_ptr<EventLog> EventLog::open(std::wstring_view source) {
  const std::wstring name(source);
  HANDLE handle = RegisterEventSourceW(nullptr, name.c_str());
  if (handle == nullptr) return nullptr;
  return std::unique_ptr<EventLog>(new EventLog(handle));
}

EventLog::~EventLog() { (void)DeregisterEventSource(source_); }

bool EventLog::write(LogLevel level, std::string_view line) const {
  const std::wstring text = to_wide(line);
  LPCWSTR strings[] = {text.c_str()};
  return ReportEventW(source_, event_type_of(level), 0, event_id_of(level), nullptr, 1, 0, strings,
                      nullptr) != FALSE;
}

}  // namespace ptp::ptp4win
