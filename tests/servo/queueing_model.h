// Queueing delay for servo tests: a sum of `tails` exponential tails (one per loaded switch) of
// mean `mean_ns` each, from a fixed-seed std::mt19937_64 by the inverse transform on the
// generator's raw bits, so that the sequence is the same on every standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace ptp::servo::testing {

class Queueing {
 public:
  Queueing(std::uint64_t seed, double mean_ns, int tails = 1)
      : random_(seed), mean_ns_(mean_ns), tails_(tails) {}
  // The next packet's queueing delay, ns.
  double next() {
    double sum = 0;
    for (int i = 0; i < tails_; ++i) {
      const double u = (static_cast<double>(random_() >> 11U) + 0.5) * 0x1.0p-53;
      sum -= mean_ns_ * std::log(u);
    }
    return sum;
  }

 private:
  std::mt19937_64 random_;
  double mean_ns_;
  int tails_;
};

}  // namespace ptp::servo::testing
