// list_interfaces / format_interface_list: the adapters and what each can timestamp.
#include "ptp/win/adapter_listing.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <span>

#include "ptp/win/capability_mapping.h"
#include "ptp/win/clock_identity.h"

namespace ptp::win {

namespace {

void append_flag(std::string& out, bool value, std::string_view name) {
  if (!value) return;
  if (!out.empty()) out += ' ';
  out += name;
}

std::string describe(const hal::TimestampCapabilities& caps) {
  std::string hw;
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv4_event_message_receive, "v4-event-rx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv4_all_message_receive, "v4-all-rx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv4_event_message_transmit, "v4-event-tx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv4_all_message_transmit, "v4-all-tx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv6_event_message_receive, "v6-event-rx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv6_all_message_receive, "v6-all-rx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv6_event_message_transmit, "v6-event-tx");
  append_flag(hw, caps.hardware.ptp_v2_over_udp_ipv6_all_message_transmit, "v6-all-tx");
  append_flag(hw, caps.hardware.all_receive, "all-rx");
  append_flag(hw, caps.hardware.all_transmit, "all-tx");
  append_flag(hw, caps.hardware.tagged_transmit, "tagged-tx");
  std::string sw;
  append_flag(sw, caps.software.all_receive, "all-rx");
  append_flag(sw, caps.software.all_transmit, "all-tx");
  append_flag(sw, caps.software.tagged_transmit, "tagged-tx");
  std::string out = "hardware [" + hw + "] software [" + sw + "]";
  if (caps.supports_cross_timestamp) out += " cross-timestamp";
  if (caps.hardware_clock_frequency_hz != 0) {
    out += " clock " + std::to_string(caps.hardware_clock_frequency_hz) + " Hz";
  }
  return out;
}

std::string hex_octets(std::span<const std::uint8_t> octets, char separator) {
  std::string out;
  for (const std::uint8_t octet : octets) {
    std::array<char, 3> text{};
    (void)std::snprintf(text.data(), text.size(), "%02x", static_cast<unsigned>(octet));
    if (!out.empty() && separator != 0) out += separator;
    out += text.data();
  }
  return out;
}

// "mac 00:1b:21:0a:0b:0c, clock identity 001b21fffe0a0b0c", or why there is no identity.
std::string describe_mac(const AdapterInfo& adapter) {
  if (adapter.physical_address.empty()) return "no mac";
  std::string out = "mac " + hex_octets(adapter.physical_address, ':');
  const auto identity = clock_identity_of(adapter);
  if (!identity) return out + " (no clock identity from it)";
  return out + ", clock identity " + hex_octets(identity->octets, 0);
}

}  // namespace

std::string_view to_string(hal::TimestampSource source) {
  switch (source) {
    case hal::TimestampSource::kHardware: return "hardware";
    case hal::TimestampSource::kSoftware: return "software";
    case hal::TimestampSource::kNone: return "application";
  }
  return "?";
}

Result<std::vector<AdapterTimestampReport>, hal::HalError> list_interfaces(const WinApi& api) {
  auto adapters = enumerate_adapters(api);
  if (!adapters) return unexpected(adapters.error());
  std::vector<AdapterTimestampReport> reports;
  for (AdapterInfo& adapter : *adapters) {
    AdapterTimestampReport report;
    auto caps = read_interface_capabilities(api, adapter.luid);
    if (caps) {
      report.capabilities = *caps;
      report.ipv4_source = hal::select_timestamp_source(caps->active, hal::AddressFamily::kIpv4);
      report.ipv6_source = hal::select_timestamp_source(caps->active, hal::AddressFamily::kIpv6);
    } else {
      report.error = caps.error();
    }
    report.adapter = std::move(adapter);
    reports.push_back(std::move(report));
  }
  return reports;
}

std::string format_interface_list(const std::vector<AdapterTimestampReport>& reports) {
  std::string out;
  bool any_not_active = false;
  for (const AdapterTimestampReport& report : reports) {
    const AdapterInfo& a = report.adapter;
    out += "\"" + a.friendly_name + "\" index " + std::to_string(a.if_index) + " luid " +
           std::to_string(a.luid) + (a.up ? " up" : " down") + "\n";
    out += "  " + a.description + " " + a.adapter_name + "\n";
    out += "  " + describe_mac(a) + "\n";
    if (report.capabilities) {
      out += "  supported: " + describe(report.capabilities->supported) + "\n";
      out += "  active:    " + describe(report.capabilities->active) + "\n";
      out += "  timestamps: IPv4 " + std::string(to_string(report.ipv4_source)) + ", IPv6 " +
             std::string(to_string(report.ipv6_source)) + "\n";
      if (report.capabilities->supported != report.capabilities->active) any_not_active = true;
    } else if (report.error.code == hal::HalErrorCode::kNotSupported) {
      out += "  timestamps: application (no timestamping on this interface or Windows)\n";
    } else {
      out += "  timestamps: application (capabilities unreadable: " +
             std::string(hal::to_string(report.error.code)) + ", code " +
             std::to_string(report.error.os_code) + ")\n";
    }
  }
  if (any_not_active) {
    out +=
        "Supported but inactive timestamping is switched on in the adapter's advanced properties: "
        "*PtpHardwareTimestamp = 1 (hardware) or *SoftwareTimestamp = 3 (software RX+TX), e.g. "
        "Set-NetAdapterAdvancedProperty -Name <name> -RegistryKeyword '*PtpHardwareTimestamp' "
        "-RegistryValue 1; it applies when the adapter restarts.\n";
  }
  return out;
}

}  // namespace ptp::win
