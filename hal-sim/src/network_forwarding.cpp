// Network: the per-packet path. A transmission is copied once into the in-flight pool; every hop
// is a scheduler event holding only (network, slot, directed link), and the slot is recycled when
// the last event referring to it has run, so steady-state traffic allocates nothing.
#include <algorithm>
#include <optional>

#include "ptp/sim/network.h"

namespace ptp::sim {
namespace {

// Event labels: the kind in the high half, the node the event happens at in the low half.
constexpr std::uint64_t kArrivalLabel = std::uint64_t{1} << 32U;
constexpr std::uint64_t kDepartureLabel = std::uint64_t{2} << 32U;

// Hop limit of captured frames: PTP multicast stays on its link; unicast is routable.
constexpr std::uint8_t kMulticastHopLimit = 1;
constexpr std::uint8_t kUnicastHopLimit = 64;
// PTP general messages (IEEE 1588-2019 Annex C): what set_general_message_delay delays.
constexpr std::uint16_t kPtpGeneralUdpPort = 320;

IpAddress to_capture_address(const hal::IpAddress& address) {
  if (address.family() == hal::AddressFamily::kIpv4) {
    Ipv4Address ipv4;
    std::copy_n(address.octets().begin(), ipv4.octets.size(), ipv4.octets.begin());
    return ipv4;
  }
  return Ipv6Address{address.octets()};
}

std::optional<Timestamp> capture_timestamp(const Timestamp& unix_time_at_start, SimTime departure) {
  const auto origin = unix_time_at_start.to_nanoseconds();
  if (!origin) return std::nullopt;
  const auto since_epoch = origin->checked_add(departure.since_start().to_nanoseconds());
  if (!since_epoch) return std::nullopt;
  const auto timestamp = Timestamp::from_nanoseconds(*since_epoch);
  if (!timestamp) return std::nullopt;
  return *timestamp;
}

}  // namespace

struct Network::ArrivalEvent {
  Network* network;
  std::uint32_t slot;
  std::uint32_t directed_link;
  void operator()() const { network->on_arrival(slot, directed_link); }
};

struct Network::DepartureEvent {
  Network* network;
  std::uint32_t slot;
  std::uint32_t directed_link;
  void operator()() const { network->on_departure(slot, directed_link); }
};

void Network::transmit(NodeId from, const WirePacket& packet) {
  if (from.value >= nodes_.size() || nodes_[from.value].kind != NodeKind::kHost ||
      packet.size > WirePacket::kMaxPayload) {
    ++counters_.dropped_invalid_transmission;
    return;
  }
  const std::uint32_t sender_index = nodes_[from.value].index;
  Host& sender = hosts_[sender_index];
  const SimTime now = scheduler_->now();
  if (!attached_at(sender, now)) {
    ++counters_.dropped_sender_detached;
    ++sender.counters.dropped_while_detached;
    return;
  }
  refresh_routes();
  std::uint32_t destination_host = InFlightPacket::kFlooded;
  if (!packet.destination.address.is_multicast()) {
    const auto owner = address_owners_.find(packet.destination.address);
    // No frame leaves for an address nobody answers (ARP/ND would fail), so no capture either.
    if (owner == address_owners_.end() || owner->second == sender_index ||
        next_hop(from.value, owner->second) == kNoLink) {
      ++counters_.dropped_unroutable;
      return;
    }
    destination_host = owner->second;
  }
  ++counters_.transmitted;
  ++sender.counters.sent;
  capture(sender, destination_host, packet, now);
  if (sender.out_link == kNoLink) return;  // an unlinked host's multicast reaches nobody

  const std::uint32_t slot = pool_.acquire();
  InFlightPacket& in_flight = pool_.at(slot);
  in_flight.packet = packet;
  in_flight.packet.departure = now;
  in_flight.sender = from;
  in_flight.destination_host = destination_host;
  // Our own reference, so that the slot outlives the loop over the deliveries.
  in_flight.references = 1;
  send_on_link(slot, sender.out_link, now);
  drop_reference(slot);
}

bool Network::attached_at(Host& host, SimTime now) {
  auto& changes = host.attachment_changes;
  while (host.applied_changes < changes.size() && changes[host.applied_changes].at <= now) {
    host.attached = changes[host.applied_changes].attached;
    ++host.applied_changes;
  }
  return host.attached;
}

void Network::update_spike(DirectedLink& link, SimTime now) {
  if (link.next_spike == link.spikes.size() || link.spikes[link.next_spike].end > now) return;
  do {
    ++link.next_spike;
  } while (link.next_spike < link.spikes.size() && link.spikes[link.next_spike].end <= now);
  DelayModel& model = link.model.delay_model();
  if (link.next_spike == link.spikes.size()) {
    model.clear_spike();
    return;
  }
  const SpikeWindow& spike = link.spikes[link.next_spike];
  static_cast<void>(model.set_spike(spike.start, spike.end, spike.extra));  // checked when added
}

void Network::send_on_link(std::uint32_t slot, std::uint32_t directed_link, SimTime now) {
  DirectedLink& link = links_[directed_link];
  update_spike(link, now);
  const Deliveries deliveries = link.model.transmit(now);
  const EventLabel label{kArrivalLabel | link.to_node};
  const SimDuration extra = pool_.at(slot).packet.destination.port == kPtpGeneralUdpPort
                                ? link.general_message_delay
                                : SimDuration();
  for (const SimTime arrival : deliveries.delivery_times()) {
    if (scheduler_->schedule_at(arrival + extra, ArrivalEvent{this, slot, directed_link}, label)) {
      ++pool_.at(slot).references;
    } else {
      ++counters_.dropped_time_out_of_range;
    }
  }
}

void Network::on_arrival(std::uint32_t slot, std::uint32_t directed_link) {
  const SimTime now = scheduler_->now();
  const std::uint32_t node = links_[directed_link].to_node;
  if (nodes_[node].kind == NodeKind::kHost) {
    deliver(slot, nodes_[node].index, now);
  } else {
    forward(slot, node, directed_link, now);
  }
  drop_reference(slot);
}

void Network::on_departure(std::uint32_t slot, std::uint32_t directed_link) {
  --links_[directed_link].pending_departures;
  send_on_link(slot, directed_link, scheduler_->now());
  drop_reference(slot);
}

void Network::deliver(std::uint32_t slot, std::uint32_t host_index, SimTime now) {
  Host& host = hosts_[host_index];
  if (!attached_at(host, now)) {
    ++counters_.dropped_receiver_detached;
    ++host.counters.dropped_while_detached;
    return;
  }
  ++host.counters.delivered;
  ++counters_.delivered;
  // Copied out first: the observer or the receiver may add hosts, moving `host`.
  const NodeId receiving_node = host.node;
  WireReceiver* receiver = host.receiver;
  const InFlightPacket& in_flight = pool_.at(slot);
  if (delivery_observer_) {
    delivery_observer_(DeliveryTruth{in_flight.packet.id, in_flight.sender, receiving_node,
                                     in_flight.packet.departure, now,
                                     in_flight.packet.destination.port});
  }
  receiver->on_wire_arrival(in_flight.packet);
}

void Network::forward(std::uint32_t slot, std::uint32_t switch_node, std::uint32_t arrived_on,
                      SimTime now) {
  if (transparent_clock_consumes(slot, switch_node, arrived_on, now)) return;
  Switch& from = switches_[nodes_[switch_node].index];
  const std::uint32_t destination_host = pool_.at(slot).destination_host;
  if (destination_host != InFlightPacket::kFlooded) {
    refresh_routes();
    const std::uint32_t out = next_hop(switch_node, destination_host);
    if (out != kNoLink) leave_switch(slot, from, out, arrived_on, now);
    return;
  }
  // Flooding out of every port but the arrival port: in a tree no copy ever comes back.
  const std::uint32_t arrival_port = arrived_on ^ 1U;
  for (const std::uint32_t out : nodes_[switch_node].out_links) {
    if (out != arrival_port) leave_switch(slot, from, out, arrived_on, now);
  }
}

void Network::leave_switch(std::uint32_t slot, Switch& from, std::uint32_t directed_link,
                           std::uint32_t arrived_on, SimTime now) {
  DirectedLink& link = links_[directed_link];
  const SimTime alone = now + from.residence.sample(from.random, now);
  const SimTime departure =
      from.order == SwitchOrder::kFifo ? link.egress_queue.deliver(alone) : alone;
  const std::uint32_t leaving = transparent_copy(slot, from, arrived_on, now, departure);
  schedule_departure(leaving, directed_link, departure, now);
  if (leaving != slot) drop_reference(leaving);  // the copy's own reference
}

void Network::schedule_departure(std::uint32_t slot, std::uint32_t directed_link, SimTime departure,
                                 SimTime now) {
  DirectedLink& link = links_[directed_link];
  // Sending at once is only safe when no earlier packet is still waiting for this port.
  if (departure == now && link.pending_departures == 0) {
    send_on_link(slot, directed_link, now);
    return;
  }
  const EventLabel label{kDepartureLabel | link.from_node};
  if (scheduler_->schedule_at(departure, DepartureEvent{this, slot, directed_link}, label)) {
    ++pool_.at(slot).references;
    ++link.pending_departures;
  } else {
    ++counters_.dropped_time_out_of_range;
  }
}

void Network::drop_reference(std::uint32_t slot) {
  if (--pool_.at(slot).references == 0) pool_.release(slot);
}

void Network::capture(const Host& sender, std::uint32_t destination_host, const WirePacket& packet,
                      SimTime departure) {
  if (capture_writer_ == nullptr) return;
  UdpDatagram datagram;
  datagram.source_mac = host_mac(sender.node);
  const bool flooded = destination_host == InFlightPacket::kFlooded;
  // A multicast frame's destination MAC follows from its group address.
  if (!flooded) datagram.destination_mac = host_mac(hosts_[destination_host].node);
  datagram.source_ip = to_capture_address(packet.source.address);
  datagram.destination_ip = to_capture_address(packet.destination.address);
  datagram.source_port = packet.source.port;
  datagram.destination_port = packet.destination.port;
  datagram.hop_limit = flooded ? kMulticastHopLimit : kUnicastHopLimit;
  datagram.payload = packet.bytes();
  const auto timestamp = capture_timestamp(capture_origin_, departure);
  if (!timestamp || !capture_writer_->write_udp(*timestamp, datagram)) ++counters_.capture_errors;
}

}  // namespace ptp::sim
