// LossModel: validation, the per-packet decision and the stationary loss statistics.
#include "ptp/sim/loss_model.h"

#include <type_traits>

namespace ptp::sim {
namespace {

// Written so that NaN is rejected too.
bool is_probability(double value) { return value >= 0.0 && value <= 1.0; }

// Any random loss as a Gilbert-Elliott chain, so one set of formulas gives the ground truth:
// no loss and Bernoulli loss are chains that never leave Good.
GilbertElliottLoss as_gilbert_elliott(const RandomLoss& random_loss) {
  if (const auto* bernoulli = std::get_if<BernoulliLoss>(&random_loss)) {
    return {0.0, 1.0, bernoulli->loss_probability, bernoulli->loss_probability};
  }
  if (const auto* chain = std::get_if<GilbertElliottLoss>(&random_loss)) return *chain;
  return {0.0, 1.0, 0.0, 0.0};
}

// The chain's stationary probability of Bad (solves pi_bad * bad_to_good = pi_good *
// good_to_bad).
double stationary_bad(const GilbertElliottLoss& chain) {
  return chain.good_to_bad / (chain.good_to_bad + chain.bad_to_good);
}

}  // namespace

std::string_view to_string(LossConfigError error) {
  switch (error) {
    case LossConfigError::kProbabilityOutOfRange: return "probability outside [0, 1]";
    case LossConfigError::kFrozenChain:
      return "Gilbert-Elliott transition probabilities are both zero";
    case LossConfigError::kEmptyWindow: return "window ends at or before its start";
  }
  return "unknown loss configuration error";
}

Result<LossModel, LossConfigError> LossModel::create(const RandomLoss& random_loss) {
  if (const auto* bernoulli = std::get_if<BernoulliLoss>(&random_loss)) {
    if (!is_probability(bernoulli->loss_probability)) {
      return unexpected(LossConfigError::kProbabilityOutOfRange);
    }
  } else if (const auto* chain = std::get_if<GilbertElliottLoss>(&random_loss)) {
    if (!is_probability(chain->good_to_bad) || !is_probability(chain->bad_to_good) ||
        !is_probability(chain->loss_in_good) || !is_probability(chain->loss_in_bad)) {
      return unexpected(LossConfigError::kProbabilityOutOfRange);
    }
    // Without transitions the stationary distribution is not unique: the long-run rate would
    // depend on an arbitrary starting state.
    if (chain->good_to_bad == 0.0 && chain->bad_to_good == 0.0) {
      return unexpected(LossConfigError::kFrozenChain);
    }
  }
  return LossModel(random_loss);
}

Result<void, LossConfigError> LossModel::add_loss_burst(SimTime start, SimTime end,
                                                        double loss_probability) {
  if (end <= start) return unexpected(LossConfigError::kEmptyWindow);
  if (!is_probability(loss_probability)) {
    return unexpected(LossConfigError::kProbabilityOutOfRange);
  }
  loss_bursts_.push_back({start, end, loss_probability});
  return {};
}

Result<void, LossConfigError> LossModel::add_link_down(SimTime down_at, SimTime up_at) {
  if (up_at <= down_at) return unexpected(LossConfigError::kEmptyWindow);
  link_down_.push_back({down_at, up_at, 1.0});
  return {};
}

bool LossModel::draw_random_loss(Random& random) {
  return std::visit(
      [this, &random](const auto& model) -> bool {
        using Model = std::decay_t<decltype(model)>;
        if constexpr (std::is_same_v<Model, NoRandomLoss>) {
          return false;
        } else if constexpr (std::is_same_v<Model, BernoulliLoss>) {
          return random.bernoulli(model.loss_probability);
        } else {
          if (state_ == ChannelState::kUnset) {
            state_ =
                random.bernoulli(stationary_bad(model)) ? ChannelState::kBad : ChannelState::kGood;
          } else if (state_ == ChannelState::kGood) {
            if (random.bernoulli(model.good_to_bad)) state_ = ChannelState::kBad;
          } else {
            if (random.bernoulli(model.bad_to_good)) state_ = ChannelState::kGood;
          }
          return random.bernoulli(state_ == ChannelState::kBad ? model.loss_in_bad
                                                               : model.loss_in_good);
        }
      },
      random_loss_);
}

LossCause LossModel::decide(Random& random, SimTime send_time) {
  // Both draws are made before any window is consulted: see the header.
  const bool random_loss = draw_random_loss(random);
  const double burst_draw = random.uniform();

  for (const Window& window : link_down_) {
    if (window.contains(send_time)) return LossCause::kLinkDown;
  }
  for (const Window& window : loss_bursts_) {
    if (window.contains(send_time) && burst_draw < window.loss_probability) {
      return LossCause::kLossBurst;
    }
  }
  return random_loss ? LossCause::kRandomLoss : LossCause::kNone;
}

double LossModel::long_run_loss_rate() const {
  const GilbertElliottLoss chain = as_gilbert_elliott(random_loss_);
  const double bad = stationary_bad(chain);
  return (1.0 - bad) * chain.loss_in_good + bad * chain.loss_in_bad;
}

std::optional<double> LossModel::mean_loss_burst_length() const {
  // Mean run length = (losses per packet) / (runs ending per packet), where a run ends at a
  // loss followed by a delivery. The run-end rate is summed directly rather than computed as
  // P(loss) - P(loss, loss), which would cancel to rounding noise when nearly all is lost.
  const GilbertElliottLoss chain = as_gilbert_elliott(random_loss_);
  const double bad = stationary_bad(chain);
  const double good = 1.0 - bad;
  const double delivered_in_good = 1.0 - chain.loss_in_good;
  const double delivered_in_bad = 1.0 - chain.loss_in_bad;
  const double run_end_rate =
      good * chain.loss_in_good *
          ((1.0 - chain.good_to_bad) * delivered_in_good + chain.good_to_bad * delivered_in_bad) +
      bad * chain.loss_in_bad *
          (chain.bad_to_good * delivered_in_good + (1.0 - chain.bad_to_good) * delivered_in_bad);
  const double loss_rate = long_run_loss_rate();
  if (loss_rate == 0.0 || run_end_rate == 0.0) return std::nullopt;
  return loss_rate / run_end_rate;
}

}  // namespace ptp::sim
