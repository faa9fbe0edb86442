// The seam between simulated hosts and the simulated network: packets on the wire, and the two
// directions of handing them over. A host's NIC calls Wire::transmit at the true time a packet
// leaves it; the network calls WireReceiver::on_wire_arrival (from a scheduler event, so the
// scheduler's now() is the arrival time) when a copy reaches a host's NIC.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ptp/hal/ip_address.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

// Identifies a host's attachment to the network.
struct NodeId {
  std::uint32_t value = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(NodeId, NodeId) = default;
};

struct WirePacket {
  // PTP messages with management TLVs stay well below this; larger sends are refused.
  static constexpr std::size_t kMaxPayload = 512;

  hal::UdpEndpoint source;
  hal::UdpEndpoint destination;  // a multicast group, or one host's unicast address
  std::uint64_t id = 0;          // unique per transmission (duplicates share it): traces, truth
  SimTime departure;             // true time the packet left the sender's NIC
  std::uint16_t size = 0;
  std::array<std::byte, kMaxPayload> payload{};

  [[nodiscard]] std::span<const std::byte> bytes() const { return {payload.data(), size}; }
};

class WireReceiver {
 public:
  virtual ~WireReceiver() = default;
  virtual void on_wire_arrival(const WirePacket& packet) = 0;
};

class Wire {
 public:
  virtual ~Wire() = default;
  // Called at the packet's departure time (the scheduler's now()).
  virtual void transmit(NodeId from, const WirePacket& packet) = 0;
};

}  // namespace ptp::sim
