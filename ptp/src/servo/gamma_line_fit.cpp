// GammaLineFit: damped Newton steps on the gamma likelihood of both directions' excesses over a
// line (model in gamma_line_fit.h and docs/servo.md).
#include "ptp/servo/gamma_line_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "seconds_between.h"

namespace ptp::servo {
namespace {

using detail::seconds_between;

// Newton steps per fit from the previous fit (one new point moves the optimum little: the next
// fits go on converging) and from a new start; they stop early once they move the line by less
// than kSettledNs.
constexpr int kWarmSteps = 1;
constexpr int kColdSteps = 16;
constexpr double kSettledNs = 0.01;
// A step goes at most this fraction of the way to where an excess would reach zero (the
// likelihood is -infinity there): the usual fraction-to-boundary rule of interior methods.
constexpr double kToBoundary = 0.9;
// A new start (or a new point below the line) puts the floor this fraction of the points'
// spread below the lowest point, so that every excess is positive.
constexpr double kStartMargin = 0.1;
constexpr double kMinMarginNs = 1.0;
// Excesses beyond this many means are left out of the likelihood (spikes, bursts).
constexpr double kClipMeans = 4.0;

}  // namespace

void GammaLineFit::Direction::add(const Point& point) {
  // Time order as EnvelopeFit's (a point not after the newest is a repeat): dropped.
  if (count > 0 && point.time <= newest(0).time) return;
  points[next] = point;
  next = (next + 1) % kCapacity;
  if (count < kCapacity) ++count;
}

void GammaLineFit::add_sync(Nanoseconds time, double value_ns) { syncs_.add({time, value_ns}); }

void GammaLineFit::add_request(Nanoseconds time, double value_ns) {
  requests_.add({time, value_ns});
}

void GammaLineFit::clear() {
  syncs_ = Direction{};
  requests_ = Direction{};
  warm_ = Warm{};
}

void GammaLineFit::gather(const Direction& direction, Nanoseconds now, Nanoseconds window,
                          double sign) {
  const double span_s = seconds_between(window, Nanoseconds(0));
  for (std::size_t i = 0; i < direction.count; ++i) {
    const Point& point = direction.newest(i);
    const double tau = seconds_between(point.time, now);
    if (-tau > span_s) break;
    points_.tau[points_.count] = tau;
    points_.value[points_.count] = point.value_ns;
    points_.sign[points_.count] = sign;
    ++points_.count;
  }
}

void GammaLineFit::make_feasible(Parameters& line) const {
  const Points& points = points_;
  double lowest = std::numeric_limits<double>::infinity();
  double sum = 0;
  for (std::size_t i = 0; i < points.count; ++i) {
    const double above =
        points.value[i] - points.sign[i] * (line.phase_ns + line.frequency_ppb * points.tau[i]);
    lowest = std::min(lowest, above);
    sum += above;
  }
  if (points.count == 0) return;
  const double margin =
      std::max(kMinMarginNs, kStartMargin * (sum / static_cast<double>(points.count) - lowest));
  line.floor_ns = std::min(line.floor_ns, lowest - margin);
}

bool GammaLineFit::newton_step(double shape, Parameters& line) {
  const Points& points = points_;
  std::array<double, 2 * kCapacity>& excess = excess_;
  double sum = 0;
  for (std::size_t i = 0; i < points.count; ++i) {
    excess[i] = points.value[i] -
                points.sign[i] * (line.phase_ns + line.frequency_ppb * points.tau[i]) -
                line.floor_ns;
    if (!(excess[i] > 0)) return false;
    sum += excess[i];
  }
  // An excess beyond kClipMeans mean excesses is a delay spike or a burst, not the tail: the
  // likelihood leaves it out (an average would follow it; the envelope never sees it).
  const double limit = kClipMeans * sum / static_cast<double>(points.count);
  double kept_sum = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < points.count; ++i) {
    if (excess[i] > limit) continue;
    kept_sum += excess[i];
    ++kept;
  }
  // theta at its maximum for the line: the mean excess over the shape.
  const double inverse_theta = shape * static_cast<double>(kept) / kept_sum;
  // d e / d(phase, frequency, floor) = -(sign, sign tau, 1); the likelihood's gradient b and
  // (minus) its Hessian M, whose Newton step is M^-1 b.
  double m00 = 0, m01 = 0, m02 = 0, m11 = 0, m12 = 0, m22 = 0;
  double b0 = 0, b1 = 0, b2 = 0;
  for (std::size_t i = 0; i < points.count; ++i) {
    if (excess[i] > limit) continue;
    const double g0 = -points.sign[i];
    const double g1 = -points.sign[i] * points.tau[i];
    const double inverse = 1 / excess[i];
    const double w = (shape - 1) * inverse * inverse;
    const double r = (shape - 1) * inverse - inverse_theta;
    m00 += w;  // g0 * g0 = 1, g2 = -1
    m01 += w * g0 * g1;
    m02 -= w * g0;
    m11 += w * g1 * g1;
    m12 -= w * g1;
    m22 += w;
    b0 += r * g0;
    b1 += r * g1;
    b2 -= r;
  }
  // The 3 x 3 symmetric solve by cofactors.
  const double c00 = m11 * m22 - m12 * m12;
  const double c01 = m02 * m12 - m01 * m22;
  const double c02 = m01 * m12 - m02 * m11;
  const double det = m00 * c00 + m01 * c01 + m02 * c02;
  if (!(std::abs(det) > 0) || !std::isfinite(det)) return false;
  const double c11 = m00 * m22 - m02 * m02;
  const double c12 = m01 * m02 - m00 * m12;
  const double c22 = m00 * m11 - m01 * m01;
  const double d0 = (c00 * b0 + c01 * b1 + c02 * b2) / det;
  const double d1 = (c01 * b0 + c11 * b1 + c12 * b2) / det;
  const double d2 = (c02 * b0 + c12 * b1 + c22 * b2) / det;
  double step = 1;
  for (std::size_t i = 0; i < points.count; ++i) {
    const double change = -points.sign[i] * (d0 + d1 * points.tau[i]) - d2;
    if (change < 0) step = std::min(step, kToBoundary * excess[i] / -change);
  }
  line.phase_ns += step * d0;
  line.frequency_ppb += step * d1;
  line.floor_ns += step * d2;
  return std::abs(step * d0) > kSettledNs || std::abs(step * d2) > kSettledNs;
}

GammaLineFit::Moments GammaLineFit::excess_moments(Nanoseconds now, Nanoseconds window,
                                                   const EnvelopeFit::Line& line) const {
  Moments moments;
  double sum = 0;
  double square = 0;
  const double span_s = seconds_between(window, Nanoseconds(0));
  const auto add = [&](const Direction& direction, double sign) {
    for (std::size_t i = 0; i < direction.count; ++i) {
      const Point& point = direction.newest(i);
      if (seconds_between(now, point.time) > span_s) break;
      const double excess =
          std::max(point.value_ns - sign * line.phase_at(point.time) - line.floor_ns, 0.0);
      sum += excess;
      square += excess * excess;
      ++moments.count;
    }
  };
  add(syncs_, 1.0);
  add(requests_, -1.0);
  if (moments.count == 0) return moments;
  const auto n = static_cast<double>(moments.count);
  moments.mean_ns = sum / n;
  moments.variance_ns2 = std::max(square / n - moments.mean_ns * moments.mean_ns, 0.0);
  return moments;
}

EnvelopeFit::Line GammaLineFit::fit(Nanoseconds now, Nanoseconds window, double shape,
                                    const EnvelopeFit::Line& start, Warm& warm) {
  EnvelopeFit::Line result;
  if (syncs_.count < kMinPoints || requests_.count < kMinPoints || !(shape > 1)) return result;
  Parameters line;
  const bool from_last = warm.valid;
  if (from_last) {
    line = warm.line;
    line.phase_ns += line.frequency_ppb * seconds_between(now, warm.at);
  } else if (start.valid) {
    line = Parameters{start.phase_at(now), start.frequency_ppb,
                      std::numeric_limits<double>::infinity()};
  } else {
    return result;
  }
  points_.count = 0;
  gather(syncs_, now, window, 1.0);
  gather(requests_, now, window, -1.0);
  make_feasible(line);
  for (int i = 0; i < (from_last ? kWarmSteps : kColdSteps); ++i) {
    if (!newton_step(shape, line)) break;
  }
  if (!std::isfinite(line.phase_ns) || !std::isfinite(line.frequency_ppb)) {
    warm.valid = false;
    return result;
  }
  warm = Warm{true, now, line};
  result.valid = true;
  result.at = now;
  result.phase_ns = line.phase_ns;
  result.frequency_ppb = line.frequency_ppb;
  result.floor_ns = line.floor_ns;
  return result;
}

}  // namespace ptp::servo
