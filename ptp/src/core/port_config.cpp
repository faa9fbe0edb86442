// PortConfig validation and the data sets a configuration defines.
#include "ptp/core/port_config.h"

#include "ptp/servo/path_delay_filter.h"

namespace ptp {
namespace {

constexpr std::int8_t kMinLogInterval = -10;
constexpr std::int8_t kMaxLogInterval = 10;

bool log_interval_in_range(std::int8_t log_interval) {
  return log_interval >= kMinLogInterval && log_interval <= kMaxLogInterval;
}

bool is_zero(const ClockIdentity& identity) {
  for (const auto octet : identity.octets) {
    if (octet != 0) return false;
  }
  return true;
}

constexpr std::uint32_t kMinUnicastRequestDurationSeconds = 10;
constexpr std::uint32_t kMaxUnicastRequestDurationSeconds = 0x7FFF'FFFF;

Result<void, PortConfigError> validate_unicast(const UnicastConfig& unicast) {
  if (unicast.master_count > kMaxUnicastMasters) {
    return unexpected(PortConfigError::kUnicastMasterTableTooLarge);
  }
  if (unicast.request_duration_seconds < kMinUnicastRequestDurationSeconds ||
      unicast.request_duration_seconds > kMaxUnicastRequestDurationSeconds) {
    return unexpected(PortConfigError::kUnicastRequestDurationOutOfRange);
  }
  return {};
}

}  // namespace

std::string_view to_string(PortConfigError error) {
  switch (error) {
    case PortConfigError::kSlaveOnlyAndMasterOnly: return "slaveOnly and masterOnly both set";
    case PortConfigError::kUnsupportedDelayMechanism:
      return "delay mechanism not supported (E2E or P2P)";
    case PortConfigError::kDomainOutOfRange: return "domainNumber out of range (0..127, 128..239)";
    case PortConfigError::kLogIntervalOutOfRange: return "log interval out of range (-10..10)";
    case PortConfigError::kAnnounceReceiptTimeoutOutOfRange:
      return "announceReceiptTimeout out of range (2..255)";
    case PortConfigError::kDelayFilterLengthOutOfRange:
      return "delay_filter_length out of range (1..256)";
    case PortConfigError::kPortNumberOutOfRange: return "port number out of range (1..65534)";
    case PortConfigError::kClockIdentityZero: return "clock identity is all zero";
    case PortConfigError::kOneStepNotSupported:
      return "twoStepFlag 0 not supported (this clock is two-step)";
    case PortConfigError::kMinorVersionOutOfRange: return "ptp_minor_version out of range (0..1)";
    case PortConfigError::kNeighborDelayLimitsInverted:
      return "min_neighbor_prop_delay above neighborPropDelayThresh";
    case PortConfigError::kUnicastMasterTableTooLarge:
      return "unicast master table has more than 16 addresses";
    case PortConfigError::kUnicastRequestDurationOutOfRange:
      return "unicast_req_duration out of range (10..2147483647 s)";
  }
  return "unknown port configuration error";
}

Result<void, PortConfigError> validate(const PortConfig& config) {
  if (config.slave_only && config.master_only) {
    return unexpected(PortConfigError::kSlaveOnlyAndMasterOnly);
  }
  if (config.delay_mechanism != DelayMechanism::kE2E &&
      config.delay_mechanism != DelayMechanism::kP2P) {
    return unexpected(PortConfigError::kUnsupportedDelayMechanism);
  }
  if (config.domain_number > 239) return unexpected(PortConfigError::kDomainOutOfRange);
  if (!log_interval_in_range(config.log_announce_interval) ||
      !log_interval_in_range(config.log_sync_interval) ||
      !log_interval_in_range(config.log_min_delay_req_interval) ||
      !log_interval_in_range(config.log_fault_reset_interval) ||
      !log_interval_in_range(config.log_min_pdelay_req_interval) ||
      !log_interval_in_range(config.unicast.log_query_interval)) {
    return unexpected(PortConfigError::kLogIntervalOutOfRange);
  }
  if (config.announce_receipt_timeout < 2) {
    return unexpected(PortConfigError::kAnnounceReceiptTimeoutOutOfRange);
  }
  if (config.delay_filter_length == 0 ||
      config.delay_filter_length > servo::kMaxPathDelayFilterLength) {
    return unexpected(PortConfigError::kDelayFilterLengthOutOfRange);
  }
  if (config.port_number == 0 || config.port_number == PortIdentity::kAllPorts) {
    return unexpected(PortConfigError::kPortNumberOutOfRange);
  }
  if (is_zero(config.clock_identity)) return unexpected(PortConfigError::kClockIdentityZero);
  if (!config.two_step) return unexpected(PortConfigError::kOneStepNotSupported);
  if (config.minor_version_ptp > 1) return unexpected(PortConfigError::kMinorVersionOutOfRange);
  if (config.min_neighbor_prop_delay > config.neighbor_prop_delay_thresh) {
    return unexpected(PortConfigError::kNeighborDelayLimitsInverted);
  }
  return validate_unicast(config.unicast);
}

DefaultDataSet default_data_set(const PortConfig& config) {
  DefaultDataSet ds;
  ds.two_step_flag = config.two_step;
  ds.clock_identity = config.clock_identity;
  ds.number_ports = 1;
  ds.clock_quality = config.clock_quality;
  if (config.slave_only) ds.clock_quality.clock_class = kSlaveOnlyClockClass;
  ds.priority1 = config.priority1;
  ds.priority2 = config.priority2;
  ds.domain_number = config.domain_number;
  ds.slave_only = config.slave_only;
  ds.sdo_id = config.sdo_id;
  ds.max_steps_removed = config.max_steps_removed;
  return ds;
}

PortDataSet port_data_set(const PortConfig& config) {
  PortDataSet ds;
  ds.port_identity = PortIdentity{config.clock_identity, config.port_number};
  ds.port_state = PortState::kInitializing;
  ds.log_min_delay_req_interval = config.log_min_delay_req_interval;
  ds.log_announce_interval = config.log_announce_interval;
  ds.announce_receipt_timeout = config.announce_receipt_timeout;
  ds.log_sync_interval = config.log_sync_interval;
  ds.delay_mechanism = config.delay_mechanism;
  ds.log_min_pdelay_req_interval = config.log_min_pdelay_req_interval;
  ds.minor_version_number = config.minor_version_ptp;
  ds.master_only = config.master_only;
  return ds;
}

}  // namespace ptp
