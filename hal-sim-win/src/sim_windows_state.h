// SimWindows' private state: what the simulated kernel, IP Helper and Winsock keep between calls.
// The sources that act on it cite the reference lines they follow as WT:<line>
// (../shared/reference/windows-timestamping.md) and PT:<line> (the Portuguese IP Helper page,
// ../shared/reference/000_13d5d90745ea6410.txt).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/sim_win/sim_windows.h"
#include "ptp/win/iphlpapi_timestamp_types.h"
#include "ptp/win/winsock_timestamp_types.h"

namespace ptp::simwin {

// The Win32 names, as the HAL uses them (the SDK's on Windows, portable_win_types.h here).
using namespace ptp::win;  // NOLINT(google-build-using-namespace)

struct SimDatagram {
  std::vector<std::byte> payload;
  hal::UdpEndpoint source;
  hal::IpAddress destination;
  std::optional<std::uint64_t> timestamp;  // SO_TIMESTAMP's value, when the socket gets one
};

struct SimSocket {
  int family = 0;                          // AF_INET / AF_INET6 (Windows' values)
  std::optional<std::uint16_t> port;       // bound
  bool packet_info = false;                // IP_PKTINFO / IPV6_PKTINFO
  std::vector<hal::IpAddress> groups;      // joined multicast groups
  WSAEVENT event = nullptr;                // WSAEventSelect(FD_READ)
  win::TimestampingConfig timestamping{};  // flags 0: off
  std::deque<SimDatagram> inbox;
  std::map<std::uint32_t, std::uint64_t> tx_timestamps;  // SO_TIMESTAMP_ID -> value, unretrieved
};

struct SimEvent {
  bool signalled = false;
  std::function<void()> waiter;
};

struct SimRegistration {
  win::IfTimestampConfigChangeCallback callback = nullptr;
  PVOID context = nullptr;
};

struct SimWindows::State final : hal::PacketListener, hal::CapabilityChangeListener {
  State(sim::Scheduler& scheduler, sim::SimHost& host, const SimWindowsConfig& config,
        sim::Random random);
  ~State() override;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  State(State&&) = delete;
  State& operator=(State&&) = delete;

  // Runs `task` in a scheduler event `delay` from now; cancelled if this state goes first.
  void defer(sim::SimDuration delay, std::function<void()> task);
  void run_deferred(std::uint64_t key);

  // hal::PacketListener (both SimHost transports) and CapabilityChangeListener.
  void on_packet(const hal::ReceivedPacket& packet) override;
  void on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) override;
  void on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss reason) override;
  void on_capabilities_changed() override;

  // Sets the event; its waiter runs `wake_up` later (loop_wakeup_delay unless given).
  void signal(WSAEVENT event);
  void signal(WSAEVENT event, sim::SimDuration wake_up);
  // Handles are the addresses of the objects they name (stable map nodes); maps stay keyed by a
  // sequence number so that iterating them never depends on addresses.
  SimEvent* find_event(WSAEVENT event);
  std::map<std::uint64_t, SimRegistration>::iterator find_registration(
      IfTimestampChangeHandle handle);
  // w32time's poll: measure against its source, then set its own adjustment.
  void w32time_poll();
  // The simulated system clock's rate follows the adjustment in force: `adjustment` units per
  // `increment` units of the pair that set it (the legacy or the precise increment).
  bool apply_adjustment(std::uint64_t adjustment, std::uint64_t increment, bool disabled);
  // What each pair reads back: the rate in force, in that pair's units.
  [[nodiscard]] std::uint64_t adjustment_in(std::uint64_t increment) const;
  // The precise pair's increment: the counter's frequency (see sim_windows_clocks.cpp).
  [[nodiscard]] std::uint64_t precise_increment() const { return host.counter().frequency_hz(); }

  sim::Scheduler& scheduler;
  sim::SimHost& host;
  const SimWindowsConfig& config;
  sim::Random random;
  SimWindowsCounters counters;
  std::map<std::uint64_t, std::pair<sim::EventId, std::function<void()>>> deferred;
  std::uint64_t next_deferred = 1;

  DWORD last_error = 0;    // GetLastError
  int last_wsa_error = 0;  // WSAGetLastError

  // IP Helper
  std::u16string friendly_name;
  std::u16string description;
  std::string adapter_name;
  std::vector<std::uint64_t> adapter_storage;  // what GetAdaptersAddresses' strings point into
  std::map<std::uint64_t, SimRegistration> registrations;
  std::uint64_t next_registration = 1;
  std::optional<hal::SubscriptionId> subscription;

  // Clocks
  // The rate in force while !disabled, relative to nominal; whichever pair set it, both read it
  // back in their own units.
  double adjustment_ppb = 0;
  bool disabled = true;

  // Winsock
  int startups = 0;
  std::map<SOCKET, SimSocket> sockets;
  SOCKET next_socket = 0x100;
  std::map<std::uint64_t, SimEvent> events;
  std::uint64_t next_event = 1;
  struct TxRequest {
    SOCKET socket;
    std::uint32_t id;
  };
  std::map<std::uint32_t, TxRequest> tx_requests;  // by the SimHost's TxTag
};

}  // namespace ptp::simwin
