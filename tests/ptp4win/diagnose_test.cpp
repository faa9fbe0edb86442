// ptp4win --diagnose: the cross-timestamp statistics on constructed samples (known windows, rates
// and a rate change), the JSON and text formats, and the whole report through the real Windows
// API, which under Wine gives the fallback answers (no IP Helper timestamp API, SIO_TIMESTAMPING
// refused, no cross-timestamps, the legacy time adjustment), each check saying why it did not run.
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

// QPC at 10 MHz, a NIC clock nominally 1 GHz running `ppm` fast (after sample `change_at`,
// `ppm2`), each capture's window 5 QPC ticks (500 ns), sample 100 a preempted 1000 ticks.
std::vector<CrossTimestampSample> samples(double ppm, double ppm2, std::size_t change_at) {
  std::vector<CrossTimestampSample> out;
  double nic = 5e12;
  std::uint64_t qpc = 1'000'000'000;
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::uint64_t window = i == 100 ? 1000 : 5;
    const double rate = 100.0 * (1 + 1e-6 * (i < change_at ? ppm : ppm2));
    out.push_back({qpc, static_cast<std::uint64_t>(nic + rate * static_cast<double>(window) / 2),
                   qpc + window});
    qpc += 10'000;  // 1 ms apart
    nic += rate * 10'000;
  }
  return out;
}

TEST(Ptp4winDiagnose, CrossTimestampWindowsAndRate) {
  const DiagnoseSection s =
      summarize_cross_timestamps(samples(100, 100, 1000), 10'000'000, 1'000'000'000);
  ASSERT_TRUE(s.not_run.empty()) << s.not_run;
  EXPECT_EQ(number_of(s, "samples"), 1000);
  EXPECT_DOUBLE_EQ(number_of(s, "window_min_ns"), 500);
  EXPECT_DOUBLE_EQ(number_of(s, "window_median_ns"), 500);
  EXPECT_DOUBLE_EQ(number_of(s, "window_p99_ns"), 500);
  EXPECT_DOUBLE_EQ(number_of(s, "window_max_ns"), 100'000);
  EXPECT_EQ(number_of(s, "samples_in_rate"), 999);  // the preempted capture left out
  EXPECT_NEAR(number_of(s, "nic_per_qpc_ratio"), 1.0001, 1e-8);
  EXPECT_NEAR(number_of(s, "ratio_drift_ppb"), 0, 2);
}

TEST(Ptp4winDiagnose, CrossTimestampRateChangeIsDrift) {
  // +100 ppm for the first half, +100.05 ppm for the second: 50 ppb of drift.
  const DiagnoseSection s =
      summarize_cross_timestamps(samples(100, 100.05, 500), 10'000'000, 1'000'000'000);
  EXPECT_NEAR(number_of(s, "ratio_drift_ppb"), 50, 2);
  EXPECT_FALSE(summarize_cross_timestamps({}, 10'000'000, 0).not_run.empty());
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
                                             "loopback_exchange", "cross_timestamps", "clocks",
                                             "system"}));
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
    EXPECT_NE(section_named(report, "loopback_exchange")->not_run.find("refused"),
              std::string::npos);
  }
  const std::string json = format_diagnose_json(report);
  EXPECT_EQ(std::count(json.begin(), json.end(), '{'), std::count(json.begin(), json.end(), '}'));
  for (const std::string& name : names) {
    EXPECT_NE(json.find("\"" + name + "\": {"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace ptp::ptp4win
