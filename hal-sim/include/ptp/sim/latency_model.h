// Latency of a step in a host's network stack (interrupt, driver, scheduler): a mean with
// Gaussian jitter and, now and then, a heavy Pareto tail, never negative.
#pragma once

#include "ptp/sim/random.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

struct LatencyModel {
  SimDuration mean;
  SimDuration jitter_stddev;
  double tail_probability = 0;  // chance of an extra Pareto-distributed delay
  SimDuration tail_scale = SimDuration::microseconds(10);
  double tail_shape = 1.5;

  [[nodiscard]] SimDuration sample(Random& random) const {
    double ps = static_cast<double>(mean.picoseconds()) +
                static_cast<double>(jitter_stddev.picoseconds()) * random.normal();
    if (ps < 0) ps = 0;
    if (random.bernoulli(tail_probability)) {
      // Capped at one second: a longer stall is a different fault, modelled elsewhere.
      const double tail = random.pareto(static_cast<double>(tail_scale.picoseconds()), tail_shape);
      ps += tail < 1e12 ? tail : 1e12;
    }
    return SimDuration::picoseconds(static_cast<std::int64_t>(ps));
  }
};

}  // namespace ptp::sim
