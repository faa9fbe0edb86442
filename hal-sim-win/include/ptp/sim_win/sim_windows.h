// SimWindows: a simulated Windows on one simulated host. It owns a ptp::win::WinApi table whose
// entries act on a hal-sim SimHost (its adapter, NIC capabilities, cross-timestamps, QPC, system
// clock, UDP transports), so that the real Windows HAL (WinHost, WinsockTransport,
// WinSystemClock, WinTimestampingInterface) runs unchanged against a world whose true time is
// known. What it follows of Windows, and what it assumes where the references are silent, is in
// docs/simulated-windows.md; each behaviour cites its line of the references in the sources.
//
// Threads become scheduler events: OS callbacks (timestamp configuration changes) run in an event
// of their own, never inside the API call or the loop step that caused them; the application's
// loop is reached through post_to_loop() and wait_event() (WaitForSingleObject on a win::WSAEVENT),
// the hooks a loop shell over the scheduler uses (sim_winsock_pump.h is one).
//
// The SimHost's transports are taken over (SimWindows is their listener): a host runs either the
// Windows HAL over SimWindows or a hal-sim PortDriver directly, not both.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ptp/result.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/win/loop_hooks.h"
#include "ptp/win/win_api.h"

namespace ptp::simwin {

// What GetAdaptersAddresses reports for the host's one NIC; its addresses are the SimHost's.
struct SimAdapterConfig {
  std::string friendly_name = "Ethernet";
  std::string description = "Simulated PTP NIC";
  std::string adapter_name = "{5A1E0000-0000-4000-8000-00000000000A}";  // the GUID string
  std::uint64_t luid = 0x0006'0000'0100'0000ULL;  // NET_LUID.Value (IF_TYPE_ETHERNET_CSMACD)
  std::uint32_t if_index = 7;
  std::uint32_t ipv6_if_index = 7;
  std::vector<std::uint8_t> mac = {0x00, 0x1B, 0x21, 0x5A, 0x00, 0x01};
};

// The Windows Time service. When running it keeps disciplining the clock on its own schedule: at
// every poll it measures the system clock against its (noisy) time source and sets its own
// adjustment with SetSystemTimeAdjustment, replacing whatever the application had set.
struct SimW32TimeConfig {
  bool running = false;
  sim::SimDuration poll_interval = sim::SimDuration::seconds(64);
  sim::SimDuration first_poll = sim::SimDuration::seconds(16);
  // The error of its source's reading (NTP over a LAN): normal, this standard deviation.
  sim::SimDuration source_noise = sim::SimDuration::microseconds(500);
  // It slews the measured offset away over one poll interval, at most this fast.
  double max_slew_ppm = 100;
  // Zero: it sets its adjustment at its polls only. Otherwise it sets it again at every clock
  // update of this period between polls (w32time's UpdateInterval; an assumption, see
  // docs/simulated-windows.md), so that an application's adjustment lasts at most this long.
  sim::SimDuration update_interval;
};

struct SimWindowsConfig {
  SimAdapterConfig adapter;
  // IP Helper's timestamping functions exist (Windows 10 build 20348+, Windows 11, Server 2022).
  bool timestamping_api = true;
  // kernelbase's Get/SetSystemTimeAdjustmentPrecise exist (Windows 10+; Wine lacks them).
  bool precise_adjustment_api = true;
  // SIO_TIMESTAMPING and SIO_GET_TX_TIMESTAMP answer (false: WSAEOPNOTSUPP, as under Wine).
  bool socket_timestamping = true;
  // The clock-update period in 100 ns units that the legacy adjustment pair reports as its
  // increment: the default timer interrupt, 15.625 ms. (The precise pair's increment is the
  // counter's frequency: see docs/simulated-windows.md.)
  std::uint64_t legacy_time_increment_100ns = 156'250;
  // SE_SYSTEMTIME_NAME: what enabling it answers (ERROR_NOT_ALL_ASSIGNED: not held).
  win::DWORD system_time_privilege = 0;  // NO_ERROR
  SimW32TimeConfig w32time;
  // When an OS "thread" runs after the call or change that wakes it: a timestamp configuration
  // change's callback, and a task posted to, or an event awaited by, the application's loop.
  sim::SimDuration callback_thread_delay = sim::SimDuration::microseconds(200);
  sim::SimDuration loop_wakeup_delay = sim::SimDuration::microseconds(10);
  // Failure injection: TX timestamps the stack never reports (SIO_GET_TX_TIMESTAMP answers
  // WSAEWOULDBLOCK for them forever), and cross-timestamp captures that fail.
  double tx_timestamp_never_reported_probability = 0;
  double cross_timestamp_failure_probability = 0;
};

struct SimWindowsCounters {
  std::uint64_t datagrams_received = 0;       // queued on a socket
  std::uint64_t datagrams_not_delivered = 0;  // no socket bound to the port / not joined
  std::uint64_t datagrams_sent = 0;
  std::uint64_t tx_timestamps_reported = 0;         // queued for SIO_GET_TX_TIMESTAMP
  std::uint64_t tx_timestamps_retrieved = 0;        // handed out by SIO_GET_TX_TIMESTAMP
  std::uint64_t tx_timestamps_buffer_overflow = 0;  // dropped: TxTimestampsBuffered reached
  std::uint64_t tx_timestamps_never_reported = 0;   // dropped by failure injection or the host
  std::uint64_t tx_timestamp_would_block = 0;       // SIO_GET_TX_TIMESTAMP: not (yet) there
  std::uint64_t cross_timestamps = 0;
  std::uint64_t cross_timestamp_failures = 0;
  std::uint64_t config_change_callbacks = 0;  // callbacks run on the simulated system thread
  std::uint64_t adjustments_set = 0;          // Set(Precise)SystemTimeAdjustment accepted
  std::uint64_t w32time_adjustments = 0;
  std::uint64_t system_time_sets = 0;
};

// ERROR_GEN_FAILURE ("a device attached to the system is not functioning"): what a failed
// cross-timestamp capture answers (the references name no code for it).
inline constexpr win::DWORD kErrorGenFailure = 31;

enum class SimWindowsError { kCounterNot10MHz, kBadConfig };

class SimWindows {
 public:
  // `scheduler` and `host` must outlive the returned object; it becomes the listener of both of
  // the host's transports.
  static Result<std::unique_ptr<SimWindows>, SimWindowsError> create(sim::Scheduler& scheduler,
                                                                     sim::SimHost& host,
                                                                     const SimWindowsConfig& config,
                                                                     sim::Random random);
  ~SimWindows();
  SimWindows(const SimWindows&) = delete;
  SimWindows& operator=(const SimWindows&) = delete;
  SimWindows(SimWindows&&) = delete;
  SimWindows& operator=(SimWindows&&) = delete;

  // The table to hand to the Windows HAL. Entries of missing functions are empty.
  [[nodiscard]] const win::WinApi& api() const { return api_; }

  // --- The loop hooks ---
  // PostToLoop for the HAL: the task runs in a scheduler event loop_wakeup_delay later.
  win::PostToLoop post_to_loop();
  // One-shot wait on a win::WSAEVENT (asio's object_handle::async_wait): `handler` runs in a
  // scheduler event loop_wakeup_delay after the event is (or already was) signalled, at once when
  // a datagram's arrival signals it (the host's application latency is that wake-up). One wait
  // per event; a new wait replaces the old.
  void wait_event(win::WSAEVENT event, std::function<void()> handler);
  void cancel_wait(win::WSAEVENT event);

  // --- Scenario controls ---
  // Replaces the adapter's supported and active timestamp capabilities at `at` (the user switching
  // timestamping in the adapter's advanced properties); registered callbacks run afterwards.
  Result<void, sim::SchedulerError> change_capabilities_at(
      sim::SimTime at, const hal::InterfaceTimestampCapabilities& capabilities);
  // The same change made the way Windows applies an adapter's advanced properties: the adapter
  // restarts at `at`, sends and receives nothing for `downtime`, and comes back with the new
  // capabilities (the change, and its callbacks, at at + downtime).
  Result<void, sim::SchedulerError> restart_adapter_at(
      sim::SimTime at, sim::SimDuration downtime,
      const hal::InterfaceTimestampCapabilities& capabilities);

  // --- Inspection ---
  [[nodiscard]] const SimWindowsCounters& counters() const;
  [[nodiscard]] const SimWindowsConfig& config() const { return config_; }
  sim::SimHost& host() { return host_; }
  // The adjustment in force as each pair reads it back (legacy: 100 ns units per 15.625 ms
  // increment; precise: counter ticks per counter-frequency increment), and whether the
  // application controls it.
  [[nodiscard]] std::uint64_t legacy_time_adjustment() const;
  [[nodiscard]] std::uint64_t precise_time_adjustment() const;
  [[nodiscard]] bool time_adjustment_disabled() const;
  [[nodiscard]] std::size_t registered_callbacks() const;

 private:
  struct State;
  SimWindows(sim::Scheduler& scheduler, sim::SimHost& host, const SimWindowsConfig& config);
  void install_ip_helper();
  void install_winsock();
  void install_clocks();

  sim::Scheduler& scheduler_;
  sim::SimHost& host_;
  SimWindowsConfig config_;
  std::unique_ptr<State> state_;
  win::WinApi api_;
};

}  // namespace ptp::simwin
