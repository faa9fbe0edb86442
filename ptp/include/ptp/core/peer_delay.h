// PeerDelay: the requesting side of the peer-to-peer delay mechanism (IEEE 1588-2019 11.4) for
// one port, two-step responders and one-step ones alike. It matches Pdelay_Resp and
// Pdelay_Resp_Follow_Up with the one outstanding Pdelay_Req, keeps the neighbour's rate ratio,
// filters the link delay and says whether it lies within the configured limits. It belongs to
// the port: the clock only forwards messages and transmit timestamps, and reads the estimate.
//
//   t1 = the Pdelay_Req's transmit time, t2 = its receive time at the responder
//   (requestReceiptTimestamp), t3 = the Pdelay_Resp's transmit time (responseOriginTimestamp),
//   t4 = its receive time here, c = the Pdelay_Resp's + Pdelay_Resp_Follow_Up's correctionField,
//   r = neighborRateRatio (the responder's rate over ours, from successive responses):
//   meanLinkDelay = (r * (t4 - t1) - (t3 + c - t2)) / 2
// A one-step responder sends t2 = t3 = 0 and the turnaround in c.
//
// Sends nothing and reads no clock: it returns verdicts the port counts and acts on.
#pragma once

#include <cstdint>
#include <optional>

#include "ptp/core/port_io.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"
#include "ptp/servo/path_delay_filter.h"
#include "ptp/time_interval.h"
#include "ptp/wire/message.h"

namespace ptp {

struct PeerDelayConfig {
  PortIdentity port_identity;      // ours: responses name it as requestingPortIdentity
  std::size_t filter_length = 10;  // delay_filter_length (moving median, as ptp4l's tsproc)
  Nanoseconds neighbor_prop_delay_thresh{20'000'000};  // neighborPropDelayThresh
  Nanoseconds min_neighbor_prop_delay{-20'000'000};    // min_neighbor_prop_delay
};

// What became of one received Pdelay_Resp or Pdelay_Resp_Follow_Up.
enum class PeerDelayVerdict : std::uint8_t {
  kWaiting,          // matched; the other half (or t1) is still to come
  kMeasured,         // completed a measurement
  kNoRequest,        // no Pdelay_Req outstanding: a request we did not send, or answered
  kNotForUs,         // requestingPortIdentity is another port's
  kWrongSequence,    // sequenceId of no outstanding request, or a repeated reply
  kSecondResponder,  // a second port answered the same request
  kBadTimestamp,     // arithmetic impossible (invalid timestamp, overflow)
};

// What sending the next Pdelay_Req concluded about the last one.
struct PeerDelayRequestOutcome {
  bool previous_unanswered = false;  // the last request never completed
  // ptp4l's FT_BAD_PEER_NETWORK: responses from several ports in this many successive request
  // intervals make the port faulty (a P2P link has one peer; several mean a hub or a loop).
  bool multiple_peers_fault = false;
};

class PeerDelay {
 public:
  // Successive request intervals with several responders before the port faults (ptp4l's 3).
  static constexpr std::uint32_t kMultiplePeerIntervalsToFault = 3;
  // A neighbour rate ratio farther than this from 1 is a bad measurement (1000 ppm is ten times
  // any crystal PTP is run on), and the last good one (or 1) is kept.
  static constexpr double kMaxRateRatioDeviation = 1e-3;

  explicit PeerDelay(const PeerDelayConfig& config);

  // A Pdelay_Req with this sequenceId was just handed to the driver with this timestamp id.
  PeerDelayRequestOutcome request_sent(std::uint16_t sequence_id, TxTimestampId timestamp_id);
  // t1 arrived; true if it was the outstanding request's (a measurement may complete).
  bool request_transmitted(TxTimestampId timestamp_id, Nanoseconds transmit_time);
  // The driver lost t1: the exchange cannot complete. True if it was ours.
  bool request_lost(TxTimestampId timestamp_id);

  PeerDelayVerdict response(const wire::Header& header, const wire::PdelayResp& body,
                            Nanoseconds receive_time);
  PeerDelayVerdict follow_up(const wire::Header& header, const wire::PdelayRespFollowUp& body);
  // Completes the exchange if everything has come (after request_transmitted).
  PeerDelayVerdict try_complete();

  // The local clock was stepped: the outstanding exchange's t1 and the rate history are void
  // (the link delay itself is not).
  void discard_exchange();
  // Timestamping changed: everything starts over, the filtered delay included.
  void reset();

  // The filtered link delay; std::nullopt before the first measurement.
  [[nodiscard]] std::optional<Nanoseconds> mean_link_delay() const { return filter_.estimate(); }
  [[nodiscard]] double neighbor_rate_ratio() const { return rate_ratio_; }
  [[nodiscard]] bool rate_ratio_valid() const { return rate_ratio_valid_; }
  // The filtered delay lies within [min_neighbor_prop_delay, neighborPropDelayThresh].
  [[nodiscard]] bool capable() const { return capable_; }
  // The port that answered first (the peer), once one has.
  [[nodiscard]] const std::optional<PortIdentity>& peer() const { return peer_; }

 private:
  struct Exchange {
    std::uint16_t sequence_id = 0;
    TxTimestampId timestamp_id;
    std::optional<Nanoseconds> t1;
    std::optional<PortIdentity> responder;
    std::optional<Nanoseconds> t2;  // requestReceiptTimestamp
    std::optional<Nanoseconds> t4;
    TimeInterval response_correction;
    bool one_step = false;
    std::optional<Nanoseconds> t3;  // responseOriginTimestamp
    TimeInterval follow_up_correction;
    bool several_responders = false;
  };

  PeerDelayVerdict check_reply(const wire::Header& header, const PortIdentity& requesting) const;
  void update_rate_ratio(Nanoseconds responder_time, Nanoseconds local_time);

  PeerDelayConfig config_;
  servo::PathDelayFilter filter_;
  std::optional<Exchange> exchange_;
  bool completed_ = false;  // the outstanding exchange already produced its measurement
  std::optional<PortIdentity> peer_;
  std::uint32_t multiple_peer_intervals_ = 0;
  // Rate ratio: the previous response's (t3 + c, t4).
  std::optional<Nanoseconds> previous_responder_time_;
  std::optional<Nanoseconds> previous_local_time_;
  double rate_ratio_ = 1.0;
  bool rate_ratio_valid_ = false;
  bool capable_ = true;
};

}  // namespace ptp
