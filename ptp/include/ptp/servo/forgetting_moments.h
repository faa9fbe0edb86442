// ForgettingMoments: the running mean and mean square of a series, averaged equally over its
// first values and then forgetting with weight 1 / memory (an exponential average of about
// `memory` values): the statistic under the envelope servo's paired comparisons
// (PairedDifference, ScoreDifference), and the weight its other running averages use.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ptp::servo {

// The weight of the `count`-th value (from 1) in such an average.
[[nodiscard]] inline double forgetting_weight(std::int64_t count, double memory) {
  return 1.0 / std::min(static_cast<double>(count), memory);
}

struct ForgettingMoments {
  int count = 0;
  double mean = 0;
  double mean_square = 0;

  // Adds one value; returns the weight it was averaged in with (a caller's own averages of the
  // same series use it too).
  double add(double value, double memory) {
    ++count;
    const double w = forgetting_weight(count, memory);
    mean += w * (value - mean);
    mean_square += w * (value * value - mean_square);
    return w;
  }
  // The values' spread about the mean (never negative: the two averages round apart).
  [[nodiscard]] double variance() const { return std::max(mean_square - mean * mean, 0.0); }
};

}  // namespace ptp::servo
