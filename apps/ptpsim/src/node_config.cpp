// Scenario node -> SimPtpNodeConfig. The capabilities per kind follow tests/scenario/sim_world.h:
// an adjustable 1 GHz NIC clock for hardware; a free-running NIC clock with cross-timestamps for
// windows-hardware; OS timestamps only for software; nothing at all for none.
#include "node_config.h"

#include <array>
#include <cstdint>
#include <cstdio>

#include "ptp/app/core_config.h"
#include "ptp/sim/nic_capabilities.h"
#include "world.h"

namespace ptp::ptpsim {
namespace {

sim::OscillatorConfig to_sim(const OscillatorModel& model, SimDuration extra_phase) {
  sim::OscillatorConfig config;
  config.initial_phase_offset = model.initial_phase_offset + extra_phase;
  config.initial_frequency_error_ppm = model.initial_frequency_error_ppm;
  config.white_fm_adev_at_1s = model.white_fm_adev_at_1s;
  config.random_walk_fm_adev_at_1s = model.random_walk_fm_adev_at_1s;
  config.noise_update_interval = model.noise_update_interval;
  config.sinusoidal_drift.amplitude_ppm = model.sinusoidal_drift.amplitude_ppm;
  config.sinusoidal_drift.period = model.sinusoidal_drift.period;
  config.sinusoidal_drift.initial_phase_radians = model.sinusoidal_drift.initial_phase_radians;
  config.ramp.rate_ppm_per_minute = model.ramp.rate_ppm_per_minute;
  config.ramp.start = sim::SimTime::from_start(model.ramp.start);
  if (model.ramp.end) config.ramp.end = sim::SimTime::from_start(*model.ramp.end);
  return config;
}

sim::SimNicKind nic_kind(TimestampingKind kind) {
  switch (kind) {
    case TimestampingKind::kHardware: return sim::SimNicKind::kHardware;
    case TimestampingKind::kWindowsHardware: return sim::SimNicKind::kWindowsHardware;
    case TimestampingKind::kSoftware: return sim::SimNicKind::kSoftware;
    case TimestampingKind::kNone: return sim::SimNicKind::kNone;
  }
  return sim::SimNicKind::kNone;
}

sim::LatencyModel to_sim(const LatencyModelSpec& spec) {
  return sim::LatencyModel{spec.mean, spec.jitter_stddev, spec.tail_probability, spec.tail_scale,
                           spec.tail_shape};
}

hal::InterfaceTimestampCapabilities capabilities_for(const NodeModel& model) {
  hal::InterfaceTimestampCapabilities caps =
      sim::nic_capabilities(nic_kind(model.timestamping), model.nic_clock.frequency_hz);
  if (!model.windows.hardware_transmit) {
    // A mixed NIC: hardware timestamps on receive only (PT:37-47 lists the directions apart).
    caps.supported.hardware.all_transmit = false;
    caps.supported.hardware.tagged_transmit = false;
    caps.active = caps.supported;
  }
  return caps;
}

// Made-up but stable identities from the node's index (addresses: node_address()).
ClockIdentity identity_for(std::size_t index) {
  const auto n = static_cast<std::uint32_t>(index + 1);
  return ClockIdentity{{0x02, 0x00, 0x00, 0xFF, 0xFE, static_cast<std::uint8_t>(n >> 16U),
                        static_cast<std::uint8_t>(n >> 8U), static_cast<std::uint8_t>(n)}};
}

}  // namespace

Result<sim::SimPtpNodeConfig, std::string> make_node_config(const NodeModel& model,
                                                            std::size_t index) {
  sim::SimPtpNodeConfig config;
  config.host.ipv4 = node_address(index, hal::AddressFamily::kIpv4);
  config.host.ipv6 = node_address(index, hal::AddressFamily::kIpv6);
  config.family = node_family(model);

  config.host.host_crystal = to_sim(model.clock, SimDuration());
  config.host.counter_frequency_hz = model.counter_frequency_hz;
  config.host.system_clock.time_at_crystal_zero =
      hal::SystemTime{Nanoseconds(kEpochSeconds * kNanosecondsPerSecond)};
  config.host.system_clock.max_frequency_adjustment =
      hal::PartsPerBillion{static_cast<double>(model.max_frequency_adjustment_ppb)};
  // A PHC starts on the PTP timescale, give or take its own phase offset.
  config.host.nic_crystal =
      to_sim(model.nic_clock.crystal, SimDuration::seconds(kEpochSeconds + kUtcOffsetSeconds));
  const bool hardware = model.timestamping == TimestampingKind::kHardware;
  config.host.nic_clock = sim::SimHardwareClockConfig{model.nic_clock.frequency_hz, hardware};
  config.host.capabilities = capabilities_for(model);
  config.host.cross_timestamps.min_window = model.cross_timestamps.min_window;
  config.host.cross_timestamps.max_window = model.cross_timestamps.max_window;
  config.host.cross_timestamps.wide_probability = model.cross_timestamps.wide_probability;
  config.host.cross_timestamps.wide_window = model.cross_timestamps.wide_window;
  config.host.cross_timestamps.failure_probability = model.cross_timestamps.failure_probability;
  config.host.paths.receive_stack = to_sim(model.paths.receive_stack);
  config.host.paths.receive_application = to_sim(model.paths.receive_application);
  config.host.paths.transmit_stack = to_sim(model.paths.transmit_stack);
  config.host.paths.transmit_driver = to_sim(model.paths.transmit_driver);
  config.host.paths.transmit_report = to_sim(model.paths.transmit_report);
  config.host.paths.hardware_jitter_stddev = model.paths.hardware_jitter_stddev;
  config.host.paths.transmit_timestamp_loss_probability =
      model.paths.transmit_timestamp_loss_probability;

  auto port = app::to_port_config(model.options.clock, model.options.port, identity_for(index));
  if (!port) return unexpected(std::string(to_string(port.error())));
  config.port = *port;
  auto unicast =
      app::apply_unicast_master_table(model.options, model.options.port, config.port.unicast);
  if (!unicast) return unexpected(unicast.error().message());
  TimePropertiesDataSet& time = config.port.local_time_properties;
  time.leap61 = model.time_properties.leap61;
  time.leap59 = model.time_properties.leap59;
  time.current_utc_offset_valid = model.time_properties.current_utc_offset_valid;
  time.time_traceable = model.time_properties.time_traceable;
  time.frequency_traceable = model.time_properties.frequency_traceable;
  config.servo = app::to_servo_config(
      model.options.clock, hardware || model.timestamping == TimestampingKind::kWindowsHardware);
  config.driver.utc_offset = Nanoseconds(kUtcOffsetSeconds * kNanosecondsPerSecond);
  return config;
}

TimestampingKind effective_timestamping(const NodeModel& model) {
  if (model.program != NodeProgram::kPtp4win) return model.timestamping;
  if (!model.windows.timestamping_api || !model.windows.socket_timestamping) {
    return TimestampingKind::kNone;
  }
  if (model.timestamping == TimestampingKind::kWindowsHardware &&
      !model.windows.hardware_transmit) {
    return TimestampingKind::kSoftware;
  }
  return model.timestamping;
}

simwin::SimWindowsConfig windows_config(const NodeModel& model, std::size_t index) {
  const WindowsModel& w = model.windows;
  simwin::SimWindowsConfig config;
  config.adapter = windows_adapter(index);
  config.timestamping_api = w.timestamping_api;
  config.precise_adjustment_api = w.precise_adjustment_api;
  config.socket_timestamping = w.socket_timestamping;
  config.tx_timestamp_never_reported_probability = w.tx_timestamp_never_reported_probability;
  config.cross_timestamp_failure_probability = w.cross_timestamp_failure_probability;
  config.w32time.running = w.w32time.running;
  config.w32time.poll_interval = w.w32time.poll_interval;
  config.w32time.first_poll = w.w32time.first_poll;
  config.w32time.source_noise = w.w32time.source_noise;
  config.w32time.max_slew_ppm = w.w32time.max_slew_ppm;
  config.w32time.update_interval = w.w32time.update_interval;
  return config;
}

simwin::SimAdapterConfig windows_adapter(std::size_t index) {
  const auto n = static_cast<std::uint32_t>(index + 1);
  simwin::SimAdapterConfig adapter;
  // A locally administered unicast MAC (02:...), as identity_for's identities are.
  adapter.mac = {0x02,
                 0x57,
                 0x49,
                 static_cast<std::uint8_t>(n >> 16U),
                 static_cast<std::uint8_t>(n >> 8U),
                 static_cast<std::uint8_t>(n)};
  std::array<char, 16> digits{};
  (void)std::snprintf(digits.data(), digits.size(), "%012X", n);
  adapter.adapter_name = std::string("{5A1E0000-0000-4000-8000-") + digits.data() + "}";
  return adapter;
}

}  // namespace ptp::ptpsim
