// Names of PortState values, spelled as ptp4l prints them so logs of both can be compared.
#include "ptp/core/port_state.h"

namespace ptp {

std::string_view to_string(PortState state) {
  switch (state) {
    case PortState::kInitializing: return "INITIALIZING";
    case PortState::kFaulty: return "FAULTY";
    case PortState::kDisabled: return "DISABLED";
    case PortState::kListening: return "LISTENING";
    case PortState::kPreMaster: return "PRE_MASTER";
    case PortState::kMaster: return "MASTER";
    case PortState::kPassive: return "PASSIVE";
    case PortState::kUncalibrated: return "UNCALIBRATED";
    case PortState::kSlave: return "SLAVE";
  }
  return "UNKNOWN";
}

}  // namespace ptp
