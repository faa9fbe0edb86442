// GammaLineFit: the maximum-likelihood line for queueing that is a sum of several tails. Each Sync
// measures the free-running phase plus the floor plus an excess (A = x + floor + q), each
// Delay_Req minus the phase plus the floor plus an excess (B = -x + floor + q'). Where the excess
// is a sum of k exponential tails (k loaded switches: a gamma distribution of shape k), its
// density vanishes at the floor as e^(k-1), lucky packets are rare and the lower envelope
// (EnvelopeFit, the estimator for k = 1) approaches the floor only as n^(-1/k). For k > 2 the
// likelihood is smooth and concave in the line: the fit maximises
// sum((k-1) ln e - e / theta) over the excesses e of both directions, with theta (the tail's
// scale) at its own maximum-likelihood value, by damped Newton steps on (phase, frequency,
// floor). A shape that is wrong by some amount biases the floor, but both directions alike: the
// bias cancels in the phase.
#pragma once

#include <array>
#include <cstddef>

#include "ptp/nanoseconds.h"
#include "ptp/servo/envelope_fit.h"

namespace ptp::servo {

class GammaLineFit {
 public:
  // Points kept per direction (twice EnvelopeFit's longest window: EnvelopeServo also fits the
  // line over twice that window).
  static constexpr std::size_t kCapacity = 2 * EnvelopeFit::kCapacity;
  // The fewest points per direction the line is fitted with.
  static constexpr std::size_t kMinPoints = 4;

  // The line's parameters at a fit's time: phase (ns), frequency (ppb), floor (ns).
  struct Parameters {
    double phase_ns = 0;
    double frequency_ppb = 0;
    double floor_ns = 0;
  };
  // A fit's last line, from which its next fit starts. One point store serves fits over several
  // windows (EnvelopeServo fits the longest window and twice it), each with its own.
  struct Warm {
    bool valid = false;
    Nanoseconds at{0};
    Parameters line;
  };

  void add_sync(Nanoseconds time, double value_ns);
  void add_request(Nanoseconds time, double value_ns);
  void clear();
  // The mean and variance (ns, ns^2) of both directions' excesses over `line` (phase and floor)
  // for the points of the last `window` before `now`, and how many points there were.
  struct Moments {
    double mean_ns = 0;
    double variance_ns2 = 0;
    std::size_t count = 0;
  };
  [[nodiscard]] Moments excess_moments(Nanoseconds now, Nanoseconds window,
                                       const EnvelopeFit::Line& line) const;
  // The next fit starts from its `start` line (the last fit is stale).
  void forget_fit() { warm_.valid = false; }
  // Whether the next fit starts from the last one (not from its `start` line).
  [[nodiscard]] bool warm() const { return warm_.valid; }
  [[nodiscard]] std::size_t syncs() const { return syncs_.count; }
  [[nodiscard]] std::size_t requests() const { return requests_.count; }

  // The line through the points of the last `window` before `now`, for queueing of gamma shape
  // `shape` (> 1). It starts from the previous fit when there is one, else from `start` (any
  // line, e.g. the envelope's). Invalid with too few points.
  [[nodiscard]] EnvelopeFit::Line fit(Nanoseconds now, Nanoseconds window, double shape,
                                      const EnvelopeFit::Line& start) {
    return fit(now, window, shape, start, warm_);
  }
  // The same with the caller's warm start (forgotten by the caller; clear() forgets only the
  // fit's own).
  [[nodiscard]] EnvelopeFit::Line fit(Nanoseconds now, Nanoseconds window, double shape,
                                      const EnvelopeFit::Line& start, Warm& warm);

 private:
  struct Point {
    Nanoseconds time{0};
    double value_ns = 0;
  };
  struct Direction {
    std::array<Point, kCapacity> points{};
    std::size_t count = 0;
    std::size_t next = 0;
    void add(const Point& point);
    // The i-th newest point (0 = newest).
    [[nodiscard]] const Point& newest(std::size_t i) const {
      return points[(next + kCapacity - 1 - i) % kCapacity];
    }
  };
  // Both directions' points in the fit's window as (seconds from the fit's time, value, sign):
  // a Delay_Req's phase enters with the sign turned, so that e = value - sign x(t) - floor.
  struct Points {
    std::array<double, 2 * kCapacity> tau{};
    std::array<double, 2 * kCapacity> value{};
    std::array<double, 2 * kCapacity> sign{};
    std::size_t count = 0;
  };
  void gather(const Direction& direction, Nanoseconds now, Nanoseconds window, double sign);
  // One damped Newton step; false when it gives no step (degenerate) or a negligible one.
  bool newton_step(double shape, Parameters& line);
  // Lowers the floor until every excess is positive (the likelihood is finite).
  void make_feasible(Parameters& line) const;

  Direction syncs_;
  Direction requests_;
  // Scratch of one fit at a time: every fit gathers its window's points anew.
  Points points_;
  std::array<double, 2 * kCapacity> excess_{};
  Warm warm_;
};

}  // namespace ptp::servo
