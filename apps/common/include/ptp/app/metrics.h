// Metrics: what an application exposes about its clock, as one table of metric families shared
// by ptp4win's Prometheus endpoint and ptpsim's CSV columns, so the two cannot name things
// differently. A MetricsSnapshot is a plain copy of the clock's, driver's and servo's state
// (cheap to take on the loop thread); collect_metrics() turns it into samples of the families,
// always the same samples in the same order whatever the values (one-hot gauges over every state,
// every counter), except that gauges without a value yet (no measurement) have none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/core/port_counters.h"
#include "ptp/core/port_io.h"
#include "ptp/core/port_state.h"
#include "ptp/hal/nic_counter_correlation.h"
#include "ptp/hal/port_driver.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/identity.h"
#include "ptp/servo/clock_correlation.h"

namespace ptp {
class OrdinaryClock;
}

namespace ptp::app {

struct MetricsSnapshot {
  PortState port_state = PortState::kInitializing;
  std::optional<OffsetMeasured> last_measurement;  // offset, delay, servo state, frequency
  ClockIdentity grandmaster_identity{};
  hal::TimestampSource timestamp_source = hal::TimestampSource::kNone;
  PortCounters port_counters;
  hal::PortDriverCounters driver_counters;
  // The NIC-to-counter correlation's captures and what its fit did with them; zero when the
  // clock has none.
  hal::NicCounterCorrelationCounters correlation_counters;
  servo::ClockCorrelationCounters correlation_fit_counters;
};

// Copies what the metrics show from a running clock and its driver; `last_measurement` is the
// newest OffsetMeasured the driver's observer saw; `correlation` the clock's NIC-to-counter
// correlation (null: it has none).
MetricsSnapshot take_metrics_snapshot(const OrdinaryClock& clock, const hal::PortDriver& driver,
                                      const std::optional<OffsetMeasured>& last_measurement,
                                      const hal::NicCounterCorrelation* correlation);

enum class MetricType : std::uint8_t { kGauge, kCounter };

struct MetricFamily {
  std::string_view name;  // counters end in _total
  MetricType type = MetricType::kGauge;
  std::string_view help;
  // Info-style families: the value is always 1 and the information is the label's value.
  bool is_info = false;
};

// Every family, in the order they are exported.
std::span<const MetricFamily> metric_families();

struct MetricLabel {
  std::string_view name;
  std::string value;
};

struct MetricSample {
  const MetricFamily* family = nullptr;
  std::vector<MetricLabel> labels;
  // Counters carry an exact integer; gauges a double (std::nullopt: no value yet).
  std::optional<std::uint64_t> count;
  std::optional<double> value;
};

std::vector<MetricSample> collect_metrics(const MetricsSnapshot& snapshot);

// The Prometheus text exposition format (version 0.0.4): per family a HELP and a TYPE line, then
// its samples; label values escaped (backslash, double quote, newline).
std::string render_prometheus(std::span<const MetricSample> samples);
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4";

// A label value or HELP text as the text format needs it: \ -> \\, newline -> \n, and (label
// values only) " -> \".
std::string escape_label_value(std::string_view text);
std::string escape_help(std::string_view text);

// A number as the text format writes it: integers exactly, doubles in the shortest form that
// reads back the same, NaN and infinities as NaN, +Inf, -Inf.
std::string format_metric_value(double value);

// CSV columns for the samples: one per sample, named after the family and the label values
// (`ptp_messages_total.received.sync`); info families give one column per family whose cell is
// the label's value (`ptp_grandmaster_info.identity`). Names contain no comma or quote.
std::vector<std::string> metric_csv_columns(std::span<const MetricSample> samples);
// The cells for those columns, in the same order; a gauge without a value is an empty cell.
std::vector<std::string> metric_csv_cells(std::span<const MetricSample> samples);

}  // namespace ptp::app
