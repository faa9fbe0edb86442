// LinkDirection: one direction of a simulated link, the per-packet part of the network model.
// It combines the loss model, the delay model and two further impairments, duplication and
// reordering, into one call: given a packet's send time it answers with zero, one or two
// delivery times, and keeps counters of what it did. It knows nothing of packets' contents or
// of the event scheduler; whoever owns the link schedules the deliveries.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "ptp/result.h"
#include "ptp/sim/delay_model.h"
#include "ptp/sim/loss_model.h"
#include "ptp/sim/random.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

struct LinkImpairmentsConfig {
  // A packet that is not lost is delivered twice with this probability; the copy takes its own
  // delay draw, so it may arrive before or after the original.
  double duplicate_probability = 0;  // in [0, 1]
  // A packet (its original copy) is held back by `reorder_hold_back` on top of its delay with
  // this probability, so that packets sent after it can overtake it.
  double reorder_probability = 0;  // in [0, 1]; needs an out-of-order link
  SimDuration reorder_hold_back;   // in [0, kMaxModelledDelay]
};

struct LinkDirectionConfig {
  DelayModelConfig delay;
  RandomLoss loss;
  LinkImpairmentsConfig impairments;
  // A single-queue link: no packet is delivered before the one sent ahead of it (FifoDelivery).
  // Off, the delay variation alone can reorder packets.
  bool in_order = true;
};

enum class ImpairmentConfigError {
  kProbabilityOutOfRange,  // a probability outside [0, 1], or not a number
  kNegativeHoldBack,       // reorder_hold_back < 0
  kHoldBackTooLarge,       // reorder_hold_back > kMaxModelledDelay
  kReorderOnInOrderLink,   // reorder_probability > 0 with in_order set
};

std::string_view to_string(ImpairmentConfigError error);

using LinkConfigError = std::variant<DelayConfigError, LossConfigError, ImpairmentConfigError>;

std::string_view to_string(const LinkConfigError& error);

// What became of one packet: up to two delivery times, in a fixed-capacity array so that a
// transmission never allocates.
struct Deliveries {
  static constexpr std::size_t kMaxDeliveries = 2;

  std::array<SimTime, kMaxDeliveries> times{};  // [0] the original, [1] the duplicate
  std::size_t count = 0;                        // 0 when lost
  LossCause loss = LossCause::kNone;            // why count is 0
  bool duplicated = false;
  bool held_back = false;  // the original was held back to be reordered

  [[nodiscard]] std::span<const SimTime> delivery_times() const { return {times.data(), count}; }
};

struct LinkCounters {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;  // deliveries, duplicates included
  std::uint64_t dropped_random_loss = 0;
  std::uint64_t dropped_loss_burst = 0;
  std::uint64_t dropped_link_down = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;  // held back; whether anything overtook depends on the traffic

  [[nodiscard]] std::uint64_t dropped() const {
    return dropped_random_loss + dropped_loss_burst + dropped_link_down;
  }
};

class LinkDirection {
 public:
  // `random` is this direction's own generator (e.g. a fork of the simulation's), split here
  // into one stream per component so that changing one component's configuration does not
  // change the draws of another.
  static Result<LinkDirection, LinkConfigError> create(const LinkDirectionConfig& config,
                                                       Random random);

  // Sends a packet at `send_time`. Every call makes the same draws whatever the packet's fate,
  // so a fault window changes only the packets it covers.
  Deliveries transmit(SimTime send_time);

  [[nodiscard]] const LinkCounters& counters() const { return counters_; }

  // For fault timelines: delay spikes and loss windows are set on the models themselves.
  DelayModel& delay_model() { return delay_; }
  [[nodiscard]] const DelayModel& delay_model() const { return delay_; }
  LossModel& loss_model() { return loss_; }
  [[nodiscard]] const LossModel& loss_model() const { return loss_; }

 private:
  LinkDirection(const DelayModel& delay, const LossModel& loss,
                const LinkImpairmentsConfig& impairments, bool in_order, Random& random);
  SimTime order(SimTime earliest);

  DelayModel delay_;
  LossModel loss_;
  LinkImpairmentsConfig impairments_;
  bool in_order_;
  FifoDelivery fifo_;
  Random loss_random_;
  Random delay_random_;
  Random duplicate_delay_random_;
  Random impairment_random_;
  LinkCounters counters_;
};

}  // namespace ptp::sim
