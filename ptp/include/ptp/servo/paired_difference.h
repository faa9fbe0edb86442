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
  // Whether the mean difference is at most `confidence` standard errors of the mean (over at
  // most `ceiling` exchanges: the averages' memory) above zero. n = min(count, ceiling): past the
  // ceiling this overstates the forgetting mean's standard error by up to
  // sqrt((2 ceiling - 1) / ceiling), 1.41, a more lenient bound.
  [[nodiscard]] bool not_worse(double confidence, double ceiling) const {
    const double n = std::min(static_cast<double>(count), ceiling);
    return mean <= confidence * std::sqrt(variance() / n);
  }
};

}  // namespace ptp::servo
