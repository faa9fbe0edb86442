// OrdinaryClock as a slave (UNCALIBRATED or SLAVE): matching Sync with Follow_Up in either
// arrival order, Delay_Req on a randomised interval, Delay_Resp matching, the offset and mean
// path delay of 11.3, and turning the servo's decision into clock actions and state events.
//
//   t1 = the Sync's origin (Follow_Up's preciseOriginTimestamp, or a one-step Sync's own),
//   t2 = the Sync's receive time, t3 = the Delay_Req's transmit time, t4 = its receive time at
//   the master (from the Delay_Resp), c_s = the Sync's + Follow_Up's correctionField, c_d = the
//   Delay_Resp's:
//   meanPathDelay    = ((t2 - t3) + (t4 - t1) - c_s - c_d) / 2          (11.3.3)
//   offsetFromMaster = t2 - t1 - c_s - meanPathDelay                    (11.3.2)
#include <variant>

#include "log_interval.h"
#include "ptp/core/ordinary_clock.h"
#include "ptp/portability.h"

namespace ptp {
namespace {

// a - b - c with every step checked.
std::optional<Nanoseconds> difference(Nanoseconds a, Nanoseconds b, Nanoseconds c) {
  const auto ab = a.checked_sub(b);
  if (!ab) return std::nullopt;
  return ab->checked_sub(c);
}

std::optional<Nanoseconds> to_nanoseconds(const Timestamp& timestamp) {
  const auto value = timestamp.to_nanoseconds();
  if (!value) return std::nullopt;
  return value.value();
}

std::optional<TimeInterval> sum(TimeInterval a, TimeInterval b) {
  if (a.is_too_big() || b.is_too_big()) return std::nullopt;
  const auto total = checked_add(a.scaled(), b.scaled());
  if (!total) return std::nullopt;
  return TimeInterval::from_scaled(*total);
}

TimeInterval to_time_interval(Nanoseconds value) {
  const auto interval = TimeInterval::from_nanoseconds(value);
  return interval.has_value() ? interval.value() : TimeInterval::too_big();
}

constexpr std::int8_t kUnspecifiedLogInterval = 0x7F;

}  // namespace

std::optional<Nanoseconds> OrdinaryClock::path_delay_estimate() const {
  return peer_to_peer() ? peer_delay_.mean_link_delay() : delay_filter_.estimate();
}

bool OrdinaryClock::following_master() const {
  return port_ds_.port_state == PortState::kUncalibrated ||
         port_ds_.port_state == PortState::kSlave;
}

bool OrdinaryClock::accept_from_parent(const wire::Message& message) {
  if (!following_master()) {
    drop(DropReason::kWrongState);
    return false;
  }
  if (message.header.source_port_identity != clock_ds_.parent.parent_port_identity) {
    drop(DropReason::kNotFromParent);
    return false;
  }
  return true;
}

Nanoseconds OrdinaryClock::sync_interval_of(std::int8_t log_message_interval) const {
  const std::int8_t interval = (log_message_interval == kUnspecifiedLogInterval ||
                                log_message_interval < -10 || log_message_interval > 10)
                                   ? port_ds_.log_sync_interval
                                   : log_message_interval;
  return core_detail::log_interval_duration(interval);
}

void OrdinaryClock::expire_pending(Nanoseconds now) {
  const auto expired = [now](const auto& pending) { return pending.expires_at <= now; };
  pending_syncs_.remove_if(expired, [this](const PendingSync&) {
    drop(DropReason::kUnmatchedSequence);
    ++counters_.syncs_expired;
  });
  pending_follow_ups_.remove_if(expired, [this](const PendingFollowUp&) {
    drop(DropReason::kUnmatchedSequence);
    ++counters_.follow_ups_expired;
  });
  pending_delay_requests_.remove_if(expired, [this](const PendingDelayRequest& request) {
    // A Delay_Resp that came but never met its transmit timestamp was received for nothing.
    if (request.receive_time) drop(DropReason::kUnmatchedSequence);
    ++counters_.delay_requests_unanswered;
  });
}

void OrdinaryClock::handle_sync(const wire::Message& message, const ReceivedMessage& received,
                                Nanoseconds now, PortActions& out) {
  if (!accept_from_parent(message)) return;
  if (!received.receive_time) {
    drop(DropReason::kNoReceiveTimestamp);
    return;
  }
  if (message.header.correction_field.is_too_big()) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  master_address_ = received.source;
  expire_pending(now);
  const std::int8_t log_interval = message.header.log_message_interval;
  if (!message.header.flags.two_step()) {
    const auto origin = to_nanoseconds(std::get<wire::Sync>(message.body).origin_timestamp);
    if (!origin) {
      drop(DropReason::kBadTimestamp);
      return;
    }
    complete_sync(SyncExchange{*origin, *received.receive_time, message.header.correction_field,
                               received.timestamp_kind, now},
                  log_interval, now, out);
    return;
  }
  const Nanoseconds age_limit{sync_interval_of(log_interval).count() * kPendingAgeLimitIntervals};
  const PendingSync sync{message.header.source_port_identity,
                         message.header.sequence_id,
                         message.header.flags.unicast(),
                         *received.receive_time,
                         message.header.correction_field,
                         log_interval,
                         received.timestamp_kind,
                         now.checked_add(age_limit).value_or(Nanoseconds::max()),
                         now};
  const auto same_exchange = [&sync](const auto& pending) {
    return pending.sequence_id == sync.sequence_id && pending.source == sync.source &&
           pending.unicast == sync.unicast;
  };
  if (const auto follow_up = pending_follow_ups_.take(same_exchange)) {
    pair_sync(sync, *follow_up, now, out);  // the Follow_Up overtook its Sync
    return;
  }
  // A repeated sequenceId: the earlier Sync can no longer be told from this one.
  if (pending_syncs_.take(same_exchange)) drop(DropReason::kUnmatchedSequence);
  if (pending_syncs_.insert(sync)) {
    drop(DropReason::kUnmatchedSequence);  // the oldest waited in vain for its Follow_Up
    ++counters_.syncs_evicted;
  }
}

void OrdinaryClock::handle_follow_up(const wire::Message& message, Nanoseconds now,
                                     PortActions& out) {
  if (!accept_from_parent(message)) return;
  const auto origin =
      to_nanoseconds(std::get<wire::FollowUp>(message.body).precise_origin_timestamp);
  if (!origin || message.header.correction_field.is_too_big()) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  expire_pending(now);
  const Nanoseconds age_limit{sync_interval_of(message.header.log_message_interval).count() *
                              kPendingAgeLimitIntervals};
  const PendingFollowUp follow_up{
      message.header.source_port_identity, message.header.sequence_id,
      message.header.flags.unicast(),      *origin,
      message.header.correction_field,     now.checked_add(age_limit).value_or(Nanoseconds::max())};
  const auto same_exchange = [&follow_up](const auto& pending) {
    return pending.sequence_id == follow_up.sequence_id && pending.source == follow_up.source &&
           pending.unicast == follow_up.unicast;
  };
  if (const auto sync = pending_syncs_.take(same_exchange)) {
    pair_sync(*sync, follow_up, now, out);
    return;
  }
  // Perhaps its Sync is still on the way: wait for it.
  if (pending_follow_ups_.take(same_exchange)) drop(DropReason::kUnmatchedSequence);
  if (pending_follow_ups_.insert(follow_up)) {
    drop(DropReason::kUnmatchedSequence);  // the oldest waited in vain for its Sync
    ++counters_.follow_ups_evicted;
  }
}

void OrdinaryClock::pair_sync(const PendingSync& sync, const PendingFollowUp& follow_up,
                              Nanoseconds now, PortActions& out) {
  const auto correction = sum(sync.correction, follow_up.correction);
  if (!correction) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  complete_sync(SyncExchange{follow_up.origin_time, sync.receive_time, *correction,
                             sync.timestamp_kind, sync.received_at},
                sync.log_interval, now, out);
}

void OrdinaryClock::complete_sync(const SyncExchange& exchange, std::int8_t log_interval,
                                  Nanoseconds now, PortActions& out) {
  // A late Follow_Up may complete an older Sync after a newer one: the newest stays the one
  // Delay_Resps pair with.
  if (!last_sync_ || exchange.receive_time >= last_sync_->receive_time) last_sync_ = exchange;
  const auto mean_path_delay = path_delay_estimate();
  if (!mean_path_delay) return;  // no offset without a delay; the first Delay_Resp brings one
  if (peer_to_peer() && !peer_delay_.capable()) {
    ++counters_.measurements_not_capable;  // a link beyond neighborPropDelayThresh
    return;
  }
  const auto offset =
      difference(exchange.receive_time, exchange.origin_time, exchange.correction.to_nanoseconds());
  const auto offset_from_master = offset ? offset->checked_sub(*mean_path_delay) : std::nullopt;
  if (!offset_from_master) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  ++counters_.measurements;
  clock_ds_.current.offset_from_master = to_time_interval(*offset_from_master);
  clock_ds_.current.mean_path_delay = to_time_interval(*mean_path_delay);

  // The frequency reported is the decision's, or the servo's estimate where there is none
  // (free_running, s0): asked only then, as a servo's hold-over estimate may cost a fit.
  OffsetMeasured measured{*offset_from_master,          *mean_path_delay,
                          servo::ServoState::kUnlocked, 0.0,
                          exchange.receive_time,        exchange.timestamp_kind};
  if (config_.free_running) {
    // Measure and report, never touch the clock; the port still reaches SLAVE so that its
    // measurements are those of a synchronized slave.
    measured.frequency_ppb = servo_->frequency_ppb();
    out.push(measured);
    if (port_ds_.port_state == PortState::kUncalibrated) {
      dispatch(PortEvent::kMasterClockSelected, false, now, out);
    }
    return;
  }

  servo_->set_sync_interval(sync_interval_of(log_interval));
  const servo::ServoDecision decision = servo_->sample_measurement(servo::ServoSample{
      *offset_from_master, exchange.receive_time, exchange.timestamp_kind, *mean_path_delay,
      unsampled_delay_request_, now.checked_sub(exchange.received_at).value_or(Nanoseconds(0))});
  unsampled_delay_request_.reset();
  measured.servo_state = decision.state;
  measured.frequency_ppb = decision.frequency_ppb;
  switch (decision.state) {
    case servo::ServoState::kUnlocked:
      measured.frequency_ppb = servo_->frequency_ppb();  // the decision's is not meaningful
      out.push(measured);
      if (port_ds_.port_state == PortState::kSlave) {
        dispatch(PortEvent::kSynchronizationFault, false, now, out);
      }
      break;
    case servo::ServoState::kJump:
      if (decision.step) {
        out.push(StepClock{*decision.step});
        ++counters_.clock_steps;
      }
      out.push(SetClockFrequency{decision.frequency_ppb});
      frequency_steered_ = true;
      out.push(measured);
      // Every timestamp taken before the step is on the old timescale.
      forget_measurements();
      peer_delay_.discard_exchange();
      if (port_ds_.port_state == PortState::kSlave) {
        dispatch(PortEvent::kSynchronizationFault, false, now, out);
      }
      break;
    case servo::ServoState::kLocked:
    case servo::ServoState::kLockedStable:
      out.push(SetClockFrequency{decision.frequency_ppb});
      frequency_steered_ = true;
      out.push(measured);
      if (port_ds_.port_state == PortState::kUncalibrated) {
        dispatch(PortEvent::kMasterClockSelected, false, now, out);
      }
      break;
  }
}

void OrdinaryClock::send_delay_request(Nanoseconds now, PortActions& out) {
  expire_pending(now);
  const std::uint16_t sequence_id = delay_request_sequence_id_++;
  wire::Header header =
      make_header(wire::MessageType::kDelayReq, sequence_id, kUnspecifiedLogInterval);
  std::optional<PeerAddress> destination;
  if (const UnicastMaster* master = selected_unicast_master()) {
    // A unicast master table's parent answers Delay_Reqs unicast (16.1).
    header.flags.set(wire::HeaderFlags::kUnicast);
    destination = master->address;
  } else if (config_.hybrid_e2e && master_address_) {
    header.flags.set(wire::HeaderFlags::kUnicast);
    destination = master_address_;
  }
  const TxTimestampId id = next_timestamp_id();
  const Nanoseconds age_limit{
      core_detail::log_interval_duration(port_ds_.log_min_delay_req_interval).count() *
      kPendingAgeLimitIntervals};
  const PendingDelayRequest request{
      sequence_id,  id, std::nullopt,
      std::nullopt, {}, now.checked_add(age_limit).value_or(Nanoseconds::max())};
  if (const auto evicted = pending_delay_requests_.insert(request)) {
    if (evicted->receive_time) drop(DropReason::kUnmatchedSequence);
    ++counters_.delay_requests_unanswered;
    ++counters_.delay_requests_evicted;
  }
  send(wire::Message{header, wire::DelayReq{}, {}}, MessageChannel::kEvent, destination, id, out);
}

void OrdinaryClock::handle_delay_response(const wire::Message& message, Nanoseconds now,
                                          PortActions& out) {
  (void)out;
  if (!following_master()) {
    drop(DropReason::kWrongState);
    return;
  }
  const auto& response = std::get<wire::DelayResp>(message.body);
  if (response.requesting_port_identity != port_ds_.port_identity) {
    drop(DropReason::kNotForUs);
    return;
  }
  if (message.header.source_port_identity != clock_ds_.parent.parent_port_identity) {
    drop(DropReason::kNotFromParent);
    return;
  }
  expire_pending(now);
  const std::uint16_t sequence_id = message.header.sequence_id;
  // Any outstanding request, not only the last one sent: a late reply still pairs with its own
  // request's t3. A second reply to the same request is unmatched.
  PendingDelayRequest* const request =
      pending_delay_requests_.find([sequence_id](const PendingDelayRequest& pending) {
        return pending.sequence_id == sequence_id && !pending.receive_time;
      });
  if (request == nullptr) {
    drop(DropReason::kUnmatchedSequence);
    return;
  }
  const auto receive_time = to_nanoseconds(response.receive_timestamp);
  if (!receive_time || message.header.correction_field.is_too_big()) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  // The master says how often it wants requests (ptp4l follows it too).
  const std::int8_t log_interval = message.header.log_message_interval;
  if (log_interval >= -10 && log_interval <= 10) port_ds_.log_min_delay_req_interval = log_interval;
  request->receive_time = *receive_time;
  request->correction = message.header.correction_field;
  complete_delay_measurement(request->timestamp_id);
}

void OrdinaryClock::complete_delay_measurement(TxTimestampId timestamp_id) {
  const auto request = pending_delay_requests_.take([timestamp_id](const auto& pending) {
    return pending.timestamp_id == timestamp_id && pending.transmit_time && pending.receive_time;
  });
  if (!request) return;     // t3 or t4 still to come
  if (!last_sync_) return;  // a step or a new master voided the Sync it pairs with
  const auto correction = sum(last_sync_->correction, request->correction);
  if (!correction) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  const auto master_to_slave = last_sync_->receive_time.checked_sub(*request->transmit_time);
  const auto slave_to_master = request->receive_time->checked_sub(last_sync_->origin_time);
  if (!master_to_slave || !slave_to_master) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  const auto round_trip = master_to_slave->checked_add(*slave_to_master);
  const auto corrected =
      round_trip ? round_trip->checked_sub(correction->to_nanoseconds()) : std::nullopt;
  if (!corrected) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  (void)delay_filter_.add(Nanoseconds(corrected->count() / 2));
  const auto upstream = request->receive_time->checked_sub(*request->transmit_time);
  const auto raw =
      upstream ? upstream->checked_sub(request->correction.to_nanoseconds()) : std::nullopt;
  if (raw) unsampled_delay_request_ = servo::DelayRequestSample{*request->transmit_time, *raw};
}

}  // namespace ptp
