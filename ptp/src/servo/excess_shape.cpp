// excess_shape: the queueing's gamma shape from the excesses' moments over the envelope's floor,
// corrected for the floor's height above the true one (model in excess_shape.h).
#include "ptp/servo/excess_shape.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {
namespace {

// Fixed-point iterations (each moves the shape by a fraction of the last change).
constexpr int kIterations = 8;
// The shapes considered: the envelope's domain below, a near-Gaussian tail above.
constexpr double kMinShape = 0.5;
constexpr double kMaxShape = 50.0;
// The floor's height is at most this fraction of the mean excess (the correction stays finite).
constexpr double kMaxHeightShare = 0.9;

}  // namespace

double excess_shape(double mean_ns, double variance_ns2, std::size_t points) {
  if (!(variance_ns2 > 0) || !(mean_ns > 0) || points == 0) return 0;
  const auto n = static_cast<double>(points);
  double k = std::clamp(mean_ns * mean_ns / variance_ns2, kMinShape, kMaxShape);
  for (int i = 0; i < kIterations; ++i) {
    // The floor's height above the true one as a fraction of theta for this k; theta is
    // (mean + height) / k, so mean + height = mean / (1 - fraction / k).
    const double fraction = std::pow(std::tgamma(k + 1) / n, 1 / k) * std::tgamma(1 + 1 / k);
    const double corrected = mean_ns / (1 - std::min(fraction / k, kMaxHeightShare));
    k = std::clamp(corrected * corrected / variance_ns2, kMinShape, kMaxShape);
  }
  return k;
}

}  // namespace ptp::servo
