// LinkDirection: validation of the combined configuration and the per-packet pipeline
// (loss, then delay, hold-back and duplication, then in-order delivery).
#include "ptp/sim/link_impairments.h"

namespace ptp::sim {
namespace {

// Written so that NaN is rejected too.
bool is_probability(double value) { return value >= 0.0 && value <= 1.0; }

Result<void, ImpairmentConfigError> validate(const LinkImpairmentsConfig& impairments,
                                             bool in_order) {
  using Error = ImpairmentConfigError;
  if (!is_probability(impairments.duplicate_probability) ||
      !is_probability(impairments.reorder_probability)) {
    return unexpected(Error::kProbabilityOutOfRange);
  }
  if (impairments.reorder_hold_back < SimDuration()) return unexpected(Error::kNegativeHoldBack);
  if (impairments.reorder_hold_back > kMaxModelledDelay) {
    return unexpected(Error::kHoldBackTooLarge);
  }
  // A single queue cannot let a later packet pass: asking for both is a configuration mistake.
  if (in_order && impairments.reorder_probability > 0.0) {
    return unexpected(Error::kReorderOnInOrderLink);
  }
  return {};
}

// Stream numbers for Random::fork, one per component.
enum Stream : std::uint64_t {
  kLossStream = 1,
  kDelayStream,
  kDuplicateDelayStream,
  kImpairmentStream,
};

}  // namespace

std::string_view to_string(ImpairmentConfigError error) {
  switch (error) {
    case ImpairmentConfigError::kProbabilityOutOfRange: return "probability outside [0, 1]";
    case ImpairmentConfigError::kNegativeHoldBack: return "negative reorder hold-back";
    case ImpairmentConfigError::kHoldBackTooLarge:
      return "reorder hold-back exceeds the modelled maximum (1 h)";
    case ImpairmentConfigError::kReorderOnInOrderLink:
      return "reordering asked of an in-order link";
  }
  return "unknown impairment configuration error";
}

std::string_view to_string(const LinkConfigError& error) {
  return std::visit([](auto part) { return to_string(part); }, error);
}

Result<LinkDirection, LinkConfigError> LinkDirection::create(const LinkDirectionConfig& config,
                                                             Random random) {
  auto delay = DelayModel::create(config.delay);
  if (!delay) return unexpected(LinkConfigError(delay.error()));
  auto loss = LossModel::create(config.loss);
  if (!loss) return unexpected(LinkConfigError(loss.error()));
  if (auto valid = validate(config.impairments, config.in_order); !valid) {
    return unexpected(LinkConfigError(valid.error()));
  }
  return LinkDirection(*delay, *loss, config.impairments, config.in_order, random);
}

LinkDirection::LinkDirection(const DelayModel& delay, const LossModel& loss,
                             const LinkImpairmentsConfig& impairments, bool in_order,
                             Random& random)
    : delay_(delay),
      loss_(loss),
      impairments_(impairments),
      in_order_(in_order),
      loss_random_(random.fork(kLossStream)),
      delay_random_(random.fork(kDelayStream)),
      duplicate_delay_random_(random.fork(kDuplicateDelayStream)),
      impairment_random_(random.fork(kImpairmentStream)) {}

SimTime LinkDirection::order(SimTime earliest) {
  return in_order_ ? fifo_.deliver(earliest) : earliest;
}

Deliveries LinkDirection::transmit(SimTime send_time) {
  ++counters_.sent;

  // All draws first, whatever the packet's fate (see the header).
  const LossCause loss = loss_.decide(loss_random_, send_time);
  const bool duplicate = impairment_random_.bernoulli(impairments_.duplicate_probability);
  const bool held_back = impairment_random_.bernoulli(impairments_.reorder_probability);
  SimDuration delay = delay_.sample(delay_random_, send_time);
  const SimDuration duplicate_delay =
      duplicate ? delay_.sample(duplicate_delay_random_, send_time) : SimDuration();

  Deliveries result;
  switch (loss) {
    case LossCause::kNone: break;
    case LossCause::kLinkDown: ++counters_.dropped_link_down; break;
    case LossCause::kLossBurst: ++counters_.dropped_loss_burst; break;
    case LossCause::kRandomLoss: ++counters_.dropped_random_loss; break;
  }
  if (loss != LossCause::kNone) {
    result.loss = loss;
    return result;
  }

  if (held_back) {
    delay = delay + impairments_.reorder_hold_back;
    result.held_back = true;
    ++counters_.reordered;
  }
  result.times[result.count++] = order(send_time + delay);
  if (duplicate) {
    result.duplicated = true;
    ++counters_.duplicated;
    result.times[result.count++] = order(send_time + duplicate_delay);
  }
  counters_.delivered += result.count;
  return result;
}

}  // namespace ptp::sim
