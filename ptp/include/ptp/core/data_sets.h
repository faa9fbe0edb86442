// The data sets of IEEE 1588-2019 clause 8 (defaultDS, currentDS, parentDS, timePropertiesDS,
// portDS) as plain structs, initialized to the defaults of the default PTP profile (1588-2019
// Annex I.3, the delay request-response profile; J.3 in 1588-2008). The BMCA reads and updates
// them through pure functions (state_decision.h); nothing here has behaviour of its own.
#pragma once

#include <cstdint>

#include "ptp/core/port_state.h"
#include "ptp/identity.h"
#include "ptp/time_interval.h"

namespace ptp {

// Default PTP profile values (1588-2019 I.3.2 and 8.2), each named by what it configures.
inline constexpr std::uint8_t kDefaultPriority = 128;              // priority1 and priority2
inline constexpr std::uint8_t kDefaultClockClass = 248;            // 7.6.2.5: the default class
inline constexpr std::uint8_t kSlaveOnlyClockClass = 255;          // 7.6.2.5: a slaveOnly clock
inline constexpr std::uint8_t kDefaultDomainNumber = 0;            // I.3.2: range 0..127
inline constexpr std::int8_t kDefaultLogAnnounceInterval = 1;      // I.3.2: 2 s, range 0..4
inline constexpr std::uint8_t kDefaultAnnounceReceiptTimeout = 3;  // I.3.2: range 2..10
inline constexpr std::int8_t kDefaultLogSyncInterval = 0;          // I.3.2: 1 s, range -1..+1
inline constexpr std::int8_t kDefaultLogMinDelayReqInterval = 0;   // I.3.2: 1 s, range 0..5
inline constexpr std::int8_t kDefaultLogMinPdelayReqInterval = 0;  // I.4.2 (peer-to-peer profile)
// defaultDS.maxStepsRemoved (new in 2019): Announces at or above it are not qualified (9.3.2.5).
inline constexpr std::uint8_t kDefaultMaxStepsRemoved = 255;
// 8.2.3.4 and 8.2.3.5: the values meaning "not computed".
inline constexpr std::uint16_t kUnknownOffsetScaledLogVariance = 0xFFFF;
inline constexpr std::int32_t kUnknownClockPhaseChangeRate = 0x7FFFFFFF;
// TAI - UTC since 2017-01-01: what a clock without a UTC source advertises until it learns
// better (currentUtcOffsetValid stays FALSE meanwhile).
inline constexpr std::int16_t kDefaultCurrentUtcOffsetSeconds = 37;

// 1588-2019 Table 21 (delayMechanism enumeration).
enum class DelayMechanism : std::uint8_t {
  kE2E = 0x01,
  kP2P = 0x02,
  kCommonP2P = 0x03,
  kSpecial = 0x04,
  kNoMechanism = 0xFE,
};

// 8.2.1 defaultDS: what this PTP Instance is and how it ranks as a grandmaster (D0 of 9.3.4).
struct DefaultDataSet {
  bool two_step_flag = true;
  ClockIdentity clock_identity;
  std::uint16_t number_ports = 1;  // 1 for an ordinary clock
  ClockQuality clock_quality;      // class 248, accuracy unknown, variance 0xFFFF
  std::uint8_t priority1 = kDefaultPriority;
  std::uint8_t priority2 = kDefaultPriority;
  std::uint8_t domain_number = kDefaultDomainNumber;
  bool slave_only = false;
  std::uint16_t sdo_id = 0;  // 12 bits: majorSdoId (high 4) and minorSdoId (low 8)
  std::uint8_t max_steps_removed = kDefaultMaxStepsRemoved;

  friend bool operator==(const DefaultDataSet&, const DefaultDataSet&) = default;
};

// 8.2.2 currentDS: this instance's distance from, and measured offset to, its master.
struct CurrentDataSet {
  std::uint16_t steps_removed = 0;
  TimeInterval offset_from_master;
  TimeInterval mean_path_delay;  // named meanDelay in 1588-2008

  friend bool operator==(const CurrentDataSet&, const CurrentDataSet&) = default;
};

// 8.2.3 parentDS: the parent (master) port and the grandmaster this instance follows.
struct ParentDataSet {
  PortIdentity parent_port_identity;
  bool parent_stats = false;  // whether the two observed values below are computed
  std::uint16_t observed_parent_offset_scaled_log_variance = kUnknownOffsetScaledLogVariance;
  std::int32_t observed_parent_clock_phase_change_rate = kUnknownClockPhaseChangeRate;
  ClockIdentity grandmaster_identity;
  ClockQuality grandmaster_clock_quality;
  std::uint8_t grandmaster_priority1 = kDefaultPriority;
  std::uint8_t grandmaster_priority2 = kDefaultPriority;

  friend bool operator==(const ParentDataSet&, const ParentDataSet&) = default;
};

// 8.2.4 timePropertiesDS: the timescale properties the grandmaster advertises.
struct TimePropertiesDataSet {
  std::int16_t current_utc_offset = kDefaultCurrentUtcOffsetSeconds;  // seconds, TAI - UTC
  bool current_utc_offset_valid = false;
  bool leap59 = false;
  bool leap61 = false;
  bool time_traceable = false;
  bool frequency_traceable = false;
  bool ptp_timescale = false;
  TimeSource time_source = TimeSource::kInternalOscillator;

  friend bool operator==(const TimePropertiesDataSet&, const TimePropertiesDataSet&) = default;
};

// 8.2.15 portDS: one PTP Port's identity, state and message intervals.
struct PortDataSet {
  PortIdentity port_identity;
  PortState port_state = PortState::kInitializing;
  std::int8_t log_min_delay_req_interval = kDefaultLogMinDelayReqInterval;
  TimeInterval mean_link_delay;  // peerMeanPathDelay in 1588-2008; P2P ports only
  std::int8_t log_announce_interval = kDefaultLogAnnounceInterval;
  std::uint8_t announce_receipt_timeout = kDefaultAnnounceReceiptTimeout;  // in announce intervals
  std::int8_t log_sync_interval = kDefaultLogSyncInterval;
  DelayMechanism delay_mechanism = DelayMechanism::kE2E;
  std::int8_t log_min_pdelay_req_interval = kDefaultLogMinPdelayReqInterval;
  std::uint8_t version_number = 2;
  std::uint8_t minor_version_number = 1;
  bool master_only = false;  // 2019 portDS.masterOnly: never SLAVE, UNCALIBRATED or PASSIVE

  friend bool operator==(const PortDataSet&, const PortDataSet&) = default;
};

}  // namespace ptp
