// render_plot: |true offset| on a logarithmic axis, so that a millisecond start, the
// microseconds of software timestamps and the nanoseconds of hardware ones share one picture.
#include "plot.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "text_format.h"

namespace ptp::ptpsim {
namespace {

// Single quotes for gnuplot's strings; a quote inside is doubled.
std::string quoted(const std::string& text) {
  std::string result = "'";
  for (const char c : text) {
    result += c;
    if (c == '\'') result += '\'';
  }
  return result + "'";
}

// The same quoting for /bin/sh.
std::string shell_quoted(const std::string& text) {
  std::string result = "'";
  for (const char c : text) {
    if (c == '\'') {
      result += "'\\''";
    } else {
      result += c;
    }
  }
  return result + "'";
}

}  // namespace

Result<void, std::string> check_gnuplot() {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) {
    return unexpected(std::string(
        "--plot needs gnuplot, which was not found: install it (scripts/install-deps.sh "
        "installs gnuplot-nox, or apt-get install gnuplot-nox)"));
  }
  return {};
}

Result<void, std::string> render_plot(const RunReport& report, const std::string& svg_path) {
  if (auto gnuplot = check_gnuplot(); !gnuplot) return gnuplot;
  std::error_code error;
  const auto directory =
      std::filesystem::temp_directory_path(error) / ("ptpsim-plot-" + std::to_string(getpid()));
  if (error || !std::filesystem::create_directories(directory, error) || error) {
    return unexpected("--plot: cannot create a temporary directory: " + error.message());
  }
  std::string plots;
  for (std::size_t index = 0; index < report.nodes.size(); ++index) {
    const NodeSummary& node = report.nodes[index];
    if (node.series.empty()) continue;
    const auto data_path = directory / ("node" + std::to_string(index) + ".dat");
    std::ofstream data(data_path);
    bool gap = false;
    bool any = false;
    for (const auto& [time_s, offset_ns] : node.series) {
      // The grandmaster itself (0) and a crashed node (NaN) are gaps in its line.
      if (std::isnan(offset_ns) || offset_ns == 0.0) {
        if (!gap) data << '\n';
        gap = true;
        continue;
      }
      gap = false;
      any = true;
      data << format_fixed(time_s, 3) << ' ' << format_fixed(std::fabs(offset_ns), 1) << '\n';
    }
    if (!data) return unexpected("--plot: cannot write " + data_path.string());
    if (!any) continue;  // the grandmaster all along: nothing to draw (gnuplot would warn)
    plots += plots.empty() ? "plot " : ", \\\n     ";
    plots += quoted(data_path.string()) + " using 1:2 with lines lw 1.5 title " +
             quoted(node.name + " (" + std::string(to_string(node.timestamping)) + ")");
  }
  if (plots.empty()) return unexpected(std::string("--plot: nothing to plot"));
  const auto script_path = directory / "plot.gp";
  {
    std::ofstream script(script_path);
    script << "set terminal svg size 1000,560 dynamic font 'sans,12' background rgb 'white'\n"
           << "set output " << quoted(svg_path) << '\n'
           << "set title " << quoted("ptpsim: |true offset| from the grandmaster") << '\n'
           << "set xlabel 'simulated time (s)'\n"
           << "set ylabel '|offset| (ns)'\n"
           << "set logscale y\n"
           << "set format y '10^{%L}'\n"
           << "set grid\n"
           << "set key outside bottom center horizontal\n"
           << "set xrange [0:" << format_fixed(report.simulated_s, 0) << "]\n"
           << plots << '\n';
    if (!script) return unexpected("--plot: cannot write " + script_path.string());
  }
  const std::string command = "gnuplot " + shell_quoted(script_path.string());
  const int status = std::system(command.c_str());
  std::filesystem::remove_all(directory, error);
  if (status != 0) return unexpected("--plot: gnuplot failed to render " + svg_path);
  return {};
}

}  // namespace ptp::ptpsim
