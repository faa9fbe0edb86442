// The configuration -> core mapping: PortConfig, ServoConfig, family, timestamping, identity.
#include "ptp/ptp4win/config_mapping.h"

#include <cmath>
#include <cstdio>

#include "ptp/app/core_config.h"

namespace ptp::ptp4win {

Result<PortConfig, MappingError> to_port_config(const app::LinuxPtpConfig& config,
                                                std::string_view interface_name,
                                                const ClockIdentity& identity) {
  const app::PortOptions port = app::port_options_for(config, interface_name);
  auto result = app::to_port_config(config.clock, port, identity);
  if (!result) {
    return unexpected(
        MappingError{"port configuration: " + std::string(to_string(result.error()))});
  }
  auto unicast = app::apply_unicast_master_table(config, port, result->unicast);
  if (!unicast) return unexpected(MappingError{unicast.error().message()});
  return result.value();
}

Result<servo::ServoConfig, MappingError> to_servo_config(const app::LinuxPtpConfig& config,
                                                         std::string_view interface_name,
                                                         bool hardware_timestamps,
                                                         double clock_max_frequency_ppb) {
  servo::ServoConfig result = app::to_servo_config(config.clock, hardware_timestamps);
  result.kind = requested_servo(config);
  result.clock_max_frequency_ppb = clock_max_frequency_ppb;
  const std::int8_t log_sync_interval =
      app::port_options_for(config, interface_name).log_sync_interval.value;
  result.sync_interval = Nanoseconds(
      static_cast<std::int64_t>(std::llround(std::ldexp(1.0, log_sync_interval) * 1e9)));
  auto valid = servo::validate(result);
  if (!valid) {
    return unexpected(
        MappingError{"servo configuration: " + std::string(to_string(valid.error()))});
  }
  return result;
}

hal::AddressFamily address_family(const app::LinuxPtpConfig& config,
                                  std::string_view interface_name) {
  const app::PortOptions port = app::port_options_for(config, interface_name);
  return port.network_transport.value == app::NetworkTransport::kUdpV6 ? hal::AddressFamily::kIpv6
                                                                       : hal::AddressFamily::kIpv4;
}

servo::ServoKind requested_servo(const app::LinuxPtpConfig& config) {
  // Deliberately not ptp4l's pi: the project's default servo (docs/ptp4win.md).
  if (!config.clock.clock_servo.explicitly_set()) return servo::kDefaultServoKind;
  return app::to_servo_config(config.clock, false).kind;
}

app::TimeStamping requested_time_stamping(const app::LinuxPtpConfig& config) {
  if (!config.clock.time_stamping.explicitly_set()) return app::TimeStamping::kAuto;
  return config.clock.time_stamping.value;
}

bool uses_hardware_timestamps(app::TimeStamping requested, hal::TimestampSource selected) {
  (void)requested;  // the HAL cannot force a source: what it selected decides
  return selected == hal::TimestampSource::kHardware;
}

std::string time_stamping_warning(app::TimeStamping requested, hal::TimestampSource selected) {
  const auto source_name = [](hal::TimestampSource source) {
    switch (source) {
      case hal::TimestampSource::kHardware: return "hardware";
      case hal::TimestampSource::kSoftware: return "software";
      case hal::TimestampSource::kNone: return "application-level";
    }
    return "unknown";
  };
  const bool met =
      (requested == app::TimeStamping::kAuto) ||
      (requested == app::TimeStamping::kHardware && selected == hal::TimestampSource::kHardware) ||
      (requested == app::TimeStamping::kSoftware && selected == hal::TimestampSource::kSoftware);
  if (met) return {};
  return std::string(requested == app::TimeStamping::kHardware ? "hardware" : "software") +
         " time stamping requested, but the interface provides " + source_name(selected) +
         " timestamps: using those";
}

ClockIdentity clock_identity_from_key(std::string_view adapter_key) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  for (const char c : adapter_key) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  ClockIdentity identity;
  const auto byte = [hash](int shift) { return static_cast<std::uint8_t>(hash >> shift); };
  // A locally administered unicast MAC (bit 1 set, bit 0 clear) in the EUI-48 -> EUI-64 form.
  identity.octets = {static_cast<std::uint8_t>((byte(0) | 0x02U) & 0xFEU),
                     byte(8),
                     byte(16),
                     0xFF,
                     0xFE,
                     byte(24),
                     byte(32),
                     byte(40)};
  return identity;
}

std::string format_clock_identity(const ClockIdentity& identity) {
  char text[24];
  const auto& o = identity.octets;
  (void)std::snprintf(text, sizeof text, "%02x%02x%02x.%02x%02x.%02x%02x%02x", o[0], o[1], o[2],
                      o[3], o[4], o[5], o[6], o[7]);
  return text;
}

}  // namespace ptp::ptp4win
