// ptp4win: a PTPv2 ordinary clock for Windows that behaves like linuxptp's ptp4l (options,
// configuration file, log lines, pmc). See docs/ptp4win.md.
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "ptp/ptp4win/asio_timers.h"
#include "ptp/ptp4win/command_line.h"
#include "ptp/ptp4win/console_control.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/ptp4win/ptp4win_app.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_clocks.h"

namespace {

void write_line(std::FILE* out, std::string_view line) {
  (void)std::fwrite(line.data(), 1, line.size(), out);
  (void)std::fputc('\n', out);
  (void)std::fflush(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptp::ptp4win;
  const std::vector<std::string> arguments(argv + (argc > 0 ? 1 : 0), argv + argc);
  auto command_line = parse_command_line(arguments);
  if (!command_line) {
    (void)std::fprintf(stderr, "ptp4win: %s\n", command_line.error().message.c_str());
    return 2;
  }
  switch (command_line->action) {
    case CommandLineAction::kHelp: (void)std::fputs(usage_text().c_str(), stdout); return 0;
    case CommandLineAction::kVersion: (void)std::fputs(version_text().c_str(), stdout); return 0;
    case CommandLineAction::kListInterfaces:
      return list_interfaces(ptp::win::load_win_api(), stdout);
    case CommandLineAction::kRun: break;
  }

  const ptp::app::ClockOptions& clock = command_line->config.clock;
  std::FILE* out = clock.verbose.value ? stdout : stderr;
  boost::asio::io_context io;
  const ptp::win::WinApi api = ptp::win::load_win_api();
  ptp::win::WinMonotonicCounter counter(api);
  const Logger logger(
      LoggerConfig{"ptp4win", clock.message_tag.value, clock.logging_level.value},
      [out](std::string_view line) { write_line(out, line); },
      [&counter] { return counter_time(counter.now(), counter.frequency_hz()); });
  (void)install_console_control(io);
  const int exit_code =
      run_ordinary_clock(io, api, command_line->config, command_line->interface_name, logger);
  console_control_done();
  return exit_code;
}
