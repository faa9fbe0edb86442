// Network: building the topology (with its tree rule), the fault timeline, and inspection. The
// per-packet path is in network_forwarding.cpp, the routing tables in network_routing.cpp.
#include "ptp/sim/network.h"

#include <algorithm>

namespace ptp::sim {
namespace {

// Stream keys for Random::fork: a directed link's is its index plus one, a switch's lies in a
// range of its own, so that no two components ever share a stream.
constexpr std::uint64_t kSwitchStreamBase = std::uint64_t{1} << 40U;

NetworkSetupError from_link_error(const LinkConfigError& error) {
  return std::visit([](auto part) { return NetworkSetupError(part); }, error);
}

}  // namespace

std::string_view to_string(NetworkError error) {
  switch (error) {
    case NetworkError::kUnknownNode: return "unknown node";
    case NetworkError::kNotAHost: return "node is not a host";
    case NetworkError::kUnknownLink: return "unknown link";
    case NetworkError::kSelfLink: return "link from a node to itself";
    case NetworkError::kClosesLoop: return "link would close a loop (the topology must be a tree)";
    case NetworkError::kHostAlreadyLinked: return "host already has its link";
    case NetworkError::kWrongAddressFamily: return "host address of the wrong family";
    case NetworkError::kMulticastHostAddress: return "host address is multicast";
    case NetworkError::kAddressInUse: return "address already owned by another host";
    case NetworkError::kTimeInPast: return "fault starts before now";
    case NetworkError::kOverlappingSpike: return "delay spike overlaps another on its direction";
    case NetworkError::kNegativeDelay: return "negative extra delay";
  }
  return "unknown network error";
}

std::string_view to_string(const NetworkSetupError& error) {
  return std::visit([](auto part) { return to_string(part); }, error);
}

Network::Network(Scheduler& scheduler, Random random)
    : scheduler_(&scheduler), seed_random_(random) {}

Random Network::stream(std::uint64_t key) const {
  Random copy = seed_random_;
  return copy.fork(key);
}

Result<NodeId, NetworkSetupError> Network::add_host(WireReceiver& receiver,
                                                    const HostAddresses& addresses) {
  if (addresses.ipv4.family() != hal::AddressFamily::kIpv4 ||
      addresses.ipv6.family() != hal::AddressFamily::kIpv6) {
    return unexpected(NetworkSetupError(NetworkError::kWrongAddressFamily));
  }
  if (addresses.ipv4.is_multicast() || addresses.ipv6.is_multicast()) {
    return unexpected(NetworkSetupError(NetworkError::kMulticastHostAddress));
  }
  if (address_owners_.contains(addresses.ipv4) || address_owners_.contains(addresses.ipv6)) {
    return unexpected(NetworkSetupError(NetworkError::kAddressInUse));
  }
  const auto node_index = static_cast<std::uint32_t>(nodes_.size());
  const auto host_index = static_cast<std::uint32_t>(hosts_.size());
  nodes_.push_back(Node{NodeKind::kHost, host_index, {}, node_index});
  Host host;
  host.receiver = &receiver;
  host.addresses = addresses;
  host.node = NodeId{node_index};
  hosts_.push_back(std::move(host));
  address_owners_.emplace(addresses.ipv4, host_index);
  address_owners_.emplace(addresses.ipv6, host_index);
  routes_stale_ = true;
  return NodeId{node_index};
}

Result<NodeId, NetworkSetupError> Network::add_switch(const DelayModelConfig& residence,
                                                      const TransparentClockConfig& transparent,
                                                      SwitchOrder order) {
  auto model = DelayModel::create(residence);
  if (!model) return unexpected(NetworkSetupError(model.error()));
  const auto node_index = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(
      Node{NodeKind::kSwitch, static_cast<std::uint32_t>(switches_.size()), {}, node_index});
  switches_.push_back(
      Switch{*model, stream(kSwitchStreamBase + switches_.size()), transparent, order});
  routes_stale_ = true;
  return NodeId{node_index};
}

Result<LinkId, NetworkSetupError> Network::add_link(NodeId a, NodeId b,
                                                    const LinkDirectionConfig& a_to_b,
                                                    const LinkDirectionConfig& b_to_a) {
  auto node_a = find_node(a);
  if (!node_a) return unexpected(node_a.error());
  auto node_b = find_node(b);
  if (!node_b) return unexpected(node_b.error());
  if (*node_a == *node_b) return unexpected(NetworkSetupError(NetworkError::kSelfLink));
  for (const std::uint32_t node : {*node_a, *node_b}) {
    if (nodes_[node].kind == NodeKind::kHost && hosts_[nodes_[node].index].out_link != kNoLink) {
      return unexpected(NetworkSetupError(NetworkError::kHostAlreadyLinked));
    }
  }
  const std::uint32_t root_a = tree_root(*node_a);
  const std::uint32_t root_b = tree_root(*node_b);
  if (root_a == root_b) return unexpected(NetworkSetupError(NetworkError::kClosesLoop));

  const auto forward_index = static_cast<std::uint32_t>(links_.size());
  const std::uint32_t backward_index = forward_index + 1;
  auto forward = LinkDirection::create(a_to_b, stream(std::uint64_t{forward_index} + 1));
  if (!forward) return unexpected(from_link_error(forward.error()));
  auto backward = LinkDirection::create(b_to_a, stream(std::uint64_t{backward_index} + 1));
  if (!backward) return unexpected(from_link_error(backward.error()));

  const SimDuration known_link_delay =
      SimDuration::picoseconds(((a_to_b.delay.propagation + a_to_b.delay.asymmetry).picoseconds() +
                                (b_to_a.delay.propagation + b_to_a.delay.asymmetry).picoseconds()) /
                               2);
  links_.push_back(DirectedLink{*forward, *node_a, *node_b, {}, 0, {}, 0, {}, known_link_delay});
  links_.push_back(DirectedLink{*backward, *node_b, *node_a, {}, 0, {}, 0, {}, known_link_delay});
  nodes_[*node_a].out_links.push_back(forward_index);
  nodes_[*node_b].out_links.push_back(backward_index);
  if (nodes_[*node_a].kind == NodeKind::kHost)
    hosts_[nodes_[*node_a].index].out_link = forward_index;
  if (nodes_[*node_b].kind == NodeKind::kHost) {
    hosts_[nodes_[*node_b].index].out_link = backward_index;
  }
  nodes_[root_a].tree_root = root_b;
  routes_stale_ = true;
  return LinkId{forward_index / 2};
}

std::uint32_t Network::tree_root(std::uint32_t node) {
  while (nodes_[node].tree_root != node) {
    // Path halving keeps the trees shallow.
    nodes_[node].tree_root = nodes_[nodes_[node].tree_root].tree_root;
    node = nodes_[node].tree_root;
  }
  return node;
}

Result<std::uint32_t, NetworkSetupError> Network::find_node(NodeId node) const {
  if (node.value >= nodes_.size()) return unexpected(NetworkSetupError(NetworkError::kUnknownNode));
  return node.value;
}

Result<std::uint32_t, NetworkSetupError> Network::find_host(NodeId node) const {
  auto index = find_node(node);
  if (!index) return unexpected(index.error());
  if (nodes_[*index].kind != NodeKind::kHost) {
    return unexpected(NetworkSetupError(NetworkError::kNotAHost));
  }
  return nodes_[*index].index;
}

Result<std::uint32_t, NetworkSetupError> Network::find_directed_link(LinkId link,
                                                                     Direction direction) const {
  if (link.value >= links_.size() / 2) {
    return unexpected(NetworkSetupError(NetworkError::kUnknownLink));
  }
  return link.value * 2 + (direction == Direction::kAToB ? 0U : 1U);
}

Result<void, NetworkSetupError> Network::check_not_past(SimTime start) const {
  if (start < scheduler_->now()) return unexpected(NetworkSetupError(NetworkError::kTimeInPast));
  return {};
}

Result<void, NetworkSetupError> Network::add_link_down(LinkId link, SimTime down_at,
                                                       SimTime up_at) {
  auto forward = find_directed_link(link, Direction::kAToB);
  if (!forward) return unexpected(forward.error());
  if (auto valid = check_not_past(down_at); !valid) return valid;
  for (const std::uint32_t index : {*forward, *forward + 1}) {
    // The window is the same for both directions, so the first call fails if either would.
    if (auto added = links_[index].model.loss_model().add_link_down(down_at, up_at); !added) {
      return unexpected(NetworkSetupError(added.error()));
    }
  }
  return {};
}

Result<void, NetworkSetupError> Network::set_general_message_delay(LinkId link, Direction direction,
                                                                   SimDuration extra) {
  auto index = find_directed_link(link, direction);
  if (!index) return unexpected(index.error());
  if (extra < SimDuration()) return unexpected(NetworkSetupError(NetworkError::kNegativeDelay));
  links_[*index].general_message_delay = extra;
  return {};
}

Result<void, NetworkSetupError> Network::add_delay_spike(LinkId link, Direction direction,
                                                         SimTime start, SimTime end,
                                                         SimDuration extra) {
  auto index = find_directed_link(link, direction);
  if (!index) return unexpected(index.error());
  if (auto valid = check_not_past(start); !valid) return valid;
  DirectedLink& directed = links_[*index];
  // The model's own rules decide what a valid spike is: try it on a copy.
  DelayModel probe = directed.model.delay_model();
  if (auto valid = probe.set_spike(start, end, extra); !valid) {
    return unexpected(NetworkSetupError(valid.error()));
  }
  for (const SpikeWindow& spike : directed.spikes) {
    if (start < spike.end && spike.start < end) {
      return unexpected(NetworkSetupError(NetworkError::kOverlappingSpike));
    }
  }
  const auto position =
      std::upper_bound(directed.spikes.begin(), directed.spikes.end(), start,
                       [](SimTime time, const SpikeWindow& spike) { return time < spike.start; });
  const auto offset = static_cast<std::size_t>(position - directed.spikes.begin());
  directed.spikes.insert(position, SpikeWindow{start, end, extra});
  // Every window before next_spike is over and this one is not, so offset >= next_spike.
  if (offset == directed.next_spike) {
    static_cast<void>(directed.model.delay_model().set_spike(start, end, extra));  // valid above
  }
  return {};
}

Result<void, NetworkSetupError> Network::add_loss_burst(LinkId link, Direction direction,
                                                        SimTime start, SimTime end,
                                                        double loss_probability) {
  auto index = find_directed_link(link, direction);
  if (!index) return unexpected(index.error());
  if (auto valid = check_not_past(start); !valid) return valid;
  auto added = links_[*index].model.loss_model().add_loss_burst(start, end, loss_probability);
  if (!added) return unexpected(NetworkSetupError(added.error()));
  return {};
}

Result<void, NetworkSetupError> Network::detach_host(NodeId host, SimTime at) {
  return add_attachment_change(host, at, false);
}

Result<void, NetworkSetupError> Network::reattach_host(NodeId host, SimTime at) {
  return add_attachment_change(host, at, true);
}

Result<void, NetworkSetupError> Network::add_attachment_change(NodeId host, SimTime at,
                                                               bool attached) {
  auto index = find_host(host);
  if (!index) return unexpected(index.error());
  if (auto valid = check_not_past(at); !valid) return valid;
  auto& changes = hosts_[*index].attachment_changes;
  // After any change at the same time, so that the last call wins; and never before an
  // applied change, since those are at or before now().
  const auto position = std::upper_bound(
      changes.begin(), changes.end(), at,
      [](SimTime time, const AttachmentChange& change) { return time < change.at; });
  changes.insert(position, AttachmentChange{at, attached});
  return {};
}

void Network::set_capture(PcapWriter* writer, Timestamp unix_time_at_start) {
  capture_writer_ = writer;
  capture_origin_ = unix_time_at_start;
}

Result<const LinkDirection*, NetworkSetupError> Network::link_direction(LinkId link,
                                                                        Direction direction) const {
  auto index = find_directed_link(link, direction);
  if (!index) return unexpected(index.error());
  return &links_[*index].model;
}

Result<LinkCounters, NetworkSetupError> Network::link_counters(LinkId link,
                                                               Direction direction) const {
  auto model = link_direction(link, direction);
  if (!model) return unexpected(model.error());
  return (*model)->counters();
}

Result<HostCounters, NetworkSetupError> Network::host_counters(NodeId host) const {
  auto index = find_host(host);
  if (!index) return unexpected(index.error());
  return hosts_[*index].counters;
}

Result<bool, NetworkSetupError> Network::is_attached(NodeId host) const {
  auto index = find_host(host);
  if (!index) return unexpected(index.error());
  const Host& record = hosts_[*index];
  bool attached = record.attached;
  for (std::size_t i = record.applied_changes; i < record.attachment_changes.size(); ++i) {
    if (record.attachment_changes[i].at > scheduler_->now()) break;
    attached = record.attachment_changes[i].attached;
  }
  return attached;
}

MacAddress Network::host_mac(NodeId host) {
  // Locally administered, unicast: 02:00 then the node id.
  const std::uint32_t id = host.value;
  return MacAddress{{0x02, 0x00, static_cast<std::uint8_t>(id >> 24U),
                     static_cast<std::uint8_t>(id >> 16U), static_cast<std::uint8_t>(id >> 8U),
                     static_cast<std::uint8_t>(id)}};
}

}  // namespace ptp::sim
