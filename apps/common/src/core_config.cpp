// Options to core configuration: a field-by-field copy with unit conversions.
#include "ptp/app/core_config.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "ptp/hal/ip_address.h"
#include "text.h"

namespace ptp::app {
namespace {

// ptp4l gives thresholds in seconds (doubles); the servo wants whole nanoseconds. The option
// table has already refused negative, infinite and NaN values.
Nanoseconds seconds_to_nanoseconds(double seconds) {
  return Nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

servo::ServoKind to_servo_kind(ClockServo servo) {
  switch (servo) {
    case ClockServo::kPi: return servo::ServoKind::kPi;
    case ClockServo::kLinreg: return servo::ServoKind::kLinreg;
    case ClockServo::kKalman: return servo::ServoKind::kKalman;
    case ClockServo::kEnvelope: return servo::ServoKind::kEnvelope;
  }
  return servo::ServoKind::kPi;
}

}  // namespace

Result<PortConfig, PortConfigError> to_port_config(const ClockOptions& clock,
                                                   const PortOptions& port,
                                                   const ClockIdentity& identity) {
  PortConfig config;
  config.clock_identity = identity;
  config.domain_number = clock.domain_number.value;
  config.priority1 = clock.priority1.value;
  config.priority2 = clock.priority2.value;
  config.clock_quality.clock_class = clock.clock_class.value;
  config.clock_quality.clock_accuracy = static_cast<ClockAccuracy>(clock.clock_accuracy.value);
  config.clock_quality.offset_scaled_log_variance = clock.offset_scaled_log_variance.value;
  config.slave_only = clock.slave_only.value;
  config.two_step = clock.two_step.value;
  config.local_time_properties.current_utc_offset =
      static_cast<std::int16_t>(clock.utc_offset_seconds.value);
  config.local_time_properties.time_source = static_cast<TimeSource>(clock.time_source.value);
  config.free_running = clock.free_running.value;

  config.master_only = port.master_only.value;
  config.log_announce_interval = port.log_announce_interval.value;
  config.log_sync_interval = port.log_sync_interval.value;
  config.log_min_delay_req_interval = port.log_min_delay_req_interval.value;
  config.announce_receipt_timeout = port.announce_receipt_timeout.value;
  config.delay_mechanism = port.delay_mechanism.value == DelayMechanism::kP2P
                               ? ptp::DelayMechanism::kP2P
                               : ptp::DelayMechanism::kE2E;
  config.log_min_pdelay_req_interval = port.log_min_pdelay_req_interval.value;
  config.neighbor_prop_delay_thresh = Nanoseconds(port.neighbor_prop_delay_thresh_ns.value);
  config.min_neighbor_prop_delay = Nanoseconds(port.min_neighbor_prop_delay_ns.value);
  config.minor_version_ptp = clock.ptp_minor_version.value;
  config.hybrid_e2e = port.hybrid_e2e.value;
  config.delay_filter_length = static_cast<std::size_t>(port.delay_filter_length.value);
  config.unicast.listen = port.unicast_listen.value;
  config.unicast.inhibit_multicast_service = port.inhibit_multicast_service.value;
  config.unicast.request_duration_seconds =
      static_cast<std::uint32_t>(port.unicast_req_duration.value);
  config.unicast.max_clients = static_cast<std::size_t>(port.unicast_max_clients.value);

  if (auto valid = validate(config); !valid) return unexpected(valid.error());
  return config;
}

Result<void, ConfigError> apply_unicast_master_table(const LinuxPtpConfig& config,
                                                     const PortOptions& port,
                                                     UnicastConfig& unicast) {
  const std::int32_t table_id = port.unicast_master_table.value;
  if (table_id == 0) return {};
  const UnicastMasterTable* table = find_unicast_master_table(config, table_id);
  if (table == nullptr) {
    const bool command_line = port.unicast_master_table.origin == SettingOrigin::kCommandLine;
    return unexpected(ConfigError{
        ConfigErrorKind::kUnknownTableId, std::string(command_line ? kCommandLineSource : "config"),
        0, command_line ? "--unicast_master_table" : "unicast_master_table",
        text::concat({"no [unicast_master_table] has table_id ", std::to_string(table_id)})});
  }
  const NetworkTransport transport = port.network_transport.value;
  unicast.master_count = 0;
  unicast.log_query_interval = table->log_query_interval;
  for (const UnicastMasterAddress& master : table->addresses) {
    if (master.transport != transport) {
      const std::string_view name =
          master.transport == NetworkTransport::kUdpV4 ? "UDPv4" : "UDPv6";
      const std::string_view other = name == "UDPv4" ? "UDPv6" : "UDPv4";
      return unexpected(ConfigError{
          ConfigErrorKind::kTableTransportMismatch, table->source, master.line, std::string(name),
          text::concat({"a ", name, " master in table ", std::to_string(table_id),
                        ", used by a port whose network_transport is ", other})});
    }
    // The reader keeps a table within kMaxUnicastMasters.
    unicast.masters[unicast.master_count++] = hal::to_peer_address(master.address);
  }
  return {};
}

servo::ServoConfig to_servo_config(const ClockOptions& clock, bool hardware_timestamps) {
  servo::ServoConfig config;
  config.kind = to_servo_kind(clock.clock_servo.value);
  config.step_threshold = seconds_to_nanoseconds(clock.step_threshold_seconds.value);
  config.first_step_threshold = seconds_to_nanoseconds(clock.first_step_threshold_seconds.value);
  config.max_frequency_ppb = static_cast<double>(clock.max_frequency_ppb.value);
  config.hardware_timestamps = hardware_timestamps;
  config.pi.proportional_const = clock.pi_proportional_const.value;
  config.pi.integral_const = clock.pi_integral_const.value;
  config.pi.proportional_scale = clock.pi_proportional_scale.value;
  config.pi.proportional_exponent = clock.pi_proportional_exponent.value;
  config.pi.proportional_norm_max = clock.pi_proportional_norm_max.value;
  config.pi.integral_scale = clock.pi_integral_scale.value;
  config.pi.integral_exponent = clock.pi_integral_exponent.value;
  config.pi.integral_norm_max = clock.pi_integral_norm_max.value;
  config.kalman.delay_floor = clock.kalman_delay_floor.value;
  return config;
}

}  // namespace ptp::app
