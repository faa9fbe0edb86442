// SimulatedLan (simulated_lan.h): the grandmaster, the cable and the board's stand-in silicon.
#include "simulated_lan.h"

#include <string_view>

#include "ptp/sim/nic_capabilities.h"

namespace board {
namespace {

using ptp::sim::SimDuration;

// Every clock's crystal reads zero at this system time: small, so that a MAC clock counting
// nanoseconds (picosecond phase) holds TAI with room to spare.
constexpr ptp::hal::SystemTime kTimeAtCrystalZero{
    ptp::Nanoseconds(1'000 * ptp::kNanosecondsPerSecond)};
// The PTP (TAI) time at crystal zero: where an exact MAC clock would start.
constexpr SimDuration kTaiAtCrystalZero = SimDuration::seconds(1'000 + 37);

// A crystal as data sheets describe a cheap one: a frequency error and some white FM noise.
ptp::sim::OscillatorConfig crystal(double frequency_error_ppm, SimDuration phase) {
  ptp::sim::OscillatorConfig config;
  config.initial_frequency_error_ppm = frequency_error_ppm;
  config.initial_phase_offset = phase;
  config.white_fm_adev_at_1s = 1e-10;
  return config;
}

ptp::sim::SimPtpNodeConfig grandmaster_config() {
  ptp::sim::SimPtpNodeConfig config;
  config.host.ipv4 = ptp::hal::IpAddress::v4(192, 168, 1, 1);
  config.host.ipv6 = ptp::hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  config.host.system_clock.time_at_crystal_zero = kTimeAtCrystalZero;
  config.host.host_crystal = crystal(-3, SimDuration{});
  config.host.nic_crystal = crystal(-3, kTaiAtCrystalZero);
  config.host.nic_clock = ptp::sim::SimHardwareClockConfig{1'000'000'000, true};
  config.host.capabilities =
      ptp::sim::nic_capabilities(ptp::sim::SimNicKind::kHardware, 1'000'000'000);
  config.port.clock_identity.octets = {0x02, 0x00, 0x00, 0xFF, 0xFE, 0x00, 0x00, 0x01};
  config.port.priority1 = 100;
  config.servo.hardware_timestamps = true;
  config.driver.utc_offset = kUtcOffset;
  return config;
}

// The board's silicon: a 25 ppm fast crystal, and a MAC clock that starts 2.5 ms off TAI.
ptp::sim::SimHostConfig board_config(const ptp::hal::InterfaceTimestampCapabilities& mac) {
  ptp::sim::SimHostConfig config;
  config.ipv4 = ptp::hal::IpAddress::v4(192, 168, 1, 20);
  config.ipv6 = ptp::hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20});
  config.system_clock.time_at_crystal_zero = kTimeAtCrystalZero;
  config.host_crystal = crystal(25, SimDuration{});
  config.nic_crystal = crystal(25, kTaiAtCrystalZero + SimDuration::microseconds(2'500));
  config.nic_clock = ptp::sim::SimHardwareClockConfig{mac.active.hardware_clock_frequency_hz, true};
  config.capabilities = mac;
  return config;
}

std::string failed(std::string_view what, std::string_view why) {
  return std::string(what) + ": " + std::string(why);
}

}  // namespace

SimulatedLan::SimulatedLan(std::uint64_t seed)
    : random_(seed), network_(scheduler_, random_.fork(1)) {}

ptp::Result<std::unique_ptr<SimulatedLan>, std::string> SimulatedLan::create(
    std::uint64_t seed, const ptp::hal::InterfaceTimestampCapabilities& board_mac) {
  std::unique_ptr<SimulatedLan> lan(new SimulatedLan(seed));
  auto grandmaster = ptp::sim::SimPtpNode::create(lan->scheduler_, lan->network_,
                                                  grandmaster_config(), lan->random_.fork(2));
  if (!grandmaster) return ptp::unexpected(failed("grandmaster", to_string(grandmaster.error())));
  lan->grandmaster_ = std::move(grandmaster).value();

  const auto board_host = board_config(board_mac);
  auto board = ptp::sim::SimHost::create(lan->scheduler_, board_host, lan->random_.fork(3));
  if (!board) return ptp::unexpected(std::string("board silicon: bad configuration"));
  lan->board_ = std::move(board).value();
  const auto board_node = lan->network_.add_host(*lan->board_, {board_host.ipv4, board_host.ipv6});
  if (!board_node) return ptp::unexpected(failed("board", to_string(board_node.error())));
  lan->board_->connect(lan->network_, *board_node);

  // Two metres of cable and a PHY: 500 ns each way, with a little exponential jitter.
  ptp::sim::LinkDirectionConfig cable;
  cable.delay.propagation = SimDuration::nanoseconds(500);
  cable.delay.variation = ptp::sim::ExponentialDelayVariation{SimDuration::nanoseconds(20)};
  const auto link = lan->network_.add_link(lan->grandmaster_->node_id(), *board_node, cable, cable);
  if (!link) return ptp::unexpected(failed("cable", to_string(link.error())));
  return lan;
}

ptp::Result<void, std::string> SimulatedLan::start_grandmaster() {
  if (auto started = grandmaster_->start(); !started) {
    return ptp::unexpected(failed("grandmaster", to_string(started.error())));
  }
  return {};
}

ptp::Result<void, std::string> SimulatedLan::run_for(ptp::Nanoseconds duration) {
  if (!scheduler_.run_for(SimDuration::nanoseconds(duration.count()))) {
    return ptp::unexpected(std::string("the simulator refused to run"));
  }
  return {};
}

double SimulatedLan::seconds() const {
  return static_cast<double>(scheduler_.now().since_start().picoseconds()) * 1e-12;
}

double SimulatedLan::board_offset_ns() {
  // Both clocks' errors against true TAI; the grandmaster's own error cancels out.
  const double tai_ns = static_cast<double>(kTimeAtCrystalZero.since_epoch.count()) +
                        static_cast<double>(kUtcOffset.count());
  const double board_ns = board_->hardware_clock()->true_phase_error_ps() / 1000.0 - tai_ns;
  return board_ns - grandmaster_->true_offset_ns();
}

}  // namespace board
