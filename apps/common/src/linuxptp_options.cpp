// The option table. Defaults and ranges are linuxptp's, checked against its config.c option table
// (v4.x, the `config_tab` of PORT_ITEM_*/GLOB_ITEM_* entries), its configs/default.cfg and the
// ptp4l(8) manual page; "3.1" notes where Debian 12's linuxptp 3.1.1 differs. Only the facts are
// taken from linuxptp (GPL); the code is ours.
#include "ptp/app/linuxptp_options.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "text.h"

namespace ptp::app {
namespace {

constexpr std::int64_t kInt8Min = -128;  // INT8_MIN
constexpr std::int64_t kInt8Max = 127;   // INT8_MAX
constexpr std::int64_t kUint8Max = std::numeric_limits<std::uint8_t>::max();
constexpr std::int64_t kUint16Max = std::numeric_limits<std::uint16_t>::max();
constexpr std::int64_t kIntMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kIntMax = std::numeric_limits<std::int32_t>::max();
// unicast_max_clients' upper bound: each client costs the master a Sync, a Follow_Up and an
// Announce stream, so four digits is already more than one port can serve.
constexpr std::int64_t kMaxUnicastClients = 1024;
constexpr double kDblMax = std::numeric_limits<double>::max();
constexpr double kDblMin = std::numeric_limits<double>::min();  // smallest positive: "> 0"

// --- Storing a checked value into its field ---

template <class T>
void store(Setting<T>& setting, const OptionValue& value, SettingOrigin origin) {
  // ptp4l locks a command-line value against the file's [global] (CFG_ITEM_LOCKED).
  if (origin == SettingOrigin::kGlobalSection && setting.origin == SettingOrigin::kCommandLine) {
    return;
  }
  if constexpr (std::is_same_v<T, bool>) {
    setting.value = std::get<std::int64_t>(value) != 0;
  } else if constexpr (std::is_same_v<T, double>) {
    setting.value = std::get<double>(value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    setting.value = std::get<std::string>(value);
  } else {
    // Integers and enums: the range check has made the value fit.
    setting.value = static_cast<T>(std::get<std::int64_t>(value));
  }
  setting.origin = origin;
}

template <class M>
struct MemberOf;
template <class C, class T>
struct MemberOf<T C::*> {
  using Class = C;
};

template <auto Member>
void set_field(typename MemberOf<decltype(Member)>::Class& options, const OptionValue& value,
               SettingOrigin origin) {
  store(options.*Member, value, origin);
}

template <auto Member>
OptionValue get_field(const typename MemberOf<decltype(Member)>::Class& options) {
  const auto& value = (options.*Member).value;
  using T = std::decay_t<decltype(value)>;
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::string>) {
    return OptionValue(value);
  } else {
    return OptionValue(static_cast<std::int64_t>(value));
  }
}

template <auto Member>
SettingOrigin origin_of_field(const typename MemberOf<decltype(Member)>::Class& options) {
  return (options.*Member).origin;
}

template <auto Member>
void inherit_field(PortOptions& interface_options, const PortOptions& global) {
  if ((interface_options.*Member).origin != SettingOrigin::kInterfaceSection) {
    interface_options.*Member = global.*Member;
  }
}

// --- Building descriptors ---

template <auto Member>
constexpr OptionDescriptor bind(OptionDescriptor option) {
  if constexpr (std::is_same_v<typename MemberOf<decltype(Member)>::Class, ClockOptions>) {
    option.scope = OptionScope::kGlobal;
    option.set_clock = &set_field<Member>;
    option.get_clock = &get_field<Member>;
    option.origin_clock = &origin_of_field<Member>;
  } else {
    option.scope = OptionScope::kPort;
    option.set_port = &set_field<Member>;
    option.inherit_port = &inherit_field<Member>;
    option.get_port = &get_field<Member>;
    option.origin_port = &origin_of_field<Member>;
  }
  return option;
}

template <auto Member>
constexpr OptionDescriptor integer(std::string_view name, std::int64_t min, std::int64_t max,
                                   std::string_view default_text) {
  OptionDescriptor option;
  option.name = name;
  option.type = OptionType::kInteger;
  option.min = min;
  option.max = max;
  option.supported_min = min;
  option.supported_max = max;
  option.default_text = default_text;
  return bind<Member>(option);
}

template <auto Member>
constexpr OptionDescriptor real(std::string_view name, double min, double max,
                                std::string_view default_text) {
  OptionDescriptor option;
  option.name = name;
  option.type = OptionType::kDouble;
  option.min_double = min;
  option.max_double = max;
  option.default_text = default_text;
  return bind<Member>(option);
}

template <auto Member>
constexpr OptionDescriptor enumeration(std::string_view name,
                                       std::span<const EnumSpelling> spellings,
                                       std::string_view default_text) {
  OptionDescriptor option;
  option.name = name;
  option.type = OptionType::kEnum;
  option.spellings = spellings;
  option.default_text = default_text;
  return bind<Member>(option);
}

template <auto Member>
constexpr OptionDescriptor string(std::string_view name, std::string_view default_text) {
  OptionDescriptor option;
  option.name = name;
  option.type = OptionType::kString;
  option.default_text = default_text;
  return bind<Member>(option);
}

constexpr OptionDescriptor supported_only(OptionDescriptor option, std::int64_t min,
                                          std::int64_t max) {
  option.supported_min = min;
  option.supported_max = max;
  return option;
}

constexpr OptionDescriptor alias(OptionDescriptor option, std::string_view of) {
  option.alias_of = of;
  return option;
}

// --- Enum spellings: linuxptp's, with ptpstack's support ---

constexpr std::int64_t kUnused = -1;

constexpr std::array kClockServoSpellings{
    EnumSpelling{"pi", static_cast<std::int64_t>(ClockServo::kPi)},
    EnumSpelling{"linreg", static_cast<std::int64_t>(ClockServo::kLinreg)},
    EnumSpelling{"kalman", static_cast<std::int64_t>(ClockServo::kKalman)},      // ptpstack's own
    EnumSpelling{"envelope", static_cast<std::int64_t>(ClockServo::kEnvelope)},  // ptpstack's own
    EnumSpelling{"ntpshm", kUnused, false},
    EnumSpelling{"nullf", kUnused, false},
    EnumSpelling{"refclock_sock", kUnused, false},
};

constexpr std::array kDelayFilterSpellings{
    EnumSpelling{"moving_median", static_cast<std::int64_t>(DelayFilter::kMovingMedian)},
    EnumSpelling{"moving_average", kUnused, false},
};

constexpr std::array kDelayMechanismSpellings{
    EnumSpelling{"E2E", static_cast<std::int64_t>(DelayMechanism::kE2E)},
    EnumSpelling{"Auto", kUnused, false},
    EnumSpelling{"P2P", static_cast<std::int64_t>(DelayMechanism::kP2P)},
    EnumSpelling{"COMMON_P2P", kUnused, false},
    EnumSpelling{"NONE", kUnused, false},
};

constexpr std::array kNetworkTransportSpellings{
    EnumSpelling{"UDPv4", static_cast<std::int64_t>(NetworkTransport::kUdpV4)},
    EnumSpelling{"UDPv6", static_cast<std::int64_t>(NetworkTransport::kUdpV6)},
    EnumSpelling{"L2", kUnused, false},
};

constexpr std::array kTimeStampingSpellings{
    EnumSpelling{"hardware", static_cast<std::int64_t>(TimeStamping::kHardware)},
    EnumSpelling{"software", static_cast<std::int64_t>(TimeStamping::kSoftware)},
    EnumSpelling{"auto", static_cast<std::int64_t>(TimeStamping::kAuto)},  // ptpstack's own
    EnumSpelling{"legacy", kUnused, false},
    EnumSpelling{"onestep", kUnused, false},
    EnumSpelling{"p2p1step", kUnused, false},
};

using C = ClockOptions;
using P = PortOptions;

// Sources: "config.c" = linuxptp's config_tab entry (default, min, max); "cfg" = default.cfg.
constexpr std::array kOptions{
    // config.c PORT_ITEM_INT 3, [2, UINT8_MAX]; cfg 3
    integer<&P::announce_receipt_timeout>("announceReceiptTimeout", 2, kUint8Max, "3"),
    // config.c (4.x) GLOB_ITEM_INT clientOnly 0, [0, 1]: slaveOnly's newer name
    alias(integer<&C::slave_only>("clientOnly", 0, 1, "0"), "slaveOnly"),
    // config.c GLOB_ITEM_ENU CLOCK_SERVO_PI; cfg pi
    enumeration<&C::clock_servo>("clock_servo", kClockServoSpellings, "pi"),
    // config.c GLOB_ITEM_INT 0xfe, [0, UINT8_MAX]; cfg 0xFE
    integer<&C::clock_accuracy>("clockAccuracy", 0, kUint8Max, "0xFE"),
    // config.c GLOB_ITEM_INT 248, [0, UINT8_MAX]; cfg 248
    integer<&C::clock_class>("clockClass", 0, kUint8Max, "248"),
    // config.c PORT_ITEM_ENU FILTER_MOVING_MEDIAN; cfg moving_median
    enumeration<&P::delay_filter>("delay_filter", kDelayFilterSpellings, "moving_median"),
    // config.c PORT_ITEM_INT 10, [1, INT_MAX]; cfg 10
    integer<&P::delay_filter_length>("delay_filter_length", 1, kIntMax, "10"),
    // config.c PORT_ITEM_ENU DM_E2E; cfg E2E
    enumeration<&P::delay_mechanism>("delay_mechanism", kDelayMechanismSpellings, "E2E"),
    // config.c GLOB_ITEM_INT 0, [0, 255] (3.1: [0, 127]); cfg 0
    integer<&C::domain_number>("domainNumber", 0, kUint8Max, "0"),
    // config.c GLOB_ITEM_DBL 0.00002, [0.0, DBL_MAX]; cfg 0.00002
    real<&C::first_step_threshold_seconds>("first_step_threshold", 0.0, kDblMax, "0.00002"),
    // config.c GLOB_ITEM_INT 0, [0, 1]; cfg 0
    integer<&C::free_running>("free_running", 0, 1, "0"),
    // config.c PORT_ITEM_INT 0, [0, 1]; cfg 0
    integer<&P::hybrid_e2e>("hybrid_e2e", 0, 1, "0"),
    // config.c PORT_ITEM_INT 0, [0, 1]; read only with unicast_listen (unicast_service.c)
    integer<&P::inhibit_multicast_service>("inhibit_multicast_service", 0, 1, "0"),
    // ptpstack's own (not linuxptp's): the kalman servo's lucky-packet stage; 0: off
    integer<&C::kalman_delay_floor>("kalman_delay_floor", 0, 1, "0"),
    // config.c PORT_ITEM_INT 1, [INT8_MIN, INT8_MAX]; cfg 1
    integer<&P::log_announce_interval>("logAnnounceInterval", kInt8Min, kInt8Max, "1"),
    // config.c GLOB_ITEM_INT LOG_INFO (6), [PRINT_LEVEL_MIN, PRINT_LEVEL_MAX] = [LOG_EMERG 0,
    // LOG_DEBUG 7]; cfg 6
    integer<&C::logging_level>("logging_level", 0, 7, "6"),
    // config.c PORT_ITEM_INT 0, [INT8_MIN, INT8_MAX]; cfg 0
    integer<&P::log_min_delay_req_interval>("logMinDelayReqInterval", kInt8Min, kInt8Max, "0"),
    // config.c PORT_ITEM_INT 0, [INT8_MIN, INT8_MAX]; cfg 0
    integer<&P::log_min_pdelay_req_interval>("logMinPdelayReqInterval", kInt8Min, kInt8Max, "0"),
    // config.c PORT_ITEM_INT 0, [INT8_MIN, INT8_MAX]; cfg 0
    integer<&P::log_sync_interval>("logSyncInterval", kInt8Min, kInt8Max, "0"),
    // config.c PORT_ITEM_INT 0, [0, 1] (deprecated in 4.x for serverOnly); cfg 0
    integer<&P::master_only>("masterOnly", 0, 1, "0"),
    // config.c GLOB_ITEM_INT 900000000, [0, INT_MAX]; cfg 900000000
    integer<&C::max_frequency_ppb>("max_frequency", 0, kIntMax, "900000000"),
    // config.c GLOB_ITEM_STR NULL: no tag (ptp4l(8): "an empty string")
    string<&C::message_tag>("message_tag", ""),
    // ptpstack's own (not linuxptp's): ptp4win's /metrics address; "" serves nothing
    string<&C::metrics_address>("metrics_address", ""),
    // config.c PORT_ITEM_INT -20000000, [INT_MIN, -1]; nanoseconds
    integer<&P::min_neighbor_prop_delay_ns>("min_neighbor_prop_delay", kIntMin, -1, "-20000000"),
    // config.c PORT_ITEM_INT 20000000, [0, INT_MAX]; cfg 20000000; nanoseconds
    integer<&P::neighbor_prop_delay_thresh_ns>("neighborPropDelayThresh", 0, kIntMax, "20000000"),
    // config.c PORT_ITEM_ENU TRANS_UDP_IPV4; cfg UDPv4
    enumeration<&P::network_transport>("network_transport", kNetworkTransportSpellings, "UDPv4"),
    // config.c GLOB_ITEM_INT 0xffff, [0, UINT16_MAX]; cfg 0xFFFF
    integer<&C::offset_scaled_log_variance>("offsetScaledLogVariance", 0, kUint16Max, "0xFFFF"),
    // pi_f_offset_const, pi_max_frequency, pi_offset_const: the older names that ptp4l maps to
    // first_step_threshold, max_frequency and step_threshold (config.c check_deprecated_options)
    alias(real<&C::first_step_threshold_seconds>("pi_f_offset_const", 0.0, kDblMax, "0.00002"),
          "first_step_threshold"),
    // config.c GLOB_ITEM_DBL 0.0, [0.0, DBL_MAX]; cfg 0.0
    real<&C::pi_integral_const>("pi_integral_const", 0.0, kDblMax, "0.0"),
    // config.c GLOB_ITEM_DBL 0.4, [-DBL_MAX, DBL_MAX]; cfg 0.4
    real<&C::pi_integral_exponent>("pi_integral_exponent", -kDblMax, kDblMax, "0.4"),
    // config.c GLOB_ITEM_DBL 0.3, [DBL_MIN, 2.0]; cfg 0.3
    real<&C::pi_integral_norm_max>("pi_integral_norm_max", kDblMin, 2.0, "0.3"),
    // config.c GLOB_ITEM_DBL 0.0, [0.0, DBL_MAX]; cfg 0.0
    real<&C::pi_integral_scale>("pi_integral_scale", 0.0, kDblMax, "0.0"),
    alias(integer<&C::max_frequency_ppb>("pi_max_frequency", 0, kIntMax, "900000000"),
          "max_frequency"),
    alias(real<&C::step_threshold_seconds>("pi_offset_const", 0.0, kDblMax, "0.0"),
          "step_threshold"),
    // config.c GLOB_ITEM_DBL 0.0, [0.0, DBL_MAX]; cfg 0.0
    real<&C::pi_proportional_const>("pi_proportional_const", 0.0, kDblMax, "0.0"),
    // config.c GLOB_ITEM_DBL -0.3, [-DBL_MAX, DBL_MAX]; cfg -0.3
    real<&C::pi_proportional_exponent>("pi_proportional_exponent", -kDblMax, kDblMax, "-0.3"),
    // config.c GLOB_ITEM_DBL 0.7, [DBL_MIN, 1.0]; cfg 0.7
    real<&C::pi_proportional_norm_max>("pi_proportional_norm_max", kDblMin, 1.0, "0.7"),
    // config.c GLOB_ITEM_DBL 0.0, [0.0, DBL_MAX]; cfg 0.0
    real<&C::pi_proportional_scale>("pi_proportional_scale", 0.0, kDblMax, "0.0"),
    // config.c GLOB_ITEM_INT 128, [0, UINT8_MAX]; cfg 128
    integer<&C::priority1>("priority1", 0, kUint8Max, "128"),
    // config.c GLOB_ITEM_INT 128, [0, UINT8_MAX]; cfg 128
    integer<&C::priority2>("priority2", 0, kUint8Max, "128"),
    // config.c (4.x) GLOB_ITEM_INT 1, [0, 1]: minorVersionPTP of every message sent
    integer<&C::ptp_minor_version>("ptp_minor_version", 0, 1, "1"),
    // config.c (4.x) PORT_ITEM_INT serverOnly 0, [0, 1]: masterOnly's newer name
    alias(integer<&P::master_only>("serverOnly", 0, 1, "0"), "masterOnly"),
    // config.c GLOB_ITEM_INT 0, [0, 1]; cfg 0
    integer<&C::slave_only>("slaveOnly", 0, 1, "0"),
    // config.c GLOB_ITEM_DBL 0.0, [0.0, DBL_MAX]; cfg 0.0
    real<&C::step_threshold_seconds>("step_threshold", 0.0, kDblMax, "0.0"),
    // config.c GLOB_ITEM_INT 0, [INT_MIN, INT_MAX]; cfg 0
    integer<&C::summary_interval_log2_seconds>("summary_interval", kIntMin, kIntMax, "0"),
    // config.c GLOB_ITEM_ENU TS_HARDWARE; cfg hardware
    enumeration<&C::time_stamping>("time_stamping", kTimeStampingSpellings, "hardware"),
    // config.c GLOB_ITEM_INT INTERNAL_OSCILLATOR (0xA0), [0x10, 0xfe]; cfg 0xA0
    integer<&C::time_source>("timeSource", 0x10, 0xFE, "0xA0"),
    // config.c GLOB_ITEM_INT 1, [0, 1]; cfg 1. ptpstack sends two-step Sync only.
    supported_only(integer<&C::two_step>("twoStepFlag", 0, 1, "1"), 1, 1),
    // config.c GLOB_ITEM_INT 10, [1, INT_MAX] (3.1: default 1); milliseconds
    integer<&C::tx_timestamp_timeout_ms>("tx_timestamp_timeout", 1, kIntMax, "10"),
    // config.c PORT_ITEM_INT 0, [0, 1]
    integer<&P::unicast_listen>("unicast_listen", 0, 1, "0"),
    // config.c PORT_ITEM_INT 0, [0, INT_MAX]: a table_id, 0 for none
    integer<&P::unicast_master_table>("unicast_master_table", 0, kIntMax, "0"),
    // ptpstack's own (not linuxptp's, whose server grants without a limit): the most clients a
    // unicast_listen port serves at once; it refuses the others with a zero-duration grant
    integer<&P::unicast_max_clients>("unicast_max_clients", 1, kMaxUnicastClients, "64"),
    // config.c PORT_ITEM_INT 3600, [10, INT_MAX]; seconds
    integer<&P::unicast_req_duration>("unicast_req_duration", 10, kIntMax, "3600"),
    // config.c GLOB_ITEM_INT 1, [0, 1]; cfg 1. ptp4win --service: the Event Log; elsewhere no
    // effect (ptpsim logs to stdout, a console ptp4win to stdout/stderr).
    integer<&C::use_syslog>("use_syslog", 0, 1, "1"),
    // config.c GLOB_ITEM_INT CURRENT_UTC_OFFSET (37), [0, INT_MAX]; ptp4l(8) 37
    integer<&C::utc_offset_seconds>("utc_offset", 0, kIntMax, "37"),
    // config.c GLOB_ITEM_INT 0, [0, 1]; cfg 0
    integer<&C::verbose>("verbose", 0, 1, "0"),
};

// linuxptp 4.x options (config.c) that ptpstack does not implement: named as such in errors
// rather than called unknown.
constexpr auto kUnsupportedLinuxPtpOptions = std::to_array<std::string_view>({
    "active_key_id",
    "allow_unauth",
    "allowedLostResponses",
    "asCapable",
    "assume_two_step",
    "BMCA",
    "boundary_clock_jbod",
    "check_fup_sync",
    "clock_class_threshold",
    "clock_type",
    "clockIdentity",
    "cmlds.client_address",
    "cmlds.domainNumber",
    "cmlds.majorSdoId",
    "cmlds.port",
    "cmlds.server_address",
    "dataset_comparison",
    "delay_response_timeout",
    "delayAsymmetry",
    "dscp_event",
    "dscp_general",
    "egressLatency",
    "fault_badpeernet_interval",
    "fault_reset_interval",
    "follow_up_info",
    "freq_est_interval",
    "G.8275.defaultDS.localPriority",
    "G.8275.portDS.localPriority",
    "gmCapable",
    "hwts_filter",
    "ignore_source_id",
    "ignore_transport_specific",
    "ingressLatency",
    "inhibit_announce",
    "inhibit_delay_req",
    "initial_delay",
    "interface_rate_tlv",
    "kernel_leap",
    "leapfile",
    "manufacturerIdentity",
    "maxStepsRemoved",
    "msg_interval_request",
    "net_sync_monitor",
    "ntpshm_segment",
    "operLogPdelayReqInterval",
    "operLogSyncInterval",
    "p2p_dst_ipv4",
    "p2p_dst_ipv6",
    "p2p_dst_mac",
    "path_trace_enabled",
    "phc_index",
    "power_profile.2011.grandmasterTimeInaccuracy",
    "power_profile.2011.networkTimeInaccuracy",
    "power_profile.2017.totalTimeInaccuracy",
    "power_profile.grandmasterID",
    "power_profile.version",
    "productDescription",
    "ptp_dst_ipv4",
    "ptp_dst_ipv6",
    "ptp_dst_mac",
    "refclock_sock_address",
    "revisionData",
    "sa_file",
    "sanity_freq_limit",
    "servo_num_offset_values",
    "servo_offset_threshold",
    "slave_event_monitor",
    "socket_priority",
    "spp",
    "step_window",
    "syncReceiptTimeout",
    "tc_spanning_tree",
    "transportSpecific",
    "ts2phc.channel",
    "ts2phc.extts_correction",
    "ts2phc.extts_polarity",
    "ts2phc.holdover",
    "ts2phc.master",
    "ts2phc.nmea_baudrate",
    "ts2phc.nmea_delay",
    "ts2phc.nmea_remote_host",
    "ts2phc.nmea_remote_port",
    "ts2phc.nmea_serialport",
    "ts2phc.perout_phase",
    "ts2phc.pin_index",
    "ts2phc.pulsewidth",
    "ts2phc.tod_source",
    "tsproc_mode",
    "udp_ttl",
    "udp6_scope",
    "uds_address",
    "uds_file_mode",
    "uds_ro_address",
    "uds_ro_file_mode",
    "userDescription",
    "write_phase_mode",
});

std::string format_double(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), result.ptr};
}

}  // namespace

std::span<const OptionDescriptor> linuxptp_options() { return kOptions; }

const OptionDescriptor* find_option(std::string_view name) {
  const auto* found = std::find_if(kOptions.begin(), kOptions.end(),
                                   [name](const OptionDescriptor& o) { return o.name == name; });
  return found == kOptions.end() ? nullptr : &*found;
}

bool is_unsupported_linuxptp_option(std::string_view name) {
  return std::find(kUnsupportedLinuxPtpOptions.begin(), kUnsupportedLinuxPtpOptions.end(), name) !=
         kUnsupportedLinuxPtpOptions.end();
}

OptionState option_state(const LinuxPtpConfig& config, const OptionDescriptor& option,
                         std::string_view interface_name) {
  if (option.scope == OptionScope::kGlobal) {
    return {option.get_clock(config.clock), option.origin_clock(config.clock)};
  }
  const PortOptions options =
      interface_name.empty() ? config.port : port_options_for(config, interface_name);
  return {option.get_port(options), option.origin_port(options)};
}

std::string option_value_text(const OptionDescriptor& option, const OptionValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* real_value = std::get_if<double>(&value)) return format_double(*real_value);
  const std::int64_t number = std::get<std::int64_t>(value);
  if (option.type == OptionType::kEnum) {
    for (const EnumSpelling& spelling : option.spellings) {
      if (spelling.supported && spelling.value == number) return std::string(spelling.name);
    }
  }
  return std::to_string(number);
}

std::string range_text(const OptionDescriptor& option) {
  switch (option.type) {
    case OptionType::kInteger:
      return text::concat({"[", std::to_string(option.min), ", ", std::to_string(option.max), "]"});
    case OptionType::kDouble: {
      // DBL_MIN as a minimum means "greater than zero"; +-DBL_MAX means unbounded.
      const std::string low = option.min_double == kDblMin ? "(0"
                              : option.min_double == -kDblMax
                                  ? "(-inf"
                                  : text::concat({"[", format_double(option.min_double)});
      const std::string high = option.max_double == kDblMax
                                   ? "inf)"
                                   : text::concat({format_double(option.max_double), "]"});
      return text::concat({low, ", ", high});
    }
    case OptionType::kEnum:
    case OptionType::kString: break;
  }
  return {};
}

std::string supported_spellings(const OptionDescriptor& option) {
  std::string text;
  for (const EnumSpelling& spelling : option.spellings) {
    if (!spelling.supported) continue;
    if (!text.empty()) text.append(", ");
    text.append(spelling.name);
  }
  return text;
}

}  // namespace ptp::app
