// The world the board runs in for this example, all simulated so that it runs anywhere and the
// truth is known: a grandmaster (a clock of ptpstack's own simulator, ptp/sim/sim_ptp_node.h,
// with hardware timestamps), one cable, and the simulated host that stands in for the board's
// silicon (its crystal, counter, alarm, MAC and MAC clock). On real hardware none of this exists:
// the board's HAL talks to its own silicon, and the grandmaster is on the LAN.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/sim/network.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/sim/sim_ptp_node.h"

namespace board {

// TAI - UTC, the same on every clock of the world (the grandmaster announces it).
inline constexpr ptp::Nanoseconds kUtcOffset{37 * ptp::kNanosecondsPerSecond};

class SimulatedLan {
 public:
  // `board_mac`: what the board's MAC time-stamps (the silicon must do what its HAL says).
  static ptp::Result<std::unique_ptr<SimulatedLan>, std::string> create(
      std::uint64_t seed, const ptp::hal::InterfaceTimestampCapabilities& board_mac);

  ptp::sim::SimHost& board_silicon() { return *board_; }
  ptp::Result<void, std::string> start_grandmaster();
  ptp::Result<void, std::string> run_for(ptp::Nanoseconds duration);
  [[nodiscard]] double seconds() const;

  // Ground truth: the board's MAC clock minus the grandmaster's clock, nanoseconds.
  [[nodiscard]] double board_offset_ns();

 private:
  explicit SimulatedLan(std::uint64_t seed);

  ptp::sim::Scheduler scheduler_;
  ptp::sim::Random random_;
  ptp::sim::Network network_;
  std::unique_ptr<ptp::sim::SimPtpNode> grandmaster_;
  std::unique_ptr<ptp::sim::SimHost> board_;
};

}  // namespace board
