// ptp4win --diagnose: win::diagnose()'s facts as report sections, and the report's two formats.
#include "ptp/ptp4win/diagnose.h"

#include <array>
#include <cstdio>
#include <optional>

#include "ptp/win/adapter_listing.h"

namespace ptp::ptp4win {
namespace {

constexpr DWORD kErrorNotAllAssigned = 1300;  // ERROR_NOT_ALL_ASSIGNED

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

DiagnoseSection capabilities_section(const win::Check<win::AdapterTimestampReport>& report) {
  if (!report) return not_run("capabilities", report.error());
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

DiagnoseSection winsock_section(const win::Check<win::WinsockTimestampingFacts>& winsock) {
  if (!winsock) return not_run("winsock_timestamping", winsock.error());
  DiagnoseSection section{"winsock_timestamping", {}, {}};
  section.fields.push_back(flag("sio_timestamping_accepted", winsock->accepted));
  if (!winsock->accepted) {
    section.fields.push_back(number("error", winsock->error));
    if (winsock->error == WSAEOPNOTSUPP) {
      section.fields.push_back(text("meaning",
                                    "WSAEOPNOTSUPP: this Windows (or Wine) has no Winsock "
                                    "timestamping; ptp4win uses application-level timestamps"));
    }
  }
  return section;
}

// Dotted quad, or eight uncompressed hexadecimal groups: enough to recognise the address.
std::string address_text(const hal::IpAddress& address) {
  const auto& o = address.octets();
  std::array<char, 48> buffer{};
  if (address.family() == hal::AddressFamily::kIpv4) {
    (void)std::snprintf(buffer.data(), buffer.size(), "%u.%u.%u.%u", o[0], o[1], o[2], o[3]);
  } else {
    (void)std::snprintf(buffer.data(), buffer.size(), "%x:%x:%x:%x:%x:%x:%x:%x",
                        (o[0] << 8U) | o[1], (o[2] << 8U) | o[3], (o[4] << 8U) | o[5],
                        (o[6] << 8U) | o[7], (o[8] << 8U) | o[9], (o[10] << 8U) | o[11],
                        (o[12] << 8U) | o[13], (o[14] << 8U) | o[15]);
  }
  return buffer.data();
}

DiagnoseSection exchange_section(const win::SelfExchangeCheck& check) {
  std::string name =
      check.family == hal::AddressFamily::kIpv4 ? "self_exchange_ipv4" : "self_exchange_ipv6";
  if (!check.result) return not_run(std::move(name), check.result.error());
  const win::SelfExchangeFacts& f = *check.result;
  DiagnoseSection section{std::move(name), {}, {}};
  section.fields.push_back(text("destination", address_text(f.destination) + " (own address)"));
  section.fields.push_back(number("sent", f.sent));
  section.fields.push_back(number("received", f.received));
  section.fields.push_back(number("rx_hardware_timestamps", f.rx_hardware));
  section.fields.push_back(number("rx_software_timestamps", f.rx_software));
  section.fields.push_back(number("rx_application_timestamps", f.rx_application));
  section.fields.push_back(text("tx_source_requested", std::string(win::to_string(f.tx_source))));
  section.fields.push_back(number("tx_timestamps_delivered", f.tx_delivered));
  section.fields.push_back(number("tx_timestamps_not_delivered", f.tx_not_delivered));
  section.fields.push_back(number("would_block_total", static_cast<double>(f.would_block_total)));
  if (f.would_block) {
    section.fields.push_back(number("would_block_min", static_cast<double>(f.would_block->min)));
    section.fields.push_back(
        number("would_block_median", static_cast<double>(f.would_block->median)));
    section.fields.push_back(number("would_block_max", static_cast<double>(f.would_block->max)));
  }
  if (f.tx_latency) {
    section.fields.push_back(number("tx_timestamp_latency_min_us",
                                    static_cast<double>(f.tx_latency->min.count()) / 1e3, 1));
    section.fields.push_back(number("tx_timestamp_latency_median_us",
                                    static_cast<double>(f.tx_latency->median.count()) / 1e3, 1));
    section.fields.push_back(number("tx_timestamp_latency_max_us",
                                    static_cast<double>(f.tx_latency->max.count()) / 1e3, 1));
  }
  if (f.tx_not_delivered > 0) {
    section.fields.push_back(
        text("note",
             "a TX timestamp did not come: the exchange stopped there. Windows may route a "
             "datagram to its own address inside the IP stack, where the NIC never stamps it"));
  }
  return section;
}

DiagnoseSection cross_timestamp_section(
    const win::Check<win::CrossTimestampStatistics>& statistics) {
  if (!statistics) return not_run("cross_timestamps", statistics.error());
  const win::CrossTimestampStatistics& s = *statistics;
  DiagnoseSection section{"cross_timestamps", {}, {}};
  section.fields.push_back(number("samples", static_cast<double>(s.samples)));
  section.fields.push_back(number("window_min_ns", s.window_min_ns, 1));
  section.fields.push_back(number("window_median_ns", s.window_median_ns, 1));
  section.fields.push_back(number("window_p99_ns", s.window_p99_ns, 1));
  section.fields.push_back(number("window_max_ns", s.window_max_ns, 1));
  section.fields.push_back(number("samples_in_rate", static_cast<double>(s.samples_in_rate)));
  if (!s.nic_per_qpc_ratio) {
    section.fields.push_back(text("rate", "not computed: fewer than 4 narrow samples"));
    return section;
  }
  section.fields.push_back(number("nic_per_qpc_ratio", *s.nic_per_qpc_ratio, 9));
  section.fields.push_back(text("ratio_scaled_by_nominal_frequencies",
                                s.ratio_scaled_by_nominal_frequencies ? "yes" : "no"));
  section.fields.push_back(number("ratio_drift_ppb", s.ratio_drift_ppb, 1));
  return section;
}

DiagnoseSection clocks_section(const win::Check<win::ClockFacts>& clocks, std::uint64_t qpc_hz) {
  DiagnoseSection section{"clocks", {}, {}};
  section.fields.push_back(number("qpc_frequency_hz", static_cast<double>(qpc_hz)));
  if (!clocks) {
    section.not_run = clocks.error();
    return section;
  }
  section.fields.push_back(
      text("adjustment_api", clocks->api == win::AdjustmentApi::kPrecise
                                 ? "GetSystemTimeAdjustmentPrecise"
                                 : "GetSystemTimeAdjustment (100 ns units; the precise API "
                                   "is absent)"));
  section.fields.push_back(number("time_increment", static_cast<double>(clocks->time_increment)));
  section.fields.push_back(number("time_adjustment", static_cast<double>(clocks->time_adjustment)));
  section.fields.push_back(flag("adjustment_disabled", clocks->adjustment_disabled));
  if (const auto granularity = clocks->adjustment_granularity_ppb()) {
    section.fields.push_back(number("adjustment_granularity_ppb", *granularity, 3));
  }
  return section;
}

DiagnoseSection system_section(const win::SystemFacts& facts) {
  DiagnoseSection section{"system", {}, {}};
  const std::optional<bool>& w32time = facts.w32time_running;
  section.fields.push_back(
      text("w32time", !w32time ? "unknown (cannot query the service)"
                               : (*w32time ? "running: stop it (net stop w32time), it fights "
                                             "ptp4win's adjustments"
                                           : "not running")));
  if (!facts.system_time_privilege) {
    section.fields.push_back(text("system_time_privilege", "unknown (cannot query the token)"));
    return section;
  }
  const DWORD code = *facts.system_time_privilege;
  section.fields.push_back(
      text("system_time_privilege",
           code == 0 ? "held (SeSystemtimePrivilege)"
           : code == kErrorNotAllAssigned
               ? "not held: run elevated or grant \"Change the system time\" (or --free_running 1)"
               : "unknown (error " + std::to_string(code) + ")"));
  return section;
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

DiagnoseReport report_of(const win::Diagnosis& diagnosis) {
  DiagnoseReport report;
  report.sections.push_back(interface_section(diagnosis.adapter));
  report.sections.push_back(capabilities_section(diagnosis.timestamps));
  report.sections.push_back(winsock_section(diagnosis.winsock));
  for (const win::SelfExchangeCheck& check : diagnosis.exchanges) {
    report.sections.push_back(exchange_section(check));
  }
  report.sections.push_back(cross_timestamp_section(diagnosis.cross_timestamps));
  report.sections.push_back(clocks_section(diagnosis.clocks, diagnosis.qpc_hz));
  report.sections.push_back(system_section(diagnosis.system));
  return report;
}

DiagnoseReport run_diagnose(const win::WinApi& api, const win::AdapterInfo& adapter) {
  return report_of(win::diagnose(api, adapter));
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
