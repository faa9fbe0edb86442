// The port state machine of 1588-2019 9.2.5 (full and slave-only) and its timeouts. See the
// header for the transition rules and where they differ from ptp4l.
#include "ptp/core/port_state_machine.h"

#include <cmath>
#include <limits>

namespace ptp {
namespace {

// The states the port operates in once initialized: the ones the "any state" arrows of
// Figures 31/32 (FAULT_DETECTED, DESIGNATED_DISABLED) and the BMCA's RS_* events act on.
bool is_operational(PortState state) {
  switch (state) {
    case PortState::kListening:
    case PortState::kPreMaster:
    case PortState::kMaster:
    case PortState::kPassive:
    case PortState::kUncalibrated:
    case PortState::kSlave: return true;
    case PortState::kInitializing:
    case PortState::kFaulty:
    case PortState::kDisabled: break;
  }
  return false;
}

// RS_SLAVE: a port that is not yet following this parent calibrates first.
PortState on_recommended_slave(PortState current, bool new_parent) {
  if (current == PortState::kSlave && !new_parent) return PortState::kSlave;
  return PortState::kUncalibrated;
}

// Events of an operational port in the full machine (Figure 31).
PortState next_full(PortState current, PortEvent event, bool new_parent) {
  // MASTER and PRE_MASTER already are (becoming) master: a master recommendation or a missing
  // master changes nothing for them.
  const bool master_side = current == PortState::kMaster || current == PortState::kPreMaster;
  switch (event) {
    case PortEvent::kAnnounceReceiptTimeoutExpires:
      return master_side ? current : PortState::kMaster;
    case PortEvent::kRsMaster:
    case PortEvent::kRsGrandMaster: return master_side ? current : PortState::kPreMaster;
    case PortEvent::kQualificationTimeoutExpires:
      return current == PortState::kPreMaster ? PortState::kMaster : current;
    case PortEvent::kRsPassive: return PortState::kPassive;
    case PortEvent::kRsSlave: return on_recommended_slave(current, new_parent);
    case PortEvent::kMasterClockSelected:
      return current == PortState::kUncalibrated ? PortState::kSlave : current;
    case PortEvent::kSynchronizationFault:
      return current == PortState::kSlave ? PortState::kUncalibrated : current;
    default: return current;
  }
}

// Events of an operational port in the slave-only machine (Figure 32). PRE_MASTER, MASTER and
// PASSIVE are not states of this machine; a port found in one moves as from LISTENING.
PortState next_slave_only(PortState current, PortEvent event, bool new_parent) {
  switch (event) {
    case PortEvent::kAnnounceReceiptTimeoutExpires:
    case PortEvent::kRsMaster:
    case PortEvent::kRsGrandMaster:
    case PortEvent::kRsPassive: return PortState::kListening;
    case PortEvent::kRsSlave: return on_recommended_slave(current, new_parent);
    case PortEvent::kMasterClockSelected:
      return current == PortState::kUncalibrated ? PortState::kSlave : current;
    case PortEvent::kSynchronizationFault:
      return current == PortState::kSlave ? PortState::kUncalibrated : current;
    default: return current;
  }
}

// 2^log_interval seconds times `count_of_billionths` billionths, i.e. count_of_billionths
// nanoseconds scaled by 2^log_interval, rounded down. count_of_billionths is not negative.
Result<Nanoseconds, PortTimeoutError> scale_by_log_interval(std::int64_t count_of_billionths,
                                                            std::int8_t log_interval) {
  constexpr int kMaxShift = std::numeric_limits<std::int64_t>::digits - 1;  // 62
  if (log_interval >= 0) {
    if (count_of_billionths == 0) return Nanoseconds(0);
    if (log_interval > kMaxShift) return unexpected(PortTimeoutError::kOverflow);
    const auto scaled =
        Nanoseconds(count_of_billionths).checked_mul(std::int64_t{1} << log_interval);
    if (!scaled) return unexpected(PortTimeoutError::kOverflow);
    return *scaled;
  }
  const int shift = -log_interval;
  if (shift > kMaxShift) return Nanoseconds(0);
  return Nanoseconds(count_of_billionths >> shift);
}

}  // namespace

PortState next_port_state(PortState current, PortEvent event, bool new_parent,
                          const PortStateMachineOptions& options) {
  if (event == PortEvent::kInitialize || event == PortEvent::kPowerUp) {
    return PortState::kInitializing;
  }
  switch (current) {
    case PortState::kInitializing:
      if (event == PortEvent::kInitComplete) return PortState::kListening;
      break;
    case PortState::kFaulty:
      if (event == PortEvent::kFaultCleared) return PortState::kInitializing;
      break;
    case PortState::kDisabled:
      // Only management brings a disabled port back; nothing else reaches it.
      return event == PortEvent::kDesignatedEnabled ? PortState::kInitializing : current;
    case PortState::kListening:
    case PortState::kPreMaster:
    case PortState::kMaster:
    case PortState::kPassive:
    case PortState::kUncalibrated:
    case PortState::kSlave: break;
  }
  if (event == PortEvent::kDesignatedDisabled) return PortState::kDisabled;
  if (event == PortEvent::kFaultDetected) return PortState::kFaulty;
  // A value outside Table 20 (only a cast can make one) is left as it is.
  if (!is_operational(current)) return current;
  return options.slave_only ? next_slave_only(current, event, new_parent)
                            : next_full(current, event, new_parent);
}

PortEvent port_event_for(const StateDecision& decision) {
  const bool grandmaster_code =
      decision.code == DecisionCode::kM1 || decision.code == DecisionCode::kM2;
  switch (decision.state) {
    case RecommendedState::kMaster:
      return grandmaster_code ? PortEvent::kRsGrandMaster : PortEvent::kRsMaster;
    case RecommendedState::kSlave: return PortEvent::kRsSlave;
    case RecommendedState::kPassive: return PortEvent::kRsPassive;
    case RecommendedState::kListening: break;
  }
  switch (decision.code) {
    case DecisionCode::kNone: return PortEvent::kNone;
    case DecisionCode::kM1:
    case DecisionCode::kM2: return PortEvent::kRsGrandMaster;
    case DecisionCode::kM3: return PortEvent::kRsMaster;
    case DecisionCode::kS1: return PortEvent::kRsSlave;
    case DecisionCode::kP1:
    case DecisionCode::kP2: return PortEvent::kRsPassive;
  }
  return PortEvent::kNone;
}

std::string_view to_string(PortTimeoutError error) {
  switch (error) {
    case PortTimeoutError::kOverflow: return "overflow";
    case PortTimeoutError::kRandomFractionOutOfRange: return "random fraction out of range";
  }
  return "unknown";
}

Result<Nanoseconds, PortTimeoutError> announce_receipt_timeout_interval(
    std::uint8_t announce_receipt_timeout, std::int8_t log_announce_interval,
    double random_fraction) {
  // Written so that NaN fails too.
  if (!(random_fraction >= 0.0 && random_fraction < 1.0)) {
    return unexpected(PortTimeoutError::kRandomFractionOutOfRange);
  }
  // In billionths of an announce interval: at most 256e9, far from overflowing.
  const auto random_billionths = static_cast<std::int64_t>(
      std::floor(random_fraction * static_cast<double>(kNanosecondsPerSecond)));
  const std::int64_t billionths =
      std::int64_t{announce_receipt_timeout} * kNanosecondsPerSecond + random_billionths;
  return scale_by_log_interval(billionths, log_announce_interval);
}

Result<Nanoseconds, PortTimeoutError> qualification_timeout_interval(
    std::uint16_t steps_removed, std::int8_t log_announce_interval) {
  const std::int64_t billionths = (std::int64_t{steps_removed} + 1) * kNanosecondsPerSecond;
  return scale_by_log_interval(billionths, log_announce_interval);
}

}  // namespace ptp
