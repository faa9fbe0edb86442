// The Windows Event Log as ptp4win's syslog: under --service (no console) the log lines go to
// the Application log with the event source "ptp4win", their level as the event type (error,
// warning, information) and as the event ID (the syslog level, 3..7, for filtering). Each ID has
// a "%1" message in ptp4win.exe's message table (resources/ptp4win_messages.mc), so with the
// source's EventMessageFile registered (the installer does it) Event Viewer shows the line alone.
#pragma once

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <memory>
#include <string_view>

#include "ptp/ptp4win/log_format.h"

namespace ptp::ptp4win {

// The event type a log level is reported with.
WORD event_type_of(LogLevel level);
// The event ID a log level is reported with: its message-table entry.
DWORD event_id_of(LogLevel level);

class EventLog {
 public:
  // nullptr if Windows refused the source (the caller has nowhere else to log: it goes on).
  static std::unique_ptr<EventLog> open(std::wstring_view source);
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  EventLog(EventLog&&) = delete;
  EventLog& operator=(EventLog&&) = delete;
  ~EventLog();

  // One line (UTF-8); false if Windows did not take it.
  bool write(LogLevel level, std::string_view line) const;

 private:
  explicit EventLog(HANDLE source) : source_(source) {}
  HANDLE source_;
};

}  // namespace ptp::ptp4win
