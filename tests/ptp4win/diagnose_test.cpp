// ptp4win --diagnose: the JSON and text formats, the sections made of the facts, and the whole
// report through the real Windows API, which under Wine gives the fallback answers (no IP Helper
// timestamp API, SIO_TIMESTAMPING refused so no self-addressed exchange, no cross-timestamps, the
// legacy time adjustment), each check saying why it did not run.
#include "ptp/ptp4win/diagnose.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ptp::ptp4win {
namespace {

const DiagnoseField* field(const DiagnoseSection& section, std::string_view key) {
  const auto found = std::find_if(section.fields.begin(), section.fields.end(),
                                  [key](const DiagnoseField& f) { return f.key == key; });
  return found == section.fields.end() ? nullptr : &*found;
}

double number_of(const DiagnoseSection& section, std::string_view key) {
  const DiagnoseField* f = field(section, key);
  EXPECT_NE(f, nullptr) << key;
  return f == nullptr ? -1 : std::stod(f->value);
}

const DiagnoseSection* section_named(const DiagnoseReport& report, std::string_view name) {
  for (const DiagnoseSection& section : report.sections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

TEST(Ptp4winDiagnose, JsonAndTextFormats) {
  DiagnoseReport report;
  report.sections.push_back({"a", {{"name", "say \"hi\"\\\n", true}, {"n", "42", false}}, {}});
  report.sections.push_back({"b", {}, "no API"});
  EXPECT_EQ(format_diagnose_json(report),
            "{\n"
            "  \"a\": {\n"
            "    \"ran\": true,\n"
            "    \"name\": \"say \\\"hi\\\"\\\\\\n\",\n"
            "    \"n\": 42\n"
            "  },\n"
            "  \"b\": {\n"
            "    \"ran\": false,\n"
            "    \"not_run\": \"no API\"\n"
            "  }\n"
            "}\n");
  EXPECT_EQ(format_diagnose_text(report),
            "a:\n  name: say \"hi\"\\\n\n  n: 42\nb: not run: no API\n");
}

// The facts' sections: an exchange that ran, one that did not, and the clocks' granularity.
TEST(Ptp4winDiagnose, SectionsFromFacts) {
  win::Diagnosis d;
  d.qpc_hz = 10'000'000;
  win::SelfExchangeFacts f;
  f.destination = hal::IpAddress::v4(192, 0, 2, 1);
  f.sent = f.received = f.rx_hardware = f.tx_delivered = 5;
  f.tx_source = hal::TimestampSource::kHardware;
  f.would_block = win::Spread<std::uint64_t>{69, 70, 71};
  f.would_block_total = 350;
  f.tx_latency =
      win::Spread<Nanoseconds>{Nanoseconds(69'900), Nanoseconds(70'000), Nanoseconds(71'000)};
  d.exchanges.push_back({hal::AddressFamily::kIpv4, f});
  d.exchanges.push_back({hal::AddressFamily::kIpv6, unexpected(std::string("no IPv6 here"))});
  win::ClockFacts clocks;
  clocks.time_increment = 10'000'000;
  d.clocks = clocks;
  const DiagnoseReport report = report_of(d);
  const DiagnoseSection& v4 = *section_named(report, "self_exchange_ipv4");
  EXPECT_EQ(field(v4, "destination")->value, "192.0.2.1 (own address)");
  EXPECT_EQ(number_of(v4, "rx_hardware_timestamps"), 5);
  EXPECT_EQ(field(v4, "tx_source_requested")->value, "hardware");
  EXPECT_EQ(number_of(v4, "would_block_median"), 70);
  EXPECT_DOUBLE_EQ(number_of(v4, "tx_timestamp_latency_min_us"), 69.9);
  EXPECT_DOUBLE_EQ(number_of(v4, "tx_timestamp_latency_max_us"), 71);
  EXPECT_EQ(section_named(report, "self_exchange_ipv6")->not_run, "no IPv6 here");
  const DiagnoseSection& c = *section_named(report, "clocks");
  EXPECT_EQ(field(c, "adjustment_api")->value, "GetSystemTimeAdjustmentPrecise");
  EXPECT_DOUBLE_EQ(number_of(c, "adjustment_granularity_ppb"), 100);
  EXPECT_EQ(section_named(report, "capabilities")->not_run, "not run");
}

// The real API: under Wine, the fallback answers; on Windows, whatever the machine has, but every
// check either ran or says why not.
TEST(Ptp4winDiagnose, EveryCheckRunsOrSaysWhyOnThisSystem) {
  const win::WinApi api = win::load_win_api();
  auto adapters = win::enumerate_adapters(api);
  ASSERT_TRUE(adapters);
  ASSERT_FALSE(adapters->empty());
  const DiagnoseReport report = run_diagnose(api, adapters->front());
  std::vector<std::string> names;
  for (const DiagnoseSection& section : report.sections) {
    names.push_back(section.name);
    EXPECT_TRUE(!section.fields.empty() || !section.not_run.empty()) << section.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"interface", "capabilities", "winsock_timestamping",
                                             "self_exchange_ipv4", "self_exchange_ipv6",
                                             "cross_timestamps", "clocks", "system"}));
  const DiagnoseSection& clocks = *section_named(report, "clocks");
  EXPECT_EQ(number_of(clocks, "qpc_frequency_hz"),
            static_cast<double>(api.query_performance_frequency()));
  const double increment = number_of(clocks, "time_increment");
  ASSERT_GT(increment, 0);
  EXPECT_NEAR(number_of(clocks, "adjustment_granularity_ppb"), 1e9 / increment, 1e-3);
  const DiagnoseSection& winsock = *section_named(report, "winsock_timestamping");
  ASSERT_NE(field(winsock, "sio_timestamping_accepted"), nullptr);
  if (!api.capture_interface_hardware_cross_timestamp) {  // Wine, older Windows
    EXPECT_NE(section_named(report, "cross_timestamps")->not_run.find("not available"),
              std::string::npos);
  }
  if (field(winsock, "sio_timestamping_accepted")->value == "false") {  // Wine: WSAEOPNOTSUPP
    EXPECT_NE(field(winsock, "error"), nullptr);
    for (const char* exchange : {"self_exchange_ipv4", "self_exchange_ipv6"}) {
      const std::string& why = section_named(report, exchange)->not_run;
      EXPECT_TRUE(why.find("refused") != std::string::npos ||
                  why.find("no IPv") != std::string::npos)
          << exchange << ": " << why;
    }
  }
  const std::string json = format_diagnose_json(report);
  EXPECT_EQ(std::count(json.begin(), json.end(), '{'), std::count(json.begin(), json.end(), '}'));
  for (const std::string& name : names) {
    EXPECT_NE(json.find("\"" + name + "\": {"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace ptp::ptp4win
