// Unicast negotiation state (IEEE 1588-2019 16.1): what a port holds as a grantee for each
// master of its unicast master table, and as a grantor for each client it serves. Plain data
// with fixed capacity (no heap); OrdinaryClock drives it and builds the messages
// (ordinary_clock_unicast.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ptp/core/peer_address.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"
#include "ptp/wire/header.h"

namespace ptp {

// The most clients a grantor serves at once (unicast_max_clients may ask for fewer).
inline constexpr std::size_t kMaxUnicastClients = 64;

// What can be negotiated (16.1.1): Announce, Sync (each with its Follow_Up, two-step) and
// Delay_Resp (the grantee's Delay_Reqs then go unicast to the grantor).
enum class UnicastService : std::uint8_t { kAnnounce, kSync, kDelayResp };
inline constexpr std::size_t kUnicastServiceCount = 3;

std::optional<UnicastService> unicast_service_of(wire::MessageType type);
wire::MessageType message_type_of(UnicastService service);
std::string_view to_string(UnicastService service);  // "Announce", "Sync", "Delay_Resp"

// One service granted, on either side. `expires_at` is monotonic.
struct UnicastGrant {
  bool active = false;
  std::int8_t log_interval = 0;  // logInterMessagePeriod of the grant
  Nanoseconds expires_at;
};

// Grantee, per table master (ptp4l's unicast_client states):
//   kQuerying        Announce asked every 2^logQueryInterval s, not granted (yet, or any more),
//   kAnnounced       Announce granted: the master is a BMCA candidate,
//   kRequestingSync  it is the parent: Sync (and Delay_Resp, E2E) asked, not all granted yet,
//   kSynchronizing   the parent, with every service it must give granted.
enum class UnicastMasterStage : std::uint8_t {
  kQuerying,
  kAnnounced,
  kRequestingSync,
  kSynchronizing,
};
std::string_view to_string(UnicastMasterStage stage);

struct UnicastMaster {
  PeerAddress address;
  std::optional<PortIdentity> port_identity;  // the sourcePortIdentity of its grants
  UnicastMasterStage stage = UnicastMasterStage::kQuerying;
  std::array<UnicastGrant, kUnicastServiceCount> grants{};
  // Renewal of every held grant at 3/4 of the shortest one's duration (as ptp4l), checked on
  // each query tick.
  std::optional<Nanoseconds> renew_at;
  std::uint32_t queries_unanswered = 0;  // requests for Announce since its last grant
  std::uint16_t notices_given = 0;       // bit per UnicastNoticeKind: each is given once

  [[nodiscard]] UnicastGrant& grant(UnicastService service) {
    return grants[static_cast<std::size_t>(service)];
  }
  [[nodiscard]] const UnicastGrant& grant(UnicastService service) const {
    return grants[static_cast<std::size_t>(service)];
  }
  [[nodiscard]] bool selected() const {
    return stage == UnicastMasterStage::kRequestingSync ||
           stage == UnicastMasterStage::kSynchronizing;
  }
};

// Grantor, per client: its grants, when its next Announce and Sync are due, its own sequence
// numbers (7.3.7: per destination for unicast), and the Sync whose transmit timestamp makes
// its Follow_Up.
struct UnicastClient {
  PeerAddress address;
  PortIdentity port_identity;
  std::array<UnicastGrant, kUnicastServiceCount> grants{};
  Nanoseconds next_announce;
  Nanoseconds next_sync;
  std::uint16_t announce_sequence_id = 0;
  std::uint16_t sync_sequence_id = 0;
  struct PendingSync {
    std::uint16_t sequence_id = 0;
    std::uint32_t timestamp_id = 0;
  };
  std::optional<PendingSync> pending_sync;

  [[nodiscard]] UnicastGrant& grant(UnicastService service) {
    return grants[static_cast<std::size_t>(service)];
  }
  [[nodiscard]] const UnicastGrant& grant(UnicastService service) const {
    return grants[static_cast<std::size_t>(service)];
  }
  [[nodiscard]] bool any_grant() const {
    for (const UnicastGrant& g : grants) {
      if (g.active) return true;
    }
    return false;
  }
};

// The grantor's clients: a fixed-capacity table that admits at most `limit` clients.
class UnicastClientTable {
 public:
  explicit UnicastClientTable(std::size_t limit)
      : limit_(limit < kMaxUnicastClients ? limit : kMaxUnicastClients) {}

  [[nodiscard]] UnicastClient* find(const PeerAddress& address);
  // A new client's entry, or nullptr when `limit` clients hold grants already.
  [[nodiscard]] UnicastClient* add(const PeerAddress& address, const PortIdentity& identity);
  // Ends grants that expired at `now`, and drops clients left with none; returns how many
  // grants ended.
  std::size_t expire(Nanoseconds now);
  void remove_idle();
  void clear() { size_ = 0; }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t limit() const { return limit_; }
  [[nodiscard]] UnicastClient* begin() { return clients_.data(); }
  [[nodiscard]] UnicastClient* end() { return clients_.data() + size_; }
  [[nodiscard]] const UnicastClient* begin() const { return clients_.data(); }
  [[nodiscard]] const UnicastClient* end() const { return clients_.data() + size_; }

 private:
  std::array<UnicastClient, kMaxUnicastClients> clients_{};
  std::size_t size_ = 0;
  std::size_t limit_;
};

// Why a received negotiation TLV was not acted on, or a lapse worth a log line. The port
// reports each at most once per peer and kind (UnicastNotice), and counts every occurrence.
enum class UnicastNoticeKind : std::uint8_t {
  kMasterSilent,       // a table master has not granted Announce after several queries
  kGrantRefused,       // a master answered a request with a zero-duration grant
  kGrantUnrequested,   // a grant for a service this port did not ask that master for
  kGrantExpired,       // a master's grant lapsed without renewal
  kNotInMasterTable,   // a grant, cancel or Announce from an address not in the table
  kUnicastDisabled,    // negotiation TLVs on a port without unicast
  kClientRefused,      // as grantor: a request refused (table full, unsupported service)
  kCancelledByMaster,  // a master cancelled a grant
};
inline constexpr std::size_t kUnicastNoticeKindCount = 8;
std::string_view to_string(UnicastNoticeKind kind);
// What happened, as a log line says it ("unicast master refused a request").
std::string_view describe(UnicastNoticeKind kind);

}  // namespace ptp
