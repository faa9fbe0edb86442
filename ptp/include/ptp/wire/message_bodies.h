// The fixed fields that follow the header, one struct per message type (IEEE 1588-2019 13.5-13.12).
// Reserved fields are written as zero and ignored on receipt, so they have no member here.
#pragma once

#include <cstdint>

#include "ptp/identity.h"
#include "ptp/timestamp.h"

namespace ptp::wire {

struct Sync {  // 13.6
  Timestamp origin_timestamp;
  friend bool operator==(const Sync&, const Sync&) = default;
};

struct DelayReq {  // 13.6
  Timestamp origin_timestamp;
  friend bool operator==(const DelayReq&, const DelayReq&) = default;
};

struct FollowUp {  // 13.7
  Timestamp precise_origin_timestamp;
  friend bool operator==(const FollowUp&, const FollowUp&) = default;
};

struct DelayResp {  // 13.8
  Timestamp receive_timestamp;
  PortIdentity requesting_port_identity;
  friend bool operator==(const DelayResp&, const DelayResp&) = default;
};

struct PdelayReq {  // 13.9; followed by 10 reserved octets
  Timestamp origin_timestamp;
  friend bool operator==(const PdelayReq&, const PdelayReq&) = default;
};

struct PdelayResp {  // 13.10
  Timestamp request_receipt_timestamp;
  PortIdentity requesting_port_identity;
  friend bool operator==(const PdelayResp&, const PdelayResp&) = default;
};

struct PdelayRespFollowUp {  // 13.11
  Timestamp response_origin_timestamp;
  PortIdentity requesting_port_identity;
  friend bool operator==(const PdelayRespFollowUp&, const PdelayRespFollowUp&) = default;
};

struct Announce {  // 13.5
  Timestamp origin_timestamp;
  std::int16_t current_utc_offset = 0;
  std::uint8_t grandmaster_priority1 = 128;
  ClockQuality grandmaster_clock_quality;
  std::uint8_t grandmaster_priority2 = 128;
  ClockIdentity grandmaster_identity;
  std::uint16_t steps_removed = 0;
  TimeSource time_source = TimeSource::kInternalOscillator;
  friend bool operator==(const Announce&, const Announce&) = default;
};

struct Signaling {  // 13.12; the TLVs carry the content
  PortIdentity target_port_identity;
  friend bool operator==(const Signaling&, const Signaling&) = default;
};

// 1588-2019 Table 57.
enum class ManagementAction : std::uint8_t {
  kGet = 0,
  kSet = 1,
  kResponse = 2,
  kCommand = 3,
  kAcknowledge = 4,
};

struct Management {  // 15.4.1; one MANAGEMENT or MANAGEMENT_ERROR_STATUS TLV follows
  PortIdentity target_port_identity;
  std::uint8_t starting_boundary_hops = 0;
  std::uint8_t boundary_hops = 0;
  ManagementAction action = ManagementAction::kGet;  // 4 bits on the wire
  friend bool operator==(const Management&, const Management&) = default;
};

}  // namespace ptp::wire
