// PortConfig: everything that configures one ordinary clock and its port, in one struct, with
// the default PTP profile's values (1588-2019 Annex I.3) and ptp4l's defaults where the standard
// leaves a choice. The option names in comments are ptp4l's configuration keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ptp/core/data_sets.h"
#include "ptp/core/peer_address.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"

namespace ptp {

// The most masters one unicast master table holds.
inline constexpr std::size_t kMaxUnicastMasters = 16;

// Unicast (1588-2019 16.1, and ptp4l's unicast_master_table): with no masters and `listen`
// false, the port is multicast only.
struct UnicastConfig {
  // The unicast_master_table's addresses, in the table's order; the first `master_count` count.
  std::array<PeerAddress, kMaxUnicastMasters> masters{};
  std::size_t master_count = 0;
  std::int8_t log_query_interval = 2;  // logQueryInterval: how often a silent master is asked
  bool listen = false;                 // unicast_listen: grant clients' requests (as a master)
  // inhibit_multicast_service: with `listen`, a master sends Announce and Sync to its unicast
  // clients only (as ptp4l, the option does nothing on a port that does not listen).
  bool inhibit_multicast_service = false;
  std::uint32_t request_duration_seconds = 3600;  // unicast_req_duration: asked-for grant length
  std::size_t max_clients = 64;  // unicast_max_clients: grants beyond this are refused (0 s)

  [[nodiscard]] bool has_master_table() const { return master_count != 0; }
};

struct PortConfig {
  ClockIdentity clock_identity;                       // from the interface's MAC (EUI-64) usually
  std::uint16_t port_number = 1;                      // an ordinary clock has port 1
  std::uint8_t domain_number = kDefaultDomainNumber;  // domainNumber
  std::uint8_t priority1 = kDefaultPriority;          // priority1
  std::uint8_t priority2 = kDefaultPriority;          // priority2
  ClockQuality clock_quality;  // clockClass, clockAccuracy, offsetScaledLogVariance
  bool slave_only = false;     // slaveOnly (forces clockClass 255, as ptp4l does)
  bool master_only = false;    // masterOnly
  std::int8_t log_announce_interval = kDefaultLogAnnounceInterval;  // logAnnounceInterval
  std::int8_t log_sync_interval = kDefaultLogSyncInterval;          // logSyncInterval
  std::int8_t log_min_delay_req_interval =
      kDefaultLogMinDelayReqInterval;                                      // logMinDelayReqInterval
  std::uint8_t announce_receipt_timeout = kDefaultAnnounceReceiptTimeout;  // announceReceiptTimeout
  DelayMechanism delay_mechanism = DelayMechanism::kE2E;  // delay_mechanism: E2E or P2P
  // P2P (11.4): Pdelay_Req every 2^logMinPdelayReqInterval s.
  std::int8_t log_min_pdelay_req_interval = kDefaultLogMinPdelayReqInterval;
  // P2P: a filtered link delay above the threshold or below the minimum makes the port not
  // capable (neighborPropDelayThresh and min_neighbor_prop_delay, ptp4l's defaults).
  Nanoseconds neighbor_prop_delay_thresh{20'000'000};
  Nanoseconds min_neighbor_prop_delay{-20'000'000};
  std::uint8_t minor_version_ptp = 1;  // ptp_minor_version: what this port sends (0 or 1)
  bool two_step = true;                // twoStepFlag
  // What this clock advertises as grandmaster (timeSource, utc_offset, ptp timescale).
  TimePropertiesDataSet local_time_properties{.current_utc_offset = kDefaultCurrentUtcOffsetSeconds,
                                              .current_utc_offset_valid = false,
                                              .leap59 = false,
                                              .leap61 = false,
                                              .time_traceable = false,
                                              .frequency_traceable = false,
                                              .ptp_timescale = true,
                                              .time_source = TimeSource::kInternalOscillator};
  bool hybrid_e2e = false;    // hybrid_e2e: Delay_Req unicast to the master, Delay_Resp unicast
  bool free_running = false;  // free_running: measure, never touch the clock
  UnicastConfig unicast;
  std::int8_t log_fault_reset_interval = 4;  // fault_reset_interval: 2^4 s in FAULTY
  std::size_t delay_filter_length = 10;      // delay_filter_length (moving median)
  std::uint8_t max_steps_removed = kDefaultMaxStepsRemoved;
  std::uint16_t sdo_id = 0;
  // Seeds the announce-timeout and Delay_Req randomisation. 0: derived from clock_identity, so
  // that clocks differ and a run repeats.
  std::uint64_t random_seed = 0;
};

enum class PortConfigError : std::uint8_t {
  kSlaveOnlyAndMasterOnly,
  kUnsupportedDelayMechanism,         // E2E and P2P are implemented (not COMMON_P2P, NONE)
  kDomainOutOfRange,                  // 0..127 for the default profile, or 128..239 (Table 2)
  kLogIntervalOutOfRange,             // each log interval within -10..10
  kAnnounceReceiptTimeoutOutOfRange,  // 2..255 (1588-2019 8.2.15.4.2 recommends at least 2)
  kDelayFilterLengthOutOfRange,       // 1..256
  kPortNumberOutOfRange,              // 1..0xFFFE
  kClockIdentityZero,                 // all-zero is not a valid EUI-64 based identity
  kOneStepNotSupported,               // two_step false: this clock sends two-step Syncs only
  kMinorVersionOutOfRange,            // minor_version_ptp: 0 (1588-2008) or 1 (1588-2019)
  kNeighborDelayLimitsInverted,       // min_neighbor_prop_delay above neighborPropDelayThresh
  kUnicastMasterTableTooLarge,        // more than kMaxUnicastMasters addresses
  kUnicastRequestDurationOutOfRange,  // unicast_req_duration: 10..2^31-1 s (ptp4l's range)
};
std::string_view to_string(PortConfigError error);

Result<void, PortConfigError> validate(const PortConfig& config);

// defaultDS and portDS as the configuration defines them (portState INITIALIZING).
DefaultDataSet default_data_set(const PortConfig& config);
PortDataSet port_data_set(const PortConfig& config);

}  // namespace ptp
