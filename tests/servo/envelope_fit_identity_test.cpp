// EnvelopeFit keeps the older points' hull between fits; this checks that its lines are
// bit-identical to the plain construction (every window's hull rebuilt from the newest point back
// at each fit, kept here as the reference) on long random sequences with gaps, steps, repeats,
// late points and changes of the sync interval.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "ptp/nanoseconds.h"
#include "ptp/servo/envelope_fit.h"

namespace ptp::servo {
namespace {

// The reference: the straightforward fit, one hull pass per fit over every stored point.
class ReferenceFit {
 public:
  void add_sync(Nanoseconds time, double value_ns) { add(syncs_, time, value_ns); }
  void add_request(Nanoseconds time, double value_ns) { add(requests_, time, value_ns); }
  void clear() {
    syncs_.clear();
    requests_.clear();
  }

  void fit(Nanoseconds now, Nanoseconds interval, EnvelopeFit::Lines& lines) const {
    Hull sync_hull;
    Hull request_hull;
    std::size_t s = 0;
    std::size_t r = 0;
    const double interval_s = static_cast<double>(interval.count()) / 1e9;
    for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
      const double start_s = -EnvelopeFit::kWindowIntervals[k] * interval_s;
      for (; s < syncs_.size(); ++s) {
        const Point& p = syncs_[syncs_.size() - 1 - s];
        const double t = seconds_between(p.time, now);
        if (t < start_s) break;
        sync_hull.push({t, p.value_ns});
      }
      for (; r < requests_.size(); ++r) {
        const Point& p = requests_[requests_.size() - 1 - r];
        const double t = seconds_between(p.time, now);
        if (t < start_s) break;
        request_hull.push({t, p.value_ns});
      }
      lines[k] = sync_hull.points >= EnvelopeFit::kMinPoints &&
                         request_hull.points >= EnvelopeFit::kMinPoints
                     ? solve(sync_hull, request_hull, now)
                     : EnvelopeFit::Line{};
    }
  }

 private:
  struct Point {
    Nanoseconds time{0};
    double value_ns = 0;
  };
  struct HullPoint {
    double t_s = 0;
    double value_ns = 0;
  };
  struct Hull {
    std::vector<HullPoint> vertices;
    std::size_t points = 0;
    double time_sum_s = 0;
    void push(const HullPoint& p) {
      ++points;
      time_sum_s += p.t_s;
      while (vertices.size() >= 2) {
        const HullPoint& a = vertices[vertices.size() - 2];
        const HullPoint& b = vertices[vertices.size() - 1];
        const double cross = (b.t_s - a.t_s) * (p.value_ns - a.value_ns) -
                             (b.value_ns - a.value_ns) * (p.t_s - a.t_s);
        if (cross < 0) break;
        vertices.pop_back();
      }
      vertices.push_back(p);
    }
  };

  static void add(std::vector<Point>& points, Nanoseconds time, double value_ns) {
    if (!points.empty() && time <= points.back().time) return;
    points.push_back({time, value_ns});
    if (points.size() > EnvelopeFit::kCapacity) points.erase(points.begin());
  }

  static double seconds_between(Nanoseconds later, Nanoseconds earlier) {
    if (const auto difference = later.checked_sub(earlier)) {
      return static_cast<double>(difference->count()) / 1e9;
    }
    return (static_cast<double>(later.count()) - static_cast<double>(earlier.count())) / 1e9;
  }

  static double edge_slope(const HullPoint& older, const HullPoint& newer) {
    return (newer.value_ns - older.value_ns) / (newer.t_s - older.t_s);
  }

  static EnvelopeFit::Line solve(const Hull& syncs, const Hull& requests, Nanoseconds now) {
    EnvelopeFit::Line line;
    const auto ns = static_cast<double>(syncs.points);
    const auto nr = static_cast<double>(requests.points);
    const double ms = syncs.time_sum_s / ns;
    const double mr = requests.time_sum_s / nr;
    std::size_t i = syncs.vertices.size() - 1;
    std::size_t j = 0;
    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    for (;;) {
      const double sync_event =
          i > 0 ? edge_slope(syncs.vertices[i], syncs.vertices[i - 1]) : kInfinity;
      const double request_event = j + 1 < requests.vertices.size()
                                       ? -edge_slope(requests.vertices[j + 1], requests.vertices[j])
                                       : kInfinity;
      const double f = std::min(sync_event, request_event);
      if (!std::isfinite(f)) return line;
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

  std::vector<Point> syncs_;
  std::vector<Point> requests_;
};

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Counts the fits whose lines differ in any bit; also how many lines were valid (the comparison
// must have something to compare).
struct Comparison {
  int fits = 0;
  int valid_lines = 0;
  int differing_fits = 0;
};

// How the times of a sequence are drawn.
struct Timing {
  bool jitter = true;      // without: a regular grid, whose mean times tie (slopes of exactly 0)
  bool far_jumps = false;  // now and then a jump of 2^53 ns (older points far from now)
};

// A random walk of a clock's phase with exponential queueing, at a sync interval that changes,
// with lost messages, long gaps, steps (cleared points and a jump of the phase), repeated and
// late Delay_Req times, and delay spikes.
Comparison compare(std::uint64_t seed, int samples, Timing timing) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::exponential_distribution<double> queueing(1.0 / 150.0);
  EnvelopeFit fit;
  ReferenceFit reference;
  std::int64_t now = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(seed) * 1'000'003;
  std::int64_t interval = 125'000'000;
  double phase = 0;
  double frequency = 20;
  Comparison comparison;
  for (int n = 0; n < samples; ++n) {
    const double u = uniform(random);
    if (u < 0.002) {
      static constexpr std::array<std::int64_t, 4> kIntervals = {62'500'000, 125'000'000,
                                                                 250'000'000, 1'000'000'000};
      interval = kIntervals[static_cast<std::size_t>(uniform(random) * 4) % 4];
    }
    // Jitter of the arrival time, an occasional lost Sync or long gap.
    const double jitter = (uniform(random) - 0.5) * 2e5;
    std::int64_t step = interval + (timing.jitter ? static_cast<std::int64_t>(jitter) : 0);
    if (u > 0.97) step += interval * static_cast<std::int64_t>(1 + uniform(random) * 3);
    if (u > 0.998) step += interval * 40;
    if (timing.far_jumps && u > 0.9995) step += std::int64_t{1} << 53;
    now += step;
    frequency += (uniform(random) - 0.5) * 0.5;
    phase += frequency * static_cast<double>(step) / 1e9;
    if (u > 0.001 && u < 0.0025) {
      fit.clear();
      reference.clear();
      phase += 1e5 * (uniform(random) - 0.5);
    }
    const double spike = uniform(random) < 0.02 ? 1e6 : 0.0;
    const double a = phase + 1000 + queueing(random) + spike;
    fit.add_sync(Nanoseconds(now), a);
    reference.add_sync(Nanoseconds(now), a);
    if (uniform(random) < 0.9) {
      // The Delay_Req was sent some time before this Sync; now and then it repeats the last
      // one's time or is older (both dropped).
      const double lead = uniform(random);
      std::int64_t sent =
          now - (timing.jitter ? static_cast<std::int64_t>(lead * 0.6 * 1e8) : interval / 2);
      if (uniform(random) < 0.01) sent -= interval * 2;
      const double b = -phase + 1000 + queueing(random);
      fit.add_request(Nanoseconds(sent), b);
      reference.add_request(Nanoseconds(sent), b);
    }
    EnvelopeFit::Lines lines{};
    EnvelopeFit::Lines expected{};
    fit.fit(Nanoseconds(now), Nanoseconds(interval), lines);
    reference.fit(Nanoseconds(now), Nanoseconds(interval), expected);
    ++comparison.fits;
    bool same = true;
    for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
      const EnvelopeFit::Line& x = lines[k];
      const EnvelopeFit::Line& y = expected[k];
      comparison.valid_lines += y.valid ? 1 : 0;
      same = same && x.valid == y.valid && x.at == y.at && same_bits(x.phase_ns, y.phase_ns) &&
             same_bits(x.frequency_ppb, y.frequency_ppb) && same_bits(x.floor_ns, y.floor_ns);
    }
    comparison.differing_fits += same ? 0 : 1;
  }
  return comparison;
}

TEST(EnvelopeFitIdentity, BitIdenticalToTheFullRebuildOnRandomSequences) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const Comparison c = compare(seed, 20'000, Timing{});
    EXPECT_EQ(c.differing_fits, 0) << "seed " << seed;
    // Most windows must have had lines to compare.
    EXPECT_GT(c.valid_lines, c.fits * 8) << "seed " << seed;
  }
}

TEST(EnvelopeFitIdentity, BitIdenticalOnARegularGridAndWithPointsFarFromNow) {
  for (std::uint64_t seed = 11; seed <= 13; ++seed) {
    const Comparison grid = compare(seed, 20'000, Timing{false, false});
    EXPECT_EQ(grid.differing_fits, 0) << "seed " << seed;
    EXPECT_GT(grid.valid_lines, grid.fits * 8) << "seed " << seed;
    const Comparison far = compare(seed, 20'000, Timing{true, true});
    EXPECT_EQ(far.differing_fits, 0) << "seed " << seed;
    EXPECT_GT(far.valid_lines, far.fits * 8) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ptp::servo
