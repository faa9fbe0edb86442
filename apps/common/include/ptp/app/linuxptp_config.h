// LinuxPtpConfig: a ptp4l-style configuration as plain typed data. Every field starts at ptp4l's
// default (linuxptp's config.c option table; sources in linuxptp_options.cpp) and remembers
// where its value came from, so that an application can tell "left at the default" from "set to
// the default" (ptp4win, for one, picks the timestamping mode from the NIC's capabilities unless
// time_stamping was set explicitly).
//
// The split follows linuxptp: ClockOptions may appear only in [global]; PortOptions may appear in
// [global] (the default for every interface) and in an [interface] section (that interface only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/hal/ip_address.h"

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
enum class ClockServo : std::uint8_t { kPi, kLinreg, kKalman, kEnvelope };

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
  // Unicast: the table_id of the [unicast_master_table] this port asks for service (0: none),
  // whether it grants requests as a master, and the grant duration it asks for (seconds).
  Setting<std::int32_t> unicast_master_table{0};
  Setting<bool> unicast_listen{false};
  Setting<bool> inhibit_multicast_service{false};  // with unicast_listen: no multicast service
  Setting<std::int32_t> unicast_req_duration{3600};
  // ptpstack's own: how many clients a unicast_listen port serves; it refuses the rest.
  Setting<std::int32_t> unicast_max_clients{64};

  friend bool operator==(const PortOptions&, const PortOptions&) = default;
};

// One [interface] section: the port options in force on that interface, i.e. the section's own
// settings (origin kInterfaceSection) over the [global] ones.
struct InterfaceConfig {
  std::string name;
  PortOptions options;

  friend bool operator==(const InterfaceConfig&, const InterfaceConfig&) = default;
};

// One address line of a [unicast_master_table] ("UDPv4 192.0.2.1", "UDPv6 2001:db8::1").
struct UnicastMasterAddress {
  NetworkTransport transport = NetworkTransport::kUdpV4;
  hal::IpAddress address;
  std::size_t line = 0;  // where it was read (0: not from a file)

  friend bool operator==(const UnicastMasterAddress&, const UnicastMasterAddress&) = default;
};

// One [unicast_master_table] section: the masters a port naming `table_id` asks for unicast
// service, in the file's order.
struct UnicastMasterTable {
  std::int32_t table_id = 0;           // positive and unique in the configuration
  std::int8_t log_query_interval = 0;  // logQueryInterval: ptp4l's default 0 (1 s)
  std::vector<UnicastMasterAddress> addresses;
  std::string source;    // the file it was read from (for errors found later)
  std::size_t line = 0;  // of its table_id

  friend bool operator==(const UnicastMasterTable&, const UnicastMasterTable&) = default;
};

struct LinuxPtpConfig {
  ClockOptions clock;
  PortOptions port;                         // as set in [global]: the default for every interface
  std::vector<InterfaceConfig> interfaces;  // in order of first appearance
  std::vector<UnicastMasterTable> unicast_master_tables;  // in order of their table_id lines

  friend bool operator==(const LinuxPtpConfig&, const LinuxPtpConfig&) = default;
};

// The interface named `name`, or nullptr.
const InterfaceConfig* find_interface(const LinuxPtpConfig& config, std::string_view name);
// The interface named `name`, created with the [global] port options if it is not there yet
// (what ptp4l does for -i). The reference is valid until the next interface is added.
InterfaceConfig& add_interface(LinuxPtpConfig& config, std::string_view name);
// The port options in force on `name`: its section's, or the [global] ones if it has none.
PortOptions port_options_for(const LinuxPtpConfig& config, std::string_view name);
// The unicast master table with `table_id`, or nullptr.
const UnicastMasterTable* find_unicast_master_table(const LinuxPtpConfig& config,
                                                    std::int32_t table_id);

}  // namespace ptp::app
