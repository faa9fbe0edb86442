// ptpsim: runs a simulated PTP network from a scenario file (or the built-in default) and
// reports on it. Exit status: 0 run completed, 1 the run failed, 2 bad command line or scenario.
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "plot.h"
#include "progress_bar.h"
#include "ptp/ptpsim/default_scenario.h"
#include "ptp/ptpsim/scenario_parser.h"
#include "run.h"
#include "summary.h"

namespace {

int run(std::span<const std::string_view> arguments) {
  using namespace ptp::ptpsim;
  auto line = parse_command_line(arguments);
  if (!line) {
    std::cerr << "ptpsim: " << line.error() << '\n';
    return 2;
  }
  if (line->help) {
    std::cout << usage();
    return 0;
  }
  Scenario scenario = default_scenario();
  if (line->scenario_file) {
    auto parsed = parse_scenario_file(*line->scenario_file);
    if (!parsed) {
      std::cerr << "ptpsim: " << parsed.error().message() << '\n';
      return 2;
    }
    scenario = std::move(parsed.value());
  }
  if (!line->plot_path.empty()) {
    if (auto gnuplot = check_gnuplot(); !gnuplot) {
      std::cerr << "ptpsim: " << gnuplot.error() << '\n';
      return 1;
    }
  }
  RunOptions options;
  options.seed = line->seed;
  options.duration = line->duration;
  options.csv_path = line->csv_path;
  options.csv_metrics = line->metrics;
  options.pcap_path = line->pcap_path;
  options.log = line->log ? &std::cout : nullptr;
  options.keep_plot_series = !line->plot_path.empty();
  const double total_s = (line->duration ? *line->duration : scenario.run.duration).to_seconds();
  ProgressBar bar(stderr, !line->quiet && ProgressBar::stderr_is_terminal(), total_s);
  options.progress = [&bar](double fraction) { bar.update(fraction); };

  auto report = run_scenario(scenario, options);
  bar.finish();
  if (!report) {
    std::cerr << "ptpsim: " << report.error() << '\n';
    return 1;
  }
  if (!line->quiet) {
    if (line->log) std::cout << '\n';
    print_summary(*report, std::cout);
    std::cout << '\n';
  }
  print_speed_line(*report, std::cout);
  if (!line->plot_path.empty()) {
    if (auto plotted = render_plot(*report, line->plot_path); !plotted) {
      std::cerr << "ptpsim: " << plotted.error() << '\n';
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> arguments;
  for (int index = 1; index < argc; ++index) arguments.emplace_back(argv[index]);
  return run(arguments);
}
