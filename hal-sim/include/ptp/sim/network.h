// Network: the simulated network fabric behind the Wire seam. Hosts (each one NIC: one WireReceiver
// with an IPv4 and an IPv6 unicast address), store-and-forward switches with a residence delay,
// and links between any two nodes, each direction with its own LinkDirection model (asymmetry is
// explicit). The topology must stay a tree, which gives every unicast packet a unique path and
// makes flooding multicast loop-free.
//
// A packet is carried hop by hop on the scheduler: each link direction decides its loss,
// duplication and delay at the moment the packet is sent on it, and a switch holds each outgoing
// copy for its residence delay behind the packets queued ahead of it on that port (or, in a switch
// of SwitchOrder::kIndependent, for its residence alone). Faults (link
// down, delay spikes, loss bursts, hosts crashing and coming back) are windows on the timeline,
// judged at the moment each packet is sent or arrives, so a fault starting at the same instant
// as a packet event never races it. Ground truth (every delivery's true departure and arrival)
// and counters are kept for tests and benchmarks, and each transmission can be captured as pcap.
//
// Its scheduler events are labelled (1 << 32 | node) for an arrival at a node and (2 << 32 | node)
// for a departure from a switch's port, for trace fingerprints.
//
// Deterministic: the same seed and the same calls give the same deliveries. Each link direction
// and each switch draws from its own stream, derived from the seed and its own index (the n-th
// link, the n-th switch) alone, so adding hosts, switches or links changes the draws of no
// component created before it, and adding switches or hosts changes no link's draws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ptp/hal/ip_address.h"
#include "ptp/result.h"
#include "ptp/sim/delay_model.h"
#include "ptp/sim/in_flight_packet_pool.h"
#include "ptp/sim/link_impairments.h"
#include "ptp/sim/loss_model.h"
#include "ptp/sim/pcap_writer.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_time.h"
#include "ptp/sim/transparent_clock.h"
#include "ptp/sim/wire.h"
#include "ptp/timestamp.h"

namespace ptp::sim {

struct LinkId {
  std::uint32_t value = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(LinkId, LinkId) = default;
};

// One direction of a link, named after the order of the nodes given to add_link(a, b, ...).
enum class Direction : std::uint8_t { kAToB, kBToA };

// How a switch's output port orders the packets it sends. kFifo is a real port's single queue:
// a packet leaves after its own residence and never before the one queued ahead of it, so a
// packet sent just behind one that drew a long residence waits for it. kIndependent gives every
// packet its own residence and nothing else, so packets may leave out of order: the model of
// simulators that delay each packet independently (clknetsim, on which linuxptp-testsuite runs).
enum class SwitchOrder : std::uint8_t { kFifo, kIndependent };

struct HostAddresses {
  hal::IpAddress ipv4;  // unicast
  hal::IpAddress ipv6;  // unicast
};

enum class NetworkError {
  kUnknownNode,           // a NodeId this network did not hand out
  kNotAHost,              // a switch given where a host is needed
  kUnknownLink,           // a LinkId this network did not hand out
  kSelfLink,              // a link from a node to itself
  kClosesLoop,            // the nodes are already connected: the topology must stay a tree
  kHostAlreadyLinked,     // a host has one NIC, hence one link
  kWrongAddressFamily,    // HostAddresses::ipv4 not IPv4, or ipv6 not IPv6
  kMulticastHostAddress,  // a host's own address must be unicast
  kAddressInUse,          // another host already owns the address
  kTimeInPast,            // a fault starting before the scheduler's now()
  kOverlappingSpike,      // a delay spike overlapping another on the same link direction
  kNegativeDelay,         // a negative extra delay
};

std::string_view to_string(NetworkError error);

// Setting up the network fails with its own errors or with a model's configuration errors.
using NetworkSetupError =
    std::variant<NetworkError, DelayConfigError, LossConfigError, ImpairmentConfigError>;

std::string_view to_string(const NetworkSetupError& error);

// The ground truth of one delivery to a host.
struct DeliveryTruth {
  std::uint64_t packet_id = 0;
  NodeId from;  // the sending host
  NodeId to;    // the receiving host
  SimTime departure;
  SimTime arrival;
  std::uint16_t destination_port = 0;  // UDP: 319 for PTP event messages, 320 for general ones
};

struct HostCounters {
  std::uint64_t sent = 0;                    // transmissions the network accepted
  std::uint64_t delivered = 0;               // packets handed to the receiver
  std::uint64_t dropped_while_detached = 0;  // sends refused and arrivals dropped while crashed
};

struct NetworkCounters {
  std::uint64_t transmitted = 0;  // transmissions accepted from hosts
  std::uint64_t delivered = 0;    // packets handed to receivers, duplicates included
  // Not from an attached host of this network, or larger than WirePacket::kMaxPayload.
  std::uint64_t dropped_invalid_transmission = 0;
  std::uint64_t dropped_sender_detached = 0;
  // Unicast to an address that no host reachable from the sender owns, or to the sender itself.
  std::uint64_t dropped_unroutable = 0;
  std::uint64_t dropped_receiver_detached = 0;
  // A delivery the scheduler could not hold (beyond the end of SimTime).
  std::uint64_t dropped_time_out_of_range = 0;
  std::uint64_t capture_errors = 0;  // transmissions the pcap writer failed to record
};

class Network final : public Wire {
 public:
  using DeliveryObserver = std::function<void(const DeliveryTruth&)>;

  // Both must outlive the network, and the network must outlive every scheduler run after it
  // has carried a packet (pending events refer to it).
  Network(Scheduler& scheduler, Random random);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  Network(Network&&) = delete;
  Network& operator=(Network&&) = delete;
  ~Network() override = default;

  // --- Topology ---

  // `receiver` must outlive the network.
  Result<NodeId, NetworkSetupError> add_host(WireReceiver& receiver,
                                             const HostAddresses& addresses);
  // A switch; with `transparent` an E2E or P2P transparent clock (transparent_clock.h).
  // `order` says whether a port's residence draws queue behind one another (kFifo) or stand
  // alone (kIndependent).
  Result<NodeId, NetworkSetupError> add_switch(const DelayModelConfig& residence,
                                               const TransparentClockConfig& transparent = {},
                                               SwitchOrder order = SwitchOrder::kFifo);
  Result<LinkId, NetworkSetupError> add_link(NodeId a, NodeId b, const LinkDirectionConfig& a_to_b,
                                             const LinkDirectionConfig& b_to_a);

  // --- Faults, none starting before now() ---

  // Both directions drop every packet sent on them in [down_at, up_at); packets already on
  // the link when it goes down still arrive.
  Result<void, NetworkSetupError> add_link_down(LinkId link, SimTime down_at, SimTime up_at);
  // Packets sent in [start, end) on this direction take `extra` longer. Spikes on one
  // direction must not overlap.
  Result<void, NetworkSetupError> add_delay_spike(LinkId link, Direction direction, SimTime start,
                                                  SimTime end, SimDuration extra);
  // From now on, general messages (UDP port 320: Follow_Up, Delay_Resp, Announce, ...) on this
  // direction arrive `extra` later than the link's delay model says, event messages (port 319)
  // do not: a Follow_Up can then arrive after the next Sync. Such a packet leaves the link's
  // single queue, so later packets may overtake it.
  Result<void, NetworkSetupError> set_general_message_delay(LinkId link, Direction direction,
                                                            SimDuration extra);
  // Packets sent in [start, end) on this direction are lost with `loss_probability`.
  Result<void, NetworkSetupError> add_loss_burst(LinkId link, Direction direction, SimTime start,
                                                 SimTime end, double loss_probability = 1.0);
  // From `at` on, the host sends and receives nothing (a crash), until reattached. Of several
  // changes at the same time, the one made last wins.
  Result<void, NetworkSetupError> detach_host(NodeId host, SimTime at);
  Result<void, NetworkSetupError> reattach_host(NodeId host, SimTime at);

  // --- Capture and ground truth ---

  // Records every accepted transmission once, at its departure, to `writer` (nullptr stops
  // capturing), stamped `unix_time_at_start` + departure. The writer must outlive its use.
  void set_capture(PcapWriter* writer, Timestamp unix_time_at_start);
  // Called on each delivery, just before the receiver gets the packet.
  void set_delivery_observer(DeliveryObserver observer) {
    delivery_observer_ = std::move(observer);
  }

  // --- The Wire seam ---

  // Takes a copy of `packet`; the delivered copies carry now() as their departure.
  void transmit(NodeId from, const WirePacket& packet) override;

  // --- Inspection ---

  [[nodiscard]] Result<const LinkDirection*, NetworkSetupError> link_direction(
      LinkId link, Direction direction) const;
  [[nodiscard]] Result<LinkCounters, NetworkSetupError> link_counters(LinkId link,
                                                                      Direction direction) const;
  [[nodiscard]] Result<HostCounters, NetworkSetupError> host_counters(NodeId host) const;
  // Whether the host is attached at now().
  [[nodiscard]] Result<bool, NetworkSetupError> is_attached(NodeId host) const;
  [[nodiscard]] const NetworkCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t packets_in_flight() const { return pool_.in_use(); }
  [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }
  [[nodiscard]] std::size_t link_count() const { return links_.size() / 2; }

  // The MAC address a host's frames carry in a capture.
  [[nodiscard]] static MacAddress host_mac(NodeId host);

 private:
  static constexpr std::uint32_t kNoLink = 0xFFFF'FFFF;

  enum class NodeKind : std::uint8_t { kHost, kSwitch };

  struct Node {
    NodeKind kind = NodeKind::kHost;
    std::uint32_t index = 0;               // into hosts_ or switches_
    std::vector<std::uint32_t> out_links;  // directed link indices leaving this node
    std::uint32_t tree_root = 0;           // union-find parent, for loop detection
  };

  // A host's crash and recovery timeline: each change applies from its time on.
  struct AttachmentChange {
    SimTime at;
    bool attached = true;
  };

  struct Host {
    WireReceiver* receiver = nullptr;
    HostAddresses addresses;
    NodeId node;
    std::uint32_t out_link = kNoLink;
    std::vector<AttachmentChange> attachment_changes;  // sorted by time
    std::size_t applied_changes = 0;
    bool attached = true;  // after the applied changes
    HostCounters counters;
  };

  struct Switch {
    DelayModel residence;
    Random random;
    TransparentClockConfig transparent;
    SwitchOrder order = SwitchOrder::kFifo;
  };

  struct SpikeWindow {
    SimTime start;
    SimTime end;
    SimDuration extra;
  };

  // One direction of a link. Directed link 2i is link i's A-to-B direction, 2i+1 its B-to-A.
  struct DirectedLink {
    LinkDirection model;
    std::uint32_t from_node = 0;
    std::uint32_t to_node = 0;
    // When the sender is a switch: its output queue on this port, and the departures from it
    // still scheduled.
    FifoDelivery egress_queue;
    std::uint32_t pending_departures = 0;
    // Sorted, disjoint; the model holds spikes[next_spike], the first not yet over.
    std::vector<SpikeWindow> spikes;
    std::size_t next_spike = 0;
    SimDuration general_message_delay;  // set_general_message_delay
    // The mean of the link's two fixed one-way delays: what a P2P TC measures as its delay.
    SimDuration known_link_delay;
  };

  struct ArrivalEvent;
  struct DepartureEvent;

  // topology (network.cpp)
  Result<std::uint32_t, NetworkSetupError> find_node(NodeId node) const;
  Result<std::uint32_t, NetworkSetupError> find_host(NodeId node) const;
  Result<std::uint32_t, NetworkSetupError> find_directed_link(LinkId link,
                                                              Direction direction) const;
  Result<void, NetworkSetupError> check_not_past(SimTime start) const;
  Result<void, NetworkSetupError> add_attachment_change(NodeId host, SimTime at, bool attached);
  std::uint32_t tree_root(std::uint32_t node);
  Random stream(std::uint64_t key) const;

  // routing (network_routing.cpp)
  void refresh_routes();
  std::uint32_t next_hop(std::uint32_t node, std::uint32_t destination_host) const {
    return next_hop_[static_cast<std::size_t>(node) * hosts_.size() + destination_host];
  }

  // per-packet path (network_forwarding.cpp)
  bool attached_at(Host& host, SimTime now);
  void send_on_link(std::uint32_t slot, std::uint32_t directed_link, SimTime now);
  void update_spike(DirectedLink& link, SimTime now);
  void on_arrival(std::uint32_t slot, std::uint32_t directed_link);
  void on_departure(std::uint32_t slot, std::uint32_t directed_link);
  void deliver(std::uint32_t slot, std::uint32_t host_index, SimTime now);
  void forward(std::uint32_t slot, std::uint32_t switch_node, std::uint32_t arrived_on,
               SimTime now);
  void leave_switch(std::uint32_t slot, Switch& from, std::uint32_t directed_link,
                    std::uint32_t arrived_on, SimTime now);
  // Transparent clocks (network_transparent_clock.cpp).
  // A P2P TC keeps peer-delay messages to itself and answers Pdelay_Req: true if it took it.
  bool transparent_clock_consumes(std::uint32_t slot, std::uint32_t switch_node,
                                  std::uint32_t arrived_on, SimTime now);
  // The slot that leaves `from` at `departure`: `slot` itself, or for an event message through
  // a transparent clock a copy with its residence (and link delay) added to correctionField.
  std::uint32_t transparent_copy(std::uint32_t slot, Switch& from, std::uint32_t arrived_on,
                                 SimTime now, SimTime departure);
  void schedule_departure(std::uint32_t slot, std::uint32_t directed_link, SimTime departure,
                          SimTime now);
  void drop_reference(std::uint32_t slot);
  void capture(const Host& sender, std::uint32_t destination_host, const WirePacket& packet,
               SimTime departure);

  Scheduler* scheduler_;
  Random seed_random_;  // never drawn from: each component's stream is forked off a copy
  std::vector<Node> nodes_;
  std::vector<Host> hosts_;
  std::vector<Switch> switches_;
  std::vector<DirectedLink> links_;
  std::map<hal::IpAddress, std::uint32_t> address_owners_;  // to host index
  // next_hop_[node * hosts + host]: the directed link toward the host, kNoLink if unreachable.
  std::vector<std::uint32_t> next_hop_;
  bool routes_stale_ = false;
  InFlightPacketPool pool_;
  PcapWriter* capture_writer_ = nullptr;
  Timestamp capture_origin_;
  DeliveryObserver delivery_observer_;
  NetworkCounters counters_;
  std::uint64_t next_switch_packet_id_ = 0;
};

}  // namespace ptp::sim
