// A deterministic network of OrdinaryClocks for the unicast negotiation tests: each clock has a
// transport address; unicast messages reach the clock with that address after a fixed latency,
// multicast reaches nobody (a network that does not route multicast), transmit timestamps come
// back at once, and timers fire in time order. Clocks are ideal (they agree on time), and the
// servo always reports locked, so the tests watch the negotiation, not the synchronization.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "ordinary_clock_test_support.h"
#include "ptp/core/ordinary_clock.h"
#include "ptp/overloaded.h"
#include "ptp/wire/message.h"
#include "ptp/wire/unicast_negotiation_tlv.h"

namespace ptp::clock_test {

class LockedServo : public servo::Servo {
 public:
  servo::ServoDecision sample(Nanoseconds, Nanoseconds) override {
    ++samples;
    return servo::ServoDecision{servo::ServoState::kLocked, 0.0, std::nullopt};
  }
  void set_sync_interval(Nanoseconds) override {}
  void step_applied(Nanoseconds, Nanoseconds) override {}
  void reset() override {}
  [[nodiscard]] double frequency_ppb() const override { return 0.0; }
  [[nodiscard]] std::string_view name() const override { return "locked"; }
  std::uint64_t samples = 0;
};

// One negotiation TLV a node sent, with whom it went to.
struct SentTlv {
  std::size_t from = 0;
  PeerAddress to;
  wire::UnicastNegotiationTlv tlv;
  Nanoseconds at;
};

class UnicastTestNetwork {
 public:
  static constexpr Nanoseconds kLatency = Nanoseconds(100'000);

  struct Node {
    PeerAddress address;
    LockedServo servo;
    std::optional<OrdinaryClock> clock;
    std::array<std::optional<Nanoseconds>, kPortTimerCount> timers{};
    std::vector<UnicastNotice> notices;
    bool connected = true;  // false: nothing reaches it and nothing it sends gets out
    std::array<std::uint64_t, 16> unicast_sent{};    // by messageType, unicast only
    std::array<std::uint64_t, 16> multicast_sent{};  // by messageType (delivered to nobody)
  };

  // Adds a clock at `address`; it starts at `start_at`.
  std::size_t add(const PortConfig& config, const PeerAddress& address,
                  Nanoseconds start_at = Nanoseconds(0)) {
    auto node = std::make_unique<Node>();
    node->address = address;
    auto created = OrdinaryClock::create(config, node->servo);
    EXPECT_TRUE(created.has_value()) << "the test's configuration is invalid";
    if (created) node->clock.emplace(std::move(created).value());
    nodes_.push_back(std::move(node));
    starts_.push_back(start_at);
    return nodes_.size() - 1;
  }

  Node& node(std::size_t index) { return *nodes_[index]; }
  OrdinaryClock& clock(std::size_t index) { return *nodes_[index]->clock; }
  [[nodiscard]] Nanoseconds now() const { return now_; }
  [[nodiscard]] const std::vector<SentTlv>& tlvs() const { return tlvs_; }
  [[nodiscard]] std::size_t dropped_actions() const { return dropped_actions_; }

  // Runs every event up to and including `end`.
  void run_until(Nanoseconds end) {
    for (;;) {
      const auto next = next_event();
      if (!next || next->first > end) break;
      now_ = next->first;
      fire(next->second);
    }
    now_ = end;
  }

 private:
  struct Delivery {
    Nanoseconds at;
    std::size_t to = 0;
    PeerAddress from;
    SendMessage message;
  };
  struct TxReport {
    std::size_t node = 0;
    TxTimestampId id;
    Nanoseconds at;
  };
  // What fires next: a start, a delivery, a TX timestamp, or a timer (node, timer).
  struct EventRef {
    int kind = 0;  // 0 start, 1 tx, 2 delivery, 3 timer
    std::size_t index = 0;
    std::size_t timer = 0;
  };

  std::optional<std::pair<Nanoseconds, EventRef>> next_event() const {
    std::optional<std::pair<Nanoseconds, EventRef>> best;
    const auto consider = [&](Nanoseconds at, EventRef ref) {
      if (!best || at < best->first) best = std::make_pair(at, ref);
    };
    for (std::size_t i = 0; i < starts_.size(); ++i) {
      if (!started_[i]) consider(starts_[i], EventRef{0, i, 0});
    }
    if (!tx_.empty()) consider(tx_.front().at, EventRef{1, 0, 0});
    for (std::size_t i = 0; i < deliveries_.size(); ++i) {
      consider(deliveries_[i].at, EventRef{2, i, 0});
    }
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      if (!started_[n]) continue;
      for (std::size_t t = 0; t < kPortTimerCount; ++t) {
        if (nodes_[n]->timers[t]) consider(*nodes_[n]->timers[t], EventRef{3, n, t});
      }
    }
    return best;
  }

  void fire(const EventRef& ref) {
    PortActions out;
    switch (ref.kind) {
      case 0:
        started_[ref.index] = true;
        clock(ref.index).start(now_, out);
        execute(ref.index, out);
        break;
      case 1: {
        const TxReport report = tx_.front();
        tx_.pop_front();
        clock(report.node).handle_tx_timestamp(report.id, report.at, now_, out);
        execute(report.node, out);
        break;
      }
      case 2: {
        const Delivery delivery = deliveries_[ref.index];
        deliveries_.erase(deliveries_.begin() + static_cast<std::ptrdiff_t>(ref.index));
        if (!node(delivery.to).connected) break;
        ReceivedMessage received;
        received.bytes = delivery.message.payload();
        received.channel = delivery.message.channel;
        received.source = delivery.from;
        received.receive_time = now_;
        received.multicast = false;
        clock(delivery.to).handle_message(received, now_, out);
        execute(delivery.to, out);
        break;
      }
      default:
        node(ref.index).timers[ref.timer].reset();
        clock(ref.index).handle_timer(static_cast<PortTimer>(ref.timer), now_, out);
        execute(ref.index, out);
        break;
    }
  }

  void execute(std::size_t from, const PortActions& out) {
    dropped_actions_ += out.dropped();
    Node& sender = node(from);
    for (const PortAction& action : out.view()) {
      std::visit(Overloaded{
                     [&](const SendMessage& send) { transmit(from, send); },
                     [&](const ArmTimer& arm) {
                       sender.timers[static_cast<std::size_t>(arm.timer)] = arm.deadline;
                     },
                     [&](const CancelTimer& cancel) {
                       sender.timers[static_cast<std::size_t>(cancel.timer)].reset();
                     },
                     [&](const StepClock&) {},
                     [&](const SetClockFrequency&) {},
                     [&](const StateChanged&) {},
                     [&](const OffsetMeasured&) {},
                     [&](const TimescaleChanged&) {},
                     [&](const PeerDelayInputRejected&) {},
                     [&](const UnicastNotice& notice) { sender.notices.push_back(notice); },
                 },
                 action);
    }
  }

  void transmit(std::size_t from, const SendMessage& send) {
    if (send.timestamp_id) tx_.push_back(TxReport{from, *send.timestamp_id, now_});
    if (!node(from).connected) return;
    const auto decoded = wire::decode_message(send.payload());
    EXPECT_TRUE(decoded.has_value()) << "a clock sent a message that does not decode";
    if (!decoded) return;
    const auto type = static_cast<std::size_t>(decoded->type());
    if (!send.unicast_to) {
      ++node(from).multicast_sent[type];  // multicast reaches nobody
      return;
    }
    ++node(from).unicast_sent[type];
    for (const wire::TlvView view : decoded->tlv_list()) {
      if (const auto tlv = wire::decode_unicast_negotiation_tlv(view)) {
        tlvs_.push_back(SentTlv{from, *send.unicast_to, *tlv, now_});
      }
    }
    for (std::size_t to = 0; to < nodes_.size(); ++to) {
      if (to != from && node(to).address == *send.unicast_to && started_[to]) {
        deliveries_.push_back(Delivery{now_ + kLatency, to, node(from).address, send});
      }
    }
  }

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Nanoseconds> starts_;
  std::vector<bool> started_ = std::vector<bool>(64, false);
  std::vector<Delivery> deliveries_;
  std::deque<TxReport> tx_;
  std::vector<SentTlv> tlvs_;
  Nanoseconds now_{0};
  std::size_t dropped_actions_ = 0;
};

}  // namespace ptp::clock_test
