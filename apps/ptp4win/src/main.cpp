// ptp4win: a PTPv2 ordinary clock for Windows that behaves like linuxptp's ptp4l (options,
// configuration file, log lines, pmc). In the console, or as a Windows service (--service). See
// docs/ptp4win.md.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ptp/ptp4win/asio_timers.h"
#include "ptp/ptp4win/command_line.h"
#include "ptp/ptp4win/console_control.h"
#include "ptp/ptp4win/diagnose.h"
#include "ptp/ptp4win/event_log.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/ptp4win/program_arguments.h"
#include "ptp/ptp4win/ptp4win_app.h"
#include "ptp/ptp4win/windows_service.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_clocks.h"

namespace {

using ptp::ptp4win::CommandLine;
using ptp::ptp4win::LogLevel;

void write_line(std::FILE* out, std::string_view line) {
  (void)std::fwrite(line.data(), 1, line.size(), out);
  (void)std::fputc('\n', out);
  (void)std::fflush(out);
}

// The ordinary clock of `command_line` on `io`, its lines handed to `writer`.
int run_clock(boost::asio::io_context& io, const CommandLine& command_line,
              const ptp::ptp4win::Logger::Writer& writer, const std::function<void()>& on_running) {
  const ptp::app::ClockOptions& clock = command_line.config.clock;
  const ptp::win::WinApi api = ptp::win::load_win_api();
  ptp::win::WinMonotonicCounter counter(api);
  const ptp::ptp4win::Logger logger(
      ptp::ptp4win::LoggerConfig{"ptp4win", clock.message_tag.value, clock.logging_level.value},
      writer,
      [&counter] { return ptp::ptp4win::counter_time(counter.now(), counter.frequency_hz()); });
  return ptp::ptp4win::run_ordinary_clock(io, api, command_line.config, command_line.interface_name,
                                          logger, on_running);
}

// --diagnose -i IFACE [--json]: the report on stdout; exit 1 if the interface is unknown.
int diagnose(const CommandLine& command_line, std::FILE* out) {
  const ptp::win::WinApi api = ptp::win::load_win_api();
  auto adapter = ptp::win::find_interface(api, command_line.interface_name);
  if (!adapter) {
    (void)std::fprintf(stderr, "ptp4win: %s\n", adapter.error().message.c_str());
    return 1;
  }
  const ptp::ptp4win::DiagnoseReport report = ptp::ptp4win::run_diagnose(api, *adapter);
  const std::string text = command_line.json ? ptp::ptp4win::format_diagnose_json(report)
                                             : ptp::ptp4win::format_diagnose_text(report);
  (void)std::fwrite(text.data(), 1, text.size(), out);
  return 0;
}

// --service: the log goes to the Event Log (use_syslog, -q turns it off); a service has no
// console, so -m has nowhere to write. A bad command line still reaches the SCM, as a stopped
// service with exit code 2 and the error in the Event Log, rather than as a start timeout.
int run_service(const ptp::Result<CommandLine, ptp::ptp4win::CommandLineError>& command_line) {
  return ptp::ptp4win::run_windows_service(
      [&command_line](boost::asio::io_context& io, const std::function<void()>& on_running) {
        const bool use_event_log = !command_line || command_line->config.clock.use_syslog.value;
        const std::unique_ptr<ptp::ptp4win::EventLog> event_log =
            use_event_log ? ptp::ptp4win::EventLog::open(L"ptp4win") : nullptr;
        if (!command_line) {
          if (event_log) (void)event_log->write(LogLevel::kError, command_line.error().message);
          return 2;
        }
        return run_clock(
            io, *command_line,
            [&event_log](LogLevel level, std::string_view line) {
              if (event_log) (void)event_log->write(level, line);
            },
            on_running);
      });
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptp::ptp4win;
  const std::vector<std::string> arguments = program_arguments(argc, argv);
  auto command_line = parse_command_line(arguments);
  if (std::ranges::find(arguments, "--service") != arguments.end()) {
    return run_service(command_line);
  }
  if (!command_line) {
    (void)std::fprintf(stderr, "ptp4win: %s\n", command_line.error().message.c_str());
    return 2;
  }
  switch (command_line->action) {
    case CommandLineAction::kHelp: (void)std::fputs(usage_text().c_str(), stdout); return 0;
    case CommandLineAction::kVersion: (void)std::fputs(version_text().c_str(), stdout); return 0;
    case CommandLineAction::kListInterfaces:
      return list_interfaces(ptp::win::load_win_api(), stdout);
    case CommandLineAction::kDiagnose: return diagnose(*command_line, stdout);
    case CommandLineAction::kRun: break;
  }

  std::FILE* out = command_line->config.clock.verbose.value ? stdout : stderr;
  boost::asio::io_context io;
  (void)install_console_control(io);
  const int exit_code = run_clock(
      io, *command_line, [out](LogLevel, std::string_view line) { write_line(out, line); }, {});
  console_control_done();
  return exit_code;
}
