// ScoreDifference: the running paired-difference statistic and its significance test.
#include "ptp/servo/score_difference.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {
namespace {

// A lag-one correlation estimated from the values themselves is bounded below 1, so that the
// count of independent values stays positive.
constexpr double kMaxCorrelation = 0.95;
// Below this many independent values the spread is no estimate at all: never significant.
constexpr double kMinIndependent = 3.0;

// Student's t quantile for the normal quantile `z` at `dof` degrees of freedom (Cornish-Fisher
// expansion, within a few per cent from 2 degrees of freedom).
double student_quantile(double z, double dof) {
  const double z2 = z * z;
  return z + z * (z2 + 1) / (4 * dof) + z * ((5 * z2 + 16) * z2 + 3) / (96 * dof * dof) +
         z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * dof * dof * dof);
}

}  // namespace

void ScoreDifference::clear() {
  moments_ = ForgettingMoments{};
  mean_lag_product_ = 0;
  last_ = 0;
}

double ScoreDifference::lag_correlation() const {
  const double variance = moments_.variance();
  if (variance <= 0) return 0;
  return (mean_lag_product_ - moments_.mean * moments_.mean) / variance;
}

std::optional<double> ScoreDifference::bound(double z) const {
  const double variance = moments_.variance();
  if (moments_.count < 2 || variance <= 0) return std::nullopt;
  // Values averaged equally count as themselves; once the mean forgets with weight w, its
  // variance is that of (2 - w) / w values.
  const double samples = std::min(static_cast<double>(moments_.count), 2 * memory_ - 1);
  const double correlation = std::clamp(lag_correlation(), 0.0, kMaxCorrelation);
  const double independent = samples * (1 - correlation) / (1 + correlation);
  if (independent < kMinIndependent) return std::nullopt;
  return student_quantile(z, independent - 1) * std::sqrt(variance / independent);
}

bool ScoreDifference::above(double margin, double z) const {
  const std::optional<double> b = bound(z);
  return b && moments_.mean - margin > *b;
}

bool ScoreDifference::below(double margin, double z) const {
  const std::optional<double> b = bound(z);
  return b && margin - moments_.mean > *b;
}

}  // namespace ptp::servo
