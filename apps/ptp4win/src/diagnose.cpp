// ptp4win --diagnose: the checks, run through the WinApi table, and the report's two formats.
#include "ptp/ptp4win/diagnose.h"

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>

#include "ptp/win/adapter_listing.h"
#include "ptp/win/winsock_timestamp_types.h"

namespace ptp::ptp4win {
namespace {

constexpr int kCrossTimestampCount = 1000;
constexpr ULONG kErrorNotAllAssigned = 1300;  // ERROR_NOT_ALL_ASSIGNED

DiagnoseField text(std::string key, std::string value) {
  return {std::move(key), std::move(value), true};
}
DiagnoseField number(std::string key, double value, int decimals = 0) {
  std::string buffer(64, '\0');
  const int length = std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
  buffer.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
  return {std::move(key), buffer, false};
}
DiagnoseField flag(std::string key, bool value) {
  return {std::move(key), value ? "true" : "false", false};
}
DiagnoseSection not_run(std::string name, std::string why) {
  return {std::move(name), {}, std::move(why)};
}

std::string hardware_flags(const hal::HardwareTimestampCapabilities& c) {
  std::string names;
  const auto add = [&names](bool on, std::string_view name) {
    if (!on) return;
    if (!names.empty()) names.append(", ");
    names.append(name);
  };
  add(c.ptp_v2_over_udp_ipv4_event_message_receive, "PtpV2OverUdpIPv4EventMessageReceive");
  add(c.ptp_v2_over_udp_ipv4_all_message_receive, "PtpV2OverUdpIPv4AllMessageReceive");
  add(c.ptp_v2_over_udp_ipv4_event_message_transmit, "PtpV2OverUdpIPv4EventMessageTransmit");
  add(c.ptp_v2_over_udp_ipv4_all_message_transmit, "PtpV2OverUdpIPv4AllMessageTransmit");
  add(c.ptp_v2_over_udp_ipv6_event_message_receive, "PtpV2OverUdpIPv6EventMessageReceive");
  add(c.ptp_v2_over_udp_ipv6_all_message_receive, "PtpV2OverUdpIPv6AllMessageReceive");
  add(c.ptp_v2_over_udp_ipv6_event_message_transmit, "PtpV2OverUdpIPv6EventMessageTransmit");
  add(c.ptp_v2_over_udp_ipv6_all_message_transmit, "PtpV2OverUdpIPv6AllMessageTransmit");
  add(c.all_receive, "AllReceive");
  add(c.all_transmit, "AllTransmit");
  add(c.tagged_transmit, "TaggedTransmit");
  return names.empty() ? "none" : names;
}

std::string software_flags(const hal::SoftwareTimestampCapabilities& c) {
  hal::HardwareTimestampCapabilities as_hardware;
  as_hardware.all_receive = c.all_receive;
  as_hardware.all_transmit = c.all_transmit;
  as_hardware.tagged_transmit = c.tagged_transmit;
  return hardware_flags(as_hardware);
}

std::string os_error(const hal::HalError& error) {
  return std::string(hal::to_string(error.code)) + " (error " + std::to_string(error.os_code) + ")";
}

DiagnoseSection interface_section(const win::AdapterInfo& adapter) {
  return {"interface",
          {text("friendly_name", adapter.friendly_name), text("description", adapter.description),
           text("guid", adapter.adapter_name),
           DiagnoseField{"luid", std::to_string(adapter.luid), false},
           number("if_index", adapter.if_index), flag("up", adapter.up)},
          {}};
}

std::optional<win::AdapterTimestampReport> report_of(const win::WinApi& api,
                                                     const win::AdapterInfo& adapter,
                                                     std::string& error) {
  auto reports = win::list_interfaces(api);
  if (!reports) {
    error = "cannot list the interfaces: " + os_error(reports.error());
    return std::nullopt;
  }
  for (const win::AdapterTimestampReport& report : *reports) {
    if (report.adapter.luid == adapter.luid) return report;
  }
  error = "the interface is no longer listed";
  return std::nullopt;
}

DiagnoseSection capabilities_section(const std::optional<win::AdapterTimestampReport>& report,
                                     const std::string& error) {
  if (!report) return not_run("capabilities", error);
  DiagnoseSection section{"capabilities", {}, {}};
  section.fields.push_back(text("ipv4_source", std::string(win::to_string(report->ipv4_source))));
  section.fields.push_back(text("ipv6_source", std::string(win::to_string(report->ipv6_source))));
  if (!report->capabilities) {
    section.fields.push_back(text("ip_helper", "no answer: " + os_error(report->error) +
                                                   " (no timestamp API, or a NIC without "
                                                   "timestamping)"));
    return section;
  }
  const auto& c = *report->capabilities;
  section.fields.push_back(text("supported_hardware", hardware_flags(c.supported.hardware)));
  section.fields.push_back(text("active_hardware", hardware_flags(c.active.hardware)));
  section.fields.push_back(text("supported_software", software_flags(c.supported.software)));
  section.fields.push_back(text("active_software", software_flags(c.active.software)));
  section.fields.push_back(flag("supports_cross_timestamp", c.supported.supports_cross_timestamp));
  section.fields.push_back(number("hardware_clock_frequency_hz",
                                  static_cast<double>(c.supported.hardware_clock_frequency_hz)));
  return section;
}

// SIO_TIMESTAMPING on a UDP socket, RX and TX: accepted, or the Winsock error.
DiagnoseSection winsock_section(const win::WinApi& api, bool& accepted) {
  accepted = false;
  if (!api.wsa_startup || !api.socket || !api.wsa_ioctl) {
    return not_run("winsock_timestamping", "Winsock functions not available");
  }
  WSADATA data{};
  if (api.wsa_startup(MAKEWORD(2, 2), &data) != 0) {
    return not_run("winsock_timestamping", "WSAStartup failed");
  }
  DiagnoseSection section{"winsock_timestamping", {}, {}};
  const SOCKET s = api.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (s == INVALID_SOCKET) {
    section.not_run = "cannot open a UDP socket: error " + std::to_string(api.wsa_get_last_error());
  } else {
    win::TimestampingConfig config{win::kTimestampingFlagRx | win::kTimestampingFlagTx, 16};
    DWORD returned = 0;
    accepted = api.wsa_ioctl(s, win::kSioTimestamping, &config, sizeof(config), nullptr, 0,
                             &returned) == 0;
    section.fields.push_back(flag("sio_timestamping_accepted", accepted));
    if (!accepted) {
      const int error = api.wsa_get_last_error();
      section.fields.push_back(number("error", error));
      if (error == WSAEOPNOTSUPP) {
        section.fields.push_back(
            text("meaning",
                 "WSAEOPNOTSUPP: this Windows (or Wine) has no Winsock timestamping; "
                 "ptp4win uses application-level timestamps"));
      }
    }
    (void)api.closesocket(s);
  }
  (void)api.wsa_cleanup();
  return section;
}

DiagnoseSection cross_timestamp_section(const win::WinApi& api, const win::AdapterInfo& adapter,
                                        const std::optional<win::AdapterTimestampReport>& report,
                                        std::uint64_t qpc_hz) {
  if (!api.capture_interface_hardware_cross_timestamp) {
    return not_run("cross_timestamps",
                   "CaptureInterfaceHardwareCrossTimestamp is not available (Windows 10 build "
                   "20348+, Windows 11 or Server 2022 have it; Wine does not)");
  }
  NET_LUID luid{};
  luid.Value = adapter.luid;
  std::vector<CrossTimestampSample> samples;
  samples.reserve(kCrossTimestampCount);
  for (int i = 0; i < kCrossTimestampCount; ++i) {
    win::IfHardwareCrossTimestamp capture{};
    const DWORD error = api.capture_interface_hardware_cross_timestamp(&luid, &capture);
    if (error != 0) {
      return not_run("cross_timestamps", "CaptureInterfaceHardwareCrossTimestamp failed after " +
                                             std::to_string(i) + " samples: error " +
                                             std::to_string(error));
    }
    samples.push_back(
        {capture.system_timestamp_1, capture.hardware_clock_timestamp, capture.system_timestamp_2});
  }
  const std::uint64_t nic_hz = report && report->capabilities
                                   ? report->capabilities->supported.hardware_clock_frequency_hz
                                   : 0;
  return summarize_cross_timestamps(samples, qpc_hz, nic_hz);
}

DiagnoseSection clocks_section(const win::WinApi& api, std::uint64_t qpc_hz) {
  DiagnoseSection section{"clocks", {}, {}};
  section.fields.push_back(number("qpc_frequency_hz", static_cast<double>(qpc_hz)));
  DWORD64 adjustment = 0;
  DWORD64 increment = 0;
  BOOL disabled = TRUE;
  if (api.get_system_time_adjustment_precise &&
      api.get_system_time_adjustment_precise(&adjustment, &increment, &disabled) != FALSE) {
    section.fields.push_back(text("adjustment_api", "GetSystemTimeAdjustmentPrecise"));
  } else if (DWORD a = 0, i = 0; api.get_system_time_adjustment &&
                                 api.get_system_time_adjustment(&a, &i, &disabled) != FALSE) {
    adjustment = a;
    increment = i;
    section.fields.push_back(text(
        "adjustment_api", "GetSystemTimeAdjustment (100 ns units; the precise API is absent)"));
  } else {
    section.not_run = "neither GetSystemTimeAdjustmentPrecise nor GetSystemTimeAdjustment answered";
    return section;
  }
  section.fields.push_back(number("time_increment", static_cast<double>(increment)));
  section.fields.push_back(number("time_adjustment", static_cast<double>(adjustment)));
  section.fields.push_back(flag("adjustment_disabled", disabled != FALSE));
  // One unit of adjustment per increment: the finest frequency step, relative.
  if (increment != 0) {
    section.fields.push_back(
        number("adjustment_granularity_ppb", 1e9 / static_cast<double>(increment), 3));
  }
  return section;
}

DiagnoseSection system_section(const win::WinApi& api) {
  DiagnoseSection section{"system", {}, {}};
  const std::optional<bool> w32time =
      api.w32time_running ? api.w32time_running() : std::optional<bool>();
  section.fields.push_back(
      text("w32time", !w32time ? "unknown (cannot query the service)"
                               : (*w32time ? "running: stop it (net stop w32time), it fights "
                                             "ptp4win's adjustments"
                                           : "not running")));
  if (!api.enable_system_time_privilege) {
    section.fields.push_back(text("system_time_privilege", "unknown (cannot query the token)"));
    return section;
  }
  const DWORD code = api.enable_system_time_privilege();
  section.fields.push_back(
      text("system_time_privilege",
           code == 0 ? "held (SeSystemtimePrivilege)"
           : code == kErrorNotAllAssigned
               ? "not held: run elevated or grant \"Change the system time\" (or --free_running 1)"
               : "unknown (error " + std::to_string(code) + ")"));
  return section;
}

// NIC ticks per QPC tick by least squares over samples [first, last).
double rate(std::span<const CrossTimestampSample> samples) {
  const double q0 = static_cast<double>(samples.front().qpc_before);
  const double n0 = static_cast<double>(samples.front().nic);
  double sq = 0, sn = 0, sqq = 0, sqn = 0;
  for (const CrossTimestampSample& s : samples) {
    const double q =
        (static_cast<double>(s.qpc_before) + static_cast<double>(s.qpc_after)) / 2 - q0;
    const double n = static_cast<double>(s.nic) - n0;
    sq += q;
    sn += n;
    sqq += q * q;
    sqn += q * n;
  }
  const double count = static_cast<double>(samples.size());
  const double denominator = count * sqq - sq * sq;
  return denominator == 0 ? 0 : (count * sqn - sq * sn) / denominator;
}

std::string json_escape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          std::array<char, 8> buffer{};
          (void)std::snprintf(buffer.data(), buffer.size(), "\\u%04x",
                              static_cast<unsigned>(static_cast<unsigned char>(c)));
          out.append(buffer.data());
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

}  // namespace

DiagnoseSection summarize_cross_timestamps(std::span<const CrossTimestampSample> samples,
                                           std::uint64_t qpc_hz, std::uint64_t nic_hz) {
  if (samples.size() < 4 || qpc_hz == 0) {
    return not_run("cross_timestamps", "fewer than 4 samples or no QPC frequency");
  }
  std::vector<double> windows_ns;
  for (const CrossTimestampSample& s : samples) {
    const double ticks = static_cast<double>(s.qpc_after) - static_cast<double>(s.qpc_before);
    windows_ns.push_back(ticks * 1e9 / static_cast<double>(qpc_hz));
  }
  std::vector<double> sorted = windows_ns;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const std::size_t p99_index =
      std::min(sorted.size() - 1,
               static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(sorted.size()))) - 1);
  std::vector<CrossTimestampSample> narrow;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (windows_ns[i] <= 4 * median) narrow.push_back(samples[i]);
  }
  DiagnoseSection section{"cross_timestamps", {}, {}};
  section.fields.push_back(number("samples", static_cast<double>(samples.size())));
  section.fields.push_back(number("window_min_ns", sorted.front(), 1));
  section.fields.push_back(number("window_median_ns", median, 1));
  section.fields.push_back(number("window_p99_ns", sorted[p99_index], 1));
  section.fields.push_back(number("window_max_ns", sorted.back(), 1));
  section.fields.push_back(number("samples_in_rate", static_cast<double>(narrow.size())));
  if (narrow.size() < 4) {
    section.fields.push_back(text("rate", "not computed: fewer than 4 narrow samples"));
    return section;
  }
  const double scale =
      nic_hz == 0 ? 1.0 : static_cast<double>(qpc_hz) / static_cast<double>(nic_hz);
  const std::span<const CrossTimestampSample> all(narrow);
  const double whole = rate(all) * scale;
  const double first = rate(all.first(narrow.size() / 2)) * scale;
  const double second = rate(all.subspan(narrow.size() / 2)) * scale;
  section.fields.push_back(number("nic_per_qpc_ratio", whole, 9));
  section.fields.push_back(text("ratio_scaled_by_nominal_frequencies", nic_hz == 0 ? "no" : "yes"));
  section.fields.push_back(
      number("ratio_drift_ppb", first == 0 ? 0 : (second / first - 1) * 1e9, 1));
  return section;
}

DiagnoseReport run_diagnose(const win::WinApi& api, const win::AdapterInfo& adapter) {
  DiagnoseReport report;
  const std::uint64_t qpc_hz =
      api.query_performance_frequency
          ? static_cast<std::uint64_t>(std::max<std::int64_t>(0, api.query_performance_frequency()))
          : 0;
  report.sections.push_back(interface_section(adapter));
  std::string error;
  const std::optional<win::AdapterTimestampReport> timestamps = report_of(api, adapter, error);
  report.sections.push_back(capabilities_section(timestamps, error));
  bool accepted = false;
  report.sections.push_back(winsock_section(api, accepted));
  report.sections.push_back(not_run(
      "loopback_exchange",
      accepted ? "not implemented in this version: the RX/TX timestamp exchange over loopback "
                 "and the SIO_GET_TX_TIMESTAMP latency are not measured yet"
               : "SIO_TIMESTAMPING was refused: there are no OS packet timestamps to exchange"));
  report.sections.push_back(cross_timestamp_section(api, adapter, timestamps, qpc_hz));
  report.sections.push_back(clocks_section(api, qpc_hz));
  report.sections.push_back(system_section(api));
  return report;
}

std::string format_diagnose_text(const DiagnoseReport& report) {
  std::string out;
  for (const DiagnoseSection& section : report.sections) {
    out.append(section.name).append(":");
    if (!section.not_run.empty()) out.append(" not run: ").append(section.not_run);
    out.append("\n");
    for (const DiagnoseField& field : section.fields) {
      out.append("  ").append(field.key).append(": ").append(field.value).append("\n");
    }
  }
  return out;
}

std::string format_diagnose_json(const DiagnoseReport& report) {
  std::string out = "{\n";
  for (std::size_t s = 0; s < report.sections.size(); ++s) {
    const DiagnoseSection& section = report.sections[s];
    out.append("  \"").append(json_escape(section.name)).append("\": {");
    bool first = true;
    const auto add = [&out, &first](std::string_view key, std::string_view value, bool is_text) {
      out.append(first ? "\n" : ",\n");
      first = false;
      out.append("    \"").append(json_escape(key)).append("\": ");
      if (is_text) {
        out.append("\"").append(json_escape(value)).append("\"");
      } else {
        out.append(value);
      }
    };
    add("ran", section.not_run.empty() ? "true" : "false", false);
    if (!section.not_run.empty()) add("not_run", section.not_run, true);
    for (const DiagnoseField& field : section.fields) add(field.key, field.value, field.is_text);
    out.append("\n  }").append(s + 1 < report.sections.size() ? ",\n" : "\n");
  }
  out.append("}\n");
  return out;
}

}  // namespace ptp::ptp4win
