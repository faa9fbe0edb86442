// The simulator's random numbers: xoshiro256** seeded through splitmix64, with distributions
// implemented here rather than taken from <random>, whose distributions differ between standard
// libraries. Same seed, same sequence: the integer streams are identical everywhere; the
// floating-point distributions are identical for one build and its libm (what determinism of a
// run needs), and may differ in the last bit between libms.
#pragma once

#include <cmath>
#include <cstdint>

namespace ptp::sim {

class Random {
 public:
  explicit Random(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& word : state_) word = splitmix64(x);
  }

  // A generator for a sub-component, so adding draws in one place does not shift another's.
  Random fork(std::uint64_t stream) {
    return Random(next_u64() ^ (stream * 0x9E3779B97F4A7C15ULL));
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17U;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 bits.
  double uniform() { return static_cast<double>(next_u64() >> 11U) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open_zero() { return 1.0 - uniform(); }
  // Uniform integer in [0, bound), bound > 0, without modulo bias (rejects the short last run).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t r = next_u64();
      if (r >= threshold) return r % bound;
    }
  }
  bool bernoulli(double probability) { return uniform() < probability; }

  // Standard normal (Marsaglia polar method; the spare value is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0;
    double v = 0;
    double s = 0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * factor;
    has_spare_ = true;
    return u * factor;
  }
  double normal(double mean, double stddev) { return mean + stddev * normal(); }
  // Exponential with the given mean.
  double exponential(double mean) { return -mean * std::log(uniform_open_zero()); }
  // Pareto (type I) with scale x_m > 0 and shape alpha > 0: values >= x_m, heavy-tailed.
  double pareto(double scale, double shape) {
    return scale / std::pow(uniform_open_zero(), 1.0 / shape);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, unsigned k) { return (x << k) | (x >> (64U - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }

  std::uint64_t state_[4]{};
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace ptp::sim
