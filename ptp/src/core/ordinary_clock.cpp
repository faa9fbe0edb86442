// OrdinaryClock: construction, the event entry points, the port state machine's side effects
// (which timers run in which state), and the plumbing shared by master and slave (headers,
// sending, randomisation). The protocol roles live in ordinary_clock_{bmca,master,slave,
// management}.cpp.
#include "ptp/core/ordinary_clock.h"

#include "log_interval.h"
#include "ptp/core/port_state_machine.h"

namespace ptp {
namespace {

using core_detail::log_interval_duration;

std::uint64_t seed_from(const PortConfig& config) {
  if (config.random_seed != 0) return config.random_seed;
  std::uint64_t seed = 0x9E3779B97F4A7C15ULL;
  for (const auto octet : config.clock_identity.octets) seed = (seed ^ octet) * 0x100000001B3ULL;
  return seed ^ config.port_number;
}

servo::PathDelayFilterConfig delay_filter_config(const PortConfig& config) {
  servo::PathDelayFilterConfig filter;
  filter.length = config.delay_filter_length;
  return filter;
}

PeerDelayConfig peer_delay_config(const PortConfig& config) {
  PeerDelayConfig peer;
  peer.port_identity = PortIdentity{config.clock_identity, config.port_number};
  peer.filter_length = config.delay_filter_length;
  peer.neighbor_prop_delay_thresh = config.neighbor_prop_delay_thresh;
  peer.min_neighbor_prop_delay = config.min_neighbor_prop_delay;
  return peer;
}

ForeignMasterTableConfig foreign_master_config(const PortConfig& config) {
  ForeignMasterTableConfig table;
  table.port_identity = PortIdentity{config.clock_identity, config.port_number};
  // validate() keeps the interval within 2^10 s, where the window cannot overflow.
  const auto window = foreign_master_time_window(config.log_announce_interval);
  table.time_window = window.has_value() ? window.value() : Nanoseconds::max();
  table.max_steps_removed = config.max_steps_removed;
  return table;
}

}  // namespace

OrdinaryClock::OrdinaryClock(const PortConfig& config, servo::Servo& servo)
    : config_(config),
      servo_(&servo),
      default_ds_(ptp::default_data_set(config)),
      port_ds_(ptp::port_data_set(config)),
      foreign_masters_(foreign_master_config(config)),
      delay_filter_(delay_filter_config(config)),
      random_state_(seed_from(config)),
      peer_delay_(peer_delay_config(config)),
      unicast_clients_(config.unicast.max_clients) {
  reset_unicast();
  // Until a decision says otherwise, the clock is its own grandmaster (Table 30's values).
  const auto initial = update_data_sets(DecisionCode::kM2, clock_ds_, default_ds_, std::nullopt,
                                        config_.local_time_properties);
  if (initial.has_value()) clock_ds_ = initial.value();
}

Result<OrdinaryClock, PortConfigError> OrdinaryClock::create(const PortConfig& config,
                                                             servo::Servo& servo) {
  if (auto valid = validate(config); !valid) return unexpected(valid.error());
  return OrdinaryClock(config, servo);
}

void OrdinaryClock::start(Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  enter_state(PortState::kInitializing, now, out);
}

void OrdinaryClock::dispatch(PortEvent event, bool new_parent, Nanoseconds now, PortActions& out) {
  const PortState from = port_ds_.port_state;
  const PortState to =
      next_port_state(from, event, new_parent, PortStateMachineOptions{default_ds_.slave_only});
  if (to == from) {
    // RS_SLAVE towards a new parent while UNCALIBRATED: the old master's samples are void.
    if (new_parent && from == PortState::kUncalibrated) forget_measurements();
    return;
  }
  ++counters_.state_changes;
  out.push(StateChanged{from, to, event});
  const auto follows = [](PortState state) {
    return state == PortState::kUncalibrated || state == PortState::kSlave;
  };
  if (follows(from) && !follows(to)) hold_frequency(out);
  enter_state(to, now, out);
  update_unicast_selection(now, out);
}

void OrdinaryClock::enter_state(PortState state, Nanoseconds now, PortActions& out) {
  port_ds_.port_state = state;
  const auto cancel_all = [&] {
    for (std::size_t timer = 0; timer < kPortTimerCount; ++timer) {
      cancel(static_cast<PortTimer>(timer), out);
    }
    pdelay_timer_running_ = false;
    pending_pdelay_responses_.clear();
    reset_unicast();
  };
  // 11.4: a P2P port measures its link in every state but INITIALIZING, FAULTY and DISABLED,
  // master or slave; the first request goes out at a random point of the first interval.
  if (peer_to_peer() && !pdelay_timer_running_ && state != PortState::kInitializing &&
      state != PortState::kFaulty && state != PortState::kDisabled) {
    arm_pdelay_request(
        now,
        core_detail::fraction_of(log_interval_duration(config_.log_min_pdelay_req_interval),
                                 next_random_fraction()),
        out);
  }
  if (state != PortState::kInitializing && state != PortState::kFaulty &&
      state != PortState::kDisabled) {
    start_unicast(now, out);
  }
  switch (state) {
    case PortState::kInitializing:
      cancel_all();
      foreign_masters_.clear();
      forget_measurements();
      pending_sync_transmit_.reset();
      // INITIALIZING initializes the data sets (9.2.5): after a fault or a disable the clock
      // follows nobody until a new decision, rather than still naming its old parent.
      if (auto own = update_data_sets(DecisionCode::kM2, clock_ds_, default_ds_, std::nullopt,
                                      config_.local_time_properties)) {
        set_clock_data_sets(own.value(), out);
      }
      // A Delay_Resp's logMessageInterval was the old master's wish, not the configuration.
      port_ds_.log_min_delay_req_interval = config_.log_min_delay_req_interval;
      // Initialization has nothing to wait for: the driver opened the sockets before start().
      dispatch(PortEvent::kInitComplete, false, now, out);
      break;
    case PortState::kFaulty:
      cancel_all();
      arm(PortTimer::kFaultReset, now, log_interval_duration(config_.log_fault_reset_interval),
          out);
      break;
    case PortState::kDisabled: cancel_all(); break;
    case PortState::kListening:
    case PortState::kPassive:
      cancel(PortTimer::kAnnounceTransmit, out);
      cancel(PortTimer::kSyncTransmit, out);
      cancel(PortTimer::kDelayRequest, out);
      cancel(PortTimer::kQualification, out);
      forget_measurements();
      arm_announce_receipt(now, out);
      break;
    case PortState::kPreMaster: {
      cancel(PortTimer::kAnnounceReceipt, out);
      cancel(PortTimer::kDelayRequest, out);
      forget_measurements();
      const auto qualification = qualification_timeout_interval(clock_ds_.current.steps_removed,
                                                                port_ds_.log_announce_interval);
      arm(PortTimer::kQualification, now,
          qualification.has_value() ? qualification.value() : Nanoseconds::max(), out);
      break;
    }
    case PortState::kMaster:
      cancel(PortTimer::kAnnounceReceipt, out);
      cancel(PortTimer::kQualification, out);
      cancel(PortTimer::kDelayRequest, out);
      forget_measurements();
      // A new master announces itself at once rather than an interval later: failover is
      // shorter, and slaves hear the new grandmaster before they time out themselves.
      if (!multicast_service_inhibited()) {
        send_announce(out);
        send_sync(out);
        arm(PortTimer::kAnnounceTransmit, now,
            log_interval_duration(port_ds_.log_announce_interval), out);
        arm(PortTimer::kSyncTransmit, now, log_interval_duration(port_ds_.log_sync_interval), out);
      }
      arm_unicast_transmit(now, out);  // clients granted meanwhile are served at once
      break;
    case PortState::kUncalibrated:
      cancel(PortTimer::kAnnounceTransmit, out);
      cancel(PortTimer::kSyncTransmit, out);
      cancel(PortTimer::kQualification, out);
      pending_sync_transmit_.reset();
      forget_measurements();
      arm_announce_receipt(now, out);
      if (!peer_to_peer()) {
        arm(PortTimer::kDelayRequest, now,
            core_detail::fraction_of(log_interval_duration(port_ds_.log_min_delay_req_interval),
                                     next_random_fraction()),
            out);
      }
      break;
    case PortState::kSlave: break;
  }
}

void OrdinaryClock::arm(PortTimer timer, Nanoseconds now, Nanoseconds interval,
                        PortActions& out) const {
  const auto deadline = now.checked_add(interval);
  out.push(ArmTimer{timer, deadline.value_or(Nanoseconds::max())});
}

void OrdinaryClock::arm_announce_receipt(Nanoseconds now, PortActions& out) {
  const auto interval = announce_receipt_timeout_interval(
      port_ds_.announce_receipt_timeout, port_ds_.log_announce_interval, next_random_fraction());
  arm(PortTimer::kAnnounceReceipt, now,
      interval.has_value() ? interval.value() : Nanoseconds::max(), out);
}

void OrdinaryClock::cancel(PortTimer timer, PortActions& out) const {
  out.push(CancelTimer{timer});
}

void OrdinaryClock::forget_measurements() {
  pending_syncs_.clear();
  pending_follow_ups_.clear();
  last_sync_.reset();
  pending_delay_requests_.clear();
  unsampled_delay_request_.reset();
}

void OrdinaryClock::hold_frequency(PortActions& out) {
  // Only a clock the servo has steered holds: free_running never touches it, and a servo that
  // never decided has nothing better than what the clock already runs at.
  if (config_.free_running || !frequency_steered_) return;
  // The last decision included a phase correction meant to last one Sync interval; kept
  // through a gap it would drift the clock by that term all along.
  out.push(SetClockFrequency{servo_->frequency_ppb()});
  frequency_steered_ = false;
  ++counters_.holdovers;
}

double OrdinaryClock::next_random_fraction() {
  // splitmix64: small, fast, and a pure function of the seed.
  random_state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = random_state_;
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  z ^= z >> 31U;
  return static_cast<double>(z >> 11U) * 0x1.0p-53;
}

TxTimestampId OrdinaryClock::next_timestamp_id() { return TxTimestampId{next_timestamp_id_++}; }

wire::Header OrdinaryClock::make_header(wire::MessageType type, std::uint16_t sequence_id,
                                        std::int8_t log_message_interval) const {
  wire::Header header;
  header.major_sdo_id = static_cast<std::uint8_t>((default_ds_.sdo_id >> 8U) & 0x0FU);
  header.minor_sdo_id = static_cast<std::uint8_t>(default_ds_.sdo_id & 0xFFU);
  header.minor_version_ptp = config_.minor_version_ptp;
  header.message_type = type;
  header.domain_number = default_ds_.domain_number;
  header.source_port_identity = port_ds_.port_identity;
  header.sequence_id = sequence_id;
  header.control_field = wire::default_control_field(type);
  header.log_message_interval = log_message_interval;
  return header;
}

void OrdinaryClock::send(const wire::Message& message, MessageChannel channel,
                         std::optional<PeerAddress> unicast_to,
                         std::optional<TxTimestampId> timestamp_id, PortActions& out) {
  SendMessage action;
  action.channel = channel;
  action.unicast_to = unicast_to;
  action.timestamp_id = timestamp_id;
  const wire::MessageType type = message.type();
  if (type == wire::MessageType::kPdelayReq || type == wire::MessageType::kPdelayResp ||
      type == wire::MessageType::kPdelayRespFollowUp) {
    action.group = MulticastGroup::kPeerDelay;
  }
  const auto length = wire::encode_message(message, action.buffer);
  if (!length) {
    // Every message the port builds fits kMaxPortMessageLength; reaching this is a bug, and a
    // fault is the honest outcome rather than a silently missing message.
    ++counters_.faults;
    return;
  }
  action.length = length.value();
  ++counters_.sent[static_cast<std::size_t>(message.type())];
  out.push(action);
}

void OrdinaryClock::handle_message(const ReceivedMessage& received, Nanoseconds now,
                                   PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  const auto decoded = wire::decode_message(received.bytes);
  if (!decoded) {
    drop(DropReason::kMalformed);
    return;
  }
  const wire::Message& message = decoded.value();
  const wire::MessageType type = message.type();
  ++counters_.received[static_cast<std::size_t>(type)];
  // 1588-2019 7.1: the domain is domainNumber and sdoId; like ptp4l (transportSpecific), only
  // majorSdoId is compared, since 1588-2008 peers send the minorSdoId octet as reserved.
  const auto major_sdo_id = static_cast<std::uint8_t>((default_ds_.sdo_id >> 8U) & 0x0FU);
  if (message.header.domain_number != default_ds_.domain_number ||
      message.header.major_sdo_id != major_sdo_id) {
    drop(DropReason::kWrongDomain);
    return;
  }
  // pmc over UDP on this host borrows our identity (linuxptp: MAC-based, port 1); this port
  // never sends management requests, so those are not its own loopback.
  if (message.header.source_port_identity.clock_identity == default_ds_.clock_identity &&
      type != wire::MessageType::kManagement) {
    drop(DropReason::kFromOwnClock);
    return;
  }
  const bool event_message = wire::is_event_message(type);
  if (event_message != (received.channel == MessageChannel::kEvent)) {
    drop(DropReason::kWrongChannel);
    return;
  }
  const PortState state = port_ds_.port_state;
  // 9.2.5: FAULTY and DISABLED ports discard everything but management messages.
  if ((state == PortState::kInitializing || state == PortState::kFaulty ||
       state == PortState::kDisabled) &&
      type != wire::MessageType::kManagement) {
    drop(DropReason::kWrongState);
    return;
  }
  const bool peer_delay_message = type == wire::MessageType::kPdelayReq ||
                                  type == wire::MessageType::kPdelayResp ||
                                  type == wire::MessageType::kPdelayRespFollowUp;
  const bool delay_message =
      type == wire::MessageType::kDelayReq || type == wire::MessageType::kDelayResp;
  if ((peer_delay_message && !peer_to_peer()) || (delay_message && peer_to_peer())) {
    drop(DropReason::kWrongDelayMechanism);
    return;
  }
  // A unicast master table names the masters (16.1, ptp4l): Announces from others are ignored.
  if (type == wire::MessageType::kAnnounce && config_.unicast.has_master_table() &&
      unicast_master_at(received.source) == nullptr) {
    drop(DropReason::kNotInMasterTable);
    notice(UnicastNoticeKind::kNotInMasterTable, received.source, UnicastService::kAnnounce,
           unicast_notices_given_, out);
    return;
  }
  switch (type) {
    case wire::MessageType::kAnnounce: handle_announce(message, now, out); break;
    case wire::MessageType::kSync: handle_sync(message, received, now, out); break;
    case wire::MessageType::kFollowUp: handle_follow_up(message, now, out); break;
    case wire::MessageType::kDelayReq: handle_delay_request(message, received, out); break;
    case wire::MessageType::kDelayResp: handle_delay_response(message, now, out); break;
    case wire::MessageType::kManagement: handle_management(message, received, now, out); break;
    case wire::MessageType::kPdelayReq: handle_pdelay_request(message, received, out); break;
    case wire::MessageType::kPdelayResp: handle_pdelay_response(message, received, now, out); break;
    case wire::MessageType::kPdelayRespFollowUp:
      handle_pdelay_response_follow_up(message, now, out);
      break;
    case wire::MessageType::kSignaling: handle_signaling(message, received, now, out); break;
  }
}

void OrdinaryClock::handle_timer(PortTimer timer, Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  const PortState state = port_ds_.port_state;
  switch (timer) {
    case PortTimer::kAnnounceReceipt:
      if (state == PortState::kListening || state == PortState::kPassive ||
          state == PortState::kUncalibrated || state == PortState::kSlave) {
        handle_announce_receipt_timeout(now, out);
      }
      break;
    case PortTimer::kQualification:
      if (state == PortState::kPreMaster) {
        dispatch(PortEvent::kQualificationTimeoutExpires, false, now, out);
      }
      break;
    case PortTimer::kAnnounceTransmit:
      if (state == PortState::kMaster) {
        send_announce(out);
        arm(PortTimer::kAnnounceTransmit, now,
            log_interval_duration(port_ds_.log_announce_interval), out);
      }
      break;
    case PortTimer::kSyncTransmit:
      if (state == PortState::kMaster) {
        send_sync(out);
        arm(PortTimer::kSyncTransmit, now, log_interval_duration(port_ds_.log_sync_interval), out);
      }
      break;
    case PortTimer::kDelayRequest:
      if (following_master()) {
        send_delay_request(now, out);
        // 9.5.11.2: uniformly random in [0, 2^(logMinDelayReqInterval + 1)) seconds.
        const Nanoseconds span{log_interval_duration(port_ds_.log_min_delay_req_interval).count() *
                               2};
        arm(PortTimer::kDelayRequest, now, core_detail::fraction_of(span, next_random_fraction()),
            out);
      }
      break;
    case PortTimer::kFaultReset:
      if (state == PortState::kFaulty) dispatch(PortEvent::kFaultCleared, false, now, out);
      break;
    case PortTimer::kPdelayRequest:
      if (pdelay_timer_running_) send_pdelay_request(now, out);
      break;
    case PortTimer::kUnicastQuery:
      if (unicast_query_running_) handle_unicast_query(now, out);
      break;
    case PortTimer::kUnicastTransmit:
      if (config_.unicast.listen) handle_unicast_transmit(now, out);
      break;
  }
}

void OrdinaryClock::handle_tx_timestamp(TxTimestampId id, Nanoseconds transmit_time,
                                        Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  if (pending_sync_transmit_ && pending_sync_transmit_->timestamp_id == id) {
    const std::uint16_t sequence_id = pending_sync_transmit_->sequence_id;
    pending_sync_transmit_.reset();
    const auto origin = Timestamp::from_nanoseconds(transmit_time);
    if (port_ds_.port_state != PortState::kMaster || !origin) {
      ++counters_.follow_ups_not_sent;
      return;
    }
    wire::Message follow_up{
        make_header(wire::MessageType::kFollowUp, sequence_id, port_ds_.log_sync_interval),
        wire::FollowUp{origin.value()},
        {}};
    send(follow_up, MessageChannel::kGeneral, std::nullopt, std::nullopt, out);
  } else if (auto* const request = pending_delay_requests_.find([id](const auto& pending) {
               return pending.timestamp_id == id && !pending.transmit_time;
             })) {
    request->transmit_time = transmit_time;
    complete_delay_measurement(id);
  } else if (!handle_pdelay_tx_timestamp(id, transmit_time, out) &&
             !handle_unicast_sync_tx_timestamp(id, transmit_time, out)) {
    // Neither the peer delay mechanism's nor a unicast client's Sync.
    ++counters_.tx_timestamps_unknown;
  }
  (void)now;
}

void OrdinaryClock::handle_tx_timestamp_lost(TxTimestampId id, Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  ++counters_.tx_timestamps_lost;
  if (pending_sync_transmit_ && pending_sync_transmit_->timestamp_id == id) {
    // No Follow_Up rather than a wrong one: slaves skip this Sync.
    pending_sync_transmit_.reset();
    ++counters_.follow_ups_not_sent;
  } else if (const auto request = pending_delay_requests_.take(
                 [id](const auto& pending) { return pending.timestamp_id == id; })) {
    // Its Delay_Resp, if it came, can never complete a measurement.
    if (request->receive_time) drop(DropReason::kUnmatchedSequence);
  } else if (!handle_pdelay_tx_timestamp_lost(id)) {
    (void)handle_unicast_sync_tx_timestamp_lost(id);
  }
  (void)now;
  (void)out;
}

void OrdinaryClock::handle_timestamping_changed(Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  forget_measurements();
  pending_sync_transmit_.reset();
  delay_filter_.reset();
  peer_delay_.reset();
  servo_->reset();
  if (port_ds_.port_state == PortState::kSlave) {
    dispatch(PortEvent::kSynchronizationFault, false, now, out);
  }
}

void OrdinaryClock::handle_fault(Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  ++counters_.faults;
  dispatch(PortEvent::kFaultDetected, false, now, out);
}

void OrdinaryClock::set_enabled(bool enabled, Nanoseconds now, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  dispatch(enabled ? PortEvent::kDesignatedEnabled : PortEvent::kDesignatedDisabled, false, now,
           out);
}

void OrdinaryClock::set_local_ptp_timescale(bool ptp_timescale, PortActions& out) {
  const DroppedActionTally tally(counters_, out);
  config_.local_time_properties.ptp_timescale = ptp_timescale;
  if (clock_ds_.parent.parent_port_identity.clock_identity == default_ds_.clock_identity) {
    ClockDataSets updated = clock_ds_;
    updated.time_properties.ptp_timescale = ptp_timescale;
    set_clock_data_sets(updated, out);
  }
}

void OrdinaryClock::set_clock_data_sets(const ClockDataSets& updated, PortActions& out) {
  const TimePropertiesDataSet& before = clock_ds_.time_properties;
  const TimePropertiesDataSet& after = updated.time_properties;
  const bool timescale_changed = before.ptp_timescale != after.ptp_timescale ||
                                 before.current_utc_offset != after.current_utc_offset ||
                                 before.current_utc_offset_valid != after.current_utc_offset_valid;
  clock_ds_ = updated;
  if (timescale_changed) out.push(TimescaleChanged{clock_ds_.time_properties});
}

std::string_view to_string(PortTimer timer) {
  switch (timer) {
    case PortTimer::kAnnounceReceipt: return "announce_receipt";
    case PortTimer::kQualification: return "qualification";
    case PortTimer::kAnnounceTransmit: return "announce_transmit";
    case PortTimer::kSyncTransmit: return "sync_transmit";
    case PortTimer::kDelayRequest: return "delay_request";
    case PortTimer::kFaultReset: return "fault_reset";
    case PortTimer::kPdelayRequest: return "pdelay_request";
    case PortTimer::kUnicastQuery: return "unicast_query";
    case PortTimer::kUnicastTransmit: return "unicast_transmit";
  }
  return "unknown";
}

std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::kMalformed: return "malformed";
    case DropReason::kWrongDomain: return "wrong_domain";
    case DropReason::kFromOwnClock: return "from_own_clock";
    case DropReason::kWrongChannel: return "wrong_channel";
    case DropReason::kUnsupported: return "unsupported";
    case DropReason::kWrongState: return "wrong_state";
    case DropReason::kNotFromParent: return "not_from_parent";
    case DropReason::kNotForUs: return "not_for_us";
    case DropReason::kNoReceiveTimestamp: return "no_receive_timestamp";
    case DropReason::kBadTimestamp: return "bad_timestamp";
    case DropReason::kUnmatchedSequence: return "unmatched_sequence";
    case DropReason::kAnnounceRejected: return "announce_rejected";
    case DropReason::kManagementError: return "management_error";
    case DropReason::kWrongDelayMechanism: return "wrong_delay_mechanism";
    case DropReason::kSecondPeer: return "second_peer";
    case DropReason::kUnicastDisabled: return "unicast_disabled";
    case DropReason::kNotInMasterTable: return "not_in_master_table";
  }
  return "unknown";
}

}  // namespace ptp
