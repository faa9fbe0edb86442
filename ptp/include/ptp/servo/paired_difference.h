// PairedDifference: a paired comparison of two predictors on the same exchanges, from the
// difference of their squared errors: its mean and spread, averaged like EnvelopeServo's window
// scores (equally over the first exchanges, then forgetting), and whether the mean says the first
// predicts worse by more than the comparison's own noise.
#pragma once

#include <algorithm>
#include <cmath>

namespace ptp::servo {

struct PairedDifference {
  double mean_ns2 = 0;     // the mean difference of the squared errors, ns^2
  double mean_square = 0;  // the mean of its square, ns^4
  int count = 0;

  // Adds one exchange's difference; the averages forget beyond `ceiling` exchanges.
  void add(double difference_ns2, double ceiling) {
    ++count;
    const double w = 1.0 / std::min(static_cast<double>(count), ceiling);
    mean_ns2 += w * (difference_ns2 - mean_ns2);
    mean_square += w * (difference_ns2 * difference_ns2 - mean_square);
  }
  // Whether the mean difference is at most `confidence` standard errors of the mean (over at
  // most `ceiling` exchanges: the averages' memory) above zero.
  [[nodiscard]] bool not_worse(double confidence, double ceiling) const {
    const double n = std::min(static_cast<double>(count), ceiling);
    const double variance = std::max(mean_square - mean_ns2 * mean_ns2, 0.0);
    return mean_ns2 <= confidence * std::sqrt(variance / n);
  }
};

}  // namespace ptp::servo
