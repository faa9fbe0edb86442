// BracketLineFit: the hulls of the brackets' edges and the walk over their edge slopes (see the
// header for the method).
#include "ptp/servo/clock_correlation_bracket_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ptp::servo {
namespace {

// Twice the signed area of (o, a, b): positive when o -> a -> b turns counter-clockwise.
template <typename V>
double turn(const V& o, const V& a, const V& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// Margins equal within this are one optimum: the values are nanoseconds near zero (the caller
// removed the nominal line), so rounding stays far below it.
bool same_margin(double a, double b) {
  return std::abs(a - b) <= 1e-9 * (1.0 + std::abs(a) + std::abs(b));
}

}  // namespace

void BracketLineFit::push(std::array<Vertex, kCapacity>& upper, std::size_t& upper_count,
                          std::array<Vertex, kCapacity>& lower, std::size_t& lower_count,
                          const Bracket& bracket) {
  // Andrew's monotone chain over points already sorted by x. Of several points at one x only the
  // binding one counts: the highest `low` and the lowest `high`. `sign` +1 builds the upper hull
  // of the lows, -1 the lower hull of the highs (the same walk, mirrored).
  const auto add = [](std::array<Vertex, kCapacity>& hull, std::size_t& count, Vertex point,
                      double sign) {
    if (count > 0 && hull[count - 1].x == point.x) {
      if (sign * hull[count - 1].y >= sign * point.y) return;
      --count;
    }
    while (count >= 2 && sign * turn(hull[count - 2], hull[count - 1], point) >= 0) --count;
    hull[count++] = point;
  };
  add(upper, upper_count, Vertex{bracket.x, bracket.low}, 1.0);
  add(lower, lower_count, Vertex{bracket.x, bracket.high}, -1.0);
}

void BracketLineFit::build_hulls(std::span<const Bracket> brackets) {
  upper_count_ = 0;
  lower_count_ = 0;
  for (const Bracket& bracket : brackets) {
    push(upper_, upper_count_, lower_, lower_count_, bracket);
  }
}

double BracketLineFit::upper_envelope(double slope) const {
  double value = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < upper_count_; ++i) {
    value = std::max(value, upper_[i].y - slope * upper_[i].x);
  }
  return value;
}

double BracketLineFit::lower_envelope(double slope) const {
  double value = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < lower_count_; ++i) {
    value = std::min(value, lower_[i].y - slope * lower_[i].x);
  }
  return value;
}

BracketLine BracketLineFit::fit(std::span<const Bracket> brackets, double preferred_slope) {
  if (brackets.empty()) return BracketLine{0, preferred_slope, 0};
  build_hulls(brackets.first(std::min(brackets.size(), kCapacity)));
  return solve(preferred_slope);
}

BracketLine BracketLineFit::fit_without(std::span<const Bracket> brackets, std::size_t skipped,
                                        double preferred_slope) {
  // As fit() on the brackets without the skipped one: at most kCapacity of them.
  brackets = brackets.first(std::min(brackets.size(), kCapacity + 1));
  if (skipped >= brackets.size()) return fit(brackets, preferred_slope);
  if (brackets.size() == 1) return BracketLine{0, preferred_slope, 0};
  // The hulls are built bracket by bracket in x order, so those of the brackets before `skipped`
  // are the same for every later `skipped`: they are extended, copied, and the rest added (the
  // same pushes as fit() makes on the brackets without the skipped one).
  if (prefix_end_ > skipped) forget_prefix();
  for (; prefix_end_ < skipped; ++prefix_end_) {
    push(prefix_upper_, prefix_upper_count_, prefix_lower_, prefix_lower_count_,
         brackets[prefix_end_]);
  }
  upper_count_ = prefix_upper_count_;
  lower_count_ = prefix_lower_count_;
  std::copy_n(prefix_upper_.begin(), upper_count_, upper_.begin());
  std::copy_n(prefix_lower_.begin(), lower_count_, lower_.begin());
  for (std::size_t i = skipped + 1; i < brackets.size(); ++i) {
    push(upper_, upper_count_, lower_, lower_count_, brackets[i]);
  }
  return solve(preferred_slope);
}

BracketLine BracketLineFit::solve(double preferred_slope) const {
  // t(b) is convex and piecewise linear with its kinks at the hulls' edge slopes, so its minimum
  // is at one of them, or on a flat stretch that may contain the preferred slope.
  double slope = preferred_slope;
  double best = lost_margin(preferred_slope);
  const auto consider = [&](double candidate) {
    const double margin = lost_margin(candidate);
    if (same_margin(margin, best)) {
      // Equally good: the one nearer the preferred slope (the optimum is an interval).
      if (std::abs(candidate - preferred_slope) < std::abs(slope - preferred_slope)) {
        slope = candidate;
      }
    } else if (margin < best) {
      best = margin;
      slope = candidate;
    }
  };
  for (std::size_t i = 1; i < upper_count_; ++i) {
    consider((upper_[i].y - upper_[i - 1].y) / (upper_[i].x - upper_[i - 1].x));
  }
  for (std::size_t i = 1; i < lower_count_; ++i) {
    consider((lower_[i].y - lower_[i - 1].y) / (lower_[i].x - lower_[i - 1].x));
  }
  const double top = upper_envelope(slope);
  const double bottom = lower_envelope(slope);
  return BracketLine{(top + bottom) / 2, slope, (top - bottom) / 2};
}

}  // namespace ptp::servo
