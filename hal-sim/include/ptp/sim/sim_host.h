// A simulated host: crystal, counter, system clock, NIC with its hardware clock and timestamping
// capabilities, timers, and UDP transports for IPv4 and IPv6 whose packets travel through the
// timestamp paths of a real stack:
//   receive: NIC arrival (hardware stamp, quantized to the NIC tick) -> OS (software stamp, after
//            a latency) -> application (its own counter reading: the kNone stamp);
//   transmit: send() (kNone stamp) -> OS (software stamp) -> NIC departure (hardware stamp) ->
//            the transmit timestamp reported to the application later, or lost.
// Which stamp a packet carries is the active capabilities' selected source at that moment.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "ptp/hal/host.h"
#include "ptp/sim/latency_model.h"
#include "ptp/sim/oscillator.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_clocks.h"
#include "ptp/sim/sim_timers.h"
#include "ptp/sim/sim_timestamping.h"
#include "ptp/sim/wire.h"

namespace ptp::sim {

struct TimestampPathConfig {
  LatencyModel receive_stack{SimDuration::microseconds(20), SimDuration::microseconds(5), 0.01};
  LatencyModel receive_application{SimDuration::microseconds(30), SimDuration::microseconds(20),
                                   0.02};
  LatencyModel transmit_stack{SimDuration::microseconds(15), SimDuration::microseconds(5), 0.01};
  LatencyModel transmit_driver{SimDuration::microseconds(5), SimDuration::microseconds(1)};
  LatencyModel transmit_report{SimDuration::microseconds(50), SimDuration::microseconds(10)};
  SimDuration hardware_jitter_stddev = SimDuration::picoseconds(2000);
  double transmit_timestamp_loss_probability = 0;
};

struct SimHostConfig {
  hal::IpAddress ipv4 = hal::IpAddress::v4(192, 0, 2, 1);
  hal::IpAddress ipv6 =
      hal::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  OscillatorConfig host_crystal;
  std::uint64_t counter_frequency_hz = 10'000'000;  // QPC's usual 10 MHz
  SimSystemClockConfig system_clock;
  bool has_nic_clock = true;
  OscillatorConfig nic_crystal;
  SimHardwareClockConfig nic_clock{125'000'000, false};  // 8 ns tick, free-running
  hal::InterfaceTimestampCapabilities capabilities;
  CrossTimestampConfig cross_timestamps;
  TimestampPathConfig paths;
};

// The truth about one packet timestamp: when the packet really crossed the NIC, and what the
// host handed over for it.
struct TimestampTruth {
  std::uint64_t packet_id = 0;
  bool transmit = false;
  SimTime wire_time;
  hal::PacketTimestamp timestamp;
};

struct SimHostCounters {
  std::uint64_t sent = 0;
  std::uint64_t send_refused = 0;  // offline, oversize, not connected
  std::uint64_t received = 0;
  std::uint64_t dropped_offline = 0;
  std::uint64_t dropped_not_for_us = 0;
  std::uint64_t dropped_no_listener = 0;
  std::uint64_t tx_timestamps = 0;
  std::uint64_t tx_timestamps_lost = 0;
};

enum class SimHostError { kBadOscillator, kNoNicClockForHardwareCapabilities };

class SimHost final : public WireReceiver {
 public:
  static Result<std::unique_ptr<SimHost>, SimHostError> create(Scheduler& scheduler,
                                                               const SimHostConfig& config,
                                                               Random random);
  // Cancels the events of packets still in flight: they point at this host.
  ~SimHost() override;
  SimHost(const SimHost&) = delete;
  SimHost& operator=(const SimHost&) = delete;
  SimHost(SimHost&&) = delete;
  SimHost& operator=(SimHost&&) = delete;

  // Where this host's packets go; until connected, sends are refused.
  void connect(Wire& wire, NodeId node);
  // A crashed host neither sends nor receives; its clocks keep running.
  void set_online(bool online) { online_ = online; }
  [[nodiscard]] bool online() const { return online_; }

  hal::Host hal_host(hal::AddressFamily family);
  hal::Transport& transport(hal::AddressFamily family);
  SimMonotonicCounter& counter() { return *counter_; }
  SimSystemClock& system_clock() { return *system_clock_; }
  SimHardwareClock* hardware_clock() { return hardware_clock_.get(); }
  SimTimestampingInterface& timestamping() { return *timestamping_; }
  SimTimers& timers() { return *timers_; }
  [[nodiscard]] const SimHostConfig& config() const { return config_; }
  [[nodiscard]] const SimHostCounters& counters() const { return counters_; }
  void set_timestamp_truth_observer(std::function<void(const TimestampTruth&)> observer) {
    truth_observer_ = std::move(observer);
  }

  void on_wire_arrival(const WirePacket& packet) override;

 private:
  class Transport;
  struct InFlight {
    WirePacket packet;
    hal::TimestampSource source = hal::TimestampSource::kNone;
    hal::NicTicks hardware_stamp;
    hal::CounterTicks software_stamp;
    hal::CounterTicks application_stamp;
    SimTime wire_time;
    bool on_wire = false;  // transmit: the packet left the NIC (the host was up and connected)
    std::optional<hal::TxTag> tag;
    Transport* transport = nullptr;
    EventId next_step;  // the packet's pending event, cancelled if the host goes away first
  };

  SimHost(Scheduler& scheduler, const SimHostConfig& config, Random random);
  std::uint32_t acquire();
  void release(std::uint32_t slot);
  // Runs `step` for the packet in `slot` after `delay`.
  void schedule_step(std::uint32_t slot, SimDuration delay, void (SimHost::*step)(std::uint32_t));
  hal::NicTicks hardware_stamp_now();
  hal::PacketTimestamp timestamp_of(const InFlight& flight) const;
  Result<std::optional<hal::TxTag>, hal::HalError> send(Transport& transport, hal::PtpUdpPort port,
                                                        const hal::IpAddress& destination,
                                                        std::span<const std::byte> payload,
                                                        hal::TxTimestampRequest request);
  void receive_in_os(std::uint32_t slot);
  void receive_in_application(std::uint32_t slot);
  void transmit_from_os(std::uint32_t slot);
  void transmit_on_wire(std::uint32_t slot);
  void report_transmit_timestamp(std::uint32_t slot);

  Scheduler& scheduler_;
  SimHostConfig config_;
  Random random_;
  std::optional<Oscillator> host_crystal_;
  std::optional<Oscillator> nic_crystal_;
  std::unique_ptr<SimMonotonicCounter> counter_;
  std::unique_ptr<SimSystemClock> system_clock_;
  std::unique_ptr<SimHardwareClock> hardware_clock_;
  std::unique_ptr<SimTimestampingInterface> timestamping_;
  std::unique_ptr<SimTimers> timers_;
  std::unique_ptr<Transport> ipv4_;
  std::unique_ptr<Transport> ipv6_;
  Wire* wire_ = nullptr;
  NodeId node_;
  bool online_ = true;
  std::vector<InFlight> in_flight_;
  std::vector<std::uint32_t> free_slots_;
  std::uint32_t next_tag_ = 1;
  std::uint64_t next_packet_id_ = 1;
  SimHostCounters counters_;
  std::function<void(const TimestampTruth&)> truth_observer_;
};

}  // namespace ptp::sim
