// OrdinaryClock as a master: Announce and two-step Sync on their intervals, the Follow_Up once
// the Sync's transmit timestamp arrives (in ordinary_clock.cpp, where TX timestamps land), and a
// Delay_Resp to every Delay_Req.
#include "ptp/core/ordinary_clock.h"

namespace ptp {

wire::Message OrdinaryClock::announce_message(std::uint16_t sequence_id,
                                              std::int8_t log_interval) const {
  const TimePropertiesDataSet& time = clock_ds_.time_properties;
  wire::Header header = make_header(wire::MessageType::kAnnounce, sequence_id, log_interval);
  header.flags.set(wire::HeaderFlags::kLeap61, time.leap61)
      .set(wire::HeaderFlags::kLeap59, time.leap59)
      .set(wire::HeaderFlags::kCurrentUtcOffsetValid, time.current_utc_offset_valid)
      .set(wire::HeaderFlags::kPtpTimescale, time.ptp_timescale)
      .set(wire::HeaderFlags::kTimeTraceable, time.time_traceable)
      .set(wire::HeaderFlags::kFrequencyTraceable, time.frequency_traceable);
  wire::Announce announce;
  announce.current_utc_offset = time.current_utc_offset;
  announce.grandmaster_priority1 = clock_ds_.parent.grandmaster_priority1;
  announce.grandmaster_clock_quality = clock_ds_.parent.grandmaster_clock_quality;
  announce.grandmaster_priority2 = clock_ds_.parent.grandmaster_priority2;
  announce.grandmaster_identity = clock_ds_.parent.grandmaster_identity;
  announce.steps_removed = clock_ds_.current.steps_removed;
  announce.time_source = time.time_source;
  return wire::Message{header, announce, {}};
}

void OrdinaryClock::send_announce(PortActions& out) {
  send(announce_message(announce_sequence_id_++, port_ds_.log_announce_interval),
       MessageChannel::kGeneral, std::nullopt, std::nullopt, out);
}

void OrdinaryClock::send_sync(PortActions& out) {
  if (pending_sync_transmit_) {
    // The previous Sync's timestamp never came (nor its loss): that Follow_Up will not be sent.
    ++counters_.follow_ups_not_sent;
  }
  const std::uint16_t sequence_id = sync_sequence_id_++;
  wire::Header header =
      make_header(wire::MessageType::kSync, sequence_id, port_ds_.log_sync_interval);
  header.flags.set(wire::HeaderFlags::kTwoStep);
  // Two-step: the origin timestamp is only an estimate, which the core does not have; the
  // Follow_Up carries the precise one. Zero is what ptp4l sends too.
  const TxTimestampId id = next_timestamp_id();
  pending_sync_transmit_ = PendingSyncTransmit{sequence_id, id};
  send(wire::Message{header, wire::Sync{}, {}}, MessageChannel::kEvent, std::nullopt, id, out);
}

void OrdinaryClock::handle_delay_request(const wire::Message& message,
                                         const ReceivedMessage& received, PortActions& out) {
  if (port_ds_.port_state != PortState::kMaster) {
    drop(DropReason::kNotForUs);  // another slave's request to its master
    return;
  }
  if (!received.receive_time) {
    drop(DropReason::kNoReceiveTimestamp);
    return;
  }
  const auto receive_timestamp = Timestamp::from_nanoseconds(*received.receive_time);
  if (!receive_timestamp) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  // A unicast client is told the interval of its own Delay_Resp grant (16.1).
  std::int8_t log_interval = port_ds_.log_min_delay_req_interval;
  if (const UnicastClient* client = unicast_clients_.find(received.source);
      client != nullptr && client->grant(UnicastService::kDelayResp).active) {
    log_interval = client->grant(UnicastService::kDelayResp).log_interval;
  }
  wire::Header header =
      make_header(wire::MessageType::kDelayResp, message.header.sequence_id, log_interval);
  // A transparent clock's residence time in the request travels back to the slave (11.3.2).
  header.correction_field = message.header.correction_field;
  const bool unicast = message.header.flags.unicast();
  header.flags.set(wire::HeaderFlags::kUnicast, unicast);
  const wire::DelayResp body{receive_timestamp.value(), message.header.source_port_identity};
  send(wire::Message{header, body, {}}, MessageChannel::kGeneral,
       unicast ? std::optional<PeerAddress>(received.source) : std::nullopt, std::nullopt, out);
}

}  // namespace ptp
