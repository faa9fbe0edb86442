// BracketLineFit: the line that passes through a set of vertical intervals ("brackets") with the
// largest margin, or, where no line passes through all of them, the one that misses them by the
// least. ClockCorrelation uses it on cross-timestamps: a capture says the NIC clock was read at
// some instant between two counter readings, a hard constraint whatever the position of the read
// in the window, so the NIC-to-counter line must cross every capture's bracket. The feasible lines
// narrow like 1/N with N captures (set by the narrowest brackets' edges), where a least-squares
// fit of the midpoints narrows like 1/sqrt(N) and assumes where in the window the read happens.
//
// The method (a linear programme in two unknowns, solved exactly): for a slope b, the best
// intercept centres the line between F(b) = max(low_i - b x_i) and G(b) = min(high_i - b x_i),
// and the margin lost is t(b) = (F(b) - G(b)) / 2, convex and piecewise linear in b. F only
// depends on the upper convex hull of the (x, low) points and G on the lower hull of the (x, high)
// points, and t's minimum lies at a slope of one of the hulls' edges. Where a whole range of slopes
// is optimal (one bracket, or brackets all crossing one narrowest bracket), the caller's preferred
// slope is taken, clamped into that range. Fixed-size storage: no heap.
#pragma once

#include <array>
#include <cstddef>
#include <span>

namespace ptp::servo {

// One capture's constraint: at abscissa x the line must lie within [low, high] (any unit, as
// long as it is the same for all).
struct Bracket {
  double x = 0;
  double low = 0;
  double high = 0;
};

struct BracketLine {
  double intercept = 0;  // at x = 0
  double slope = 0;
  // The largest distance by which the line leaves a bracket: negative when it passes through all
  // of them (then -violation is its margin to the nearest edge).
  double violation = 0;
};

class BracketLineFit {
 public:
  static constexpr std::size_t kCapacity = 128;

  // `brackets` sorted by x (ties allowed), at most kCapacity of them, at least one (an empty span
  // gives the preferred slope through the origin). For best precision the caller removes the
  // nominal line first, so that slopes and values are small.
  BracketLine fit(std::span<const Bracket> brackets, double preferred_slope);
  // fit() of `brackets` without brackets[skipped] (the same line, to the bit). Calls with one
  // array and increasing `skipped` between forget_prefix() calls share the hulls of the
  // brackets before `skipped`: each builds only the hulls' rest.
  BracketLine fit_without(std::span<const Bracket> brackets, std::size_t skipped,
                          double preferred_slope);
  // The brackets changed: fit_without builds its hulls from the first bracket again.
  void forget_prefix() {
    prefix_end_ = 0;
    prefix_upper_count_ = 0;
    prefix_lower_count_ = 0;
  }

 private:
  struct Vertex {
    double x = 0;
    double y = 0;
  };
  // Adds one bracket to the hulls (upper of the lows, lower of the highs), in x order.
  static void push(std::array<Vertex, kCapacity>& upper, std::size_t& upper_count,
                   std::array<Vertex, kCapacity>& lower, std::size_t& lower_count,
                   const Bracket& bracket);
  void build_hulls(std::span<const Bracket> brackets);
  // The line from the hulls (the second half of fit).
  [[nodiscard]] BracketLine solve(double preferred_slope) const;
  [[nodiscard]] double upper_envelope(double slope) const;  // F(b)
  [[nodiscard]] double lower_envelope(double slope) const;  // G(b)
  [[nodiscard]] double lost_margin(double slope) const {
    return (upper_envelope(slope) - lower_envelope(slope)) / 2;
  }

  std::array<Vertex, kCapacity> upper_{};  // upper hull of the (x, low) points
  std::array<Vertex, kCapacity> lower_{};  // lower hull of the (x, high) points
  std::size_t upper_count_ = 0;
  std::size_t lower_count_ = 0;
  // fit_without's hulls of the brackets before prefix_end_.
  std::array<Vertex, kCapacity> prefix_upper_{};
  std::array<Vertex, kCapacity> prefix_lower_{};
  std::size_t prefix_upper_count_ = 0;
  std::size_t prefix_lower_count_ = 0;
  std::size_t prefix_end_ = 0;
};

}  // namespace ptp::servo
