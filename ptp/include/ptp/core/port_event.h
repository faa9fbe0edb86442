// PortEvent: the events that drive the PTP Port state machine of IEEE 1588-2019 9.2.5
// (Figures 31 and 32), named as ptp4l names them so logs of both can be compared.
#pragma once

#include <cstdint>
#include <string_view>

namespace ptp {

// The events of 9.2.6, plus ptp4l's split of the state decision's recommended state into
// RS_MASTER/RS_GRAND_MASTER/RS_SLAVE/RS_PASSIVE, and kNone for "nothing happened".
enum class PortEvent : std::uint8_t {
  kNone,
  kPowerUp,
  kInitialize,
  kInitComplete,
  kDesignatedEnabled,
  kDesignatedDisabled,
  kFaultCleared,
  kFaultDetected,
  kStateDecisionEvent,  // 9.2.6.9: time to run the BMCA; the RS_* event is its result
  kQualificationTimeoutExpires,
  kAnnounceReceiptTimeoutExpires,
  kSynchronizationFault,
  kMasterClockSelected,
  kRsMaster,       // decision M3
  kRsGrandMaster,  // decision M1 or M2: this clock is the grandmaster
  kRsSlave,        // decision S1
  kRsPassive,      // decision P1 or P2
};

// The event's name as ptp4l logs it ("INIT_COMPLETE", "RS_GRAND_MASTER", ...); "UNKNOWN" for
// values outside the enumeration.
constexpr std::string_view to_string(PortEvent event) {
  switch (event) {
    case PortEvent::kNone: return "NONE";
    case PortEvent::kPowerUp: return "POWERUP";
    case PortEvent::kInitialize: return "INITIALIZE";
    case PortEvent::kInitComplete: return "INIT_COMPLETE";
    case PortEvent::kDesignatedEnabled: return "DESIGNATED_ENABLED";
    case PortEvent::kDesignatedDisabled: return "DESIGNATED_DISABLED";
    case PortEvent::kFaultCleared: return "FAULT_CLEARED";
    case PortEvent::kFaultDetected: return "FAULT_DETECTED";
    case PortEvent::kStateDecisionEvent: return "STATE_DECISION_EVENT";
    case PortEvent::kQualificationTimeoutExpires: return "QUALIFICATION_TIMEOUT_EXPIRES";
    case PortEvent::kAnnounceReceiptTimeoutExpires: return "ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES";
    case PortEvent::kSynchronizationFault: return "SYNCHRONIZATION_FAULT";
    case PortEvent::kMasterClockSelected: return "MASTER_CLOCK_SELECTED";
    case PortEvent::kRsMaster: return "RS_MASTER";
    case PortEvent::kRsGrandMaster: return "RS_GRAND_MASTER";
    case PortEvent::kRsSlave: return "RS_SLAVE";
    case PortEvent::kRsPassive: return "RS_PASSIVE";
  }
  return "UNKNOWN";
}

}  // namespace ptp
