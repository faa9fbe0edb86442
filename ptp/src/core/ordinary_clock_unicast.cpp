// OrdinaryClock's unicast negotiation (IEEE 1588-2019 16.1), both roles.
//
// Grantee (a unicast master table): every 2^logQueryInterval s each master that has not granted
// Announce is asked for it; the masters that grant send unicast Announces, which the BMCA
// weighs like any others. The master that becomes parent is asked for Sync (and Delay_Resp on
// an E2E port); a master that stops being parent has those cancelled. Every grant is renewed
// at 3/4 of its duration (as ptp4l); a grant that lapses sends the master back to querying.
//
// Grantor (unicast_listen): up to max_clients clients, each granted Announce, Sync and
// Delay_Resp at the interval it asked for (2^-7..2^10 s); anything else, and any client beyond
// the limit, gets a zero-duration grant. While MASTER, each client gets its Announces and
// Syncs (and Follow_Ups) unicast at its own interval; Delay_Reqs are answered unicast.
#include <algorithm>
#include <array>

#include "log_interval.h"
#include "ptp/core/ordinary_clock.h"
#include "ptp/overloaded.h"

namespace ptp {
namespace {

using core_detail::log_interval_duration;

constexpr std::int8_t kUnspecifiedLogInterval = 0x7F;
// The fastest a grantor serves a client (ptp4l's clients ask for at most 2^-7 s too).
constexpr std::int8_t kFastestGrantedLogInterval = -7;
constexpr std::int8_t kSlowestGrantedLogInterval = 10;
// Queries without any answer before a master is reported silent.
constexpr std::uint32_t kSilentAfterQueries = 3;
// Room an event keeps in its action list for what follows a batch of unicast sends.
constexpr std::size_t kActionReserve = 4;
// The most negotiation TLVs one Signaling carries (6 GRANTs: 116 of kMaxPortMessageLength's
// 128 octets).
constexpr std::size_t kMaxTlvsPerSignaling = 6;

constexpr PortIdentity kAllPorts{ClockIdentity{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
                                 PortIdentity::kAllPorts};

Nanoseconds seconds(std::uint32_t value) {
  return Nanoseconds(static_cast<std::int64_t>(value) * kNanosecondsPerSecond);
}

Nanoseconds later(Nanoseconds now, Nanoseconds interval) {
  return now.checked_add(interval).value_or(Nanoseconds::max());
}

// A small list of TLVs for one Signaling.
struct TlvBatch {
  std::array<wire::UnicastNegotiationTlv, kMaxTlvsPerSignaling> items{};
  std::size_t size = 0;
  void push(const wire::UnicastNegotiationTlv& tlv) {
    if (size < items.size()) items[size++] = tlv;
  }
  [[nodiscard]] std::span<const wire::UnicastNegotiationTlv> view() const {
    return std::span<const wire::UnicastNegotiationTlv>(items).first(size);
  }
};

bool has_room(const PortActions& out) {
  return out.size() + kActionReserve <= PortActions::kCapacity;
}

}  // namespace

// ---- Shared --------------------------------------------------------------------------------

void OrdinaryClock::start_unicast(Nanoseconds now, PortActions& out) {
  if (config_.unicast.has_master_table() && !unicast_query_running_) {
    unicast_query_running_ = true;
    unicast_query_cursor_ = 0;
    out.push(ArmTimer{PortTimer::kUnicastQuery, now});  // the first queries go out at once
  }
}

void OrdinaryClock::reset_unicast() {
  unicast_query_running_ = false;
  unicast_query_cursor_ = 0;
  for (std::size_t i = 0; i < config_.unicast.master_count; ++i) {
    UnicastMaster& master = unicast_masters_[i];
    const std::uint16_t notices_given = master.notices_given;
    master = UnicastMaster{};
    master.address = config_.unicast.masters[i];
    master.notices_given = notices_given;
  }
  unicast_clients_.clear();
}

void OrdinaryClock::notice(UnicastNoticeKind kind, const PeerAddress& peer,
                           std::optional<UnicastService> service, std::uint16_t& given,
                           PortActions& out) {
  const auto bit = static_cast<std::uint16_t>(1U << static_cast<unsigned>(kind));
  if ((given & bit) != 0) return;
  given = static_cast<std::uint16_t>(given | bit);
  out.push(UnicastNotice{kind, peer, service});
}

UnicastMaster* OrdinaryClock::unicast_master_at(const PeerAddress& address) {
  for (std::size_t i = 0; i < config_.unicast.master_count; ++i) {
    if (unicast_masters_[i].address == address) return &unicast_masters_[i];
  }
  return nullptr;
}

const UnicastMaster* OrdinaryClock::selected_unicast_master() const {
  for (const UnicastMaster& master : unicast_masters()) {
    if (master.selected()) return &master;
  }
  return nullptr;
}

void OrdinaryClock::send_signaling(const PeerAddress& to, const PortIdentity& target,
                                   std::span<const wire::UnicastNegotiationTlv> tlvs,
                                   PortActions& out) {
  if (tlvs.empty()) return;
  std::array<std::byte, kMaxPortMessageLength> area{};
  wire::TlvWriter writer(area);
  for (const wire::UnicastNegotiationTlv& tlv : tlvs) {
    if (!wire::append_unicast_negotiation_tlv(writer, tlv)) {
      ++counters_.faults;  // kMaxTlvsPerSignaling keeps every batch within the buffer
      return;
    }
  }
  wire::Header header =
      make_header(wire::MessageType::kSignaling, signaling_sequence_id_++, kUnspecifiedLogInterval);
  header.flags.set(wire::HeaderFlags::kUnicast);
  send(wire::Message{header, wire::Signaling{target}, writer.written()}, MessageChannel::kGeneral,
       to, std::nullopt, out);
}

void OrdinaryClock::handle_signaling(const wire::Message& message, const ReceivedMessage& received,
                                     Nanoseconds now, PortActions& out) {
  const auto& signaling = std::get<wire::Signaling>(message.body);
  bool negotiation = false;
  for (const wire::TlvView view : message.tlv_list()) {
    negotiation = negotiation || wire::is_unicast_negotiation(view.type);
  }
  if (!negotiation) {
    drop(DropReason::kUnsupported);
    return;
  }
  if (!unicast_enabled()) {
    drop(DropReason::kUnicastDisabled);
    notice(UnicastNoticeKind::kUnicastDisabled, received.source, std::nullopt,
           unicast_notices_given_, out);
    return;
  }
  const PortIdentity& target = signaling.target_port_identity;
  if (target != kAllPorts && target != port_ds_.port_identity) {
    drop(DropReason::kNotForUs);
    return;
  }
  UnicastMaster* const master = unicast_master_at(received.source);
  TlvBatch replies;
  bool stranger = false;
  for (const wire::TlvView view : message.tlv_list()) {
    if (!wire::is_unicast_negotiation(view.type)) continue;
    const auto tlv = wire::decode_unicast_negotiation_tlv(view);
    if (!tlv) {
      drop(DropReason::kMalformed);
      return;
    }
    std::visit(
        Overloaded{
            [&](const wire::RequestUnicastTransmissionTlv& request) {
              // Beyond what one reply carries, a request is neither granted nor answered.
              if (!config_.unicast.listen || replies.size == replies.items.size()) {
                ++counters_.unicast_tlvs_ignored;
                return;
              }
              replies.push(answer_request(request, message, received, now, out));
            },
            [&](const wire::GrantUnicastTransmissionTlv& grant) {
              if (master == nullptr) {
                stranger = true;
                return;
              }
              if (handle_grant(*master, grant, message, now, out)) {
                replies.push(wire::CancelUnicastTransmissionTlv{grant.message_type, false, false});
              }
            },
            [&](const wire::CancelUnicastTransmissionTlv& cancel) {
              if (handle_cancel(master, cancel, received.source, out)) {
                replies.push(wire::AcknowledgeCancelUnicastTransmissionTlv{
                    cancel.message_type, cancel.maintain_request, cancel.maintain_grant});
              }
            },
            [&](const wire::AcknowledgeCancelUnicastTransmissionTlv&) {
              // The answer to a CANCEL of ours; the grant already ended when we sent it.
            },
        },
        *tlv);
  }
  unicast_clients_.remove_idle();
  if (stranger) {
    drop(DropReason::kNotInMasterTable);
    notice(UnicastNoticeKind::kNotInMasterTable, received.source, std::nullopt,
           unicast_notices_given_, out);
  }
  send_signaling(received.source, message.header.source_port_identity, replies.view(), out);
  arm_unicast_transmit(now, out);
}

// ---- Grantee -------------------------------------------------------------------------------

bool OrdinaryClock::handle_cancel(UnicastMaster* master,
                                  const wire::CancelUnicastTransmissionTlv& cancel,
                                  const PeerAddress& source, PortActions& out) {
  const auto service = unicast_service_of(cancel.message_type);
  if (master != nullptr && service) {
    // The grantor withdrew a grant (16.1.2.3): acknowledge, and ask again on the next tick.
    if (cancel.maintain_grant) return false;
    ++counters_.unicast_cancels_received;
    notice(UnicastNoticeKind::kCancelledByMaster, master->address, service, master->notices_given,
           out);
    master->grant(*service).active = false;
    if (*service == UnicastService::kAnnounce) {
      master->stage = UnicastMasterStage::kQuerying;
    } else if (master->stage == UnicastMasterStage::kSynchronizing) {
      master->stage = UnicastMasterStage::kRequestingSync;
    }
    return true;
  }
  if (UnicastClient* client = unicast_clients_.find(source); client != nullptr && service) {
    // A client no longer wants a service: stop serving it.
    if (!cancel.maintain_request) client->grant(*service).active = false;
    return true;
  }
  ++counters_.unicast_tlvs_ignored;
  return false;
}

bool OrdinaryClock::handle_grant(UnicastMaster& master,
                                 const wire::GrantUnicastTransmissionTlv& grant,
                                 const wire::Message& message, Nanoseconds now, PortActions& out) {
  const auto service = unicast_service_of(grant.message_type);
  const bool requested =
      service && (*service == UnicastService::kAnnounce ||
                  (master.selected() && (*service == UnicastService::kSync || !peer_to_peer())));
  if (!requested) {
    ++counters_.unicast_grants_unrequested;
    notice(UnicastNoticeKind::kGrantUnrequested, master.address, service, master.notices_given,
           out);
    // A live grant of a service we know but no longer want (the request went out just before
    // another master became the parent): cancel it, or the grantor serves it until it expires.
    return service.has_value() && grant.duration_seconds != 0;
  }
  master.queries_unanswered = 0;
  if (grant.duration_seconds == 0) {
    // A refusal (16.1.4.2.5): back to asking for Announce on the next ticks, as ptp4l does.
    ++counters_.unicast_grants_refused;
    notice(UnicastNoticeKind::kGrantRefused, master.address, service, master.notices_given, out);
    master.grant(*service).active = false;
    if (*service == UnicastService::kAnnounce) master.stage = UnicastMasterStage::kQuerying;
    return false;
  }
  UnicastGrant& held = master.grant(*service);
  held.active = true;
  held.log_interval = grant.log_inter_message_period;
  held.expires_at = later(now, seconds(grant.duration_seconds));
  master.port_identity = message.header.source_port_identity;
  const Nanoseconds renewal = later(now, seconds(grant.duration_seconds / 4 * 3));
  master.renew_at = master.renew_at ? std::min(*master.renew_at, renewal) : renewal;
  if (*service == UnicastService::kDelayResp &&
      grant.log_inter_message_period >= kFastestGrantedLogInterval &&
      grant.log_inter_message_period <= kSlowestGrantedLogInterval) {
    // Delay_Reqs go no faster than the grantor agreed to answer them.
    port_ds_.log_min_delay_req_interval = grant.log_inter_message_period;
  }
  if (master.stage == UnicastMasterStage::kQuerying && *service == UnicastService::kAnnounce) {
    master.stage = UnicastMasterStage::kAnnounced;
  }
  if (master.stage == UnicastMasterStage::kRequestingSync &&
      master.grant(UnicastService::kSync).active &&
      (peer_to_peer() || master.grant(UnicastService::kDelayResp).active)) {
    master.stage = UnicastMasterStage::kSynchronizing;
  }
  return false;
}

void OrdinaryClock::reconcile_unicast_master(UnicastMaster& master, bool tick, Nanoseconds now,
                                             PortActions& out) {
  TlvBatch requests;
  const auto request = [&](UnicastService service, std::int8_t log_interval) {
    requests.push(wire::RequestUnicastTransmissionTlv{message_type_of(service), log_interval,
                                                      config_.unicast.request_duration_seconds});
  };
  if (tick) {
    for (UnicastGrant& grant : master.grants) {
      if (grant.active && grant.expires_at <= now) {
        grant.active = false;
        ++counters_.unicast_grants_expired;
        notice(UnicastNoticeKind::kGrantExpired, master.address, std::nullopt, master.notices_given,
               out);
      }
    }
  }
  if (!master.grant(UnicastService::kAnnounce).active) {
    master.stage = UnicastMasterStage::kQuerying;
  }
  const bool parent = following_master() && master.port_identity &&
                      *master.port_identity == clock_ds_.parent.parent_port_identity &&
                      master.stage != UnicastMasterStage::kQuerying;
  const bool renew = tick && master.renew_at && *master.renew_at <= now;
  if (renew) master.renew_at.reset();
  if (master.stage == UnicastMasterStage::kQuerying) {
    if (!tick) return;
    if (master.queries_unanswered > 0) ++counters_.unicast_queries_unanswered;
    if (++master.queries_unanswered > kSilentAfterQueries) {
      notice(UnicastNoticeKind::kMasterSilent, master.address, UnicastService::kAnnounce,
             master.notices_given, out);
    }
    request(UnicastService::kAnnounce, port_ds_.log_announce_interval);
  } else if (parent) {
    if (!master.selected()) master.stage = UnicastMasterStage::kRequestingSync;
    if (renew) request(UnicastService::kAnnounce, port_ds_.log_announce_interval);
    if (renew || !master.grant(UnicastService::kSync).active) {
      request(UnicastService::kSync, port_ds_.log_sync_interval);
    }
    if (!peer_to_peer() && (renew || !master.grant(UnicastService::kDelayResp).active)) {
      request(UnicastService::kDelayResp, config_.log_min_delay_req_interval);
    }
  } else {
    // Not (or no longer) the parent: its Sync and Delay_Resp are not needed (16.1.2.3).
    for (const UnicastService service : {UnicastService::kSync, UnicastService::kDelayResp}) {
      if (master.grant(service).active) {
        master.grant(service).active = false;
        requests.push(wire::CancelUnicastTransmissionTlv{message_type_of(service), false, false});
      }
    }
    master.stage = UnicastMasterStage::kAnnounced;
    if (renew) request(UnicastService::kAnnounce, port_ds_.log_announce_interval);
  }
  send_signaling(master.address, master.port_identity.value_or(kAllPorts), requests.view(), out);
}

void OrdinaryClock::handle_unicast_query(Nanoseconds now, PortActions& out) {
  const std::size_t count = config_.unicast.master_count;
  while (unicast_query_cursor_ < count) {
    if (!has_room(out)) {
      out.push(ArmTimer{PortTimer::kUnicastQuery, now});  // the rest in the next event
      return;
    }
    reconcile_unicast_master(unicast_masters_[unicast_query_cursor_++], true, now, out);
  }
  unicast_query_cursor_ = 0;
  Nanoseconds next = later(now, log_interval_duration(config_.unicast.log_query_interval));
  for (const UnicastMaster& master : unicast_masters()) {
    if (master.renew_at) next = std::min(next, std::max(*master.renew_at, now));
  }
  out.push(ArmTimer{PortTimer::kUnicastQuery, next});
}

void OrdinaryClock::update_unicast_selection(Nanoseconds now, PortActions& out) {
  if (!config_.unicast.has_master_table() || !unicast_query_running_) return;
  for (std::size_t i = 0; i < config_.unicast.master_count; ++i) {
    UnicastMaster& master = unicast_masters_[i];
    const bool parent = following_master() && master.port_identity &&
                        *master.port_identity == clock_ds_.parent.parent_port_identity &&
                        master.stage != UnicastMasterStage::kQuerying;
    if (parent != master.selected()) reconcile_unicast_master(master, false, now, out);
  }
}

// ---- Grantor -------------------------------------------------------------------------------

wire::GrantUnicastTransmissionTlv OrdinaryClock::answer_request(
    const wire::RequestUnicastTransmissionTlv& request, const wire::Message& message,
    const ReceivedMessage& received, Nanoseconds now, PortActions& out) {
  wire::GrantUnicastTransmissionTlv answer{request.message_type, request.log_inter_message_period,
                                           0, false};
  const auto service = unicast_service_of(request.message_type);
  const bool servable = service && !(*service == UnicastService::kDelayResp && peer_to_peer()) &&
                        request.log_inter_message_period >= kFastestGrantedLogInterval &&
                        request.log_inter_message_period <= kSlowestGrantedLogInterval &&
                        request.duration_seconds != 0;
  UnicastClient* client = nullptr;
  if (servable) {
    client = unicast_clients_.find(received.source);
    if (client == nullptr) {
      client = unicast_clients_.add(received.source, message.header.source_port_identity);
    }
  }
  if (client == nullptr) {
    ++counters_.unicast_requests_refused;
    notice(UnicastNoticeKind::kClientRefused, received.source, service, unicast_notices_given_,
           out);
    return answer;
  }
  client->port_identity = message.header.source_port_identity;
  UnicastGrant& grant = client->grant(*service);
  const bool fresh = !grant.active || grant.log_interval != request.log_inter_message_period;
  grant.active = true;
  grant.log_interval = request.log_inter_message_period;
  grant.expires_at = later(now, seconds(request.duration_seconds));
  if (fresh && *service == UnicastService::kAnnounce) client->next_announce = now;
  if (fresh && *service == UnicastService::kSync) client->next_sync = now;
  ++counters_.unicast_grants_given;
  answer.duration_seconds = request.duration_seconds;
  answer.renewal_invited = true;
  return answer;
}

void OrdinaryClock::arm_unicast_transmit(Nanoseconds now, PortActions& out) {
  if (!config_.unicast.listen) return;
  std::optional<Nanoseconds> next;
  const auto consider = [&](Nanoseconds at) { next = next ? std::min(*next, at) : at; };
  for (const UnicastClient& client : unicast_clients_) {
    for (const UnicastGrant& grant : client.grants) {
      if (grant.active) consider(grant.expires_at);
    }
    if (port_ds_.port_state != PortState::kMaster) continue;
    if (client.grant(UnicastService::kAnnounce).active) consider(client.next_announce);
    if (client.grant(UnicastService::kSync).active) consider(client.next_sync);
  }
  if (next) {
    out.push(ArmTimer{PortTimer::kUnicastTransmit, std::max(*next, now)});
  } else {
    out.push(CancelTimer{PortTimer::kUnicastTransmit});
  }
}

void OrdinaryClock::handle_unicast_transmit(Nanoseconds now, PortActions& out) {
  counters_.unicast_client_grants_expired += unicast_clients_.expire(now);
  if (port_ds_.port_state == PortState::kMaster) {
    for (UnicastClient& client : unicast_clients_) {
      const UnicastGrant& announce = client.grant(UnicastService::kAnnounce);
      if (announce.active && client.next_announce <= now && has_room(out)) {
        send_unicast_announce(client, out);
        client.next_announce = std::max(
            later(client.next_announce, log_interval_duration(announce.log_interval)), now);
      }
      const UnicastGrant& sync = client.grant(UnicastService::kSync);
      if (sync.active && client.next_sync <= now && has_room(out)) {
        send_unicast_sync(client, out);
        client.next_sync =
            std::max(later(client.next_sync, log_interval_duration(sync.log_interval)), now);
      }
    }
  }
  // A client whose message is still due (no room in this event) makes the timer fire at once.
  arm_unicast_transmit(now, out);
}

void OrdinaryClock::send_unicast_announce(UnicastClient& client, PortActions& out) {
  wire::Message message = announce_message(client.announce_sequence_id++,
                                           client.grant(UnicastService::kAnnounce).log_interval);
  message.header.flags.set(wire::HeaderFlags::kUnicast);
  send(message, MessageChannel::kGeneral, client.address, std::nullopt, out);
}

void OrdinaryClock::send_unicast_sync(UnicastClient& client, PortActions& out) {
  if (client.pending_sync) ++counters_.follow_ups_not_sent;
  const std::uint16_t sequence_id = client.sync_sequence_id++;
  wire::Header header = make_header(wire::MessageType::kSync, sequence_id,
                                    client.grant(UnicastService::kSync).log_interval);
  header.flags.set(wire::HeaderFlags::kTwoStep).set(wire::HeaderFlags::kUnicast);
  const TxTimestampId id = next_timestamp_id();
  client.pending_sync = UnicastClient::PendingSync{sequence_id, id.value};
  send(wire::Message{header, wire::Sync{}, {}}, MessageChannel::kEvent, client.address, id, out);
}

bool OrdinaryClock::handle_unicast_sync_tx_timestamp(TxTimestampId id, Nanoseconds transmit_time,
                                                     PortActions& out) {
  for (UnicastClient& client : unicast_clients_) {
    if (!client.pending_sync || client.pending_sync->timestamp_id != id.value) continue;
    const std::uint16_t sequence_id = client.pending_sync->sequence_id;
    client.pending_sync.reset();
    const auto origin = Timestamp::from_nanoseconds(transmit_time);
    if (port_ds_.port_state != PortState::kMaster || !origin) {
      ++counters_.follow_ups_not_sent;
      return true;
    }
    wire::Header header = make_header(wire::MessageType::kFollowUp, sequence_id,
                                      client.grant(UnicastService::kSync).log_interval);
    header.flags.set(wire::HeaderFlags::kUnicast);
    send(wire::Message{header, wire::FollowUp{origin.value()}, {}}, MessageChannel::kGeneral,
         client.address, std::nullopt, out);
    return true;
  }
  return false;
}

bool OrdinaryClock::handle_unicast_sync_tx_timestamp_lost(TxTimestampId id) {
  for (UnicastClient& client : unicast_clients_) {
    if (client.pending_sync && client.pending_sync->timestamp_id == id.value) {
      client.pending_sync.reset();
      ++counters_.follow_ups_not_sent;
      return true;
    }
  }
  return false;
}

}  // namespace ptp
