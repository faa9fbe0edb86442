// PeerDelay: matching the replies to the outstanding Pdelay_Req, the neighbour rate ratio and
// the link delay of 11.4.
#include "ptp/core/peer_delay.h"

#include <cmath>

namespace ptp {
namespace {

servo::PathDelayFilterConfig filter_config(const PeerDelayConfig& config) {
  servo::PathDelayFilterConfig filter;
  filter.length = config.filter_length;
  return filter;
}

std::optional<Nanoseconds> to_nanoseconds(const Timestamp& timestamp) {
  const auto value = timestamp.to_nanoseconds();
  if (!value) return std::nullopt;
  return value.value();
}

}  // namespace

PeerDelay::PeerDelay(const PeerDelayConfig& config)
    : config_(config), filter_(filter_config(config)) {}

PeerDelayRequestOutcome PeerDelay::request_sent(std::uint16_t sequence_id,
                                                TxTimestampId timestamp_id) {
  PeerDelayRequestOutcome outcome;
  if (exchange_) {
    outcome.previous_unanswered = !completed_;
    // ptp4l counts request intervals in a row in which several ports answered.
    multiple_peer_intervals_ = exchange_->several_responders ? multiple_peer_intervals_ + 1 : 0;
    if (multiple_peer_intervals_ >= kMultiplePeerIntervalsToFault) {
      outcome.multiple_peers_fault = true;
      multiple_peer_intervals_ = 0;
    }
  }
  exchange_ = Exchange{};
  exchange_->sequence_id = sequence_id;
  exchange_->timestamp_id = timestamp_id;
  completed_ = false;
  return outcome;
}

bool PeerDelay::request_transmitted(TxTimestampId timestamp_id, Nanoseconds transmit_time) {
  if (!exchange_ || exchange_->timestamp_id != timestamp_id || exchange_->t1) return false;
  exchange_->t1 = transmit_time;
  return true;
}

bool PeerDelay::request_lost(TxTimestampId timestamp_id) {
  if (!exchange_ || exchange_->timestamp_id != timestamp_id || exchange_->t1) return false;
  // Without t1 nothing can complete; replies to it are then unmatched.
  exchange_.reset();
  return true;
}

PeerDelayVerdict PeerDelay::check_reply(const wire::Header& header,
                                        const PortIdentity& requesting) const {
  if (requesting != config_.port_identity) return PeerDelayVerdict::kNotForUs;
  if (!exchange_) return PeerDelayVerdict::kNoRequest;
  if (header.sequence_id != exchange_->sequence_id) return PeerDelayVerdict::kWrongSequence;
  if (exchange_->responder && *exchange_->responder != header.source_port_identity) {
    return PeerDelayVerdict::kSecondResponder;
  }
  return PeerDelayVerdict::kWaiting;
}

PeerDelayVerdict PeerDelay::response(const wire::Header& header, const wire::PdelayResp& body,
                                     Nanoseconds receive_time) {
  const PeerDelayVerdict verdict = check_reply(header, body.requesting_port_identity);
  if (verdict == PeerDelayVerdict::kSecondResponder) exchange_->several_responders = true;
  if (verdict != PeerDelayVerdict::kWaiting) return verdict;
  if (exchange_->t4) return PeerDelayVerdict::kWrongSequence;  // a repeated reply
  const auto t2 = to_nanoseconds(body.request_receipt_timestamp);
  if (!t2 || header.correction_field.is_too_big()) return PeerDelayVerdict::kBadTimestamp;
  exchange_->responder = header.source_port_identity;
  exchange_->t2 = *t2;
  exchange_->t4 = receive_time;
  exchange_->response_correction = header.correction_field;
  exchange_->one_step = !header.flags.two_step();
  if (!peer_) peer_ = header.source_port_identity;
  return try_complete();
}

PeerDelayVerdict PeerDelay::follow_up(const wire::Header& header,
                                      const wire::PdelayRespFollowUp& body) {
  const PeerDelayVerdict verdict = check_reply(header, body.requesting_port_identity);
  if (verdict == PeerDelayVerdict::kSecondResponder) exchange_->several_responders = true;
  if (verdict != PeerDelayVerdict::kWaiting) return verdict;
  if (exchange_->t3 || exchange_->one_step) return PeerDelayVerdict::kWrongSequence;
  const auto t3 = to_nanoseconds(body.response_origin_timestamp);
  if (!t3 || header.correction_field.is_too_big()) return PeerDelayVerdict::kBadTimestamp;
  // A follow-up that overtook its response names the responder the response must then match.
  exchange_->responder = header.source_port_identity;
  exchange_->t3 = *t3;
  exchange_->follow_up_correction = header.correction_field;
  return try_complete();
}

PeerDelayVerdict PeerDelay::try_complete() {
  if (!exchange_ || completed_) return PeerDelayVerdict::kWaiting;
  Exchange& exchange = *exchange_;
  if (!exchange.t1 || !exchange.t4) return PeerDelayVerdict::kWaiting;
  if (!exchange.one_step && !exchange.t3) return PeerDelayVerdict::kWaiting;
  completed_ = true;
  // One-step: the turnaround is in the response's correctionField alone.
  const Nanoseconds t2 = exchange.one_step ? Nanoseconds(0) : *exchange.t2;
  const Nanoseconds t3 = exchange.one_step ? Nanoseconds(0) : *exchange.t3;
  const Nanoseconds c1 = exchange.response_correction.to_nanoseconds();
  const Nanoseconds c2 =
      exchange.one_step ? Nanoseconds(0) : exchange.follow_up_correction.to_nanoseconds();
  const auto c = c1.checked_add(c2);
  const auto t3c = c ? t3.checked_add(*c) : std::nullopt;
  const auto turnaround = t3c ? t3c->checked_sub(t2) : std::nullopt;
  const auto local = exchange.t4->checked_sub(*exchange.t1);
  if (!turnaround || !local) return PeerDelayVerdict::kBadTimestamp;
  // The rate ratio needs the responder's own times: a one-step responder gives none.
  if (!exchange.one_step) update_rate_ratio(*t3c, *exchange.t4);
  const double scaled_local = rate_ratio_ * static_cast<double>(local->count());
  const double raw = (scaled_local - static_cast<double>(turnaround->count())) / 2.0;
  if (!std::isfinite(raw) || std::fabs(raw) > 9.0e18) return PeerDelayVerdict::kBadTimestamp;
  (void)filter_.add(Nanoseconds(std::llround(raw)));
  const auto estimate = filter_.estimate();
  capable_ = estimate.has_value() && *estimate <= config_.neighbor_prop_delay_thresh &&
             *estimate >= config_.min_neighbor_prop_delay;
  return PeerDelayVerdict::kMeasured;
}

void PeerDelay::update_rate_ratio(Nanoseconds responder_time, Nanoseconds local_time) {
  if (previous_responder_time_ && previous_local_time_ && local_time > *previous_local_time_) {
    const double ratio =
        static_cast<double>(responder_time.count() - previous_responder_time_->count()) /
        static_cast<double>(local_time.count() - previous_local_time_->count());
    if (std::isfinite(ratio) && std::fabs(ratio - 1.0) <= kMaxRateRatioDeviation) {
      rate_ratio_ = ratio;
      rate_ratio_valid_ = true;
    }
  }
  previous_responder_time_ = responder_time;
  previous_local_time_ = local_time;
}

void PeerDelay::discard_exchange() {
  exchange_.reset();
  completed_ = false;
  previous_responder_time_.reset();
  previous_local_time_.reset();
}

void PeerDelay::reset() {
  discard_exchange();
  filter_.reset();
  rate_ratio_ = 1.0;
  rate_ratio_valid_ = false;
  capable_ = true;
  multiple_peer_intervals_ = 0;
}

}  // namespace ptp
