// One scenario node as hal-sim's SimPtpNodeConfig: its host (crystals, counter, NIC clock, paths,
// the capabilities its kind of timestamping implies), its clock and port from the ptp4l options,
// its servo, and the timescale all nodes of a world share.
#pragma once

#include <cstddef>
#include <string>

#include "ptp/ptpsim/scenario.h"
#include "ptp/result.h"
#include "ptp/sim/sim_ptp_node.h"
#include "ptp/sim_win/sim_windows.h"

namespace ptp::ptpsim {

// `index` numbers the node within the world: it picks the node's IP addresses and clock identity.
Result<sim::SimPtpNodeConfig, std::string> make_node_config(const NodeModel& model,
                                                            std::size_t index);

// The adapter a ptp4win node's Windows reports: "Ethernet", with a MAC (so a clock identity) and
// a GUID of its own from `index`.
simwin::SimAdapterConfig windows_adapter(std::size_t index);

// The timestamps the node's clock runs on: its `timestamping`, except on a simulated Windows whose
// timestamping API or socket timestamping is missing (application timestamps: kNone) or whose NIC
// time-stamps in hardware on receive only (software both ways, docs/simulated-windows.md).
TimestampingKind effective_timestamping(const NodeModel& model);

// The simulated Windows of a ptp4win node: windows_adapter(index) and the node's `windows` keys.
simwin::SimWindowsConfig windows_config(const NodeModel& model, std::size_t index);

}  // namespace ptp::ptpsim
