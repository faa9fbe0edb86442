// PairedDifference: a paired comparison of two predictors on the same exchanges, from the
// difference of their squared errors (ns^2): its mean and spread, averaged like EnvelopeServo's
// window scores (equally over the first exchanges, then forgetting beyond `ceiling` exchanges:
// ForgettingMoments::add), and whether the mean says the first predicts worse by more than the
// comparison's own noise.
#pragma once

#include <algorithm>
#include <cmath>

#include "ptp/servo/forgetting_moments.h"

namespace ptp::servo {

struct PairedDifference : ForgettingMoments {
  // Whether the mean difference is at most `confidence` standard errors of the mean above zero.
  // Values averaged equally count as themselves; past the ceiling the mean forgets with weight
  // w = 1 / ceiling, and its variance is that of (2 - w) / w = 2 ceiling - 1 values.
  [[nodiscard]] bool not_worse(double confidence, double ceiling) const {
    const double n = std::min(static_cast<double>(count), 2 * ceiling - 1);
    return mean <= confidence * std::sqrt(variance() / n);
  }
};

}  // namespace ptp::servo
