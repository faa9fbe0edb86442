// ProgressBar: a one-line bar on a terminal ("[#######.....]  42%  252/600 s"), redrawn at most
// ten times a second of wall time. Silent unless the stream is a terminal: logs and pipes get
// nothing.
#pragma once

#include <chrono>
#include <cstdio>

namespace ptp::ptpsim {

class ProgressBar {
 public:
  // `enabled` false (not a TTY, or --quiet): every call does nothing.
  ProgressBar(std::FILE* out, bool enabled, double total_s)
      : out_(out), enabled_(enabled), total_s_(total_s) {}

  // Whether stderr is a terminal.
  static bool stderr_is_terminal();

  void update(double fraction);
  // Clears the bar's line.
  void finish();

 private:
  std::FILE* out_;
  bool enabled_;
  double total_s_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace ptp::ptpsim
