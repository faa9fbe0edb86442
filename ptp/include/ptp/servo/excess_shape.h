// The shape k of the queueing's distribution, from the moments of the packets' excesses over the
// envelope's floor, for choosing between the lower envelope (the estimator for k <= 2, whose
// lucky packets come as often as the density at the floor allows) and the gamma likelihood
// (GammaLineFit, for a sum of several tails). A gamma distribution of shape k has
// mean^2 / variance = k. The envelope's floor is the lowest of n points, which lies above the
// true floor by about theta (k! / n)^(1/k) Gamma(1 + 1/k) (the gamma density near its floor is
// x^(k-1) / (theta^k (k-1)!)): the mean excess over it is short by that much, and the shape
// follows by a fixed-point iteration on k = (mean + height)^2 / variance.
#pragma once

#include <cstddef>

namespace ptp::servo {

// The shape, given the excesses' mean and variance over the lowest of `points` packets per
// direction; 0 without spread or points.
[[nodiscard]] double excess_shape(double mean_ns, double variance_ns2, std::size_t points);

}  // namespace ptp::servo
