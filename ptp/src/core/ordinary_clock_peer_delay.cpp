// OrdinaryClock's peer-to-peer delay mechanism (11.4), two-step, both sides. As requester, a
// Pdelay_Req every 2^logMinPdelayReqInterval s in every state but INITIALIZING, FAULTY and
// DISABLED, its replies matched and measured by PeerDelay; as responder, a Pdelay_Resp with the
// request's receive time (t2) to every Pdelay_Req, and its Pdelay_Resp_Follow_Up with the
// response's transmit time (t3) once the driver reports it. The Follow_Up carries the request's
// correctionField back (11.4.2 c); the response carries none.
#include "log_interval.h"
#include "ptp/core/ordinary_clock.h"

namespace ptp {
namespace {

constexpr std::int8_t kUnspecifiedLogInterval = 0x7F;

}  // namespace

void OrdinaryClock::arm_pdelay_request(Nanoseconds now, Nanoseconds interval, PortActions& out) {
  pdelay_timer_running_ = true;
  arm(PortTimer::kPdelayRequest, now, interval, out);
}

void OrdinaryClock::send_pdelay_request(Nanoseconds now, PortActions& out) {
  const std::uint16_t sequence_id = pdelay_request_sequence_id_++;
  const TxTimestampId id = next_timestamp_id();
  const PeerDelayRequestOutcome outcome = peer_delay_.request_sent(sequence_id, id);
  if (outcome.previous_unanswered) ++counters_.pdelay_requests_unanswered;
  // ptp4l: unlike 802.1AS, 1588 sends logMessageInterval 0x7F in Pdelay_Req (13.9's "reserved").
  const wire::Header header =
      make_header(wire::MessageType::kPdelayReq, sequence_id, kUnspecifiedLogInterval);
  send(wire::Message{header, wire::PdelayReq{}, {}}, MessageChannel::kEvent, std::nullopt, id, out);
  // A fixed interval, as ptp4l: 11.4's mechanism has no randomisation.
  arm_pdelay_request(now, core_detail::log_interval_duration(config_.log_min_pdelay_req_interval),
                     out);
  if (outcome.multiple_peers_fault) {
    // ptp4l's FT_BAD_PEER_NETWORK: several ports answer on a link that has one peer.
    ++counters_.multiple_peer_faults;
    ++counters_.faults;
    dispatch(PortEvent::kFaultDetected, false, now, out);
  }
}

void OrdinaryClock::handle_pdelay_request(const wire::Message& message,
                                          const ReceivedMessage& received, PortActions& out) {
  if (!received.receive_time) {
    drop(DropReason::kNoReceiveTimestamp);
    return;
  }
  const auto receipt = Timestamp::from_nanoseconds(*received.receive_time);
  if (!receipt || message.header.correction_field.is_too_big()) {
    drop(DropReason::kBadTimestamp);
    return;
  }
  const std::uint16_t sequence_id = message.header.sequence_id;
  wire::Header header =
      make_header(wire::MessageType::kPdelayResp, sequence_id, kUnspecifiedLogInterval);
  header.flags.set(wire::HeaderFlags::kTwoStep);
  const bool unicast = message.header.flags.unicast();
  header.flags.set(wire::HeaderFlags::kUnicast, unicast);
  const std::optional<PeerAddress> destination =
      unicast ? std::optional<PeerAddress>(received.source) : std::nullopt;
  const TxTimestampId id = next_timestamp_id();
  const PendingPdelayResponse pending{id, sequence_id, message.header.source_port_identity,
                                      message.header.correction_field, destination};
  if (pending_pdelay_responses_.insert(pending)) {
    ++counters_.pdelay_follow_ups_not_sent;  // its timestamp never came
  }
  const wire::PdelayResp body{receipt.value(), message.header.source_port_identity};
  send(wire::Message{header, body, {}}, MessageChannel::kEvent, destination, id, out);
}

bool OrdinaryClock::handle_pdelay_tx_timestamp(TxTimestampId id, Nanoseconds transmit_time,
                                               PortActions& out) {
  if (peer_delay_.request_transmitted(id, transmit_time)) {
    count_peer_delay(peer_delay_.try_complete(), peer_delay_.peer().value_or(PortIdentity{}), out);
    return true;
  }
  const auto response = pending_pdelay_responses_.take(
      [id](const PendingPdelayResponse& pending) { return pending.timestamp_id == id; });
  if (!response) return false;
  const auto origin = Timestamp::from_nanoseconds(transmit_time);
  if (!origin) {
    ++counters_.pdelay_follow_ups_not_sent;
    return true;
  }
  wire::Header header = make_header(wire::MessageType::kPdelayRespFollowUp, response->sequence_id,
                                    kUnspecifiedLogInterval);
  header.correction_field = response->request_correction;
  header.flags.set(wire::HeaderFlags::kUnicast, response->unicast_to.has_value());
  const wire::PdelayRespFollowUp body{origin.value(), response->requester};
  send(wire::Message{header, body, {}}, MessageChannel::kGeneral, response->unicast_to,
       std::nullopt, out);
  return true;
}

bool OrdinaryClock::handle_pdelay_tx_timestamp_lost(TxTimestampId id) {
  if (peer_delay_.request_lost(id)) return true;
  if (pending_pdelay_responses_.take(
          [id](const PendingPdelayResponse& pending) { return pending.timestamp_id == id; })) {
    // No Follow_Up rather than a wrong one: the requester gives this exchange up.
    ++counters_.pdelay_follow_ups_not_sent;
    return true;
  }
  return false;
}

void OrdinaryClock::handle_pdelay_response(const wire::Message& message,
                                           const ReceivedMessage& received, Nanoseconds now,
                                           PortActions& out) {
  if (!received.receive_time) {
    drop(DropReason::kNoReceiveTimestamp);
    return;
  }
  count_peer_delay(peer_delay_.response(message.header, std::get<wire::PdelayResp>(message.body),
                                        *received.receive_time),
                   message.header.source_port_identity, out);
  (void)now;
}

void OrdinaryClock::handle_pdelay_response_follow_up(const wire::Message& message, Nanoseconds now,
                                                     PortActions& out) {
  count_peer_delay(
      peer_delay_.follow_up(message.header, std::get<wire::PdelayRespFollowUp>(message.body)),
      message.header.source_port_identity, out);
  (void)now;
}

void OrdinaryClock::report_once(const PeerDelayInputRejected& rejected, PortActions& out) {
  bool& reported = peer_delay_problems_reported_.at(static_cast<std::size_t>(rejected.problem));
  if (reported) return;
  reported = true;
  out.push(rejected);
}

void OrdinaryClock::count_peer_delay(PeerDelayVerdict verdict, const PortIdentity& source,
                                     PortActions& out) {
  switch (verdict) {
    case PeerDelayVerdict::kWaiting: break;
    case PeerDelayVerdict::kMeasured: {
      const auto delay = peer_delay_.mean_link_delay();
      if (delay) {
        const auto interval = TimeInterval::from_nanoseconds(*delay);
        port_ds_.mean_link_delay =
            interval.has_value() ? interval.value() : TimeInterval::too_big();
      }
      if (!peer_delay_.capable()) {
        ++counters_.peer_delay_out_of_range;
        report_once({PeerDelayProblem::kNeighborDelayOutOfRange, source, delay}, out);
      }
      break;
    }
    case PeerDelayVerdict::kNoRequest:
    case PeerDelayVerdict::kWrongSequence:
      drop(DropReason::kUnmatchedSequence);
      report_once({PeerDelayProblem::kUnexpectedResponse, source, std::nullopt}, out);
      break;
    case PeerDelayVerdict::kNotForUs: drop(DropReason::kNotForUs); break;
    case PeerDelayVerdict::kSecondResponder:
      drop(DropReason::kSecondPeer);
      report_once({PeerDelayProblem::kSecondPeer, source, std::nullopt}, out);
      break;
    case PeerDelayVerdict::kBadTimestamp: drop(DropReason::kBadTimestamp); break;
  }
}

}  // namespace ptp
