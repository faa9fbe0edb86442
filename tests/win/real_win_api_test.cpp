// The real WinApi table against the OS it runs on (Wine in CI): optional functions resolve as a
// consistent set or not at all, adapters enumerate, and the listing falls back to application
// timestamps where the IP Helper timestamping API is missing; under Wine, each adapter's MAC is
// the one Linux reports for the interface of that name.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "ptp/win/adapter_listing.h"
#include "ptp/win/clock_identity.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_clocks.h"
#include "ptp/win/win_system_clock.h"

namespace ptp::win {
namespace {

TEST(RealWinApi, TimestampingFunctionsResolveAsASetOrNotAtAll) {
  const WinApi api = load_win_api();
  if (!api.get_interface_supported_timestamp_capabilities) {
    // Wine, or Windows before build 20348: the 1809 CaptureInterfaceHardwareCrossTimestamp (old
    // layout) must not be picked up on its own.
    EXPECT_FALSE(api.capture_interface_hardware_cross_timestamp);
    EXPECT_FALSE(api.register_interface_timestamp_config_change);
  }
  EXPECT_EQ(static_cast<bool>(api.get_system_time_adjustment_precise),
            static_cast<bool>(api.set_system_time_adjustment_precise));
  ASSERT_TRUE(api.query_performance_frequency);
  EXPECT_GT(api.query_performance_frequency(), 0);
}

std::string colon_hex(const std::vector<std::uint8_t>& octets) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t octet : octets) {
    if (!out.empty()) out += ':';
    out += kDigits[octet >> 4U];
    out += kDigits[octet & 0x0FU];
  }
  return out;
}

TEST(RealWinApi, UnderWineEachAdaptersMacIsTheOneLinuxReports) {
  // Wine names adapters after the Linux interfaces and maps / to drive Z:, so sysfs is readable;
  // on Windows the file does not exist and the test skips.
  const WinApi api = load_win_api();
  const auto adapters = enumerate_adapters(api);
  ASSERT_TRUE(adapters) << "os code " << adapters.error().os_code;
  int compared = 0;
  for (const AdapterInfo& adapter : *adapters) {
    std::ifstream sysfs("Z:\\sys\\class\\net\\" + adapter.friendly_name + "\\address");
    std::string linux_mac;
    if (!(sysfs >> linux_mac)) continue;
    ++compared;
    if (linux_mac == "00:00:00:00:00:00") {  // lo: Wine reports no address, so no identity
      EXPECT_FALSE(clock_identity_of(adapter)) << adapter.friendly_name;
      continue;
    }
    EXPECT_EQ(colon_hex(adapter.physical_address), linux_mac) << adapter.friendly_name;
    const auto identity = clock_identity_of(adapter);
    ASSERT_TRUE(identity) << adapter.friendly_name;
    EXPECT_EQ(identity->octets[3], 0xFF);
    EXPECT_EQ(identity->octets[4], 0xFE);
  }
  if (compared == 0) GTEST_SKIP() << "no Linux sysfs behind this Windows: not under Wine";
}

TEST(RealWinApi, AdaptersEnumerateAndListWithTheirTimestampSources) {
  const WinApi api = load_win_api();
  const auto reports = list_interfaces(api);
  ASSERT_TRUE(reports) << "os code " << reports.error().os_code;
  for (const AdapterTimestampReport& report : *reports) {
    EXPECT_FALSE(report.adapter.friendly_name.empty());
    if (!api.get_interface_supported_timestamp_capabilities) {
      EXPECT_EQ(report.error.code, hal::HalErrorCode::kNotSupported);
      EXPECT_EQ(report.ipv4_source, hal::TimestampSource::kNone);
    }
  }
  const std::string text = format_interface_list(*reports);
  if (!reports->empty()) {
    EXPECT_NE(text.find((*reports)[0].adapter.friendly_name), std::string::npos);
  }
}

TEST(RealWinApi, ReadOnlySystemClockReadsAndMapsTheCounter) {
  const WinApi api = load_win_api();
  WinMonotonicCounter counter(api);
  WinSystemClockConfig config;
  config.read_only = true;  // CI must never change the host's clock
  WinSystemClock clock(api, config, nullptr);
  const hal::CounterTicks ticks = counter.now();
  const auto mapped = clock.at_counter(ticks);
  const auto now = clock.now();
  ASSERT_TRUE(mapped && now);
  // Read right after each other: the mapping and the direct read agree to well within 50 ms.
  const std::int64_t difference = now->since_epoch.count() - mapped->since_epoch.count();
  EXPECT_GE(difference, -1'000'000) << difference;
  EXPECT_LT(difference, 50'000'000) << difference;
  EXPECT_GT(now->since_epoch.count(), 1'600'000'000LL * kNanosecondsPerSecond);  // after 2020
  const auto adjustment = clock.frequency_adjustment();
  ASSERT_TRUE(adjustment) << adjustment.error().os_code;
  EXPECT_TRUE(clock.frequency_resolution_ppb());
  EXPECT_EQ(clock.adjust_frequency(hal::PartsPerBillion{1}).error().code,
            hal::HalErrorCode::kNotSupported);
  EXPECT_GT(counter.frequency_hz(), 0U);
  ASSERT_TRUE(api.w32time_running);
  (void)api.w32time_running();  // answers (Wine has no such service) without crashing
}

}  // namespace
}  // namespace ptp::win
