// The MANAGEMENT TLV (IEEE 1588-2019 15.5) and the typed data sets a `pmc` GET asks for:
// DEFAULT_DATA_SET, CURRENT_DATA_SET, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET, PORT_DATA_SET,
// and NULL_MANAGEMENT. Other managementIds are carried as raw dataField octets.
#pragma once

#include <cstdint>
#include <span>
#include <variant>

#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/time_interval.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

// 1588-2019 Table 59 (the subset this stack names; any 16-bit value may travel).
enum class ManagementId : std::uint16_t {
  kNullManagement = 0x0000,
  kClockDescription = 0x0001,
  kUserDescription = 0x0002,
  kSaveInNonVolatileStorage = 0x0003,
  kResetNonVolatileStorage = 0x0004,
  kInitialize = 0x0005,
  kFaultLog = 0x0006,
  kFaultLogReset = 0x0007,
  kDefaultDataSet = 0x2000,
  kCurrentDataSet = 0x2001,
  kParentDataSet = 0x2002,
  kTimePropertiesDataSet = 0x2003,
  kPortDataSet = 0x2004,
  kPriority1 = 0x2005,
  kPriority2 = 0x2006,
  kDomain = 0x2007,
  kSlaveOnly = 0x2008,
  kLogAnnounceInterval = 0x2009,
  kAnnounceReceiptTimeout = 0x200A,
  kLogSyncInterval = 0x200B,
  kVersionNumber = 0x200C,
  kEnablePort = 0x200D,
  kDisablePort = 0x200E,
  kTime = 0x200F,
  kClockAccuracy = 0x2010,
  kUtcProperties = 0x2011,
  kTraceabilityProperties = 0x2012,
  kTimescaleProperties = 0x2013,
  kDelayMechanism = 0x6000,
  kLogMinPdelayReqInterval = 0x6001,
};

// 15.5.3.3.1
struct ManagementDefaultDataSet {
  bool two_step = false;    // TSC
  bool slave_only = false;  // SO
  std::uint16_t number_ports = 1;
  std::uint8_t priority1 = 128;
  ClockQuality clock_quality;
  std::uint8_t priority2 = 128;
  ClockIdentity clock_identity;
  std::uint8_t domain_number = 0;
  friend bool operator==(const ManagementDefaultDataSet&,
                         const ManagementDefaultDataSet&) = default;
};

// 15.5.3.4.1
struct ManagementCurrentDataSet {
  std::uint16_t steps_removed = 0;
  TimeInterval offset_from_master;
  TimeInterval mean_path_delay;
  friend bool operator==(const ManagementCurrentDataSet&,
                         const ManagementCurrentDataSet&) = default;
};

// 15.5.3.5.1
struct ManagementParentDataSet {
  PortIdentity parent_port_identity;
  bool parent_stats = false;  // PS
  std::uint16_t observed_parent_offset_scaled_log_variance = 0xFFFF;
  std::int32_t observed_parent_clock_phase_change_rate = 0x7FFFFFFF;
  std::uint8_t grandmaster_priority1 = 128;
  ClockQuality grandmaster_clock_quality;
  std::uint8_t grandmaster_priority2 = 128;
  ClockIdentity grandmaster_identity;
  friend bool operator==(const ManagementParentDataSet&, const ManagementParentDataSet&) = default;
};

// 15.5.3.6.1
struct ManagementTimePropertiesDataSet {
  std::int16_t current_utc_offset = 0;
  bool leap61 = false;                    // LI-61
  bool leap59 = false;                    // LI-59
  bool current_utc_offset_valid = false;  // UTCV
  bool ptp_timescale = false;             // PTP
  bool time_traceable = false;            // TTRA
  bool frequency_traceable = false;       // FTRA
  TimeSource time_source = TimeSource::kInternalOscillator;
  friend bool operator==(const ManagementTimePropertiesDataSet&,
                         const ManagementTimePropertiesDataSet&) = default;
};

// 15.5.3.7.1
struct ManagementPortDataSet {
  PortIdentity port_identity;
  std::uint8_t port_state = 0;  // 1588-2019 Table 20 enumeration
  std::int8_t log_min_delay_req_interval = 0;
  TimeInterval peer_mean_path_delay;
  std::int8_t log_announce_interval = 1;
  std::uint8_t announce_receipt_timeout = 3;
  std::int8_t log_sync_interval = 0;
  std::uint8_t delay_mechanism = 1;  // 1 = E2E, 2 = P2P, 0xFE = disabled
  std::int8_t log_min_pdelay_req_interval = 0;
  std::uint8_t version_number = 2;  // 4 bits
  friend bool operator==(const ManagementPortDataSet&, const ManagementPortDataSet&) = default;
};

// A dataField this codec does not type (or a typed id whose contents are not wanted decoded).
struct RawManagementData {
  std::span<const std::byte> octets;
  friend bool operator==(const RawManagementData& a, const RawManagementData& b);
};

// std::monostate: an empty dataField, as in every GET request and in NULL_MANAGEMENT.
using ManagementData =
    std::variant<std::monostate, ManagementDefaultDataSet, ManagementCurrentDataSet,
                 ManagementParentDataSet, ManagementTimePropertiesDataSet, ManagementPortDataSet,
                 RawManagementData>;

struct ManagementTlv {
  ManagementId management_id = ManagementId::kNullManagement;
  ManagementData data;
  friend bool operator==(const ManagementTlv&, const ManagementTlv&) = default;
};

// Decodes a MANAGEMENT TLV. An empty dataField decodes to std::monostate whatever the id; a
// non-empty one for a typed data set must have that data set's exact size (kBadManagementLength).
Result<ManagementTlv, WireError> decode_management_tlv(const TlvView& tlv);

// Appends a MANAGEMENT TLV. Typed data must match its managementId (kValueOutOfRange otherwise);
// raw data of odd length gets the pad octet 15.5.2 asks for.
Result<void, WireError> append_management_tlv(TlvWriter& writer, const ManagementTlv& tlv);

}  // namespace ptp::wire
