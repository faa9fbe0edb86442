// The sans-IO seam of a PTP port: every event the core consumes and every action it produces.
//
// Events (inputs) are method calls on OrdinaryClock, each carrying `now`: the host's monotonic
// time (never stepped, never adjusted). The core never reads a clock; time enters only here.
//   - a received message (bytes, UDP channel, opaque source address, receive timestamp),
//   - a timer expiry (one of PortTimer),
//   - a transmit timestamp, or its loss, for a TxTimestampId the core asked for,
//   - a timestamping change (capabilities changed: samples before and after must not mix),
//   - a fault report from the driver (a send failed) and management's enable/disable.
// Timestamps of event messages are on the local clock's PTP timescale (nanoseconds since the
// PTP epoch, TAI): the driver converts whatever the HAL delivered (NIC ticks, counter ticks,
// system time) before the core sees it.
//
// Actions (outputs) go into a PortActions list the caller passes in and then executes in order:
//   SendMessage       send these octets on the event (319) or general (320) port, to the
//                     multicast group or unicast to an address the core saw as a source; with
//                     a TxTimestampId when the core needs the transmit timestamp back,
//   ArmTimer          (re)arm a PortTimer at a monotonic deadline; CancelTimer stops it,
//   StepClock         move the local clock by an offset; SetClockFrequency sets its frequency
//                     adjustment (absolute, parts per billion),
//   StateChanged      the port changed state (for the log line "LISTENING to UNCALIBRATED on
//                     RS_SLAVE"),
//   OffsetMeasured    one slave measurement and what the servo made of it (for "master offset
//                     ... s2 freq ... path delay ..."),
//   UnicastNotice     a unicast negotiation event worth one log line (given once per kind and
//                     peer),
//   TimescaleChanged  the timescale of the time the clock follows changed (timePropertiesDS's
//                     ptpTimescale, currentUtcOffset or currentUtcOffsetValid: another parent,
//                     the parent's new properties, the clock's own as grandmaster): a driver
//                     that converts a UTC clock to that time must apply another offset,
//   PeerDelayInputRejected  the first of a kind of bad peer-delay input (for one log line; the
//                     port's counters count every one).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "ptp/core/data_sets.h"
#include "ptp/core/peer_address.h"
#include "ptp/core/port_event.h"
#include "ptp/core/port_state.h"
#include "ptp/core/unicast_negotiation.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"
#include "ptp/servo/servo.h"

namespace ptp {

// The two UDP ports of PTP over UDP (Annex C/D): event messages are timestamped, general are not.
enum class MessageChannel : std::uint8_t { kEvent, kGeneral };

// Names one transmit timestamp the core asked for. Values are never reused within a run.
struct TxTimestampId {
  std::uint32_t value = 0;

  friend bool operator==(TxTimestampId, TxTimestampId) = default;
};

enum class PortTimer : std::uint8_t {
  kAnnounceReceipt,  // 9.2.6.12: no Announce from the master in time
  kQualification,    // 9.2.6.11: PRE_MASTER -> MASTER
  kAnnounceTransmit,
  kSyncTransmit,
  kDelayRequest,   // next Delay_Req (9.5.11.2)
  kFaultReset,     // FAULTY -> FAULT_CLEARED after fault_reset_interval
  kPdelayRequest,  // next Pdelay_Req (11.4, P2P ports only)
  // Unicast negotiation (16.1): the grantee's query/renewal tick every 2^logQueryInterval s,
  // and the grantor's next unicast Announce or Sync to a client (or grant expiry).
  kUnicastQuery,
  kUnicastTransmit,
};
inline constexpr std::size_t kPortTimerCount = 9;
std::string_view to_string(PortTimer timer);

// A received datagram. `bytes` is valid only during the call.
struct ReceivedMessage {
  std::span<const std::byte> bytes;
  MessageChannel channel = MessageChannel::kGeneral;
  PeerAddress source;
  // The local clock's time at reception (event messages need it; general ones ignore it).
  std::optional<Nanoseconds> receive_time;
  servo::TimestampKind timestamp_kind = servo::TimestampKind::kUnknown;  // of receive_time
  bool multicast = true;  // sent to the PTP group rather than to our unicast address
};

// The largest message the port builds: the management reply (86 octets) with room to spare.
inline constexpr std::size_t kMaxPortMessageLength = 128;

// Which PTP multicast group a message goes to when it is not unicast (Annex C/D): peer-delay
// messages have their own, link-local, group.
enum class MulticastGroup : std::uint8_t { kPrimary, kPeerDelay };

struct SendMessage {
  MessageChannel channel = MessageChannel::kGeneral;
  std::optional<PeerAddress> unicast_to;  // std::nullopt: the PTP multicast group `group`
  MulticastGroup group = MulticastGroup::kPrimary;
  std::optional<TxTimestampId> timestamp_id;
  std::array<std::byte, kMaxPortMessageLength> buffer{};
  std::size_t length = 0;

  [[nodiscard]] std::span<const std::byte> payload() const {
    return std::span<const std::byte>(buffer).first(length);
  }
};

struct ArmTimer {
  PortTimer timer = PortTimer::kAnnounceReceipt;
  Nanoseconds deadline;  // monotonic time
};

struct CancelTimer {
  PortTimer timer = PortTimer::kAnnounceReceipt;
};

struct StepClock {
  Nanoseconds offset;  // positive: forward
};

struct SetClockFrequency {
  double frequency_ppb = 0;  // absolute adjustment, positive: faster
};

struct StateChanged {
  PortState from = PortState::kInitializing;
  PortState to = PortState::kInitializing;
  PortEvent event = PortEvent::kNone;
};

struct OffsetMeasured {
  Nanoseconds offset_from_master;  // local - master (11.3)
  Nanoseconds mean_path_delay;     // the filtered estimate used
  servo::ServoState servo_state = servo::ServoState::kUnlocked;
  double frequency_ppb = 0;  // what the servo set (or would set, free-running)
  Nanoseconds ingress_time;  // the Sync's receive time, local clock
  servo::TimestampKind timestamp_kind = servo::TimestampKind::kUnknown;
};

// The properties that decide how a UTC clock's readings become the followed time. Emitted only
// when one of ptp_timescale, current_utc_offset or current_utc_offset_valid changed; the
// driver's initial value is time_properties_data_set() before start().
struct TimescaleChanged {
  TimePropertiesDataSet time_properties;
};

// The kinds of bad peer-delay input the port reports once each (and counts every time).
enum class PeerDelayProblem : std::uint8_t {
  kUnexpectedResponse,  // a Pdelay_Resp or its Follow_Up for no request this port has outstanding
  kSecondPeer,          // a second port answered the same Pdelay_Req (a P2P link has one peer)
  kNeighborDelayOutOfRange,  // the link delay outside [min_neighbor_prop_delay, thresh]
};
inline constexpr std::size_t kPeerDelayProblemCount = 3;

constexpr std::string_view to_string(PeerDelayProblem problem) {
  switch (problem) {
    case PeerDelayProblem::kUnexpectedResponse:
      return "peer delay response for a request this port did not send";
    case PeerDelayProblem::kSecondPeer: return "a second peer answered a peer delay request";
    case PeerDelayProblem::kNeighborDelayOutOfRange:
      return "neighbor delay outside min_neighbor_prop_delay..neighborPropDelayThresh";
  }
  return "unknown peer delay problem";
}

// Emitted the first time a port meets each PeerDelayProblem; later ones are only counted
// (PortCounters: dropped unmatched_sequence and second_peer, peer_delay_out_of_range).
struct PeerDelayInputRejected {
  PeerDelayProblem problem = PeerDelayProblem::kUnexpectedResponse;
  PortIdentity source;                    // the sender (the peer, for an out-of-range delay)
  std::optional<Nanoseconds> link_delay;  // kNeighborDelayOutOfRange: the filtered link delay
};

// Something about unicast negotiation worth one log line (a master that never answers, a
// refused or unrequested grant, ...). Given once per kind and peer; the counters count each.
struct UnicastNotice {
  UnicastNoticeKind kind = UnicastNoticeKind::kMasterSilent;
  PeerAddress peer;
  std::optional<UnicastService> service;  // the service concerned, when there is one
};

using PortAction =
    std::variant<SendMessage, ArmTimer, CancelTimer, StepClock, SetClockFrequency, StateChanged,
                 OffsetMeasured, TimescaleChanged, PeerDelayInputRejected, UnicastNotice>;

// The actions of one event, in the order the caller must execute them. Fixed capacity: no event
// produces more than about 15 (a fault-reset cascade); a full list drops the action and counts it
// (a bug, which the tests check never happens).
class PortActions {
 public:
  static constexpr std::size_t kCapacity = 24;

  void push(const PortAction& action) {
    if (size_ == kCapacity) {
      ++dropped_;
      return;
    }
    actions_[size_++] = action;
  }
  [[nodiscard]] std::span<const PortAction> view() const {
    return std::span<const PortAction>(actions_).first(size_);
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::size_t dropped() const { return dropped_; }
  void clear() {
    size_ = 0;
    dropped_ = 0;
  }

 private:
  std::array<PortAction, kCapacity> actions_{};
  std::size_t size_ = 0;
  std::size_t dropped_ = 0;
};

}  // namespace ptp
