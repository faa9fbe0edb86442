// Network: switches that are transparent clocks (transparent_clock.h). An event message leaving
// a TC gets its own copy of the packet with the residence time (and, P2P, the ingress link's
// delay) added to correctionField, so copies flooded out of different ports each carry their
// own; a P2P TC answers Pdelay_Req itself and forwards no peer-delay message.
#include <cmath>

#include "ptp/sim/network.h"

namespace ptp::sim {
namespace {

constexpr std::uint16_t kPtpEventUdpPort = 319;
constexpr std::uint64_t kSwitchPacketIdBase = std::uint64_t{0xFFFF} << 48U;

// `interval` plus the TC's timestamp noise, in whole nanoseconds.
std::int64_t measured_ns(SimDuration interval, const TransparentClockConfig& tc, Random& random) {
  double picoseconds = static_cast<double>(interval.picoseconds());
  if (tc.timestamp_noise.picoseconds() > 0) {
    picoseconds += random.normal() * static_cast<double>(tc.timestamp_noise.picoseconds());
  }
  return static_cast<std::int64_t>(std::llround(picoseconds / 1000.0));
}

bool corrected_by(TransparentClockKind kind, std::uint8_t type) {
  if (type == tc_detail::kSync || type == tc_detail::kDelayReq) return true;
  // An E2E TC forwards peer-delay event messages and corrects them too (10.3.2 b).
  return kind == TransparentClockKind::kEndToEnd &&
         (type == tc_detail::kPdelayReq || type == tc_detail::kPdelayResp);
}

}  // namespace

bool Network::transparent_clock_consumes(std::uint32_t slot, std::uint32_t switch_node,
                                         std::uint32_t arrived_on, SimTime now) {
  Switch& tc = switches_[nodes_[switch_node].index];
  if (tc.transparent.kind != TransparentClockKind::kPeerToPeer) return false;
  const WirePacket& request = pool_.at(slot).packet;
  const auto type = tc_detail::message_type(request.bytes());
  if (!type || (*type != tc_detail::kPdelayReq && *type != tc_detail::kPdelayResp &&
                *type != tc_detail::kPdelayRespFollowUp)) {
    return false;
  }
  if (*type != tc_detail::kPdelayReq || request.destination.port != kPtpEventUdpPort) return true;
  // The TC's port answers on the link the request came in on, one-step.
  const std::uint32_t reply_link = arrived_on ^ 1U;
  const SimDuration turnaround = tc.transparent.pdelay_turnaround;
  const std::uint32_t answer = pool_.acquire();
  InFlightPacket& reply = pool_.at(answer);
  reply.references = 1;
  reply.sender = NodeId{switch_node};
  reply.destination_host = InFlightPacket::kFlooded;
  reply.packet.source = request.destination;  // the TC has no address; the group stands in
  reply.packet.destination = request.destination;
  reply.packet.id = kSwitchPacketIdBase | next_switch_packet_id_++;
  const auto length = tc_detail::pdelay_response(
      pool_.at(slot).packet.bytes(), 0xFFFE'0000'0000'0000ULL | switch_node,
      static_cast<std::uint16_t>(reply_link + 1),
      measured_ns(turnaround, tc.transparent, tc.random), reply.packet.payload);
  if (length) {
    reply.packet.size = static_cast<std::uint16_t>(*length);
    const SimTime departure = links_[reply_link].egress_queue.deliver(now + turnaround);
    reply.packet.departure = departure;
    schedule_departure(answer, reply_link, departure, now);
  }
  drop_reference(answer);
  return true;
}

std::uint32_t Network::transparent_copy(std::uint32_t slot, Switch& from, std::uint32_t arrived_on,
                                        SimTime now, SimTime departure) {
  const TransparentClockConfig& tc = from.transparent;
  if (tc.kind == TransparentClockKind::kNone) return slot;
  const WirePacket& packet = pool_.at(slot).packet;
  const auto type = tc_detail::message_type(packet.bytes());
  if (packet.destination.port != kPtpEventUdpPort || !type || !corrected_by(tc.kind, *type)) {
    return slot;
  }
  std::int64_t correction_ns = measured_ns(departure - now, tc, from.random);
  if (tc.kind == TransparentClockKind::kPeerToPeer && *type == tc_detail::kSync) {
    correction_ns += measured_ns(links_[arrived_on].known_link_delay, tc, from.random);
  }
  const std::uint32_t copy = pool_.acquire();
  InFlightPacket& edited = pool_.at(copy);
  edited = pool_.at(slot);
  edited.references = 1;
  (void)tc_detail::add_to_correction(
      std::span<std::byte>(edited.packet.payload.data(), edited.packet.size), correction_ns);
  return copy;
}

}  // namespace ptp::sim
