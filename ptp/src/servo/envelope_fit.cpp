// EnvelopeFit: the lower hulls of both directions' points and the walk along them that finds the
// maximum-likelihood line (the model is in the header and docs/servo.md).
#include "ptp/servo/envelope_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "seconds_between.h"

namespace ptp::servo {
namespace {

using detail::seconds_between;

constexpr double kNanosecondsPerSecondD = 1e9;

// No member initialisers: the hull buffers are written before they are read, and zeroing them
// for every fit would cost more than the hull itself.
struct HullPoint {
  double t_s;  // relative to the fit's `now`, seconds (<= 0)
  double value_ns;
};

// Whether `middle` lies strictly below the chord from `older` to `newer` (a lower hull keeps
// only such vertices: a point on the chord is dropped).
bool below_chord(const HullPoint& older, const HullPoint& middle, const HullPoint& newer) {
  return (middle.t_s - older.t_s) * (newer.value_ns - older.value_ns) -
             (middle.value_ns - older.value_ns) * (newer.t_s - older.t_s) >
         0;
}

// A lower convex hull, newest vertex first.
// NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init): vertices are written before read.
struct Hull {
  std::array<HullPoint, EnvelopeFit::kCapacity> vertices;
  std::size_t size = 0;
};

// A window's points: their lower hull, how many, and their mean time. The mean of the times as
// the plain construction sums them (newest first, each rounded to seconds) is `exact`; otherwise
// it is the exact mean rounded, within a bound of that sum's rounding errors.
struct Window {
  const HullPoint* vertices = nullptr;  // newest first
  std::size_t size = 0;
  std::size_t points = 0;
  double mean_time_s = 0;
  double span_s = 0;  // the largest |time| of the points, seconds: the scale of the bound
  bool exact = true;
};

// How far the slope of the summed excess (see solve) may be from the plain construction's when
// the mean times are not `exact`: n (n + 16) span 1e-15 per direction, ten times the sum of the
// rounding errors of n additions of n-point sums and of the slope's own five operations.
double slope_tolerance(const Window& syncs, const Window& requests) {
  if (syncs.exact && requests.exact) return -1;
  const auto bound = [](const Window& w) {
    const auto n = static_cast<double>(w.points);
    return n * (n + 16) * w.span_s * 1e-15;
  };
  return bound(syncs) + bound(requests);
}

double edge_slope(const HullPoint& older, const HullPoint& newer) {
  return (newer.value_ns - older.value_ns) / (newer.t_s - older.t_s);
}

// A state of solve()'s walk: a Sync and b Delay_Req events taken, the last one a Sync's or not.
struct StartState {
  std::size_t a = 0;
  std::size_t b = 0;
  bool sync_last = false;
};

// One hull's events in walk order, closed by an infinite sentinel; whether they are in order,
// and how many are <= the guess (both counted as they are computed: one pass).
// NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init): values are written before read.
struct Events {
  std::array<double, EnvelopeFit::kCapacity> values;
  std::size_t count = 0;
  bool in_order = true;
  std::size_t up_to_guess = 0;
  double guess = 0;
  // Sets the `count` events event(0), event(1), ... The running state is kept in locals: as
  // members next to `values` the compiler stores and reloads them at every event.
  template <class Event>
  void fill(std::size_t events, double guess_ppb, const Event& event) {
    bool ordered = true;
    std::size_t below = 0;
    double last = 0;
    double* const out = values.data();
    for (std::size_t n = 0; n < events; ++n) {
      const double value = event(n);
      // Without short-circuits: a branch here would be as unpredictable as the data.
      ordered &= (n == 0) | (last <= value);
      below += static_cast<std::size_t>(value <= guess_ppb);
      out[n] = value;
      last = value;
    }
    out[events] = std::numeric_limits<double>::infinity();
    count = events;
    in_order = ordered;
    up_to_guess = below;
    guess = guess_ppb;
  }
};

// The walk's state once it has taken every event <= guess: with both hulls' events in order
// (rounding can break the order of nearly collinear edges), the walk takes the events in order
// of value, a Sync's first on a tie. Nothing without a guess, out of order, or before any event.
std::optional<StartState> start_near(const Events& syncs, const Events& requests) {
  if (!std::isfinite(syncs.guess) || !syncs.in_order || !requests.in_order) return std::nullopt;
  StartState state{syncs.up_to_guess, requests.up_to_guess, false};
  if (state.a + state.b == 0) return std::nullopt;
  state.sync_last =
      state.b == 0 || (state.a > 0 && syncs.values[state.a - 1] > requests.values[state.b - 1]);
  return state;
}

// The frequency at which the summed excess stops falling, and the two intercepts there. Its
// slope in f is n_s (t_i* - mean t_s) - n_r (t_j* - mean t_r) with i* the Sync hull's support
// vertex (it moves to newer points as f grows) and j* the Delay_Req's (to older ones): a
// non-decreasing step function (in rounded arithmetic too), so the walk stops at the first event
// where it turns >= 0. Nothing when a slope is within the tolerance of 0 (the mean times must be
// the exact ones). `guess` (the window's last frequency, or NaN) lets the walk start near the
// stop; the result is the walk's from the start.
std::optional<EnvelopeFit::Line> solve(const Window& sync_window, const Window& request_window,
                                       Nanoseconds now, double guess) {
  const HullPoint* syncs = sync_window.vertices;
  const HullPoint* requests = request_window.vertices;
  const auto ns = static_cast<double>(sync_window.points);
  const auto nr = static_cast<double>(request_window.points);
  const double ms = sync_window.mean_time_s;
  const double mr = request_window.mean_time_s;
  const double tolerance = slope_tolerance(sync_window, request_window);
  // The events in walk order (each hull's edge slopes), computed up front so that the merge
  // below chooses its side without a branch: its choices are as unpredictable as the data.
  const std::size_t sync_last = sync_window.size - 1;
  const std::size_t request_count = request_window.size - 1;
  Events sync_events;
  Events request_events;
  sync_events.fill(sync_last, guess, [&](std::size_t n) {
    return edge_slope(syncs[sync_last - n], syncs[sync_last - n - 1]);
  });
  request_events.fill(request_count, guess,
                      [&](std::size_t n) { return -edge_slope(requests[n + 1], requests[n]); });
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  // The slope after a Sync events and b Delay_Req events (the support vertices
  // syncs[sync_last - a] and requests[b]).
  const auto slope_at = [&](std::size_t a, std::size_t b) {
    return ns * (syncs[sync_last - a].t_s - ms) - nr * (requests[b].t_s - mr);
  };
  const auto line_at = [&](std::size_t a, std::size_t b, double f) {
    const HullPoint& sync = syncs[sync_last - a];
    const HullPoint& request = requests[b];
    const double c1 = sync.value_ns - f * sync.t_s;
    const double c2 = request.value_ns + f * request.t_s;
    return EnvelopeFit::Line{true, now, (c1 - c2) / 2, f, (c1 + c2) / 2};
  };
  std::size_t a = 0;  // sync events taken
  std::size_t b = 0;  // request events taken
  const std::optional<StartState> start = start_near(sync_events, request_events);
  if (start) {
    const double slope = slope_at(start->a, start->b);
    if (slope >= 0) {
      // The stop if the state before it is below 0 (the walk then visited both last).
      const std::size_t pa = start->a - (start->sync_last ? 1 : 0);
      const std::size_t pb = start->b - (start->sync_last ? 0 : 1);
      const bool first = pa + pb == 0;
      const double before = first ? -kInfinity : slope_at(pa, pb);
      if (before < 0) {
        if (slope <= tolerance || (!first && before >= -tolerance)) return std::nullopt;
        const double f = start->sync_last ? sync_events.values[start->a - 1]
                                          : request_events.values[start->b - 1];
        return line_at(start->a, start->b, f);
      }
    } else {
      // Every state the walk visited up to here is below 0: it goes on from here.
      if (slope >= -tolerance) return std::nullopt;
      a = start->a;
      b = start->b;
    }
  }
  for (;;) {
    const double sync_event = sync_events.values[a];
    const double request_event = request_events.values[b];
    const bool sync_moves = sync_event <= request_event;
    const double f = sync_moves ? sync_event : request_event;
    // Cannot happen with two distinct times per direction.
    if (!std::isfinite(f)) return EnvelopeFit::Line{};
    a += sync_moves ? 1 : 0;
    b += sync_moves ? 0 : 1;
    const double slope = slope_at(a, b);
    if (std::abs(slope) <= tolerance) return std::nullopt;
    if (slope >= 0) return line_at(a, b, f);
  }
}

// One direction's windows, from the newest point back: the points newer than the block are
// pushed onto a hull as they are reached; a window that reaches into the block joins that hull
// to the block's hull of its older points (a path of links) at their common lower tangent.
template <class Direction>
class DirectionWalk {
 public:
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init): the buffers are written before read.
  DirectionWalk(Direction& direction, Nanoseconds now)
      : direction_(direction),
        now_(now),
        recent_(std::min(direction.after_block(), direction.count)),
        near_(near_now()) {
    build_recent();
  }

  // Whether take(k, start_s) would count at least kMinPoints points (without counting them).
  [[nodiscard]] bool holds_min_points(double start_s) const {
    constexpr std::size_t kMin = EnvelopeFit::kMinPoints;
    return direction_.count >= kMin &&
           !(seconds_from_now(direction_.newest(kMin - 1).time) < start_s);
  }

  // Window k's points: those not older than `start_s` (relative to now). Called in the order of
  // the windows.
  std::size_t take(std::size_t k, double start_s) {
    return near_ ? points_from_hint(k, start_s) : points_one_by_one(start_s);
  }

  // Window k's hull and mean time, for its `points` (take's count).
  Window advance(std::size_t k, std::size_t points) {
    Window window{recent_hull_.vertices.data(), recent_hull_.size, points, 0, 0, true};
    if (points == 0) return window;
    if (points < recent_) {
      // The hull of the newest points: the path of links from the oldest of them.
      const std::size_t size =
          path_from(recent_index(direction_.added - points), prefix_.data() + prefix_.size());
      window.vertices = prefix_.data() + prefix_.size() - size;
      window.size = size;
    } else if (points > recent_) {
      const std::uint64_t oldest = direction_.added - points;
      if (join_at_bridge(k, oldest)) {
        window.vertices = walked_.data() + walked_first_;
        window.size = walked_.size() - walked_first_;
      } else {
        join(oldest);
        direction_.bridge[k] = path_sequence_[bridge_.block];
        direction_.bridge_recent[k] = bridge_.recent;
        window.vertices = joined_.vertices.data();
        window.size = joined_.size;
      }
    }
    if (!near_) {
      window.mean_time_s = time_sum_s_ / static_cast<double>(points);
      return window;
    }
    // The sum of the integer times, exact (a modular difference of running sums), rounded once.
    const std::uint64_t first = direction_.added - points;
    const auto sum_ns = static_cast<std::int64_t>(
        direction_.time_sum(direction_.added) - direction_.time_sum(first) -
        static_cast<std::uint64_t>(points) * static_cast<std::uint64_t>(now_.count()));
    // One division by the exact divisor (points * 1e9 is an integer below 2^53): half the
    // latency of two, and one rounding instead of two.
    window.mean_time_s =
        static_cast<double>(sum_ns) / (kNanosecondsPerSecondD * static_cast<double>(points));
    const auto distance_s = [&](std::uint64_t sequence) {
      return std::abs(static_cast<double>(direction_.at(sequence).time.count() - now_.count())) *
             1e-9;
    };
    window.span_s = std::max(distance_s(first), distance_s(direction_.added - 1));
    window.exact = false;
    return window;
  }

  // The window's mean time as the plain construction sums it: newest first, in seconds.
  [[nodiscard]] double exact_mean_time_s(std::size_t points) const {
    double sum = 0;
    for (std::size_t i = 0; i < points; ++i) sum += seconds_from_now(direction_.newest(i).time);
    return sum / static_cast<double>(points);
  }

 private:
  [[nodiscard]] HullPoint hull_point(std::uint64_t sequence) const {
    const auto& p = direction_.at(sequence);
    return {seconds_from_now(p.time), p.value_ns};
  }

  // seconds_between(time, now_) for a stored point's time: near now (near_) the difference
  // cannot overflow and needs no check (the same value, at a fraction of the cost).
  [[nodiscard]] double seconds_from_now(Nanoseconds time) const {
    if (near_) return static_cast<double>(time.count() - now_.count()) / kNanosecondsPerSecondD;
    return seconds_between(time, now_);
  }

  // recent_hull_ = the lower hull of the points newer than the block: the path of their links
  // (Direction::add_recent) from the oldest of them.
  void build_recent() {
    recent_hull_.size = 0;
    if (recent_ == 0) return;
    const std::size_t first = recent_index(direction_.added - recent_);
    const std::size_t size = path_from(first, recent_hull_.vertices.data() + kCapacity);
    std::copy_n(recent_hull_.vertices.data() + kCapacity - size, size,
                recent_hull_.vertices.begin());
    recent_hull_.size = size;
  }

  // The index after the block of a point newer than it.
  [[nodiscard]] std::size_t recent_index(std::uint64_t sequence) const {
    return static_cast<std::size_t>(sequence - direction_.block_end);
  }

  // The hull of the points newer than the block from the one at `index` to the newest: the
  // vertices before `end`, newest first. Returns how many.
  std::size_t path_from(std::size_t index, HullPoint* end) const {
    const std::size_t newest = recent_index(direction_.added - 1);
    HullPoint* out = end;
    for (std::size_t n = index;; n = direction_.recent_link[n]) {
      *--out = hull_point(direction_.block_end + n);
      if (n == newest) break;
    }
    return static_cast<std::size_t>(end - out);
  }

  // Whether every point is within 2^52 ns of now: their times then convert to seconds without
  // the overflow fallback, in the same order as the integers (so a window is found by bisection
  // around a hint), and 256 of them sum without overflow.
  [[nodiscard]] bool near_now() const {
    if (direction_.count == 0) return true;
    constexpr std::int64_t kNear = std::int64_t{1} << 52;
    const auto near = [&](const auto& point) {
      const auto difference = point.time.checked_sub(now_);
      return difference && difference->count() < kNear && difference->count() > -kNear;
    };
    return near(direction_.newest(0)) && near(direction_.newest(direction_.count - 1));
  }

  // Whether the point's time in seconds is before `start_s`. Integers beyond `start_ns` +- 2
  // decide without the conversion: `start_ns` is start_s * 1e9 within 1 ns (|start_s| < 2^52
  // ns), and the conversion's rounding is below 1e-4 ns, so they are on the same side.
  [[nodiscard]] bool before_window(std::uint64_t sequence, double start_s,
                                   std::int64_t start_ns) const {
    const std::int64_t ns = direction_.at(sequence).time.count() - now_.count();
    if (ns < start_ns - 2) return true;
    if (ns > start_ns + 2) return false;
    return static_cast<double>(ns) / kNanosecondsPerSecondD < start_s;
  }

  // The window's points: from the window's first point at the last fit, moved to the oldest
  // point not before the window's start (the times are in order, so a few steps suffice).
  std::size_t points_from_hint(std::size_t k, double start_s) {
    const std::uint64_t oldest = direction_.added - direction_.count;
    const std::uint64_t end = direction_.added;
    // Beyond 2^52 ns every point is after the start (or before it): near_now() bounds them.
    constexpr double kFar = 0x1.0p52;
    const double start_ns_d = std::clamp(start_s * kNanosecondsPerSecondD, -kFar, kFar);
    // Truncated, not rounded (llround is a library call): within 1 ns, inside the margin of 2.
    const auto start_ns = static_cast<std::int64_t>(start_ns_d);
    std::uint64_t first = std::clamp(direction_.window_start[k], oldest, end);
    while (first < end && before_window(first, start_s, start_ns)) ++first;
    while (first > oldest && !before_window(first - 1, start_s, start_ns)) --first;
    direction_.window_start[k] = first;
    return static_cast<std::size_t>(end - first);
  }

  // The plain construction's walk from the newest point back (for times far from now).
  std::size_t points_one_by_one(double start_s) {
    for (; taken_ < direction_.count; ++taken_) {
      const double t = seconds_between(direction_.newest(taken_).time, now_);
      if (t < start_s) break;
      time_sum_s_ += t;
    }
    return taken_;
  }

  // path_ = the block's hull of the points from `oldest` to its newest, newest vertex first: the
  // path of links from `oldest`, which meets the last window's path and shares the rest of it.
  void block_hull(std::uint64_t oldest) {
    if (!positions_ready_) {
      // Zeroed at the first use in a fit only: most fits never search the whole block hull.
      position_.fill(0);
      positions_ready_ = true;
    }
    const std::uint64_t block_newest = direction_.block_end - 1;
    std::size_t walked = 0;
    std::size_t shared = 0;
    for (std::uint64_t sequence = oldest;;) {
      const std::size_t slot = sequence % kCapacity;
      const std::size_t at = position_[slot];
      if (at < path_size_ && path_sequence_[at] == sequence) {
        shared = at + 1;
        break;
      }
      walk_[walked++] = sequence;
      if (sequence == block_newest) break;
      sequence = direction_.link[slot];
    }
    path_size_ = shared;
    for (std::size_t n = walked; n-- > 0;) {
      const std::uint64_t sequence = walk_[n];
      path_[path_size_] = hull_point(sequence);
      path_sequence_[path_size_] = sequence;
      position_[sequence % kCapacity] = static_cast<std::uint16_t>(path_size_);
      ++path_size_;
    }
  }

  // Window k's hull from its bridge at the last fit (the usual case: a bridge moves only when
  // the recent hull or the window's oldest points reach past it): the block's hull from
  // `oldest` is its path of links, walked up to that bridge; the tangent is searched on that
  // part and the recent hull, then the recent hull's vertices up to its end of the tangent come
  // before it. False when the bridge is not on the path or the tangent lies beyond it (or did
  // not settle): join() searches the whole path then.
  bool join_at_bridge(std::size_t k, std::uint64_t oldest) {
    const std::size_t recent_size = recent_hull_.size;
    if (recent_size == 0) return false;
    std::uint64_t bridge = direction_.bridge[k];
    if ((bridge < oldest || bridge >= direction_.block_end) && k > 0) {
      bridge = direction_.bridge[k - 1];  // the last window's, at this fit
    }
    if (bridge < oldest || bridge >= direction_.block_end) return false;
    std::size_t top = walked_.size();
    for (std::uint64_t sequence = oldest;;) {
      --top;
      walked_[top] = hull_point(sequence);
      walked_sequence_[top] = sequence;
      if (sequence == bridge) break;
      sequence = direction_.link[sequence % kCapacity];
      if (sequence > bridge) return false;  // the path passes the bridge by
    }
    std::size_t i = 0;
    std::size_t j = std::min(direction_.bridge_recent[k], recent_size - 1);
    const auto& recent = recent_hull_.vertices;
    // A bridge already found in this fit has its other neighbours checked: only the vertex
    // before it (this window's own) remains.
    const bool checked = bridge == checked_.sequence;
    if (checked) j = checked_.recent;
    if (!checked ||
        (top + 1 < walked_.size() && !below_chord(walked_[top + 1], walked_[top], recent[j]))) {
      if (!tangent_search(walked_.data() + top, walked_.size() - top, i, j)) return false;
      if (i == 0 && bridge + 1 != direction_.block_end &&
          below_chord(walked_[top], hull_point(direction_.link[bridge % kCapacity]), recent[j])) {
        return false;  // the tangent is on the block's hull after the bridge
      }
      checked_ = {walked_sequence_[top + i], j};
    }
    direction_.bridge[k] = walked_sequence_[top + i];
    direction_.bridge_recent[k] = j;
    walked_first_ = top + i - (j + 1);
    std::copy(recent.begin(), recent.begin() + static_cast<std::ptrdiff_t>(j + 1),
              walked_.begin() + static_cast<std::ptrdiff_t>(walked_first_));
    return true;
  }

  // joined_ = the lower hull of the points from `oldest` (in the block) to the newest.
  void join(std::uint64_t oldest) {
    block_hull(oldest);
    const std::size_t last = path_size_ - 1;  // the oldest vertex
    std::size_t joined = 0;
    const std::size_t recent_size = recent_hull_.size;
    if (recent_size == 0) {
      bridge_ = {0, 0};
    } else if (!tangent_from(std::min(bridge_.block, last),
                             std::min(bridge_.recent, recent_size - 1))) {
      // The search from the last window's bridge (the windows share most of the block's hull)
      // did not settle (rounding on nearly collinear points): the search from the inner ends.
      tangent_from(0, recent_size - 1);
    }
    for (std::size_t n = 0; n <= bridge_.recent && recent_size > 0; ++n) {
      joined_.vertices[joined++] = recent_hull_.vertices[n];
    }
    for (std::size_t n = bridge_.block; n <= last; ++n) joined_.vertices[joined++] = path_[n];
    joined_.size = joined;
  }

  // bridge_ = the lower common tangent of path_ (the block's hull) and the recent hull,
  // searched from the given ends. False if it did not settle.
  bool tangent_from(std::size_t i, std::size_t j) {
    const bool settled = tangent_search(path_.data(), path_size_, i, j);
    bridge_ = {i, j};
    return settled;
  }

  // The lower common tangent of `path` (a hull of older points, newest vertex first) and the
  // recent hull, from the ends i and j: each end moves while a neighbour lies below the line
  // through both ends (outwards: on the line too, as the hull drops such points). False if it
  // did not settle (rounding on nearly collinear points).
  bool tangent_search(const HullPoint* path, std::size_t size, std::size_t& i,
                      std::size_t& j) const {
    const std::size_t last = size - 1;
    const auto& newer = recent_hull_.vertices;
    const std::size_t recent_last = recent_hull_.size - 1;
    std::size_t moves = 0;
    const std::size_t max_moves = 2 * (size + recent_hull_.size);
    for (bool moved = true; moved && moves <= max_moves;) {
      const std::size_t before = moves;
      while (i < last && !below_chord(path[i + 1], path[i], newer[j])) {
        ++i;
        ++moves;
      }
      while (i > 0 && below_chord(path[i], path[i - 1], newer[j])) {
        --i;
        ++moves;
      }
      while (j > 0 && !below_chord(path[i], newer[j], newer[j - 1])) {
        --j;
        ++moves;
      }
      while (j < recent_last && below_chord(path[i], newer[j + 1], newer[j])) {
        ++j;
        ++moves;
      }
      moved = moves != before;
    }
    return moves <= max_moves;
  }

  static constexpr std::size_t kCapacity = EnvelopeFit::kCapacity;
  Direction& direction_;
  Nanoseconds now_;
  std::size_t recent_;  // points newer than the block
  bool near_;
  std::size_t taken_ = 0;  // points_one_by_one's count and time sum
  double time_sum_s_ = 0;
  Hull recent_hull_;
  // A window's hull of the newest points.
  std::array<HullPoint, kCapacity> prefix_;
  Hull joined_;
  // join_at_bridge's window hull: walked_ from walked_first_ on.
  std::array<HullPoint, 2 * kCapacity> walked_;
  std::size_t walked_first_ = 0;
  std::array<std::uint64_t, 2 * kCapacity> walked_sequence_;
  // The last tangent join_at_bridge found in this fit: its vertex's sequence number on the block's
  // hull and its vertex on the recent hull.
  struct CheckedBridge {
    std::uint64_t sequence = std::numeric_limits<std::uint64_t>::max();
    std::size_t recent = 0;
  };
  CheckedBridge checked_;
  // The last block hull (path_), its vertices' sequence numbers, and each point's position in
  // it (valid where the sequence number there matches).
  std::array<HullPoint, kCapacity> path_;
  std::array<std::uint64_t, kCapacity> path_sequence_;
  std::size_t path_size_ = 0;
  std::array<std::uint16_t, kCapacity> position_;
  bool positions_ready_ = false;
  std::array<std::uint64_t, kCapacity> walk_;
  // The last join's tangent: its vertex on path_ and on the recent hull.
  struct Bridge {
    std::size_t block = 0;
    std::size_t recent = 0;
  };
  Bridge bridge_;
};

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
  time_sums[(added + 1) % (2 * kCapacity)] =
      time_sum(added) + static_cast<std::uint64_t>(point.time.count());
  const std::size_t index = after_block();
  ++added;
  if (after_block() >= kBlockPoints) {
    rebuild_block();
  } else {
    add_recent(index, point);
  }
}

void EnvelopeFit::Direction::add_recent(std::size_t index, const Point& point) {
  // The times relative to the first point after the block: exact integers (below 2^53 ns), so
  // that each chord test below decides as it would at any fit time.
  if (index == 0) recent_base = point.time;
  const auto since_base = point.time.checked_sub(recent_base);
  const double t_ns = since_base ? static_cast<double>(since_base->count())
                                 : static_cast<double>(point.time.count()) -
                                       static_cast<double>(recent_base.count());
  recent_t_ns[index] = t_ns;
  recent_value_ns[index] = point.value_ns;
  recent_link[index] = static_cast<std::uint8_t>(index);
  // The hull of the points from n to the new one: the hull from n to the one before, unless the
  // new point lies on or below the line from n through its link (its link is the vertex seen
  // from n at the least slope): then the new point is n's next vertex. One test per point,
  // without a branch on its outcome.
  const double* const t = recent_t_ns.data();
  const double* const value = recent_value_ns.data();
  std::uint8_t* const links = recent_link.data();
  const double new_value = point.value_ns;
  for (std::size_t n = 0; n < index; ++n) {
    const std::size_t v = links[n];
    const bool below =
        (t[v] - t[n]) * (new_value - value[n]) - (value[v] - value[n]) * (t_ns - t[n]) > 0;
    links[n] = below ? links[n] : static_cast<std::uint8_t>(index);
  }
}

void EnvelopeFit::Direction::rebuild_block() {
  // The right-to-left build of the lower hull over all points: each point's link is the vertex
  // it attached to, so the hull of the points from any one to the newest is its path of links.
  // Only the links are kept (a fit takes the vertices' times relative to its own `now`), so the
  // times stay in nanoseconds here: exact integers, without a division per point.
  const std::uint64_t last_end = block_end;
  block_end = added;
  const Nanoseconds newest_time = newest(0).time;
  // The times are in order: when the oldest one's difference from the newest does not overflow,
  // none does, and needs no check.
  const bool exact = newest_time.checked_sub(newest(count - 1).time).has_value();
  if (exact && last_end > 0) {
    relink_block(last_end);
    return;
  }
  std::array<BlockPoint, kCapacity> hull;          // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<std::uint64_t, kCapacity> sequences;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  // The points first (see build_recent).
  std::array<BlockPoint, kCapacity> points_ns;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  if (exact) {
    for (std::size_t i = 0; i < count; ++i) points_ns[i] = block_point(added - 1 - i);
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      const Point& point = at(added - 1 - i);
      points_ns[i] = {
          static_cast<double>(point.time.count()) - static_cast<double>(newest_time.count()),
          point.value_ns};
    }
  }
  std::size_t size = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t sequence = added - 1 - i;
    const BlockPoint& p = points_ns[i];
    while (size >= 2 && !below_block_chord(p, hull[size - 1], hull[size - 2])) --size;
    link[sequence % kCapacity] = size > 0 ? sequences[size - 1] : sequence;
    hull[size] = p;
    sequences[size++] = sequence;
  }
}

EnvelopeFit::Direction::BlockPoint EnvelopeFit::Direction::block_point(
    std::uint64_t sequence) const {
  const Point& point = at(sequence);
  return {static_cast<double>(point.time.count() - newest(0).time.count()), point.value_ns};
}

bool EnvelopeFit::Direction::below_block_chord(const BlockPoint& older, const BlockPoint& middle,
                                               const BlockPoint& newer) {
  return (middle.t_ns - older.t_ns) * (newer.value_ns - older.value_ns) -
             (middle.value_ns - older.value_ns) * (newer.t_ns - older.t_ns) >
         0;
}

void EnvelopeFit::Direction::relink_block(std::uint64_t last_end) {
  // The same build, reusing the last one's links. The build's stack is always the path of links
  // from the point last taken, and a point's link is the first vertex u on that path that lies
  // strictly below the chord from the point to u's link (or the newest point). A point of the last
  // block whose link then was older than b, the first vertex on the path whose link has changed
  // since, took the same steps along the same vertices with the same links (the times are exact
  // integers: the same chords to the last rounding), so it keeps its link without any test; the
  // others take the steps. Most keep theirs: a few new points change few links.
  const std::uint64_t newest_sequence = added - 1;
  const std::uint64_t oldest = added - count;
  std::array<bool, kCapacity> changed;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  link[newest_sequence % kCapacity] = newest_sequence;
  changed[newest_sequence % kCapacity] = true;
  std::uint64_t first_changed = newest_sequence;  // b, on the path from the point last taken
  for (std::uint64_t q = newest_sequence; q-- > oldest;) {
    const std::size_t slot = q % kCapacity;
    const bool in_last_block = q < last_end;
    const std::uint64_t last_link = link[slot];
    // (A last link to itself: the last block's newest point, whose build stopped at the end.)
    if (in_last_block && last_link != q && last_link < first_changed) {
      changed[slot] = false;
      continue;
    }
    const BlockPoint p = block_point(q);
    std::uint64_t u = q + 1;
    BlockPoint at_u = block_point(u);
    while (u != newest_sequence) {
      const std::uint64_t after = link[u % kCapacity];
      const BlockPoint at_after = block_point(after);
      if (below_block_chord(p, at_u, at_after)) break;
      u = after;
      at_u = at_after;
    }
    link[slot] = u;
    changed[slot] = !in_last_block || u != last_link;
    if (changed[slot]) {
      first_changed = q;
    } else if (u > first_changed) {
      // The path from q leaves the one from q + 1 past its first change: look for its own.
      std::uint64_t w = u;
      while (!changed[w % kCapacity]) w = link[w % kCapacity];
      first_changed = w;
    }
  }
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
  scheduled_fits_ = 0;
}

void EnvelopeFit::fit(Nanoseconds now, Nanoseconds interval, Lines& lines) {
  fit_only(now, interval, lines, Windows{}.set());
}

EnvelopeFit::Newest EnvelopeFit::newest_points(Nanoseconds now) const {
  Newest newest;
  if (syncs_.count > 0) {
    const Point& sync = syncs_.newest(0);
    newest.sync = {true, seconds_between(sync.time, now), sync.value_ns};
  }
  if (requests_.count > 0) {
    const Point& request = requests_.newest(0);
    newest.request = {true, seconds_between(request.time, now), request.value_ns};
  }
  return newest;
}

bool EnvelopeFit::below_line(const Line& line, double age_s, const Newest& newest) {
  // A new vertex of either lower hull at the newest end: the fit moves. (A margin below 0: a
  // support vertex's own excess is 0 up to rounding.) A Sync's value is the phase plus the
  // floor plus its excess, a Delay_Req's minus the phase plus the floor plus its excess.
  constexpr double kMarginNs = 1e-3;
  const auto phase = [&](const Newest::Value& point) {
    return line.phase_ns + line.frequency_ppb * (age_s + point.t_s);
  };
  return (newest.sync.present &&
          newest.sync.value_ns - phase(newest.sync) - line.floor_ns < -kMarginNs) ||
         (newest.request.present &&
          newest.request.value_ns + phase(newest.request) - line.floor_ns < -kMarginNs);
}

EnvelopeFit::Windows EnvelopeFit::fit_scheduled(Nanoseconds now, Nanoseconds interval, Lines& lines,
                                                Windows required) {
  Windows refit = required;
  const Newest newest = newest_points(now);
  std::optional<Nanoseconds> aged_at;  // the fit time whose age is `age_s`
  double age_s = 0;
  for (std::size_t k = 0; k < kWindows; ++k) {
    // Staggered by k: the long windows' refits fall on different calls.
    const bool turn = (scheduled_fits_ + k) % kRefitPeriods[k] == 0;
    if (refit.test(k) || turn || !lines[k].valid) {
      refit.set(k);
      continue;
    }
    if (aged_at != lines[k].at) {
      aged_at = lines[k].at;
      age_s = seconds_between(now, lines[k].at);
    }
    if (below_line(lines[k], age_s, newest)) refit.set(k);
  }
  ++scheduled_fits_;
  fit_only(now, interval, lines, refit);
  return refit;
}

void EnvelopeFit::fit_only(Nanoseconds now, Nanoseconds interval, Lines& lines, Windows refit) {
  DirectionWalk sync_walk(syncs_, now);
  DirectionWalk request_walk(requests_, now);
  const double interval_s = static_cast<double>(interval.count()) / kNanosecondsPerSecondD;
  for (std::size_t k = 0; k < kWindows; ++k) {
    const double start_s = -kWindowIntervals[k] * interval_s;
    if (!refit.test(k)) {
      // A line kept only while its window still holds enough points.
      if (!sync_walk.holds_min_points(start_s) || !request_walk.holds_min_points(start_s)) {
        lines[k] = Line{};
      }
      continue;
    }
    const std::size_t sync_points = sync_walk.take(k, start_s);
    const std::size_t request_points = request_walk.take(k, start_s);
    if (sync_points < kMinPoints || request_points < kMinPoints) {
      lines[k] = Line{};
      continue;
    }
    Window syncs = sync_walk.advance(k, sync_points);
    Window requests = request_walk.advance(k, request_points);
    std::optional<Line> line = solve(syncs, requests, now, last_frequency_ppb_[k]);
    if (!line) {
      // A slope too close to 0 for the rounded means to decide: the plain construction's sums.
      syncs.mean_time_s = sync_walk.exact_mean_time_s(syncs.points);
      syncs.exact = true;
      requests.mean_time_s = request_walk.exact_mean_time_s(requests.points);
      requests.exact = true;
      line = solve(syncs, requests, now, last_frequency_ppb_[k]);
    }
    lines[k] = line.value_or(Line{});
    last_frequency_ppb_[k] =
        lines[k].valid ? lines[k].frequency_ppb : std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace ptp::servo
