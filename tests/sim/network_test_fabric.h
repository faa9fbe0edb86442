// Test scaffolding for the simulated network: a scheduler and a network, hosts that record what
// reaches them, constant-delay links and switches for exact timing checks, and sends placed on
// the timeline. Shared by the network test files.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "ptp/hal/ip_address.h"
#include "ptp/sim/network.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"

namespace ptp::sim::testing {

inline SimDuration us(std::int64_t count) { return SimDuration::microseconds(count); }
inline SimTime at_us(std::int64_t count) { return SimTime::from_start(us(count)); }

inline LinkDirectionConfig fixed_link(SimDuration delay) {
  LinkDirectionConfig config;
  config.delay.propagation = delay;
  return config;
}

inline DelayModelConfig fixed_residence(SimDuration residence) {
  DelayModelConfig config;
  config.propagation = residence;
  return config;
}

// Host n owns 10.0.0.n and fd00::n.
inline HostAddresses addresses_of(std::uint8_t n) {
  return {hal::IpAddress::v4(10, 0, 0, n),
          hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n})};
}

struct Arrival {
  std::uint64_t packet_id = 0;
  SimTime at;
  SimTime departure;
};

class RecordingHost final : public WireReceiver {
 public:
  explicit RecordingHost(const Scheduler& scheduler) : scheduler_(&scheduler) {}
  void on_wire_arrival(const WirePacket& packet) override {
    arrivals.push_back(Arrival{packet.id, scheduler_->now(), packet.departure});
    last_packet = packet;
  }

  std::vector<Arrival> arrivals;
  WirePacket last_packet;

 private:
  const Scheduler* scheduler_;
};

class Fabric {
 public:
  explicit Fabric(std::uint64_t seed = 1) : network(scheduler, Random(seed)) {}

  NodeId add_host() {
    receivers_.emplace_back(scheduler);
    const HostAddresses addresses = addresses_of(static_cast<std::uint8_t>(receivers_.size()));
    auto id = network.add_host(receivers_.back(), addresses);
    EXPECT_TRUE(id.has_value());
    hosts_[*id] = Entry{&receivers_.back(), addresses};
    return *id;
  }
  NodeId add_switch(SimDuration residence) {
    auto id = network.add_switch(fixed_residence(residence));
    EXPECT_TRUE(id.has_value());
    return *id;
  }
  LinkId link(NodeId a, NodeId b, SimDuration a_to_b, SimDuration b_to_a) {
    auto id = network.add_link(a, b, fixed_link(a_to_b), fixed_link(b_to_a));
    EXPECT_TRUE(id.has_value()) << to_string(id.error());
    return *id;
  }

  RecordingHost& receiver(NodeId host) { return *hosts_.at(host).receiver; }
  const HostAddresses& addresses(NodeId host) const { return hosts_.at(host).addresses; }

  // Has `from` transmit packet `id` (8 octets of payload) to `destination` at `at`, from its
  // own address of the destination's family, event port to event port.
  void send_at(SimTime at, NodeId from, const hal::IpAddress& destination, std::uint64_t id) {
    WirePacket& packet = outbox_.emplace_back().packet;
    outbox_.back().from = from;
    const HostAddresses& own = addresses(from);
    packet.source = {destination.family() == hal::AddressFamily::kIpv4 ? own.ipv4 : own.ipv6, 319};
    packet.destination = {destination, 319};
    packet.id = id;
    packet.departure = at;
    packet.size = 8;
    for (std::size_t i = 0; i < packet.size; ++i) {
      packet.payload[i] = static_cast<std::byte>((id >> (8 * i)) & 0xFFU);
    }
    const Outgoing* outgoing = &outbox_.back();
    ASSERT_TRUE(scheduler.schedule_at(
        at, [this, outgoing] { network.transmit(outgoing->from, outgoing->packet); }));
  }

  // Sends `bytes` (a PTP message, say) to `destination`:`port`.
  void send_payload_at(SimTime at, NodeId from, const hal::IpAddress& destination,
                       std::uint16_t port, std::span<const std::byte> bytes, std::uint64_t id) {
    send_at(at, from, destination, id);
    WirePacket& packet = outbox_.back().packet;
    packet.destination.port = port;
    packet.size = static_cast<std::uint16_t>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), packet.payload.begin());
  }

  Scheduler scheduler;
  Network network;

 private:
  struct Entry {
    RecordingHost* receiver = nullptr;
    HostAddresses addresses;
  };
  struct Outgoing {
    WirePacket packet;
    NodeId from;
  };

  std::deque<RecordingHost> receivers_;
  std::map<NodeId, Entry> hosts_;
  std::deque<Outgoing> outbox_;
};

// Folds 64-bit words into an FNV-1a hash, a run's fingerprint.
inline void fold(std::uint64_t& hash, std::uint64_t word) {
  for (int octet = 0; octet < 8; ++octet) {
    hash ^= (word >> (8 * octet)) & 0xFFU;
    hash *= 0x100000001B3ULL;
  }
}
inline constexpr std::uint64_t kFnvOffsetBasis = 0xCBF29CE484222325ULL;

// A host generating traffic: a multicast every `period`, and every third period also a unicast
// to a peer chosen at random, each period stretched by up to `jitter`. It folds what it
// receives into `hash` when given one.
class ChattyHost final : public WireReceiver {
 public:
  ChattyHost(Scheduler& scheduler, Network& network, Random random)
      : scheduler_(&scheduler), network_(&network), random_(random) {}

  void start(NodeId self, const HostAddresses& own, const std::vector<HostAddresses>& peers,
             SimDuration period, SimDuration jitter, SimTime first_send) {
    self_ = self;
    own_ = own;
    peers_ = &peers;
    period_ = period;
    jitter_ = jitter;
    EXPECT_TRUE(scheduler_->schedule_at(first_send, Tick{this}));
  }
  void fingerprint_into(std::uint64_t* hash) { hash_ = hash; }

  void on_wire_arrival(const WirePacket& packet) override {
    ++received;
    if (hash_ == nullptr) return;
    fold(*hash_, static_cast<std::uint64_t>(scheduler_->now().since_start().picoseconds()));
    fold(*hash_, self_.value);
    fold(*hash_, packet.id);
    for (const std::byte octet : packet.bytes()) fold(*hash_, static_cast<std::uint64_t>(octet));
  }

  std::uint64_t received = 0;

 private:
  struct Tick {
    ChattyHost* host;
    void operator()() const { host->tick(); }
  };

  void tick() {
    ++ticks_;
    send(hal::kPtpPrimaryIpv4);
    if (ticks_ % 3 == 0) send((*peers_)[random_.below(peers_->size())].ipv6);
    SimDuration next = period_;
    if (jitter_ > SimDuration()) {
      next = next + SimDuration::picoseconds(static_cast<std::int64_t>(
                        random_.below(static_cast<std::uint64_t>(jitter_.picoseconds()))));
    }
    EXPECT_TRUE(scheduler_->schedule_after(next, Tick{this}));
  }

  void send(const hal::IpAddress& destination) {
    WirePacket packet;
    packet.source = {destination.family() == hal::AddressFamily::kIpv4 ? own_.ipv4 : own_.ipv6,
                     319};
    packet.destination = {destination, 319};
    packet.id = (std::uint64_t{self_.value} << 32U) | ++sent_;
    packet.departure = scheduler_->now();
    packet.size = 44;
    for (std::size_t i = 0; i < packet.size; ++i) {
      packet.payload[i] = static_cast<std::byte>(random_.below(256));
    }
    network_->transmit(self_, packet);
  }

  Scheduler* scheduler_;
  Network* network_;
  Random random_;
  NodeId self_;
  HostAddresses own_;
  const std::vector<HostAddresses>* peers_ = nullptr;
  SimDuration period_;
  SimDuration jitter_;
  std::uint64_t ticks_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t* hash_ = nullptr;
};

// The error a setup call failed with, std::nullopt when it succeeded.
template <class T>
std::optional<NetworkSetupError> error_of(const Result<T, NetworkSetupError>& result) {
  if (result.has_value()) return std::nullopt;
  return result.error();
}

// Runs events until none is left, at most `max_events` of them (a storm must fail, not hang).
// True when the queue drained.
inline bool run_to_completion(Scheduler& scheduler, std::size_t max_events = 1'000'000) {
  for (std::size_t i = 0; i < max_events; ++i) {
    auto stepped = scheduler.step();
    if (!stepped) return false;
    if (!*stepped) return true;
  }
  return false;
}

// The ids a host received, in arrival order.
inline std::vector<std::uint64_t> received_ids(const RecordingHost& host) {
  std::vector<std::uint64_t> ids;
  ids.reserve(host.arrivals.size());
  for (const Arrival& arrival : host.arrivals) ids.push_back(arrival.packet_id);
  return ids;
}

}  // namespace ptp::sim::testing
