// Network: the unicast routing table. In a tree the path between two nodes is unique, so for
// each destination host one walk outward from it gives every node its next hop toward it. The
// table is rebuilt only after the topology changed, never per packet.
#include <vector>

#include "ptp/sim/network.h"

namespace ptp::sim {

void Network::refresh_routes() {
  if (!routes_stale_) return;
  routes_stale_ = false;
  next_hop_.assign(nodes_.size() * hosts_.size(), kNoLink);
  std::vector<std::uint32_t> to_visit;
  for (std::uint32_t host = 0; host < hosts_.size(); ++host) {
    const std::uint32_t destination = hosts_[host].node.value;
    const std::size_t column = host;
    to_visit.assign(1, destination);
    while (!to_visit.empty()) {
      const std::uint32_t node = to_visit.back();
      to_visit.pop_back();
      for (const std::uint32_t out : nodes_[node].out_links) {
        const std::uint32_t neighbour = links_[out].to_node;
        std::uint32_t& hop =
            next_hop_[static_cast<std::size_t>(neighbour) * hosts_.size() + column];
        // In a tree the only neighbour already reached is the one we came from.
        if (neighbour == destination || hop != kNoLink) continue;
        hop = out ^ 1U;  // the opposite direction of the same link leads back toward the host
        to_visit.push_back(neighbour);
      }
    }
  }
}

}  // namespace ptp::sim
