// PortState: the PTP Port states of IEEE 1588-2019 9.2.5, numbered as portDS.portState is on the
// wire (Table 20), so management messages and logs can use the value as it is.
#pragma once

#include <cstdint>
#include <string_view>

namespace ptp {

// 1588-2019 Table 20 (portState enumeration). 2019 also names MASTER/SLAVE as TIME_TRANSMITTER/
// TIME_RECEIVER in later amendments; the 2019 text and ptp4l use the names below.
enum class PortState : std::uint8_t {
  kInitializing = 1,
  kFaulty = 2,
  kDisabled = 3,
  kListening = 4,
  kPreMaster = 5,
  kMaster = 6,
  kPassive = 7,
  kUncalibrated = 8,
  kSlave = 9,
};

// The state's name as ptp4l prints it ("INITIALIZING", "PRE_MASTER", ...); "UNKNOWN" for values
// outside Table 20 (a PortState can only hold one of those after a cast from wire data).
std::string_view to_string(PortState state);

}  // namespace ptp
