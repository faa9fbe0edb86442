// ptpsim's command line: plain argv parsing (no library needed for a handful of options).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ptp/result.h"
#include "ptp/sim/sim_time.h"

namespace ptp::ptpsim {

struct CommandLine {
  std::optional<std::string> scenario_file;  // none: the built-in default scenario
  std::optional<std::uint64_t> seed;
  std::optional<sim::SimDuration> duration;
  std::string csv_path;
  std::string pcap_path;
  std::string plot_path;
  bool log = false;
  bool metrics = false;  // the metric families per node in the CSV
  bool quiet = false;
  bool help = false;
};

// `arguments` without the program name. The error is a sentence for the user.
Result<CommandLine, std::string> parse_command_line(std::span<const std::string_view> arguments);

std::string_view usage();

}  // namespace ptp::ptpsim
