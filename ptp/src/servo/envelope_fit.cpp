// EnvelopeFit: the lower hulls of both directions' points and the walk along them that finds the
// maximum-likelihood line (the model is in the header and docs/servo.md).
#include "ptp/servo/envelope_fit.h"

#include <cmath>
#include <limits>

namespace ptp::servo {
namespace {

constexpr double kNanosecondsPerSecondD = 1e9;

// later - earlier in seconds; exact for nearby times (PTP times are ~1.7e18 ns: their
// difference must be taken in integers), and without overflow for extreme ones.
double seconds_between(Nanoseconds later, Nanoseconds earlier) {
  if (const auto difference = later.checked_sub(earlier)) {
    return static_cast<double>(difference->count()) / kNanosecondsPerSecondD;
  }
  return (static_cast<double>(later.count()) - static_cast<double>(earlier.count())) /
         kNanosecondsPerSecondD;
}

struct HullPoint {
  double t_s = 0;  // relative to the fit's `now`, seconds (<= 0)
  double value_ns = 0;
};

// The lower convex hull of the points pushed so far, built from the newest point back (so each
// prefix of pushes is the hull of the newest points); index 0 is the newest vertex.
struct Hull {
  std::array<HullPoint, EnvelopeFit::kCapacity> vertices{};
  std::size_t size = 0;
  std::size_t points = 0;
  double time_sum_s = 0;

  void push(const HullPoint& p) {
    ++points;
    time_sum_s += p.t_s;
    // Right to left, a lower hull turns clockwise: drop the last vertex while it lies on or
    // above the chord from the one before it to the new point.
    while (size >= 2) {
      const HullPoint& a = vertices[size - 2];
      const HullPoint& b = vertices[size - 1];
      const double cross =
          (b.t_s - a.t_s) * (p.value_ns - a.value_ns) - (b.value_ns - a.value_ns) * (p.t_s - a.t_s);
      if (cross < 0) break;
      --size;
    }
    vertices[size++] = p;
  }
  [[nodiscard]] double mean_time_s() const { return time_sum_s / static_cast<double>(points); }
};

double edge_slope(const HullPoint& older, const HullPoint& newer) {
  return (newer.value_ns - older.value_ns) / (newer.t_s - older.t_s);
}

// The frequency at which the summed excess stops falling, and the two intercepts there. Its
// slope in f is n_s (t_i* - mean t_s) - n_r (t_j* - mean t_r) with i* the Sync hull's support
// vertex (it moves to newer points as f grows) and j* the Delay_Req's (to older ones): a
// non-decreasing step function, so the walk stops at the first event where it turns >= 0.
EnvelopeFit::Line solve(const Hull& syncs, const Hull& requests, Nanoseconds now) {
  EnvelopeFit::Line line;
  const auto ns = static_cast<double>(syncs.points);
  const auto nr = static_cast<double>(requests.points);
  const double ms = syncs.mean_time_s();
  const double mr = requests.mean_time_s();
  std::size_t i = syncs.size - 1;  // the oldest Sync vertex supports f = -infinity
  std::size_t j = 0;               // the newest Delay_Req vertex
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  for (;;) {
    const double sync_event =
        i > 0 ? edge_slope(syncs.vertices[i], syncs.vertices[i - 1]) : kInfinity;
    const double request_event = j + 1 < requests.size
                                     ? -edge_slope(requests.vertices[j + 1], requests.vertices[j])
                                     : kInfinity;
    const double f = std::min(sync_event, request_event);
    if (!std::isfinite(f)) return line;  // cannot happen with two distinct times per direction
    if (sync_event <= request_event) {
      --i;
    } else {
      ++j;
    }
    const double slope = ns * (syncs.vertices[i].t_s - ms) - nr * (requests.vertices[j].t_s - mr);
    if (slope >= 0) {
      const double c1 = syncs.vertices[i].value_ns - f * syncs.vertices[i].t_s;
      const double c2 = requests.vertices[j].value_ns + f * requests.vertices[j].t_s;
      line.valid = true;
      line.at = now;
      line.frequency_ppb = f;
      line.phase_ns = (c1 - c2) / 2;
      line.floor_ns = (c1 + c2) / 2;
      return line;
    }
  }
}

}  // namespace

double EnvelopeFit::Line::phase_at(Nanoseconds time) const {
  return phase_ns + frequency_ppb * seconds_between(time, at);
}

void EnvelopeFit::Direction::add(const Point& point) {
  // The hull needs each direction in time order; a point not after the newest (a repeat) is
  // dropped.
  if (count > 0 && point.time <= newest(0).time) return;
  points[next] = point;
  next = (next + 1) % kCapacity;
  if (count < kCapacity) ++count;
}

const EnvelopeFit::Point& EnvelopeFit::Direction::newest(std::size_t i) const {
  return points[(next + kCapacity - 1 - i) % kCapacity];
}

void EnvelopeFit::add_sync(Nanoseconds time, double value_ns) { syncs_.add({time, value_ns}); }

void EnvelopeFit::add_request(Nanoseconds time, double value_ns) {
  requests_.add({time, value_ns});
}

void EnvelopeFit::clear() {
  syncs_ = Direction{};
  requests_ = Direction{};
}

void EnvelopeFit::fit(Nanoseconds now, Nanoseconds interval, Lines& lines) const {
  Hull sync_hull;
  Hull request_hull;
  std::size_t s = 0;
  std::size_t r = 0;
  const double interval_s = static_cast<double>(interval.count()) / kNanosecondsPerSecondD;
  for (std::size_t k = 0; k < kWindows; ++k) {
    const double start_s = -kWindowIntervals[k] * interval_s;
    for (; s < syncs_.count; ++s) {
      const Point& p = syncs_.newest(s);
      const double t = seconds_between(p.time, now);
      if (t < start_s) break;
      sync_hull.push({t, p.value_ns});
    }
    for (; r < requests_.count; ++r) {
      const Point& p = requests_.newest(r);
      const double t = seconds_between(p.time, now);
      if (t < start_s) break;
      request_hull.push({t, p.value_ns});
    }
    lines[k] = sync_hull.points >= kMinPoints && request_hull.points >= kMinPoints
                   ? solve(sync_hull, request_hull, now)
                   : Line{};
  }
}

}  // namespace ptp::servo
