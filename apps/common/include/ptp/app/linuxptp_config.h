// LinuxPtpConfig: a ptp4l-style configuration as plain typed data. Every field starts at ptp4l's
// default (linuxptp's config.c option table; sources in linuxptp_options.cpp) and remembers
// where its value came from, so that an application can tell "left at the default" from "set to
// the default" (ptp4win, for one, picks the timestamping mode from the NIC's capabilities unless
// time_stamping was set explicitly).
//
// The split follows linuxptp: ClockOptions may appear only in [global]; PortOptions may appear in
// [global] (the default for every interface) and in an [interface] section (that interface only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ptp::app {

// Where a setting's value came from. Later sources override earlier ones, except that (as in
// ptp4l) an interface section keeps its own value over a command-line --option.
enum class SettingOrigin : std::uint8_t {
  kDefault,           // ptp4l's default: nobody set it
  kGlobalSection,     // [global] of a configuration file (or a scenario's options table)
  kInterfaceSection,  // an [interface] section
  kCommandLine,       // --option value
};

template <class T>
struct Setting {
  T value{};
  SettingOrigin origin = SettingOrigin::kDefault;

  [[nodiscard]] bool explicitly_set() const { return origin != SettingOrigin::kDefault; }
  friend bool operator==(const Setting&, const Setting&) = default;
};

// time_stamping. linuxptp also knows legacy, onestep and p2p1step: rejected as not supported.
enum class TimeStamping : std::uint8_t {
  kHardware,
  kSoftware,
  kAuto,  // ptpstack's extension: the best source the NIC's active capabilities offer
};

// clock_servo. linuxptp's ntpshm, nullf and refclock_sock are rejected as not supported.
enum class ClockServo : std::uint8_t { kPi, kLinreg, kKalman };

// delay_mechanism: end-to-end and peer-to-peer (Auto, COMMON_P2P, NONE rejected).
enum class DelayMechanism : std::uint8_t { kE2E, kP2P };

// network_transport: UDP only (L2 rejected).
enum class NetworkTransport : std::uint8_t { kUdpV4, kUdpV6 };

// delay_filter: the moving median only (moving_average rejected).
enum class DelayFilter : std::uint8_t { kMovingMedian };

// The options that linuxptp allows only in [global]: the clock's data sets, the servo, logging.
struct ClockOptions {
  // defaultDS (IEEE 1588-2019 8.2.1)
  Setting<std::uint8_t> domain_number{0};
  Setting<std::uint8_t> priority1{128};
  Setting<std::uint8_t> priority2{128};
  Setting<std::uint8_t> clock_class{248};
  Setting<std::uint8_t> clock_accuracy{0xFE};  // 0xFE: unknown
  Setting<std::uint16_t> offset_scaled_log_variance{0xFFFF};
  Setting<bool> slave_only{false};             // slaveOnly, or its newer linuxptp name clientOnly
  Setting<bool> two_step{true};                // twoStepFlag: ptpstack is a two-step clock only
  Setting<std::uint8_t> ptp_minor_version{1};  // minorVersionPTP sent: 0 (1588-2008), 1 (2019)
  // timePropertiesDS as a grandmaster announces it
  Setting<std::int32_t> utc_offset_seconds{37};  // utc_offset: TAI - UTC
  Setting<std::uint8_t> time_source{0xA0};       // timeSource: 0xA0 internal oscillator
  // timestamping and the servo
  Setting<TimeStamping> time_stamping{TimeStamping::kHardware};
  Setting<std::int32_t> tx_timestamp_timeout_ms{10};
  Setting<bool> free_running{false};
  Setting<ClockServo> clock_servo{ClockServo::kPi};
  Setting<double> step_threshold_seconds{0.0};
  Setting<double> first_step_threshold_seconds{0.00002};
  Setting<std::int32_t> max_frequency_ppb{900'000'000};
  Setting<double> pi_proportional_const{0.0};
  Setting<double> pi_integral_const{0.0};
  Setting<double> pi_proportional_scale{0.0};
  Setting<double> pi_proportional_exponent{-0.3};
  Setting<double> pi_proportional_norm_max{0.7};
  Setting<double> pi_integral_scale{0.0};
  Setting<double> pi_integral_exponent{0.4};
  Setting<double> pi_integral_norm_max{0.3};
  // ptpstack's own: the kalman servo's lucky-packet stage (servo::KalmanConfig::delay_floor).
  Setting<bool> kalman_delay_floor{false};
  // logging
  Setting<std::int32_t> summary_interval_log2_seconds{0};
  Setting<std::int32_t> logging_level{6};  // syslog levels: 0 emergency .. 7 debug; 6 info
  Setting<bool> verbose{false};
  Setting<bool> use_syslog{true};  // ptp4win --service: log to the Event Log; else no effect
  Setting<std::string> message_tag;
  // ptpstack's own: where ptp4win serves Prometheus metrics (metrics_address.h); empty: off.
  Setting<std::string> metrics_address;

  friend bool operator==(const ClockOptions&, const ClockOptions&) = default;
};

// The options linuxptp allows in an interface section as well: portDS and the port's transport.
struct PortOptions {
  // Intervals as log2 seconds, as IEEE 1588 and ptp4l give them.
  Setting<std::int8_t> log_announce_interval{1};
  Setting<std::int8_t> log_sync_interval{0};
  Setting<std::int8_t> log_min_delay_req_interval{0};
  Setting<std::int8_t> log_min_pdelay_req_interval{0};
  // P2P link delay limits in nanoseconds (neighborPropDelayThresh, min_neighbor_prop_delay).
  Setting<std::int32_t> neighbor_prop_delay_thresh_ns{20'000'000};
  Setting<std::int32_t> min_neighbor_prop_delay_ns{-20'000'000};
  Setting<std::uint8_t> announce_receipt_timeout{3};  // in announce intervals
  Setting<DelayMechanism> delay_mechanism{DelayMechanism::kE2E};
  Setting<NetworkTransport> network_transport{NetworkTransport::kUdpV4};
  Setting<bool> hybrid_e2e{false};
  Setting<bool> master_only{false};  // masterOnly, or its newer linuxptp name serverOnly
  Setting<DelayFilter> delay_filter{DelayFilter::kMovingMedian};
  Setting<std::int32_t> delay_filter_length{10};  // in samples

  friend bool operator==(const PortOptions&, const PortOptions&) = default;
};

// One [interface] section: the port options in force on that interface, i.e. the section's own
// settings (origin kInterfaceSection) over the [global] ones.
struct InterfaceConfig {
  std::string name;
  PortOptions options;

  friend bool operator==(const InterfaceConfig&, const InterfaceConfig&) = default;
};

struct LinuxPtpConfig {
  ClockOptions clock;
  PortOptions port;                         // as set in [global]: the default for every interface
  std::vector<InterfaceConfig> interfaces;  // in order of first appearance

  friend bool operator==(const LinuxPtpConfig&, const LinuxPtpConfig&) = default;
};

// The interface named `name`, or nullptr.
const InterfaceConfig* find_interface(const LinuxPtpConfig& config, std::string_view name);
// The interface named `name`, created with the [global] port options if it is not there yet
// (what ptp4l does for -i). The reference is valid until the next interface is added.
InterfaceConfig& add_interface(LinuxPtpConfig& config, std::string_view name);
// The port options in force on `name`: its section's, or the [global] ones if it has none.
PortOptions port_options_for(const LinuxPtpConfig& config, std::string_view name);

}  // namespace ptp::app
