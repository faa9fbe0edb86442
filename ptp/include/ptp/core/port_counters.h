// What a port counts: messages by type in each direction, every reason a received message was
// dropped, and the protocol events worth watching (timeouts, lost transmit timestamps, steps).
// Bad input is never silent: each drop lands in exactly one DropReason.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ptp {

enum class DropReason : std::uint8_t {
  kMalformed,           // the codec rejected it (truncated, bad version, bad TLV, ...)
  kWrongDomain,         // domainNumber is not ours
  kFromOwnClock,        // sourcePortIdentity is ours: our own multicast came back
  kWrongChannel,        // an event message on the general port or the reverse
  kUnsupported,         // a valid message this port does not handle (Pdelay, Signaling, ...)
  kWrongState,          // valid, but meaningless in the port's state (Sync while MASTER, ...)
  kNotFromParent,       // Sync/Follow_Up/Delay_Resp from a port that is not our master
  kNotForUs,            // a Delay_Resp for another requester, a Management for another clock
  kNoReceiveTimestamp,  // an event message the driver could not time-stamp
  kBadTimestamp,        // a timestamp the arithmetic cannot use (invalid, out of range)
  kUnmatchedSequence,   // Follow_Up or Delay_Resp matching no outstanding Sync or Delay_Req
  kAnnounceRejected,    // the foreign master table refused it (table full)
  kManagementError,     // a management request the responder could not encode a reply for
  // Delay_Req/Delay_Resp on a P2P port, Pdelay_* on an E2E port (ptp4l ignores them too).
  kWrongDelayMechanism,
  kSecondPeer,        // a Pdelay reply from a second port to the same request (a P2P link has one)
  kUnicastDisabled,   // unicast negotiation TLVs on a port with no master table and no listen
  kNotInMasterTable,  // an Announce or a grant from an address not in the unicast master table
};
inline constexpr std::size_t kDropReasonCount = 17;
std::string_view to_string(DropReason reason);

// Indexed by wire::MessageType's nibble (0x0..0xF).
using MessageTypeCounts = std::array<std::uint64_t, 16>;

struct PortCounters {
  MessageTypeCounts received{};
  MessageTypeCounts sent{};
  std::array<std::uint64_t, kDropReasonCount> dropped{};

  std::uint64_t announce_receipt_timeouts = 0;
  std::uint64_t state_changes = 0;
  std::uint64_t faults = 0;
  std::uint64_t tx_timestamps_lost = 0;     // the HAL reported a loss
  std::uint64_t tx_timestamps_unknown = 0;  // a timestamp for nothing outstanding (late, stale)
  std::uint64_t follow_ups_not_sent = 0;    // Sync sent, its timestamp never came
  // Half exchanges the slave gave up on (each received message among them is also counted as
  // a kUnmatchedSequence drop): pushed out of a full pending set, or older than the age limit.
  std::uint64_t syncs_evicted = 0;  // two-step Syncs whose Follow_Up had not come
  std::uint64_t syncs_expired = 0;
  std::uint64_t follow_ups_evicted = 0;  // Follow_Ups whose Sync had not come
  std::uint64_t follow_ups_expired = 0;
  std::uint64_t delay_requests_unanswered = 0;  // Delay_Reqs given up, evicted or expired
  std::uint64_t delay_requests_evicted = 0;     // of those, pushed out by a full pending set
  // Peer delay (P2P ports).
  std::uint64_t pdelay_requests_unanswered = 0;  // no complete reply before the next request
  std::uint64_t pdelay_follow_ups_not_sent = 0;  // Pdelay_Resp sent, its timestamp never came
  std::uint64_t peer_delay_out_of_range = 0;     // link delays outside min/thresh (not capable)
  std::uint64_t multiple_peer_faults = 0;        // several responders, intervals in a row: FAULTY
  std::uint64_t measurements_not_capable = 0;    // offsets withheld: the link is not capable
  std::uint64_t holdovers = 0;     // the port stopped following: the clock got the servo's estimate
  std::uint64_t measurements = 0;  // offsets handed to the servo
  std::uint64_t clock_steps = 0;
  std::uint64_t management_replies = 0;
  // Unicast negotiation (16.1), as grantee of the master table's masters.
  std::uint64_t unicast_queries_unanswered = 0;  // Announce requests a table master left unanswered
  std::uint64_t unicast_grants_refused = 0;      // zero-duration grants (refusals) received
  std::uint64_t unicast_grants_unrequested = 0;  // grants for a service not asked of that master
  std::uint64_t unicast_grants_expired = 0;      // grants held that lapsed without renewal
  std::uint64_t unicast_cancels_received = 0;    // grants a master cancelled (each acknowledged)
  std::uint64_t unicast_tlvs_ignored =
      0;  // REQUEST on a port not listening, CANCEL from a stranger
  // ... and as grantor (unicast_listen).
  std::uint64_t unicast_grants_given = 0;           // non-zero grants sent (renewals included)
  std::uint64_t unicast_requests_refused = 0;       // zero-duration grants sent
  std::uint64_t unicast_client_grants_expired = 0;  // clients' grants that lapsed unrenewed
  std::uint64_t actions_dropped = 0;                // PortActions overflowed: a bug if ever nonzero

  [[nodiscard]] std::uint64_t drops(DropReason reason) const {
    return dropped[static_cast<std::size_t>(reason)];
  }
  [[nodiscard]] std::uint64_t total_drops() const {
    std::uint64_t total = 0;
    for (const auto count : dropped) total += count;
    return total;
  }
};

}  // namespace ptp
