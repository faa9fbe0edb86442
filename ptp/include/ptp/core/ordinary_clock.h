// OrdinaryClock: an IEEE 1588-2019 ordinary clock with one PTP port, as a sans-IO state machine.
// It owns the data sets (clause 8), the foreign master table and BMCA (9.3), the port state
// machine (9.2.5), the master's Announce/Sync/Follow_Up/Delay_Resp, the slave's Sync/Follow_Up
// matching, Delay_Req and offset/delay computation (11.3, two-step and one-step masters), and
// the peer-to-peer delay mechanism on both sides (11.4, with PeerDelay), unicast negotiation
// as grantee of a master table and as grantor (16.1), and the management responder (clause 15). The
// servo is injected; the clock feeds it offsets and turns its decisions into clock actions.
//
// Every handler takes `now` (monotonic) and appends actions to `out` (see port_io.h for the
// vocabulary and the time domains). Handlers never allocate and never read a clock, so a run is
// a pure function of its inputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ptp/core/data_sets.h"
#include "ptp/core/foreign_master_table.h"
#include "ptp/core/peer_delay.h"
#include "ptp/core/pending_exchanges.h"
#include "ptp/core/port_config.h"
#include "ptp/core/port_counters.h"
#include "ptp/core/port_io.h"
#include "ptp/core/state_decision.h"
#include "ptp/core/unicast_negotiation.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/servo/path_delay_filter.h"
#include "ptp/servo/servo.h"
#include "ptp/time_interval.h"
#include "ptp/wire/message.h"
#include "ptp/wire/unicast_negotiation_tlv.h"

namespace ptp {

class OrdinaryClock {
 public:
  // How many two-step Syncs wait for their Follow_Up at once, and as many early Follow_Ups for
  // their Sync: a Follow_Up may arrive after the next Sync (or several) and still pair.
  static constexpr std::size_t kPendingSyncCapacity = 4;
  // How many Delay_Reqs wait for their Delay_Resp (and transmit timestamp) at once.
  static constexpr std::size_t kPendingDelayRequestCapacity = 4;
  // A half exchange older than this many of its message intervals (the Sync interval for Sync
  // and Follow_Up, the Delay_Req interval for Delay_Req) is given up: as 9.3.2.4.4's
  // foreignMasterTimeWindow, 4 intervals tolerate a few late or lost messages, and they keep a
  // stale Sync from pairing with a Follow_Up of a restarted master that reuses its sequenceId,
  // and the servo from being fed samples far older than the clock's latest adjustment.
  static constexpr std::int64_t kPendingAgeLimitIntervals = 4;
  // How many Pdelay_Resps wait for their transmit timestamp (and Follow_Up) at once: one per
  // requester, and a P2P link has one.
  static constexpr std::size_t kPendingPdelayResponseCapacity = 4;

  // `servo` is borrowed: it must outlive the clock, and nothing else may feed it.
  static Result<OrdinaryClock, PortConfigError> create(const PortConfig& config,
                                                       servo::Servo& servo);
  // Move-only: two copies would feed one borrowed servo, and a copy's pending exchanges and
  // TX timestamp ids would answer for messages the original sent.
  OrdinaryClock(const OrdinaryClock&) = delete;
  OrdinaryClock& operator=(const OrdinaryClock&) = delete;
  OrdinaryClock(OrdinaryClock&&) noexcept = default;
  OrdinaryClock& operator=(OrdinaryClock&&) noexcept = default;
  ~OrdinaryClock() = default;

  // Power-up: INITIALIZING, then LISTENING with the announce receipt timer armed.
  void start(Nanoseconds now, PortActions& out);

  void handle_message(const ReceivedMessage& message, Nanoseconds now, PortActions& out);
  void handle_timer(PortTimer timer, Nanoseconds now, PortActions& out);
  void handle_tx_timestamp(TxTimestampId id, Nanoseconds transmit_time, Nanoseconds now,
                           PortActions& out);
  void handle_tx_timestamp_lost(TxTimestampId id, Nanoseconds now, PortActions& out);
  // The timestamp source or the clock correlation changed: every pending measurement is
  // discarded, the servo and the delay filter start over, a SLAVE falls back to UNCALIBRATED.
  void handle_timestamping_changed(Nanoseconds now, PortActions& out);
  // The driver carried out a StepClock and the clock moved by `applied` (a clock that steps
  // coarsely lands near the request): the servo learns where its step left the clock.
  void handle_clock_stepped(const StepClock& requested, Nanoseconds applied) {
    servo_->step_applied(requested.offset, applied);
  }
  // From now on `servo` (borrowed as the first) is fed instead: one built for another kind of
  // timestamps. Call it with handle_timestamping_changed, which starts the measurements over.
  void replace_servo(servo::Servo& servo) { servo_ = &servo; }
  // The driver could not send (FAULT_DETECTED): FAULTY for fault_reset_interval, then again
  // INITIALIZING and LISTENING.
  void handle_fault(Nanoseconds now, PortActions& out);
  // DESIGNATED_ENABLED / DESIGNATED_DISABLED.
  void set_enabled(bool enabled, Nanoseconds now, PortActions& out);
  // The timescale this clock announces as grandmaster (timePropertiesDS.ptpTimescale): only the
  // driver knows whether the disciplined clock runs PTP time (a NIC clock) or UTC (the system
  // clock, announced as ARB as ptp4l does). Takes effect at once while the clock is its own
  // grandmaster (a TimescaleChanged action then says so); a parent's announced properties are
  // left alone.
  void set_local_ptp_timescale(bool ptp_timescale, PortActions& out);

  [[nodiscard]] PortState state() const { return port_ds_.port_state; }
  [[nodiscard]] const DefaultDataSet& default_data_set() const { return default_ds_; }
  [[nodiscard]] const CurrentDataSet& current_data_set() const { return clock_ds_.current; }
  [[nodiscard]] const ParentDataSet& parent_data_set() const { return clock_ds_.parent; }
  [[nodiscard]] const TimePropertiesDataSet& time_properties_data_set() const {
    return clock_ds_.time_properties;
  }
  [[nodiscard]] const PortDataSet& port_data_set() const { return port_ds_; }
  [[nodiscard]] const PortCounters& counters() const { return counters_; }
  [[nodiscard]] const ForeignMasterTable& foreign_masters() const { return foreign_masters_; }
  [[nodiscard]] const servo::PathDelayFilter& delay_filter() const { return delay_filter_; }
  // The peer delay mechanism's state (P2P ports; idle on E2E ones).
  [[nodiscard]] const PeerDelay& peer_delay() const { return peer_delay_; }
  [[nodiscard]] const PortConfig& config() const { return config_; }
  // Unicast negotiation: the grantee's view of each table master (master_count of them) and
  // the grantor's clients.
  [[nodiscard]] std::span<const UnicastMaster> unicast_masters() const {
    return std::span<const UnicastMaster>(unicast_masters_).first(config_.unicast.master_count);
  }
  [[nodiscard]] const UnicastClientTable& unicast_clients() const { return unicast_clients_; }
  // The last state decision's code (M1..P2), for logs and tests.
  [[nodiscard]] DecisionCode last_decision() const { return last_decision_; }

 private:
  // A two-step Sync waiting for its Follow_Up; t2 = receive time. `expires_at` is monotonic.
  // A Sync or Follow_Up pairs only with one of the same stream: the same sender and unicast
  // flag, since a master's multicast and unicast streams number their sequenceIds apart (7.3.7.2).
  struct PendingSync {
    PortIdentity source;
    std::uint16_t sequence_id = 0;
    bool unicast = false;
    Nanoseconds receive_time;
    TimeInterval correction;
    std::int8_t log_interval = 0;
    servo::TimestampKind timestamp_kind = servo::TimestampKind::kUnknown;
    Nanoseconds expires_at;
    Nanoseconds received_at{0};  // monotonic, when the Sync arrived
  };
  // A Follow_Up that overtook its Sync; t1 = origin time.
  struct PendingFollowUp {
    PortIdentity source;
    std::uint16_t sequence_id = 0;
    bool unicast = false;
    Nanoseconds origin_time;
    TimeInterval correction;
    Nanoseconds expires_at;
  };
  // The newest complete Sync exchange: what the next Delay_Resp is combined with.
  struct SyncExchange {
    Nanoseconds origin_time;   // t1
    Nanoseconds receive_time;  // t2
    TimeInterval correction;   // Sync's + Follow_Up's correctionField
    servo::TimestampKind timestamp_kind = servo::TimestampKind::kUnknown;  // t2's
    Nanoseconds received_at{0};  // monotonic, when the Sync arrived
  };
  struct PendingDelayRequest {
    std::uint16_t sequence_id = 0;
    TxTimestampId timestamp_id;
    std::optional<Nanoseconds> transmit_time;  // t3, once the HAL reports it
    std::optional<Nanoseconds> receive_time;   // t4, once the Delay_Resp came
    TimeInterval correction;                   // Delay_Resp's correctionField
    Nanoseconds expires_at;                    // monotonic
  };
  struct PendingSyncTransmit {
    std::uint16_t sequence_id = 0;
    TxTimestampId timestamp_id;
  };
  // A Pdelay_Resp sent, its Follow_Up waiting for the response's transmit timestamp (t3).
  struct PendingPdelayResponse {
    TxTimestampId timestamp_id;
    std::uint16_t sequence_id = 0;
    PortIdentity requester;
    TimeInterval request_correction;  // goes back in the Follow_Up (11.4.2)
    std::optional<PeerAddress> unicast_to;
  };

  OrdinaryClock(const PortConfig& config, servo::Servo& servo);

  // State machine (ordinary_clock.cpp).
  void dispatch(PortEvent event, bool new_parent, Nanoseconds now, PortActions& out);
  void enter_state(PortState state, Nanoseconds now, PortActions& out);
  void arm(PortTimer timer, Nanoseconds now, Nanoseconds interval, PortActions& out) const;
  void arm_announce_receipt(Nanoseconds now, PortActions& out);
  void cancel(PortTimer timer, PortActions& out) const;
  void forget_measurements();
  // Every change of clock_ds_ goes through here: a change of the followed timescale becomes a
  // TimescaleChanged action.
  void set_clock_data_sets(const ClockDataSets& updated, PortActions& out);
  // The port stops following a master (or follows another): leave the clock on the servo's
  // frequency estimate rather than on its last decision's phase correction.
  void hold_frequency(PortActions& out);
  double next_random_fraction();
  TxTimestampId next_timestamp_id();
  void send(const wire::Message& message, MessageChannel channel,
            std::optional<PeerAddress> unicast_to, std::optional<TxTimestampId> timestamp_id,
            PortActions& out);
  [[nodiscard]] wire::Header make_header(wire::MessageType type, std::uint16_t sequence_id,
                                         std::int8_t log_message_interval) const;

  // BMCA (ordinary_clock_bmca.cpp).
  void handle_announce(const wire::Message& message, Nanoseconds now, PortActions& out);
  void run_state_decision(Nanoseconds now, PortActions& out);
  void handle_announce_receipt_timeout(Nanoseconds now, PortActions& out);

  // Master (ordinary_clock_master.cpp).
  [[nodiscard]] wire::Message announce_message(std::uint16_t sequence_id,
                                               std::int8_t log_interval) const;
  void send_announce(PortActions& out);
  void send_sync(PortActions& out);
  void handle_delay_request(const wire::Message& message, const ReceivedMessage& received,
                            PortActions& out);

  // Slave (ordinary_clock_slave.cpp).
  void handle_sync(const wire::Message& message, const ReceivedMessage& received, Nanoseconds now,
                   PortActions& out);
  void handle_follow_up(const wire::Message& message, Nanoseconds now, PortActions& out);
  void handle_delay_response(const wire::Message& message, Nanoseconds now, PortActions& out);
  void send_delay_request(Nanoseconds now, PortActions& out);
  void pair_sync(const PendingSync& sync, const PendingFollowUp& follow_up, Nanoseconds now,
                 PortActions& out);
  void complete_sync(const SyncExchange& exchange, std::int8_t log_interval, Nanoseconds now,
                     PortActions& out);
  // Completes the exchange of the request with this timestamp id once it has t3 and t4.
  void complete_delay_measurement(TxTimestampId timestamp_id);
  // Gives up the half exchanges older than their age limit (counted).
  void expire_pending(Nanoseconds now);
  // The Sync interval a message's logMessageInterval announces (ours if it is unusable).
  [[nodiscard]] Nanoseconds sync_interval_of(std::int8_t log_message_interval) const;
  [[nodiscard]] bool following_master() const;
  // Sync and Follow_Up: only while following a master, and only from it (drops counted).
  bool accept_from_parent(const wire::Message& message);

  // Peer delay, both sides (ordinary_clock_peer_delay.cpp).
  void arm_pdelay_request(Nanoseconds now, Nanoseconds interval, PortActions& out);
  void send_pdelay_request(Nanoseconds now, PortActions& out);
  void handle_pdelay_request(const wire::Message& message, const ReceivedMessage& received,
                             PortActions& out);
  void handle_pdelay_response(const wire::Message& message, const ReceivedMessage& received,
                              Nanoseconds now, PortActions& out);
  void handle_pdelay_response_follow_up(const wire::Message& message, Nanoseconds now,
                                        PortActions& out);
  // Counts what became of a peer-delay message from `source`, and reports the first of each
  // PeerDelayProblem.
  void count_peer_delay(PeerDelayVerdict verdict, const PortIdentity& source, PortActions& out);
  void report_once(const PeerDelayInputRejected& rejected, PortActions& out);
  // A transmit timestamp of the peer delay mechanism (request or response); false if not one.
  bool handle_pdelay_tx_timestamp(TxTimestampId id, Nanoseconds transmit_time, PortActions& out);
  bool handle_pdelay_tx_timestamp_lost(TxTimestampId id);
  [[nodiscard]] bool peer_to_peer() const {
    return config_.delay_mechanism == DelayMechanism::kP2P;
  }
  // The delay the offset subtracts: the link delay (P2P) or the mean path delay (E2E).
  [[nodiscard]] std::optional<Nanoseconds> path_delay_estimate() const;

  // Unicast negotiation (ordinary_clock_unicast.cpp).
  [[nodiscard]] bool unicast_enabled() const {
    return config_.unicast.has_master_table() || config_.unicast.listen;
  }
  // inhibit_multicast_service: a listening master serves its unicast clients only.
  [[nodiscard]] bool multicast_service_inhibited() const {
    return config_.unicast.listen && config_.unicast.inhibit_multicast_service;
  }
  void start_unicast(Nanoseconds now, PortActions& out);
  void reset_unicast();
  void handle_signaling(const wire::Message& message, const ReceivedMessage& received,
                        Nanoseconds now, PortActions& out);
  void handle_unicast_query(Nanoseconds now, PortActions& out);
  void handle_unicast_transmit(Nanoseconds now, PortActions& out);
  // Brings each table master's Sync/Delay_Resp grants in line with who the parent is now.
  void update_unicast_selection(Nanoseconds now, PortActions& out);
  // Grantee: one master's negotiation on a query tick, or on a selection change (no queries).
  void reconcile_unicast_master(UnicastMaster& master, bool tick, Nanoseconds now,
                                PortActions& out);
  // A CANCEL from a table master or a client; true if it is to be acknowledged.
  bool handle_cancel(UnicastMaster* master, const wire::CancelUnicastTransmissionTlv& cancel,
                     const PeerAddress& source, PortActions& out);
  // A GRANT from a table master; true if it is a live grant this port did not ask for, which
  // it then cancels.
  [[nodiscard]] bool handle_grant(UnicastMaster& master,
                                  const wire::GrantUnicastTransmissionTlv& grant,
                                  const wire::Message& message, Nanoseconds now, PortActions& out);
  // Grantor: the GRANT answering one REQUEST (a refusal has duration 0).
  wire::GrantUnicastTransmissionTlv answer_request(
      const wire::RequestUnicastTransmissionTlv& request, const wire::Message& message,
      const ReceivedMessage& received, Nanoseconds now, PortActions& out);
  void send_unicast_announce(UnicastClient& client, PortActions& out);
  void send_unicast_sync(UnicastClient& client, PortActions& out);
  void arm_unicast_transmit(Nanoseconds now, PortActions& out);
  bool handle_unicast_sync_tx_timestamp(TxTimestampId id, Nanoseconds transmit_time,
                                        PortActions& out);
  bool handle_unicast_sync_tx_timestamp_lost(TxTimestampId id);
  void send_signaling(const PeerAddress& to, const PortIdentity& target,
                      std::span<const wire::UnicastNegotiationTlv> tlvs, PortActions& out);
  [[nodiscard]] UnicastMaster* unicast_master_at(const PeerAddress& address);
  // The table master the port follows, if it follows one.
  [[nodiscard]] const UnicastMaster* selected_unicast_master() const;
  // Gives `kind` once per bit set in `given` (a master's, or the port's own).
  static void notice(UnicastNoticeKind kind, const PeerAddress& peer,
                     std::optional<UnicastService> service, std::uint16_t& given, PortActions& out);

  // Management (ordinary_clock_management.cpp).
  void handle_management(const wire::Message& message, const ReceivedMessage& received,
                         Nanoseconds now, PortActions& out);

  void drop(DropReason reason) { ++counters_.dropped[static_cast<std::size_t>(reason)]; }

  // Counts the actions an event could not append (each public handler holds one).
  class DroppedActionTally {
   public:
    DroppedActionTally(PortCounters& counters, const PortActions& out)
        : counters_(counters), out_(out), before_(out.dropped()) {}
    ~DroppedActionTally() { counters_.actions_dropped += out_.dropped() - before_; }
    DroppedActionTally(const DroppedActionTally&) = delete;
    DroppedActionTally& operator=(const DroppedActionTally&) = delete;
    DroppedActionTally(DroppedActionTally&&) = delete;
    DroppedActionTally& operator=(DroppedActionTally&&) = delete;

   private:
    PortCounters& counters_;
    const PortActions& out_;
    std::size_t before_;
  };

  PortConfig config_;
  servo::Servo* servo_;
  DefaultDataSet default_ds_;
  ClockDataSets clock_ds_;
  PortDataSet port_ds_;
  ForeignMasterTable foreign_masters_;
  servo::PathDelayFilter delay_filter_;
  PortCounters counters_;
  DecisionCode last_decision_ = DecisionCode::kNone;
  std::uint64_t random_state_ = 0;
  std::uint32_t next_timestamp_id_ = 1;
  std::uint16_t announce_sequence_id_ = 0;
  std::uint16_t sync_sequence_id_ = 0;
  std::uint16_t delay_request_sequence_id_ = 0;
  std::uint16_t pdelay_request_sequence_id_ = 0;

  std::optional<PendingSyncTransmit> pending_sync_transmit_;
  PendingExchanges<PendingSync, kPendingSyncCapacity> pending_syncs_;
  PendingExchanges<PendingFollowUp, kPendingSyncCapacity> pending_follow_ups_;
  std::optional<SyncExchange> last_sync_;
  // The newest Delay_Req exchange since the last servo sample, for servos that use each
  // direction's raw delay.
  std::optional<servo::DelayRequestSample> unsampled_delay_request_;
  PendingExchanges<PendingDelayRequest, kPendingDelayRequestCapacity> pending_delay_requests_;
  PeerDelay peer_delay_;
  PendingExchanges<PendingPdelayResponse, kPendingPdelayResponseCapacity> pending_pdelay_responses_;
  bool pdelay_timer_running_ = false;
  // Which PeerDelayProblems this port has reported (each once; the counters count every one).
  std::array<bool, kPeerDelayProblemCount> peer_delay_problems_reported_{};
  // The servo's decisions have set the clock's frequency since the port last held it.
  bool frequency_steered_ = false;
  std::optional<PeerAddress> master_address_;  // where the parent's Syncs come from (hybrid)
  std::array<UnicastMaster, kMaxUnicastMasters> unicast_masters_{};
  UnicastClientTable unicast_clients_;
  bool unicast_query_running_ = false;
  std::size_t unicast_query_cursor_ = 0;  // the next master of a tick split over several events
  std::uint16_t signaling_sequence_id_ = 0;
  std::uint16_t unicast_notices_given_ = 0;  // the port's own notices (not about a table master)
  // The last foreign parent this clock followed: its delay filter and servo history belong to it.
  std::optional<PortIdentity> followed_parent_;
};

}  // namespace ptp
