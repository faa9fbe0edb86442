// DelayModel: how long one direction of a simulated link takes to carry a packet. A fixed part
// (propagation plus this direction's share of the path asymmetry) plus a random packet delay
// variation (PDV) from a configurable distribution, plus an optional delay spike over a time
// window for fault timelines. It also states the distribution's true mean and variance, the
// ground truth that tests and benchmarks compare the time-transfer results against.
//
// FifoDelivery is the small stateful rule a link that never reorders applies on top of the
// drawn delays.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "ptp/result.h"
#include "ptp/sim/random.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

// No delay variation: every packet takes exactly the fixed delay.
struct NoDelayVariation {};

// Normal PDV, truncated below at zero (drawn again until non-negative) so that no packet ever
// beats the fixed delay, as no real queue can. The true moments are those of the truncated
// distribution; with mean >= 3 stddev the truncation is negligible.
struct NormalDelayVariation {
  SimDuration mean;    // of the normal before truncation, >= 0
  SimDuration stddev;  // of the normal before truncation, >= 0
};

// Exponential PDV: the queueing delay of a lightly loaded M/M/1-like path.
struct ExponentialDelayVariation {
  SimDuration mean;  // > 0
};

// Pareto (type I) PDV: values >= scale with P(X > x) = (scale / x)^shape, the heavy tail of
// congested paths. The mean is finite only for shape > 1 and the variance only for shape > 2.
struct ParetoDelayVariation {
  SimDuration scale;  // the smallest variation, > 0
  double shape = 0;   // > 0; smaller is heavier-tailed
};

using DelayVariation = std::variant<NoDelayVariation, NormalDelayVariation,
                                    ExponentialDelayVariation, ParetoDelayVariation>;

struct DelayModelConfig {
  SimDuration propagation;  // >= 0
  // Added to this direction's fixed delay (may be negative, but not below -propagation). For a
  // path with IEEE 1588 delayAsymmetry A, give the master-to-slave direction +A and the
  // slave-to-master direction -A: the mean path delay then stays `propagation`.
  SimDuration asymmetry;
  DelayVariation variation;
};

enum class DelayConfigError {
  kNegativePropagation,  // propagation < 0
  kNegativeFixedDelay,   // propagation + asymmetry < 0
  kNegativeMean,         // normal mean < 0
  kNegativeStddev,       // normal stddev < 0
  kNonPositiveMean,      // exponential mean <= 0
  kNonPositiveScale,     // Pareto scale <= 0
  kNonPositiveShape,     // Pareto shape <= 0 or not a number
  kDelayTooLarge,        // a configured duration beyond kMaxModelledDelay
  kEmptyWindow,          // spike end <= spike start
  kNegativeSpike,        // spike extra delay < 0
};

std::string_view to_string(DelayConfigError error);

// The largest delay any single term may add. A packet delayed longer than this is as good as
// lost, and the bound keeps every SimTime sum far from int64 overflow however heavy the tail.
inline constexpr SimDuration kMaxModelledDelay = SimDuration::seconds(3600);

class DelayModel {
 public:
  static Result<DelayModel, DelayConfigError> create(const DelayModelConfig& config);

  // The delay of a packet sent at `send_time`. Consumes draws from `random` according to the
  // distribution only (a spike never changes which draws are made), so the same generator
  // state gives the same variation with or without a spike.
  [[nodiscard]] SimDuration sample(Random& random, SimTime send_time) const;

  // Packets sent in [start, end) take `extra` longer. Replaces any earlier spike.
  Result<void, DelayConfigError> set_spike(SimTime start, SimTime end, SimDuration extra);
  void clear_spike() { spike_.reset(); }

  // propagation + asymmetry: the least delay a packet can take outside a spike.
  [[nodiscard]] SimDuration fixed_delay() const { return fixed_delay_; }

  // The true moments of the delay outside a spike, in picoseconds (and picoseconds squared);
  // std::nullopt where the distribution has none (Pareto mean for shape <= 1, variance for
  // shape <= 2). They ignore the sub-picosecond rounding of each draw and the clamp at
  // kMaxModelledDelay, both negligible for any sensible configuration.
  [[nodiscard]] std::optional<double> mean_picoseconds() const;
  [[nodiscard]] std::optional<double> variance_picoseconds_squared() const;

  [[nodiscard]] const DelayVariation& variation() const { return variation_; }

 private:
  struct Spike {
    SimTime start;
    SimTime end;
    SimDuration extra;
  };

  DelayModel(SimDuration fixed_delay, const DelayVariation& variation)
      : fixed_delay_(fixed_delay), variation_(variation) {}

  SimDuration fixed_delay_;
  DelayVariation variation_;
  std::optional<Spike> spike_;
};

// Delivery order for a link that does not reorder (a single queue): a packet is delivered no
// earlier than the one before it, i.e. at max(send + delay, previous delivery).
class FifoDelivery {
 public:
  // The delivery time of the next packet, which on its own would arrive at `earliest`.
  SimTime deliver(SimTime earliest);

 private:
  std::optional<SimTime> last_delivery_;
};

}  // namespace ptp::sim
