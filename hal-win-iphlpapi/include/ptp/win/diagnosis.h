// The facts `ptp4win --diagnose` reports for one interface, gathered through the WinApi table (so
// the same code runs on Windows, under Wine and on the simulated Windows): the timestamp
// capabilities and the source each family would use, whether Winsock accepts SIO_TIMESTAMPING, a
// self-addressed exchange per family through WinsockTransport (RX and TX timestamps, and how long
// SIO_GET_TX_TIMESTAMP took), cross-timestamp statistics, the QPC frequency and the system time
// adjustment's units, w32time and SeSystemtimePrivilege. A check that cannot run holds the reason
// instead of its facts. Turning the facts into text or JSON is the application's job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ptp/hal/ip_address.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/win/adapter_listing.h"
#include "ptp/win/interface_lookup.h"
#include "ptp/win/win_api.h"

namespace ptp::win {

// A check's facts, or why it did not run.
template <class Facts>
using Check = Result<Facts, std::string>;

// One cross-timestamp: QPC before, NIC clock, QPC after (IfHardwareCrossTimestamp).
struct CrossTimestampSample {
  std::uint64_t qpc_before = 0;
  std::uint64_t nic = 0;
  std::uint64_t qpc_after = 0;
};

struct CrossTimestampStatistics {
  std::size_t samples = 0;
  // The QPC window around each NIC reading.
  double window_min_ns = 0;
  double window_median_ns = 0;
  double window_p99_ns = 0;
  double window_max_ns = 0;
  // Windows wider than 4x the median (a preempted capture) are left out of the rates.
  std::size_t samples_in_rate = 0;
  // NIC ticks per QPC tick by least squares, scaled by the nominal frequencies when the NIC
  // reports one (1 then means both run at their nominal rates); nullopt below 4 samples in rate.
  std::optional<double> nic_per_qpc_ratio;
  bool ratio_scaled_by_nominal_frequencies = false;
  // The second half's ratio against the first half's, in ppb.
  double ratio_drift_ppb = 0;
};

// The statistics of `samples` (at least 4, and a QPC frequency); `nic_hz` 0: the ratio unscaled.
Check<CrossTimestampStatistics> summarize_cross_timestamps(
    std::span<const CrossTimestampSample> samples, std::uint64_t qpc_hz, std::uint64_t nic_hz);

struct WinsockTimestampingFacts {
  bool accepted = false;
  int error = 0;  // the Winsock error when refused (WSAEOPNOTSUPP: no Winsock timestamping)
};

// The smallest, middle and largest of a few readings.
template <class T>
struct Spread {
  T min{};
  T median{};
  T max{};
};

// Event messages sent from the interface's own address to itself over WinsockTransport, one at a
// time, each waited for (its reception and its TX timestamp) before the next.
struct SelfExchangeFacts {
  hal::IpAddress destination;  // the interface's own address
  int sent = 0;
  int received = 0;
  // How the received ones were stamped: by the OS (hardware / software), or by ptp4win on
  // reading them (application: no SO_TIMESTAMP came).
  int rx_hardware = 0;
  int rx_software = 0;
  int rx_application = 0;
  // TX timestamps SIO_GET_TX_TIMESTAMP handed out, and those it never did within the wait.
  int tx_delivered = 0;
  int tx_not_delivered = 0;
  hal::TimestampSource tx_source = hal::TimestampSource::kNone;  // the source asked for
  // WSAEWOULDBLOCK answers per delivered timestamp, and the QPC time from WSASendMsg's return to
  // the answer that delivered it.
  std::optional<Spread<std::uint64_t>> would_block;
  std::uint64_t would_block_total = 0;
  std::optional<Spread<Nanoseconds>> tx_latency;
};

struct SelfExchangeCheck {
  hal::AddressFamily family = hal::AddressFamily::kIpv4;
  Check<SelfExchangeFacts> result = unexpected(std::string("not run"));
};

enum class AdjustmentApi : std::uint8_t { kPrecise, kLegacy };

struct ClockFacts {
  AdjustmentApi api = AdjustmentApi::kPrecise;
  // Precise pair: QPC ticks per update with increment = QPF; legacy pair: 100 ns units per clock
  // interrupt. One adjustment unit per increment is the finest frequency step.
  std::uint64_t time_increment = 0;
  std::uint64_t time_adjustment = 0;
  bool adjustment_disabled = true;
  [[nodiscard]] std::optional<double> adjustment_granularity_ppb() const {
    if (time_increment == 0) return std::nullopt;
    return 1e9 / static_cast<double>(time_increment);
  }
};

struct SystemFacts {
  std::optional<bool> w32time_running;         // nullopt: the service could not be queried
  std::optional<DWORD> system_time_privilege;  // enabling it answered this; nullopt: no API
};

struct Diagnosis {
  AdapterInfo adapter;
  std::uint64_t qpc_hz = 0;
  Check<AdapterTimestampReport> timestamps = unexpected(std::string("not run"));
  Check<WinsockTimestampingFacts> winsock = unexpected(std::string("not run"));
  std::vector<SelfExchangeCheck> exchanges;  // IPv4, then IPv6, each run or saying why not
  Check<CrossTimestampStatistics> cross_timestamps = unexpected(std::string("not run"));
  Check<ClockFacts> clocks = unexpected(std::string("not run"));
  SystemFacts system;
};

struct DiagnosisOptions {
  int exchange_messages = 5;
  // UDP ports of the exchange: PTP's own by default (a running PTP daemon holds them, and the
  // exchange then says so).
  std::uint16_t event_port = 319;
  std::uint16_t general_port = 320;
  // How long to wait for a message to come back and for its TX timestamp, in QPC time.
  Nanoseconds exchange_wait = Nanoseconds(200'000'000);
  int cross_timestamps = 1000;
  // Between captures, so that the ratio is measured over a second rather than over microseconds.
  Nanoseconds cross_timestamp_spacing = Nanoseconds(1'000'000);
  // Lets up to this much time pass while the diagnosis waits. On Windows it may stay empty (QPC
  // runs while the diagnosis polls); a simulation advances its clock.
  std::function<void(Nanoseconds)> pass_time;
};

Diagnosis diagnose(const WinApi& api, const AdapterInfo& adapter,
                   const DiagnosisOptions& options = {});

// The self-addressed exchange alone (diagnose() runs it for each family the adapter has an
// address of, once SIO_TIMESTAMPING is accepted).
Check<SelfExchangeFacts> self_exchange(const WinApi& api, const AdapterInfo& adapter,
                                       hal::AddressFamily family, const DiagnosisOptions& options);

}  // namespace ptp::win
