// LossModel: which packets one direction of a simulated link drops. Random loss is either
// independent per packet (Bernoulli) or bursty (Gilbert-Elliott: a two-state Markov chain with
// a loss probability per state). On top of it, fault timelines force loss over time windows: a
// loss burst (packets sent in the window are lost with a given probability, by default all) and
// link-down windows (everything sent while the link is down is lost). It also states the
// configured long-run loss rate and mean burst length, the ground truth for tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "ptp/result.h"
#include "ptp/sim/random.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

struct NoRandomLoss {};

// Each packet lost independently.
struct BernoulliLoss {
  double loss_probability = 0;  // in [0, 1]
};

// Gilbert-Elliott: per packet the channel first moves between its Good and Bad states, then
// loses the packet with the current state's probability. Gilbert's original model is
// loss_in_good = 0, loss_in_bad = 1. The chain starts in its stationary distribution, so even
// the first packets see the long-run loss rate.
struct GilbertElliottLoss {
  double good_to_bad = 0;  // per-packet transition probabilities, in [0, 1], not both 0
  double bad_to_good = 0;
  double loss_in_good = 0;  // loss probabilities, in [0, 1]
  double loss_in_bad = 1;
};

using RandomLoss = std::variant<NoRandomLoss, BernoulliLoss, GilbertElliottLoss>;

enum class LossConfigError {
  kProbabilityOutOfRange,  // a probability outside [0, 1], or not a number
  kFrozenChain,            // Gilbert-Elliott with both transition probabilities 0
  kEmptyWindow,            // a window ending at or before its start
};

std::string_view to_string(LossConfigError error);

// Why a packet was dropped (kNone: it was not). When several apply, the first listed after
// kNone wins.
enum class LossCause : std::uint8_t { kNone, kLinkDown, kLossBurst, kRandomLoss };

class LossModel {
 public:
  static Result<LossModel, LossConfigError> create(const RandomLoss& random_loss);

  // Packets sent in [start, end) are lost with `loss_probability`.
  Result<void, LossConfigError> add_loss_burst(SimTime start, SimTime end,
                                               double loss_probability = 1.0);
  // Every packet sent in [down_at, up_at) is lost.
  Result<void, LossConfigError> add_link_down(SimTime down_at, SimTime up_at);

  // The fate of the next packet, sent at `send_time`. Every call makes the same draws from
  // `random` and advances the Gilbert-Elliott chain, whatever the windows say: a forced loss
  // changes only the packets it covers, not the random fate of the packets after it.
  LossCause decide(Random& random, SimTime send_time);

  // Ground truth of the random loss alone (windows excluded): the long-run fraction of packets
  // lost, and the mean length in packets of a run of consecutive losses (std::nullopt when no
  // packet or every packet is lost, so that runs have no finite mean).
  [[nodiscard]] double long_run_loss_rate() const;
  [[nodiscard]] std::optional<double> mean_loss_burst_length() const;

 private:
  struct Window {
    SimTime start;
    SimTime end;
    double loss_probability = 1.0;
    [[nodiscard]] bool contains(SimTime time) const { return time >= start && time < end; }
  };
  enum class ChannelState : std::uint8_t { kUnset, kGood, kBad };

  explicit LossModel(const RandomLoss& random_loss) : random_loss_(random_loss) {}
  bool draw_random_loss(Random& random);

  RandomLoss random_loss_;
  ChannelState state_ = ChannelState::kUnset;
  std::vector<Window> loss_bursts_;
  std::vector<Window> link_down_;
};

}  // namespace ptp::sim
