// The PTP Port state machine of IEEE 1588-2019 9.2.5 as a pure function: the next state from the
// current state, one event and plain-data options, for the full state machine (ordinary and
// boundary clocks, Figure 31) and the slave-only one (Figure 32). Also the two timeouts that
// raise the machine's timer events (9.2.6.11, 9.2.6.12), computed from caller-supplied inputs.
//
// Where the figures leave a transition open, the machine does what ptp4l's fsm.c does; the few
// deliberate differences from ptp4l are listed at next_port_state.
#pragma once

#include <cstdint>
#include <string_view>

#include "ptp/core/port_event.h"
#include "ptp/core/port_state.h"
#include "ptp/core/state_decision.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"

namespace ptp {

struct PortStateMachineOptions {
  // defaultDS.slaveOnly: use the slave-only machine (Figure 32), which never enters PRE_MASTER,
  // MASTER or PASSIVE.
  bool slave_only = false;

  friend bool operator==(const PortStateMachineOptions&, const PortStateMachineOptions&) = default;
};

// The state after `event` in state `current`. `new_parent` says whether the decision behind an
// RS_SLAVE event selected a different parent than the one the port already follows; it matters
// only for RS_SLAVE in SLAVE (a new parent sends the port back to UNCALIBRATED).
//
// Every state:   INITIALIZE, POWERUP -> INITIALIZING. NONE and STATE_DECISION_EVENT change
//                nothing (the decision's outcome arrives as an RS_* event).
// INITIALIZING:  INIT_COMPLETE -> LISTENING, FAULT_DETECTED -> FAULTY,
//                DESIGNATED_DISABLED -> DISABLED.
// FAULTY:        FAULT_CLEARED -> INITIALIZING, DESIGNATED_DISABLED -> DISABLED.
// DISABLED:      DESIGNATED_ENABLED -> INITIALIZING.
// Other states:  FAULT_DETECTED -> FAULTY, DESIGNATED_DISABLED -> DISABLED, and
//  full machine:
//   LISTENING, PASSIVE, UNCALIBRATED, SLAVE: ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES -> MASTER,
//     RS_MASTER and RS_GRAND_MASTER -> PRE_MASTER.
//   PRE_MASTER: QUALIFICATION_TIMEOUT_EXPIRES -> MASTER.
//   All but PASSIVE: RS_PASSIVE -> PASSIVE. All: RS_SLAVE -> UNCALIBRATED, except SLAVE with
//     the same parent, which stays SLAVE.
//   UNCALIBRATED: MASTER_CLOCK_SELECTED -> SLAVE. SLAVE: SYNCHRONIZATION_FAULT -> UNCALIBRATED.
//  slave-only machine: as above, but ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES, RS_MASTER,
//   RS_GRAND_MASTER and RS_PASSIVE -> LISTENING, and QUALIFICATION_TIMEOUT_EXPIRES does nothing.
//
// Differences from ptp4l, on purpose:
//  * RS_GRAND_MASTER -> PRE_MASTER. ptp4l has an extra GRAND_MASTER state (a MASTER that skips
//    qualification); Table 20 has none, so M1/M2 qualify like M3, for one announce interval
//    (qualification_timeout with stepsRemoved 0, which is what Table 30 sets).
//  * INITIALIZING waits for INIT_COMPLETE and honours FAULT_DETECTED/DESIGNATED_DISABLED; ptp4l
//    initializes synchronously and leaves INITIALIZING for LISTENING on any event.
//  * Slave-only PRE_MASTER, MASTER and PASSIVE (reachable only if slaveOnly is switched on in one
//    of them) move like LISTENING does; ptp4l's slave-only machine leaves them stuck.
//  * DISABLED ignores FAULT_DETECTED, as ptp4l does: from FAULTY, FAULT_CLEARED would re-enable a
//    port that management disabled.
[[nodiscard]] PortState next_port_state(PortState current, PortEvent event, bool new_parent,
                                        const PortStateMachineOptions& options);

// The event a state decision (9.3.3) raises, as ptp4l raises it: M1, M2 -> RS_GRAND_MASTER;
// M3 -> RS_MASTER; S1 -> RS_SLAVE; P1, P2 -> RS_PASSIVE; no decision -> NONE. The recommended
// state wins over the code where decide_port_state overrode it: a masterOnly port's P1/P2 MASTER
// gives RS_MASTER. A slaveOnly override (LISTENING with a master or passive code) gives the code's
// event, which the slave-only machine turns into LISTENING as Figure 32 does.
[[nodiscard]] PortEvent port_event_for(const StateDecision& decision);

enum class PortTimeoutError : std::uint8_t {
  kOverflow,                 // the interval does not fit in Nanoseconds
  kRandomFractionOutOfRange  // the random fraction is not in [0, 1)
};

std::string_view to_string(PortTimeoutError error);

// 9.2.6.12, as ptp4l arms its announce timer: (announceReceiptTimeout + random_fraction) announce
// intervals of 2^log_announce_interval s. The random fraction spreads the timeouts of ports that
// lost the same master, so they do not all claim MASTER at once; the caller draws it from
// [0, 1) so that this function stays deterministic. It is applied at a resolution of 1e-9 of an
// interval; intervals below 1 ns are rounded down.
[[nodiscard]] Result<Nanoseconds, PortTimeoutError> announce_receipt_timeout_interval(
    std::uint8_t announce_receipt_timeout, std::int8_t log_announce_interval,
    double random_fraction);

// 9.2.6.11: (stepsRemoved + 1) announce intervals, with currentDS.stepsRemoved after the
// decision's data set update (0 for M1/M2, which Table 30 zeroes). Fails only with kOverflow.
[[nodiscard]] Result<Nanoseconds, PortTimeoutError> qualification_timeout_interval(
    std::uint16_t steps_removed, std::int8_t log_announce_interval);

}  // namespace ptp
