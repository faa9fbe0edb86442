// Tests of the metric families (apps/common metrics.h): the Prometheus text format, label
// escaping, every counter of PortCounters, PortDriverCounters and the correlation exported, and
// the CSV columns.
#include "ptp/app/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ptp::app {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// The sample values of the text, as written.
std::multiset<std::string> values_of(const std::string& text) {
  std::multiset<std::string> values;
  for (const std::string& line : lines_of(text)) {
    if (line.empty() || line.front() == '#') continue;
    values.insert(line.substr(line.rfind(' ') + 1));
  }
  return values;
}

MetricsSnapshot slave_snapshot() {
  MetricsSnapshot snapshot;
  snapshot.port_state = PortState::kSlave;
  OffsetMeasured measured;
  measured.offset_from_master = Nanoseconds(-250);
  measured.mean_path_delay = Nanoseconds(1'500);
  measured.servo_state = servo::ServoState::kLocked;
  measured.frequency_ppb = 12.5;
  snapshot.last_measurement = measured;
  snapshot.grandmaster_identity = ClockIdentity{{0x00, 0x1b, 0x21, 0xff, 0xfe, 0x0a, 0xbc, 0xde}};
  snapshot.timestamp_source = hal::TimestampSource::kSoftware;
  snapshot.port_counters.received[0] = 7;  // Syncs
  snapshot.port_counters.sent[1] = 3;      // Delay_Reqs
  snapshot.port_counters.state_changes = 4;
  return snapshot;
}

std::string render(const MetricsSnapshot& snapshot) {
  return render_prometheus(collect_metrics(snapshot));
}

TEST(Metrics, RendersTheDocumentedFamiliesAndValues) {
  const std::string text = render(slave_snapshot());
  EXPECT_TRUE(has_line(text, "ptp_port_state{state=\"SLAVE\"} 1"));
  EXPECT_TRUE(has_line(text, "ptp_port_state{state=\"MASTER\"} 0"));
  EXPECT_TRUE(has_line(text, "ptp_port_state{state=\"INITIALIZING\"} 0"));
  EXPECT_TRUE(has_line(text, "ptp_offset_from_master_seconds -2.5e-07"));
  EXPECT_TRUE(has_line(text, "ptp_mean_path_delay_seconds 1.5e-06"));
  EXPECT_TRUE(has_line(text, "ptp_frequency_adjustment_ppb 12.5"));
  EXPECT_TRUE(has_line(text, "ptp_servo_state{state=\"locked\"} 1"));
  EXPECT_TRUE(has_line(text, "ptp_servo_state{state=\"unlocked\"} 0"));
  EXPECT_TRUE(has_line(text, "ptp_grandmaster_info{identity=\"001b21.fffe.0abcde\"} 1"));
  EXPECT_TRUE(has_line(text, "ptp_timestamp_source{source=\"software\"} 1"));
  EXPECT_TRUE(has_line(text, "ptp_timestamp_source{source=\"hardware\"} 0"));
  EXPECT_TRUE(has_line(text, "ptp_messages_total{direction=\"received\",type=\"sync\"} 7"));
  EXPECT_TRUE(has_line(text, "ptp_messages_total{direction=\"sent\",type=\"delay_req\"} 3"));
  EXPECT_TRUE(has_line(text, "ptp_messages_dropped_total{reason=\"malformed\"} 0"));
  EXPECT_TRUE(has_line(text, "ptp_state_changes_total 4"));
  EXPECT_TRUE(has_line(text, "# TYPE ptp_messages_total counter"));
  EXPECT_TRUE(has_line(text, "# TYPE ptp_port_state gauge"));
}

// Every line is a comment (HELP or TYPE) or a sample of the 0.0.4 grammar; each family's HELP and
// TYPE come once, before its first sample, and its samples are contiguous.
TEST(Metrics, FollowsTheTextExpositionFormat) {
  const std::string text = render(slave_snapshot());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? )"
      R"((-?[0-9.e+-]+|NaN|[+-]Inf))");
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge))");
  std::set<std::string> finished;
  std::string current;
  for (const std::string& line : lines_of(text)) {
    std::smatch match;
    if (std::regex_match(line, match, help)) {
      EXPECT_TRUE(finished.insert(match[1]).second) << "second HELP for " << match[1];
      current = match[1];
    } else if (std::regex_match(line, match, type)) {
      EXPECT_EQ(match[1], current) << line;
      EXPECT_EQ(match[2] == "counter", current.ends_with("_total")) << line;
    } else if (std::regex_match(line, match, sample)) {
      EXPECT_EQ(match[1], current) << "sample outside its family: " << line;
    } else {
      ADD_FAILURE() << "not a line of the text format: " << line;
    }
  }
  EXPECT_EQ(finished.size(), metric_families().size()) << "a family without samples";
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_help("back\\slash \"quoted\"\nnext"), R"(back\\slash "quoted"\nnext)");
  // Through the renderer, as a label value that is not ours could arrive.
  MetricFamily family{"test_info", MetricType::kGauge, "help", true};
  std::vector<MetricSample> samples;
  samples.push_back(MetricSample{&family, {MetricLabel{"name", "x\"y\\z\n"}}, std::nullopt, 1.0});
  EXPECT_EQ(
      render_prometheus(samples),
      "# HELP test_info help\n# TYPE test_info gauge\ntest_info{name=\"x\\\"y\\\\z\\n\"} 1\n");
}

TEST(Metrics, FormatsNumbersExactly) {
  EXPECT_EQ(format_metric_value(0.0), "0");
  EXPECT_EQ(format_metric_value(1e-9), "1e-09");
  EXPECT_EQ(format_metric_value(-123.25), "-123.25");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  // Counters are integers, exact beyond a double's 53 bits.
  MetricsSnapshot snapshot;
  snapshot.port_counters.clock_steps = 9'007'199'254'740'993;
  EXPECT_TRUE(has_line(render(snapshot), "ptp_clock_steps_total 9007199254740993"));
}

TEST(Metrics, GaugesWithoutAMeasurementAreLeftOut) {
  const std::string text = render(MetricsSnapshot{});
  EXPECT_EQ(text.find("ptp_offset_from_master_seconds "), std::string::npos);
  EXPECT_EQ(text.find("ptp_mean_path_delay_seconds "), std::string::npos);
  EXPECT_EQ(text.find("ptp_frequency_adjustment_ppb "), std::string::npos);
  EXPECT_TRUE(has_line(text, "ptp_port_state{state=\"INITIALIZING\"} 1"));
  EXPECT_TRUE(has_line(text, "ptp_servo_state{state=\"unlocked\"} 1"));
}

// Every field of PortCounters and PortDriverCounters gets a distinct value and must show up as a
// sample value. The structured bindings name every field: a counter added to either struct stops
// this test from compiling until it is exported here and in metrics.cpp.
TEST(Metrics, ExportsEveryCounterThePortAndDriverKeep) {
  MetricsSnapshot snapshot;
  auto& [received, sent, dropped, announce_receipt_timeouts, state_changes, faults,
         tx_timestamps_lost, tx_timestamps_unknown, follow_ups_not_sent, syncs_evicted,
         syncs_expired, follow_ups_evicted, follow_ups_expired, delay_requests_unanswered,
         delay_requests_evicted, pdelay_requests_unanswered, pdelay_follow_ups_not_sent,
         peer_delay_out_of_range, multiple_peer_faults, measurements_not_capable, holdovers,
         measurements, clock_steps, management_replies, unicast_queries_unanswered,
         unicast_grants_refused, unicast_grants_unrequested, unicast_grants_expired,
         unicast_cancels_received, unicast_tlvs_ignored, unicast_grants_given,
         unicast_requests_refused, unicast_client_grants_expired, actions_dropped] =
      snapshot.port_counters;
  std::uint64_t next = 100'001;
  std::vector<std::uint64_t> expected;
  for (std::uint64_t* scalar : {&announce_receipt_timeouts,
                                &state_changes,
                                &faults,
                                &tx_timestamps_lost,
                                &tx_timestamps_unknown,
                                &follow_ups_not_sent,
                                &syncs_evicted,
                                &syncs_expired,
                                &follow_ups_evicted,
                                &follow_ups_expired,
                                &delay_requests_unanswered,
                                &delay_requests_evicted,
                                &pdelay_requests_unanswered,
                                &pdelay_follow_ups_not_sent,
                                &peer_delay_out_of_range,
                                &multiple_peer_faults,
                                &measurements_not_capable,
                                &holdovers,
                                &measurements,
                                &clock_steps,
                                &management_replies,
                                &unicast_queries_unanswered,
                                &unicast_grants_refused,
                                &unicast_grants_unrequested,
                                &unicast_grants_expired,
                                &unicast_cancels_received,
                                &unicast_tlvs_ignored,
                                &unicast_grants_given,
                                &unicast_requests_refused,
                                &unicast_client_grants_expired,
                                &actions_dropped}) {
    *scalar = next;
    expected.push_back(next++);
  }
  for (auto& count : dropped) {
    count = next;
    expected.push_back(next++);
  }
  // The ten message types 1588 defines one by one; the six reserved nibbles as one sum.
  const std::set<std::size_t> defined = {0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD};
  for (MessageTypeCounts* counts : {&received, &sent}) {
    std::uint64_t reserved = 0;
    for (std::size_t type = 0; type < counts->size(); ++type) {
      (*counts)[type] = next;
      if (defined.contains(type)) {
        expected.push_back(next);
      } else {
        reserved += next;
      }
      ++next;
    }
    expected.push_back(reserved);
  }
  auto& [send_failures, clock_step_failures, frequency_failures, unconvertible_timestamps,
         timestamp_tag_overflows, capability_changes, utc_offset_changes, timestamps_before_step] =
      snapshot.driver_counters;
  for (std::uint64_t* scalar :
       {&send_failures, &clock_step_failures, &frequency_failures, &unconvertible_timestamps,
        &timestamp_tag_overflows, &capability_changes, &utc_offset_changes,
        &timestamps_before_step}) {
    *scalar = next;
    expected.push_back(next++);
  }
  // The correlation's conversions show in the driver's unconvertible_timestamps, and its fit's
  // accepted points are the captures less the rejected ones: neither is a family of its own.
  auto& [samples, capture_failures, conversions, conversion_failures] =
      snapshot.correlation_counters;
  auto& [accepted, rejected_invalid, rejected_wide, outliers, restarts] =
      snapshot.correlation_fit_counters;
  conversions = conversion_failures = accepted = 99;
  for (std::uint64_t* scalar :
       {&samples, &capture_failures, &rejected_invalid, &rejected_wide, &outliers, &restarts}) {
    *scalar = next;
    expected.push_back(next++);
  }
  const auto values = values_of(render(snapshot));
  for (const std::uint64_t value : expected) {
    EXPECT_EQ(values.count(std::to_string(value)), 1U) << "counter value " << value;
  }
}

TEST(Metrics, ExportsTheCrossTimestampCaptures) {
  MetricsSnapshot snapshot = slave_snapshot();
  const std::string idle = render(snapshot);  // no correlation: every count zero, still exported
  EXPECT_TRUE(has_line(idle, "ptp_cross_timestamp_captures_total 0"));
  EXPECT_TRUE(has_line(idle, "ptp_cross_timestamp_capture_failures_total 0"));
  snapshot.correlation_counters.samples = 120;
  snapshot.correlation_counters.capture_failures = 9;
  snapshot.correlation_fit_counters.rejected_wide = 3;
  snapshot.correlation_fit_counters.outliers = 2;
  snapshot.correlation_fit_counters.restarts = 1;
  const std::string text = render(snapshot);
  EXPECT_TRUE(has_line(text, "# TYPE ptp_cross_timestamp_capture_failures_total counter"));
  EXPECT_TRUE(has_line(text, "ptp_cross_timestamp_captures_total 120"));
  EXPECT_TRUE(has_line(text, "ptp_cross_timestamp_capture_failures_total 9"));
  EXPECT_TRUE(has_line(text, "ptp_cross_timestamps_rejected_total{reason=\"invalid_window\"} 0"));
  EXPECT_TRUE(has_line(text, "ptp_cross_timestamps_rejected_total{reason=\"wide_window\"} 3"));
  EXPECT_TRUE(has_line(text, "ptp_cross_timestamps_rejected_total{reason=\"outlier\"} 2"));
  EXPECT_TRUE(has_line(text, "ptp_cross_timestamp_fit_restarts_total 1"));
  const auto samples = collect_metrics(snapshot);
  const auto columns = metric_csv_columns(samples);
  const auto cells = metric_csv_cells(samples);
  const auto failures =
      std::find(columns.begin(), columns.end(), "ptp_cross_timestamp_capture_failures_total");
  ASSERT_NE(failures, columns.end());
  EXPECT_EQ(cells[static_cast<std::size_t>(failures - columns.begin())], "9");
}

TEST(Metrics, CsvColumnsComeFromTheFamiliesAndNeverChange) {
  const auto before = collect_metrics(MetricsSnapshot{});
  const auto after = collect_metrics(slave_snapshot());
  const auto columns = metric_csv_columns(before);
  EXPECT_EQ(columns, metric_csv_columns(after));
  EXPECT_EQ(metric_csv_cells(after).size(), columns.size());
  const std::set<std::string> unique(columns.begin(), columns.end());
  EXPECT_EQ(unique.size(), columns.size());
  for (const std::string& column : columns) {
    EXPECT_EQ(column.find_first_of(",\"\n "), std::string::npos) << column;
    const std::string family = column.substr(0, column.find('.'));
    EXPECT_TRUE(std::any_of(metric_families().begin(), metric_families().end(),
                            [&](const MetricFamily& f) { return f.name == family; }))
        << column;
  }
  const auto cells = metric_csv_cells(after);
  const auto at = [&](const std::string& name) {
    const auto found = std::find(columns.begin(), columns.end(), name);
    return found == columns.end() ? std::string("<missing>")
                                  : cells[static_cast<std::size_t>(found - columns.begin())];
  };
  EXPECT_EQ(at("ptp_port_state.SLAVE"), "1");
  EXPECT_EQ(at("ptp_grandmaster_info.identity"), "001b21.fffe.0abcde");
  EXPECT_EQ(at("ptp_messages_total.received.sync"), "7");
  EXPECT_EQ(at("ptp_offset_from_master_seconds"), "-2.5e-07");
  EXPECT_EQ(metric_csv_cells(before)[static_cast<std::size_t>(
                std::find(columns.begin(), columns.end(), "ptp_offset_from_master_seconds") -
                columns.begin())],
            "");
}

}  // namespace
}  // namespace ptp::app
