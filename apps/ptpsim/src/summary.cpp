// The summary table: columns padded to their widest cell so that it reads in a terminal.
#include "summary.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "text_format.h"

namespace ptp::ptpsim {
namespace {

using Row = std::vector<std::string>;

void print_table(const std::vector<Row>& rows, std::ostream& out) {
  std::vector<std::size_t> widths;
  for (const Row& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      if (column > 0) line += "  ";
      // Names and words left-aligned, numbers right-aligned.
      const bool left = column < 3;
      const std::string padding(widths[column] - row[column].size(), ' ');
      line += left ? row[column] + padding : padding + row[column];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

std::string lock_cell(const NodeSummary& node) {
  if (!node.lock_time_s) return "-";
  return format_fixed(*node.lock_time_s, 0) + " s";
}

}  // namespace

void print_summary(const RunReport& report, std::ostream& out) {
  if (!report.description.empty()) out << report.description << '\n';
  out << "seed " << report.seed << ", " << format_fixed(report.simulated_s, 0) << " s simulated";
  if (report.events_left_out > 0) {
    out << " (" << report.events_left_out << " event(s) after the end of the run not run)";
  }
  out << "\ngrandmaster:";
  bool first = true;
  for (const GrandmasterChange& change : report.grandmasters) {
    out << (first ? " " : ", ") << (change.name.empty() ? "(none)" : change.name) << " from "
        << format_fixed(change.time_s, 0) << " s";
    first = false;
  }
  out << "\n\n";

  std::vector<Row> rows;
  rows.push_back({"node", "timestamping", "state", "lock", "rms", "99%", "max", "path delay",
                  "sent", "received", "drops", "changes"});
  for (const NodeSummary& node : report.nodes) {
    rows.push_back({node.name, std::string(to_string(node.timestamping)), node.final_state,
                    lock_cell(node), format_duration_ns(node.rms_ns),
                    format_duration_ns(node.percentile_99_ns), format_duration_ns(node.max_abs_ns),
                    format_duration_ns(node.path_delay_ns), std::to_string(node.messages_sent),
                    std::to_string(node.messages_received), std::to_string(node.drops),
                    std::to_string(node.state_changes)});
  }
  print_table(rows, out);
  out << "\nlock: the time from which |true offset| stayed below 1 us (hardware, windows-hardware),"
         "\n10 us (software) or 50 us (none) for 10 s; rms, 99% and max: |true offset| from the "
         "grandmaster\nof the moment, after lock; drops: received messages the clock did not use "
         "(mostly\nmulticast Delay_Resps for other clocks).\n";
}

void print_speed_line(const RunReport& report, std::ostream& out) {
  const double speed = report.wall_s > 0 ? report.simulated_s / report.wall_s : 0.0;
  out << "simulated " << format_fixed(report.simulated_s, 0) << " s in "
      << format_fixed(report.wall_s, 2) << " s wall (" << format_fixed(speed, 0)
      << "x real time)\n";
}

}  // namespace ptp::ptpsim
