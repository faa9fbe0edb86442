// OrdinaryClock's best master clock side: recording Announces in the foreign master table, the
// state decision (9.3.3) with its data set updates (9.3.5), and the announce receipt timeout.
#include "ptp/core/announce_data_set.h"
#include "ptp/core/ordinary_clock.h"
#include "ptp/core/port_state_machine.h"

namespace ptp {

void OrdinaryClock::handle_announce(const wire::Message& message, Nanoseconds now,
                                    PortActions& out) {
  const auto* announce = std::get_if<wire::Announce>(&message.body);
  if (announce == nullptr) return;
  const AnnounceDataSet data_set =
      announce_data_set(message.header, *announce, port_ds_.port_identity);
  if (auto recorded = foreign_masters_.record(data_set, now); !recorded) {
    drop(recorded.error() == AnnounceRejection::kFromOwnClock ? DropReason::kFromOwnClock
                                                              : DropReason::kAnnounceRejected);
    return;
  }
  // The receipt timeout watches the master we follow (or, while listening or passive, the best
  // master we hear): other clocks' Announces must not keep a dead master alive.
  const PortState state = port_ds_.port_state;
  const PortIdentity& sender = message.header.source_port_identity;
  if (following_master()) {
    if (sender == clock_ds_.parent.parent_port_identity) arm_announce_receipt(now, out);
  } else if (state == PortState::kListening || state == PortState::kPassive) {
    const auto best = foreign_masters_.best_qualified(now);
    if (best && best->sender == sender) arm_announce_receipt(now, out);
  }
  run_state_decision(now, out);
}

void OrdinaryClock::run_state_decision(Nanoseconds now, PortActions& out) {
  foreign_masters_.expire(now);
  StateDecisionInput input;
  input.default_ds = default_ds_;
  input.port_state = port_ds_.port_state;
  input.erbest = foreign_masters_.best_qualified(now);
  input.master_only = port_ds_.master_only;
  // One port: E_best is this port's E_rbest, except that a masterOnly port's never is.
  if (!port_ds_.master_only) input.ebest = input.erbest;
  input.ebest_received_on_this_port = input.ebest.has_value();
  const StateDecision decision = decide_port_state(input);
  last_decision_ = decision.code;

  const PortIdentity previous_parent = clock_ds_.parent.parent_port_identity;
  if (auto updated = update_data_sets(decision.code, clock_ds_, default_ds_, input.ebest,
                                      config_.local_time_properties)) {
    set_clock_data_sets(updated.value(), out);
  }
  const bool new_parent = clock_ds_.parent.parent_port_identity != previous_parent;
  // The old master's phase correction means nothing for the time until the new one is measured.
  if (new_parent) hold_frequency(out);
  // Hybrid Delay_Reqs go to the new parent's address once its first Sync shows it.
  if (new_parent) master_address_.reset();
  const PortIdentity& parent = clock_ds_.parent.parent_port_identity;
  if (parent.clock_identity != default_ds_.clock_identity) {
    if (followed_parent_ && *followed_parent_ != parent) {
      // Another master than the one last followed (directly, or after a receipt timeout): its
      // path delay and the servo's history say nothing about this one (ptp4l resets its delay
      // filter when the best master changes, too). Back to the same master keeps both.
      delay_filter_.reset();
      servo_->reset();
    }
    followed_parent_ = parent;
  }
  dispatch(port_event_for(decision), new_parent, now, out);
  // A new parent in the same state: its Sync and Delay_Resp still have to be negotiated.
  if (new_parent) update_unicast_selection(now, out);
}

void OrdinaryClock::handle_announce_receipt_timeout(Nanoseconds now, PortActions& out) {
  ++counters_.announce_receipt_timeouts;
  // The silent master is no candidate any more; whoever else is qualified still is.
  if (following_master()) {
    foreign_masters_.erase(clock_ds_.parent.parent_port_identity);
  } else if (port_ds_.port_state == PortState::kPassive) {
    // PASSIVE follows nobody (P1/P2 leave parentDS alone): the silent one is E_rbest, whose
    // Announces kept the timer going.
    if (const auto best = foreign_masters_.best_qualified(now)) {
      foreign_masters_.erase(best->sender);
    }
  }
  const PortState next =
      next_port_state(port_ds_.port_state, PortEvent::kAnnounceReceiptTimeoutExpires, false,
                      PortStateMachineOptions{default_ds_.slave_only});
  if (next == PortState::kMaster || next == PortState::kListening) {
    // Master by timeout: nobody better is heard, so this clock is the grandmaster (Table 30),
    // and its first Announce, sent on entering MASTER, must already say so. A slave-only clock
    // LISTENING again follows nobody either (ptp4l makes itself grandmaster there too).
    if (auto updated = update_data_sets(DecisionCode::kM2, clock_ds_, default_ds_, std::nullopt,
                                        config_.local_time_properties)) {
      set_clock_data_sets(updated.value(), out);
    }
  }
  dispatch(PortEvent::kAnnounceReceiptTimeoutExpires, false, now, out);
  if (next == PortState::kListening && port_ds_.port_state == PortState::kListening) {
    arm_announce_receipt(now, out);
  }
  // Another qualified master may already be waiting: let the BMCA pick it now.
  if (foreign_masters_.best_qualified(now).has_value()) run_state_decision(now, out);
}

}  // namespace ptp
