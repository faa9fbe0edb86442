// WanderTest: the second differences' variances over two spans (model in wander_test.h).
#include "ptp/servo/wander_test.h"

#include <algorithm>

#include "ptp/servo/forgetting_moments.h"
#include "seconds_between.h"

namespace ptp::servo {
namespace {

using detail::seconds_between;

// The variances forget with this many differences: the wander of a clock that starts far off
// shows within tens of seconds at 1 s between Syncs, and the test follows a change of conditions
// within a minute or two.
constexpr double kMemory = 64.0;
// Fewer spans than this show nothing: the variances are too noisy for a test.
constexpr int kMinDifferences = 6;
// The span's variance over the one interval's that shows a random walk: between phase steps' 3
// and the walk's 19 (geometrically), far above the noise's 1 (which over 8 spans, each sharing
// points with the next, reads up to about 2.5).
constexpr double kShownRatio = 7.5;
// Once shown, the wander stays shown until the ratio falls below phase steps' 3: a ratio that
// hovers about kShownRatio (a walk read low over few spans) does not switch the steering back
// and forth.
constexpr double kHiddenRatio = 3.0;
// Points this far from one nominal interval apart start the series over.
constexpr double kMinSpacingIntervals = 0.5;
constexpr double kMaxSpacingIntervals = 1.5;
// Of the walk's share, (2 m^3 + m) / 3 q T^3 at span m: 19 at 3, 1 at 1.
constexpr double kSpanWalk = (2.0 * 27.0 + 3.0) / 3.0;

}  // namespace

void WanderTest::add(Nanoseconds time, double phase_ns, Nanoseconds interval) {
  const double interval_s = static_cast<double>(interval.count()) / 1e9;
  double spacing_s = 0;
  if (last_time_) {
    spacing_s = seconds_between(time, *last_time_);
    if (!(spacing_s >= kMinSpacingIntervals * interval_s &&
          spacing_s <= kMaxSpacingIntervals * interval_s)) {
      points_ = 0;
    }
  }
  last_time_ = time;
  if (points_ == kPoints) {
    std::copy(phases_ns_.begin() + 1, phases_ns_.end(), phases_ns_.begin());
    --points_;
  }
  phases_ns_[points_++] = phase_ns;
  if (points_ < kPoints) return;
  const double one_ns =
      phases_ns_[kPoints - 1] - 2 * phases_ns_[kPoints - 2] + phases_ns_[kPoints - 3];
  const double span_ns = phases_ns_[kPoints - 1] - 2 * phases_ns_[kSpanIntervals] + phases_ns_[0];
  ++differences_;
  const double w = forgetting_weight(differences_, kMemory);
  mean_square_one_ns2_ += w * (one_ns * one_ns - mean_square_one_ns2_);
  mean_square_span_ns2_ += w * (span_ns * span_ns - mean_square_span_ns2_);
  mean_spacing_s_ += w * (spacing_s - mean_spacing_s_);
  if (differences_ >= kMinDifferences) {
    shown_ = variance_ratio() > (shown_ ? kHiddenRatio : kShownRatio);
  }
}

void WanderTest::clear() { *this = WanderTest{}; }

double WanderTest::variance_ratio() const {
  return mean_square_one_ns2_ > 0 ? mean_square_span_ns2_ / mean_square_one_ns2_ : 0.0;
}

std::optional<double> WanderTest::shown_wander_ppb2_per_s() const {
  if (!shown_ || mean_spacing_s_ <= 0) return std::nullopt;
  // The noise's 6 s^2 is in both; their difference is (kSpanWalk - 1) q T^3 (ns^2 over s^3:
  // ppb^2/s).
  const double t3 = mean_spacing_s_ * mean_spacing_s_ * mean_spacing_s_;
  return (mean_square_span_ns2_ - mean_square_one_ns2_) / ((kSpanWalk - 1) * t3);
}

}  // namespace ptp::servo
