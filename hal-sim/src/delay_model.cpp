// DelayModel: validation, the per-packet draw and the closed-form moments of each delay
// distribution.
#include "ptp/sim/delay_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <type_traits>

namespace ptp::sim {
namespace {

double to_picoseconds(SimDuration duration) { return static_cast<double>(duration.picoseconds()); }

bool exceeds_model_limit(SimDuration duration) { return duration > kMaxModelledDelay; }

Result<void, DelayConfigError> validate(const DelayVariation& variation) {
  using Error = DelayConfigError;
  if (const auto* normal = std::get_if<NormalDelayVariation>(&variation)) {
    if (normal->mean < SimDuration()) return unexpected(Error::kNegativeMean);
    if (normal->stddev < SimDuration()) return unexpected(Error::kNegativeStddev);
    if (exceeds_model_limit(normal->mean) || exceeds_model_limit(normal->stddev)) {
      return unexpected(Error::kDelayTooLarge);
    }
  } else if (const auto* exponential = std::get_if<ExponentialDelayVariation>(&variation)) {
    if (exponential->mean <= SimDuration()) return unexpected(Error::kNonPositiveMean);
    if (exceeds_model_limit(exponential->mean)) return unexpected(Error::kDelayTooLarge);
  } else if (const auto* pareto = std::get_if<ParetoDelayVariation>(&variation)) {
    if (pareto->scale <= SimDuration()) return unexpected(Error::kNonPositiveScale);
    // Written so that a NaN shape is rejected too.
    if (!(pareto->shape > 0.0)) return unexpected(Error::kNonPositiveShape);
    if (exceeds_model_limit(pareto->scale)) return unexpected(Error::kDelayTooLarge);
  }
  return {};
}

// A draw in picoseconds as a duration, clamped to [0, kMaxModelledDelay] so that a Pareto draw
// far out in the tail (or an infinity) cannot overflow the integer.
SimDuration variation_from_picoseconds(double picoseconds) {
  const double limit = to_picoseconds(kMaxModelledDelay);
  const double clamped = std::clamp(picoseconds, 0.0, limit);
  return SimDuration::picoseconds(static_cast<std::int64_t>(std::llround(clamped)));
}

SimDuration draw_variation(const DelayVariation& variation, Random& random) {
  return std::visit(
      [&random](const auto& distribution) -> SimDuration {
        using Distribution = std::decay_t<decltype(distribution)>;
        if constexpr (std::is_same_v<Distribution, NoDelayVariation>) {
          return SimDuration();
        } else if constexpr (std::is_same_v<Distribution, NormalDelayVariation>) {
          // Rejection keeps the shape of the normal above zero; validation's mean >= 0 means at
          // least half the draws are accepted.
          double draw = 0;
          do {
            draw = random.normal(to_picoseconds(distribution.mean),
                                 to_picoseconds(distribution.stddev));
          } while (draw < 0.0);
          return variation_from_picoseconds(draw);
        } else if constexpr (std::is_same_v<Distribution, ExponentialDelayVariation>) {
          return variation_from_picoseconds(random.exponential(to_picoseconds(distribution.mean)));
        } else {
          return variation_from_picoseconds(
              random.pareto(to_picoseconds(distribution.scale), distribution.shape));
        }
      },
      variation);
}

struct Moments {
  std::optional<double> mean;
  std::optional<double> variance;
};

// The normal N(mu, sigma^2) truncated to [0, inf): with a = -mu/sigma, Z = 1 - Phi(a) and
// lambda = phi(a) / Z, the mean is mu + sigma lambda and the variance
// sigma^2 (1 + a lambda - lambda^2).
Moments truncated_normal_moments(const NormalDelayVariation& normal) {
  const double mu = to_picoseconds(normal.mean);
  const double sigma = to_picoseconds(normal.stddev);
  if (sigma == 0.0) return {mu, 0.0};
  const double a = -mu / sigma;
  const double density = std::exp(-0.5 * a * a) / std::sqrt(2.0 * std::numbers::pi);
  const double tail = 0.5 * std::erfc(a / std::numbers::sqrt2);
  const double lambda = density / tail;
  return {mu + sigma * lambda, sigma * sigma * (1.0 + a * lambda - lambda * lambda)};
}

Moments pareto_moments(const ParetoDelayVariation& pareto) {
  const double scale = to_picoseconds(pareto.scale);
  const double shape = pareto.shape;
  Moments moments;
  if (shape > 1.0) moments.mean = shape * scale / (shape - 1.0);
  if (shape > 2.0) {
    moments.variance = scale * scale * shape / ((shape - 1.0) * (shape - 1.0) * (shape - 2.0));
  }
  return moments;
}

Moments variation_moments(const DelayVariation& variation) {
  return std::visit(
      [](const auto& distribution) -> Moments {
        using Distribution = std::decay_t<decltype(distribution)>;
        if constexpr (std::is_same_v<Distribution, NoDelayVariation>) {
          return {0.0, 0.0};
        } else if constexpr (std::is_same_v<Distribution, NormalDelayVariation>) {
          return truncated_normal_moments(distribution);
        } else if constexpr (std::is_same_v<Distribution, ExponentialDelayVariation>) {
          const double mean = to_picoseconds(distribution.mean);
          return {mean, mean * mean};
        } else {
          return pareto_moments(distribution);
        }
      },
      variation);
}

}  // namespace

std::string_view to_string(DelayConfigError error) {
  switch (error) {
    case DelayConfigError::kNegativePropagation: return "negative propagation delay";
    case DelayConfigError::kNegativeFixedDelay:
      return "propagation delay plus asymmetry is negative";
    case DelayConfigError::kNegativeMean: return "negative mean of the normal delay variation";
    case DelayConfigError::kNegativeStddev:
      return "negative standard deviation of the normal delay variation";
    case DelayConfigError::kNonPositiveMean:
      return "mean of the exponential delay variation is not positive";
    case DelayConfigError::kNonPositiveScale:
      return "scale of the Pareto delay variation is not positive";
    case DelayConfigError::kNonPositiveShape:
      return "shape of the Pareto delay variation is not positive";
    case DelayConfigError::kDelayTooLarge: return "a delay exceeds the modelled maximum (1 h)";
    case DelayConfigError::kEmptyWindow: return "spike window ends at or before its start";
    case DelayConfigError::kNegativeSpike: return "negative spike delay";
  }
  return "unknown delay configuration error";
}

Result<DelayModel, DelayConfigError> DelayModel::create(const DelayModelConfig& config) {
  if (config.propagation < SimDuration()) return unexpected(DelayConfigError::kNegativePropagation);
  if (exceeds_model_limit(config.propagation) || exceeds_model_limit(config.asymmetry) ||
      config.asymmetry < SimDuration() - kMaxModelledDelay) {
    return unexpected(DelayConfigError::kDelayTooLarge);
  }
  const SimDuration fixed_delay = config.propagation + config.asymmetry;
  if (fixed_delay < SimDuration()) return unexpected(DelayConfigError::kNegativeFixedDelay);
  if (auto valid = validate(config.variation); !valid) return unexpected(valid.error());
  return DelayModel(fixed_delay, config.variation);
}

SimDuration DelayModel::sample(Random& random, SimTime send_time) const {
  const SimDuration delay = fixed_delay_ + draw_variation(variation_, random);
  const bool in_spike = spike_ && send_time >= spike_->start && send_time < spike_->end;
  return in_spike ? delay + spike_->extra : delay;
}

Result<void, DelayConfigError> DelayModel::set_spike(SimTime start, SimTime end,
                                                     SimDuration extra) {
  if (end <= start) return unexpected(DelayConfigError::kEmptyWindow);
  if (extra < SimDuration()) return unexpected(DelayConfigError::kNegativeSpike);
  if (exceeds_model_limit(extra)) return unexpected(DelayConfigError::kDelayTooLarge);
  spike_ = Spike{start, end, extra};
  return {};
}

std::optional<double> DelayModel::mean_picoseconds() const {
  const auto variation_mean = variation_moments(variation_).mean;
  if (!variation_mean) return std::nullopt;
  return to_picoseconds(fixed_delay_) + *variation_mean;
}

std::optional<double> DelayModel::variance_picoseconds_squared() const {
  return variation_moments(variation_).variance;
}

SimTime FifoDelivery::deliver(SimTime earliest) {
  const SimTime delivery =
      last_delivery_ && *last_delivery_ > earliest ? *last_delivery_ : earliest;
  last_delivery_ = delivery;
  return delivery;
}

}  // namespace ptp::sim
