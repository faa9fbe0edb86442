// The non-causal lower bound: sliding-window minima of each direction's excess delay.
#include "accuracy_bound.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <limits>

namespace ptp::accuracy {
namespace {

// The least excess delay (over the direction's floor) of the packets sent within +-window of
// each instant; NaN where none was.
std::vector<double> window_minima(const PathDelays& path, double floor_ns,
                                  std::span<const double> at_s, double window_s) {
  std::vector<double> minima(at_s.size(), std::numeric_limits<double>::quiet_NaN());
  std::deque<std::size_t> candidates;  // increasing excess, increasing index
  std::size_t next = 0;
  for (std::size_t i = 0; i < at_s.size(); ++i) {
    while (next < path.sent_s.size() && path.sent_s[next] <= at_s[i] + window_s) {
      while (!candidates.empty() && path.delay_ns[candidates.back()] >= path.delay_ns[next]) {
        candidates.pop_back();
      }
      candidates.push_back(next++);
    }
    while (!candidates.empty() && path.sent_s[candidates.front()] < at_s[i] - window_s) {
      candidates.pop_front();
    }
    if (!candidates.empty()) minima[i] = path.delay_ns[candidates.front()] - floor_ns;
  }
  return minima;
}

double floor_of(const PathDelays& path) {
  return path.delay_ns.empty() ? 0 : *std::min_element(path.delay_ns.begin(), path.delay_ns.end());
}

}  // namespace

LowerBound lower_bound(const PathDelays& to_slave, const PathDelays& to_master,
                       std::span<const double> at_s, double diffusion_ppb2_per_s,
                       double ramp_ns_per_s2) {
  LowerBound best;
  if (to_slave.sent_s.empty() || to_master.sent_s.empty() || at_s.empty()) return best;
  const double floor_to_slave = floor_of(to_slave);
  const double floor_to_master = floor_of(to_master);
  for (double window = 0.25; window <= 128; window *= 2) {
    const auto down = window_minima(to_slave, floor_to_slave, at_s, window);
    const auto up = window_minima(to_master, floor_to_master, at_s, window);
    double squares = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < at_s.size(); ++i) {
      if (std::isnan(down[i]) || std::isnan(up[i])) continue;
      const double error = (down[i] - up[i]) / 2;
      squares += error * error;
      ++count;
    }
    if (count == 0) continue;
    const double bend = ramp_ns_per_s2 * window * window / 2;
    const double wander = diffusion_ppb2_per_s * window * window * window / 6;
    const double rms = std::sqrt(squares / static_cast<double>(count) + wander + bend * bend);
    if (!best.valid || rms < best.rms_ns) best = {true, rms, window};
  }
  return best;
}

}  // namespace ptp::accuracy
