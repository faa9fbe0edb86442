// diagnose(): the checks of `ptp4win --diagnose`, each through the WinApi table, run in the order
// a reader wants them; the self-addressed exchange is in diagnosis_exchange.cpp and the
// cross-timestamp statistics in cross_timestamp_statistics.cpp.
#include "ptp/win/diagnosis.h"

#include <algorithm>
#include <string>

#include "ptp/win/winsock_timestamp_types.h"

namespace ptp::win {
namespace {

std::string os_error(const hal::HalError& error) {
  return std::string(hal::to_string(error.code)) + " (error " + std::to_string(error.os_code) + ")";
}

Check<AdapterTimestampReport> timestamp_report(const WinApi& api, const AdapterInfo& adapter) {
  auto reports = list_interfaces(api);
  if (!reports) return unexpected("cannot list the interfaces: " + os_error(reports.error()));
  for (const AdapterTimestampReport& report : *reports) {
    if (report.adapter.luid == adapter.luid) return report;
  }
  return unexpected(std::string("the interface is no longer listed"));
}

// SIO_TIMESTAMPING (RX and TX) on a fresh UDP socket: accepted, or the Winsock error.
Check<WinsockTimestampingFacts> winsock_timestamping(const WinApi& api) {
  if (!api.wsa_startup || !api.socket || !api.wsa_ioctl) {
    return unexpected(std::string("Winsock functions not available"));
  }
  WSADATA data{};
  if (api.wsa_startup(MAKEWORD(2, 2), &data) != 0) {
    return unexpected(std::string("WSAStartup failed"));
  }
  Check<WinsockTimestampingFacts> result = unexpected(std::string());
  const SOCKET s = api.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (s == INVALID_SOCKET) {
    result =
        unexpected("cannot open a UDP socket: error " + std::to_string(api.wsa_get_last_error()));
  } else {
    TimestampingConfig config{kTimestampingFlagRx | kTimestampingFlagTx, 16};
    DWORD returned = 0;
    WinsockTimestampingFacts facts;
    facts.accepted =
        api.wsa_ioctl(s, kSioTimestamping, &config, sizeof(config), nullptr, 0, &returned) == 0;
    if (!facts.accepted) facts.error = api.wsa_get_last_error();
    result = facts;
    (void)api.closesocket(s);
  }
  (void)api.wsa_cleanup();
  return result;
}

Check<CrossTimestampStatistics> capture_cross_timestamps(
    const WinApi& api, const AdapterInfo& adapter, const Check<AdapterTimestampReport>& report,
    std::uint64_t qpc_hz, const DiagnosisOptions& options) {
  if (!api.capture_interface_hardware_cross_timestamp) {
    return unexpected(std::string(
        "CaptureInterfaceHardwareCrossTimestamp is not available (Windows 10 build 20348+, "
        "Windows 11 or Server 2022 have it; Wine does not)"));
  }
  NET_LUID luid{};
  luid.Value = adapter.luid;
  const auto spacing_ticks =
      static_cast<std::int64_t>(static_cast<double>(options.cross_timestamp_spacing.count()) *
                                static_cast<double>(qpc_hz) / 1e9);
  std::vector<CrossTimestampSample> samples;
  samples.reserve(static_cast<std::size_t>(std::max(0, options.cross_timestamps)));
  for (int i = 0; i < options.cross_timestamps; ++i) {
    if (i > 0 && api.query_performance_counter) {
      // Spread the captures out: the rate comes from their span, the windows from each alone.
      const std::int64_t due = static_cast<std::int64_t>(samples.back().qpc_after) + spacing_ticks;
      for (std::int64_t now = api.query_performance_counter(); now < due;
           now = api.query_performance_counter()) {
        if (options.pass_time) {
          options.pass_time(Nanoseconds(static_cast<std::int64_t>(
              static_cast<double>(due - now) * 1e9 / static_cast<double>(qpc_hz))));
        }
      }
    }
    IfHardwareCrossTimestamp capture{};
    const DWORD error = api.capture_interface_hardware_cross_timestamp(&luid, &capture);
    if (error != 0) {
      return unexpected("CaptureInterfaceHardwareCrossTimestamp failed after " + std::to_string(i) +
                        " samples: error " + std::to_string(error));
    }
    samples.push_back(
        {capture.system_timestamp_1, capture.hardware_clock_timestamp, capture.system_timestamp_2});
  }
  const std::uint64_t nic_hz = report && report->capabilities
                                   ? report->capabilities->supported.hardware_clock_frequency_hz
                                   : 0;
  return summarize_cross_timestamps(samples, qpc_hz, nic_hz);
}

Check<ClockFacts> clocks(const WinApi& api) {
  ClockFacts facts;
  DWORD64 adjustment = 0;
  DWORD64 increment = 0;
  BOOL disabled = TRUE;
  if (api.get_system_time_adjustment_precise &&
      api.get_system_time_adjustment_precise(&adjustment, &increment, &disabled) != FALSE) {
    facts.api = AdjustmentApi::kPrecise;
  } else if (DWORD a = 0, i = 0; api.get_system_time_adjustment &&
                                 api.get_system_time_adjustment(&a, &i, &disabled) != FALSE) {
    facts.api = AdjustmentApi::kLegacy;
    adjustment = a;
    increment = i;
  } else {
    return unexpected(
        std::string("neither GetSystemTimeAdjustmentPrecise nor GetSystemTimeAdjustment answered"));
  }
  facts.time_increment = increment;
  facts.time_adjustment = adjustment;
  facts.adjustment_disabled = disabled != FALSE;
  return facts;
}

SystemFacts system_facts(const WinApi& api) {
  SystemFacts facts;
  if (api.w32time_running) facts.w32time_running = api.w32time_running();
  if (api.enable_system_time_privilege) {
    facts.system_time_privilege = api.enable_system_time_privilege();
  }
  return facts;
}

}  // namespace

Diagnosis diagnose(const WinApi& api, const AdapterInfo& adapter, const DiagnosisOptions& options) {
  Diagnosis diagnosis;
  diagnosis.adapter = adapter;
  if (api.query_performance_frequency) {
    diagnosis.qpc_hz =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, api.query_performance_frequency()));
  }
  diagnosis.timestamps = timestamp_report(api, adapter);
  diagnosis.winsock = winsock_timestamping(api);
  for (const hal::AddressFamily family : {hal::AddressFamily::kIpv4, hal::AddressFamily::kIpv6}) {
    const bool v4 = family == hal::AddressFamily::kIpv4;
    SelfExchangeCheck check;
    check.family = family;
    if (v4 ? adapter.ipv4_addresses.empty() : adapter.ipv6_addresses.empty()) {
      check.result = unexpected(std::string(v4 ? "the interface has no IPv4 address"
                                               : "the interface has no IPv6 address"));
    } else if (!diagnosis.winsock) {
      check.result =
          unexpected("SIO_TIMESTAMPING could not be tried: " + diagnosis.winsock.error());
    } else if (!diagnosis.winsock->accepted) {
      check.result = unexpected(
          std::string("SIO_TIMESTAMPING was refused: there are no OS packet timestamps to "
                      "exchange (ptp4win uses application-level timestamps)"));
    } else {
      check.result = self_exchange(api, adapter, family, options);
    }
    diagnosis.exchanges.push_back(std::move(check));
  }
  diagnosis.cross_timestamps =
      capture_cross_timestamps(api, adapter, diagnosis.timestamps, diagnosis.qpc_hz, options);
  diagnosis.clocks = clocks(api);
  diagnosis.system = system_facts(api);
  return diagnosis;
}

}  // namespace ptp::win
