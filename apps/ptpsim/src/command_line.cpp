// Parsing ptpsim's options: --name value or --name=value, one positional scenario file.
#include "command_line.h"

#include <charconv>
#include <cmath>

namespace ptp::ptpsim {
namespace {

Result<std::uint64_t, std::string> parse_seed(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) {
    return unexpected("--seed: '" + std::string(text) + "' is not a non-negative integer");
  }
  return value;
}

Result<sim::SimDuration, std::string> parse_duration(std::string_view text) {
  double seconds = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, seconds);
  // An int64 of picoseconds spans about 106 days.
  if (text.empty() || error != std::errc() || ptr != end || !(seconds > 0) ||
      seconds > 100.0 * 86'400.0) {
    return unexpected("--duration: '" + std::string(text) +
                      "' is not a number of seconds greater than 0 (at most 100 days)");
  }
  return sim::SimDuration::picoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e12)));
}

}  // namespace

std::string_view usage() {
  return "usage: ptpsim [options] [SCENARIO.toml]\n"
         "\n"
         "Runs a simulated PTP network and reports on it. Without a scenario file, runs the\n"
         "built-in default: a grandmaster and four ordinary clocks (hardware, Windows-style\n"
         "hardware, software and no timestamps) behind one switch, 10 minutes, the grandmaster\n"
         "failing at minute 5. Scenario files: docs/scenarios.md.\n"
         "\n"
         "options:\n"
         "  --seed N            the random seed (overrides the scenario's)\n"
         "  --duration SECONDS  how long to simulate (overrides the scenario's; events after it\n"
         "                      are not run)\n"
         "  --csv FILE          time series per node: time_s,node,state,true_offset_ns,\n"
         "                      measured_offset_ns,frequency_ppb,path_delay_ns\n"
         "  --metrics           with --csv: also every ptp4win metric family per node\n"
         "                      (columns such as ptp_port_state.SLAVE, ptp_messages_total.\n"
         "                      received.sync; docs/ptp4win.md, Metrics)\n"
         "  --pcap FILE         every packet on the network, for Wireshark\n"
         "  --plot FILE.svg     true offset over time per node, rendered by gnuplot\n"
         "  --log               ptp4l-style log lines per node on standard output\n"
         "  --quiet             no summary table and no progress bar (the speed line stays)\n"
         "  --help              this text\n";
}

Result<CommandLine, std::string> parse_command_line(std::span<const std::string_view> arguments) {
  CommandLine line;
  for (std::size_t index = 0; index < arguments.size(); ++index) {
    std::string_view argument = arguments[index];
    if (argument.size() < 2 || argument.substr(0, 2) != "--") {
      if (argument.size() > 1 && argument[0] == '-') {
        return unexpected("unknown option '" + std::string(argument) + "' (see --help)");
      }
      if (line.scenario_file) {
        return unexpected("more than one scenario file: '" + *line.scenario_file + "' and '" +
                          std::string(argument) + "'");
      }
      line.scenario_file = std::string(argument);
      continue;
    }
    std::string_view name = argument;
    std::optional<std::string_view> inline_value;
    if (const auto equals = argument.find('='); equals != std::string_view::npos) {
      name = argument.substr(0, equals);
      inline_value = argument.substr(equals + 1);
    }
    const auto flag = [&](bool& target) -> Result<void, std::string> {
      if (inline_value) return unexpected(std::string(name) + " takes no value");
      target = true;
      return {};
    };
    const auto value = [&]() -> Result<std::string_view, std::string> {
      if (inline_value) return *inline_value;
      if (index + 1 >= arguments.size()) {
        return unexpected(std::string(name) + ": missing value");
      }
      return arguments[++index];
    };
    Result<void, std::string> done;
    if (name == "--help") {
      done = flag(line.help);
    } else if (name == "--log") {
      done = flag(line.log);
    } else if (name == "--quiet") {
      done = flag(line.quiet);
    } else if (name == "--metrics") {
      done = flag(line.metrics);
    } else if (name == "--seed" || name == "--duration" || name == "--csv" || name == "--pcap" ||
               name == "--plot") {
      auto text = value();
      if (!text) return unexpected(text.error());
      if (name == "--seed") {
        auto seed = parse_seed(*text);
        if (!seed) return unexpected(seed.error());
        line.seed = *seed;
      } else if (name == "--duration") {
        auto duration = parse_duration(*text);
        if (!duration) return unexpected(duration.error());
        line.duration = *duration;
      } else if (text->empty()) {
        return unexpected(std::string(name) + ": missing file name");
      } else if (name == "--csv") {
        line.csv_path = std::string(*text);
      } else if (name == "--pcap") {
        line.pcap_path = std::string(*text);
      } else {
        line.plot_path = std::string(*text);
      }
    } else {
      return unexpected("unknown option '" + std::string(name) + "' (see --help)");
    }
    if (!done) return unexpected(done.error());
  }
  if (line.metrics && line.csv_path.empty()) {
    return unexpected(std::string("--metrics adds CSV columns: give --csv FILE too"));
  }
  return line;
}

}  // namespace ptp::ptpsim
