// The unicast negotiation tables: service <-> messageType, the grantor's client table.
#include "ptp/core/unicast_negotiation.h"

namespace ptp {

std::optional<UnicastService> unicast_service_of(wire::MessageType type) {
  switch (type) {
    case wire::MessageType::kAnnounce: return UnicastService::kAnnounce;
    case wire::MessageType::kSync: return UnicastService::kSync;
    case wire::MessageType::kDelayResp: return UnicastService::kDelayResp;
    default: return std::nullopt;
  }
}

wire::MessageType message_type_of(UnicastService service) {
  switch (service) {
    case UnicastService::kAnnounce: return wire::MessageType::kAnnounce;
    case UnicastService::kSync: return wire::MessageType::kSync;
    case UnicastService::kDelayResp: return wire::MessageType::kDelayResp;
  }
  return wire::MessageType::kAnnounce;
}

UnicastClient* UnicastClientTable::find(const PeerAddress& address) {
  for (UnicastClient& client : *this) {
    if (client.address == address) return &client;
  }
  return nullptr;
}

UnicastClient* UnicastClientTable::add(const PeerAddress& address, const PortIdentity& identity) {
  if (size_ >= limit_) return nullptr;
  UnicastClient& client = clients_[size_++];
  client = UnicastClient{};
  client.address = address;
  client.port_identity = identity;
  return &client;
}

std::size_t UnicastClientTable::expire(Nanoseconds now) {
  std::size_t ended = 0;
  for (UnicastClient& client : *this) {
    for (UnicastGrant& grant : client.grants) {
      if (grant.active && grant.expires_at <= now) {
        grant.active = false;
        ++ended;
      }
    }
  }
  remove_idle();
  return ended;
}

void UnicastClientTable::remove_idle() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    if (clients_[i].any_grant()) {
      if (kept != i) clients_[kept] = clients_[i];
      ++kept;
    }
  }
  size_ = kept;
}

std::string_view to_string(UnicastService service) {
  switch (service) {
    case UnicastService::kAnnounce: return "Announce";
    case UnicastService::kSync: return "Sync";
    case UnicastService::kDelayResp: return "Delay_Resp";
  }
  return "unknown";
}

std::string_view to_string(UnicastMasterStage stage) {
  switch (stage) {
    case UnicastMasterStage::kQuerying: return "querying";
    case UnicastMasterStage::kAnnounced: return "announced";
    case UnicastMasterStage::kRequestingSync: return "requesting_sync";
    case UnicastMasterStage::kSynchronizing: return "synchronizing";
  }
  return "unknown";
}

std::string_view to_string(UnicastNoticeKind kind) {
  switch (kind) {
    case UnicastNoticeKind::kMasterSilent: return "master_silent";
    case UnicastNoticeKind::kGrantRefused: return "grant_refused";
    case UnicastNoticeKind::kGrantUnrequested: return "grant_unrequested";
    case UnicastNoticeKind::kGrantExpired: return "grant_expired";
    case UnicastNoticeKind::kNotInMasterTable: return "not_in_master_table";
    case UnicastNoticeKind::kUnicastDisabled: return "unicast_disabled";
    case UnicastNoticeKind::kClientRefused: return "client_refused";
    case UnicastNoticeKind::kCancelledByMaster: return "cancelled_by_master";
  }
  return "unknown";
}

std::string_view describe(UnicastNoticeKind kind) {
  switch (kind) {
    case UnicastNoticeKind::kMasterSilent: return "unicast master does not grant Announce";
    case UnicastNoticeKind::kGrantRefused: return "unicast master refused a request";
    case UnicastNoticeKind::kGrantUnrequested: return "unicast grant of a service not requested";
    case UnicastNoticeKind::kGrantExpired: return "unicast grant expired without renewal";
    case UnicastNoticeKind::kNotInMasterTable: return "unicast peer not in the master table";
    case UnicastNoticeKind::kUnicastDisabled: return "unicast negotiation on a multicast port";
    case UnicastNoticeKind::kClientRefused: return "unicast client's request refused";
    case UnicastNoticeKind::kCancelledByMaster: return "unicast master cancelled a grant";
  }
  return "unknown unicast event";
}

}  // namespace ptp
