// TransparentClockConfig: what makes a simulated switch an IEEE 1588 transparent clock (10.2,
// 10.3), and the message edits it makes. A one-step E2E TC adds each event message's residence
// time to its correctionField (Sync, Delay_Req, Pdelay_Req, Pdelay_Resp); a one-step P2P TC adds
// residence plus the ingress link's delay to Sync (residence only to Delay_Req), answers every
// Pdelay_Req on the port it came in with a one-step Pdelay_Resp of its own, and forwards no
// peer-delay message. Its time measurements err by a normal noise of a configured deviation:
// the TC's own timestamp error. The link delay a P2P TC adds is the one it would measure: the
// mean of the link's two fixed one-way delays (plus its noise).
//
// The simulator carries UDP payloads; the UDP checksum of a captured frame is computed when it
// is written, so an edited correctionField needs no checksum update here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ptp/sim/sim_time.h"

namespace ptp::sim {

enum class TransparentClockKind : std::uint8_t { kNone, kEndToEnd, kPeerToPeer };

struct TransparentClockConfig {
  TransparentClockKind kind = TransparentClockKind::kNone;
  // Standard deviation of the error of each time interval the TC writes (residence, link delay,
  // Pdelay turnaround): its timestamping noise.
  SimDuration timestamp_noise;
  // How long a P2P TC takes to answer a Pdelay_Req.
  SimDuration pdelay_turnaround = SimDuration::microseconds(10);
};

namespace tc_detail {

// The PTP messageType of a UDP payload, if it is long enough to be a PTP message.
std::optional<std::uint8_t> message_type(std::span<const std::byte> payload);
inline constexpr std::uint8_t kSync = 0x0;
inline constexpr std::uint8_t kDelayReq = 0x1;
inline constexpr std::uint8_t kPdelayReq = 0x2;
inline constexpr std::uint8_t kPdelayResp = 0x3;
inline constexpr std::uint8_t kPdelayRespFollowUp = 0xA;

// Adds `nanoseconds` to the correctionField (octets 8..15, 2^-16 ns). False if the field would
// overflow or the payload is too short (the message is then left alone).
bool add_to_correction(std::span<std::byte> payload, std::int64_t nanoseconds);

// Builds the one-step Pdelay_Resp a P2P TC port (clock `clock_identity`, port `port_number`)
// sends to `request` with `turnaround_ns` in its correctionField (plus the request's, 11.4.3).
// Returns its length in `out`, or std::nullopt if `request` is no valid Pdelay_Req.
std::optional<std::size_t> pdelay_response(std::span<const std::byte> request,
                                           std::uint64_t clock_identity, std::uint16_t port_number,
                                           std::int64_t turnaround_ns, std::span<std::byte> out);

}  // namespace tc_detail
}  // namespace ptp::sim
