// The metric families, their samples from a MetricsSnapshot, and the two renderings of the
// samples: Prometheus text and CSV cells.
#include "ptp/app/metrics.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>
#include <utility>

#include "ptp/core/ordinary_clock.h"
#include "ptp/servo/servo.h"
#include "ptp/wire/header.h"

namespace ptp::app {
namespace {

using enum MetricType;

constexpr std::array kPortStates = {
    PortState::kInitializing, PortState::kFaulty,       PortState::kDisabled,
    PortState::kListening,    PortState::kPreMaster,    PortState::kMaster,
    PortState::kPassive,      PortState::kUncalibrated, PortState::kSlave};

constexpr std::array kServoStates = {servo::ServoState::kUnlocked, servo::ServoState::kJump,
                                     servo::ServoState::kLocked, servo::ServoState::kLockedStable};

std::string_view servo_state_name(servo::ServoState state) {
  switch (state) {
    case servo::ServoState::kUnlocked: return "unlocked";
    case servo::ServoState::kJump: return "jump";
    case servo::ServoState::kLocked: return "locked";
    case servo::ServoState::kLockedStable: return "locked_stable";
  }
  return "unknown";
}

constexpr std::array kSources = {hal::TimestampSource::kHardware, hal::TimestampSource::kSoftware,
                                 hal::TimestampSource::kNone};

std::string_view source_name(hal::TimestampSource source) {
  switch (source) {
    case hal::TimestampSource::kHardware: return "hardware";
    case hal::TimestampSource::kSoftware: return "software";
    case hal::TimestampSource::kNone: return "application";
  }
  return "unknown";
}

struct NamedType {
  wire::MessageType type;
  std::string_view name;
};
constexpr std::array kMessageTypes = {
    NamedType{wire::MessageType::kSync, "sync"},
    NamedType{wire::MessageType::kDelayReq, "delay_req"},
    NamedType{wire::MessageType::kPdelayReq, "pdelay_req"},
    NamedType{wire::MessageType::kPdelayResp, "pdelay_resp"},
    NamedType{wire::MessageType::kFollowUp, "follow_up"},
    NamedType{wire::MessageType::kDelayResp, "delay_resp"},
    NamedType{wire::MessageType::kPdelayRespFollowUp, "pdelay_resp_follow_up"},
    NamedType{wire::MessageType::kAnnounce, "announce"},
    NamedType{wire::MessageType::kSignaling, "signaling"},
    NamedType{wire::MessageType::kManagement, "management"},
};

std::string format_identity(const ClockIdentity& identity) {
  std::array<char, 24> text{};
  const auto& o = identity.octets;
  (void)std::snprintf(text.data(), text.size(), "%02x%02x%02x.%02x%02x.%02x%02x%02x", o[0], o[1],
                      o[2], o[3], o[4], o[5], o[6], o[7]);
  return text.data();
}

// Collects the samples of one family at a time: each table entry below names the family it fills.
class Collector {
 public:
  Collector(std::vector<MetricSample>& samples, const MetricFamily& family)
      : samples_(samples), family_(family) {}
  void gauge(std::optional<double> value, std::vector<MetricLabel> labels = {}) {
    samples_.push_back(MetricSample{&family_, std::move(labels), std::nullopt, value});
  }
  void one_hot(std::string_view label, std::string_view value, bool current) {
    gauge(current ? 1.0 : 0.0, {MetricLabel{label, std::string(value)}});
  }
  void counter(std::uint64_t count, std::vector<MetricLabel> labels = {}) {
    samples_.push_back(MetricSample{&family_, std::move(labels), count, std::nullopt});
  }

 private:
  std::vector<MetricSample>& samples_;
  const MetricFamily& family_;
};

using CollectFamily = void (*)(Collector&, const MetricsSnapshot&);

std::optional<double> seconds(const std::optional<OffsetMeasured>& measured,
                              Nanoseconds OffsetMeasured::*field) {
  if (!measured) return std::nullopt;
  return static_cast<double>(((*measured).*field).count()) /
         1e9;  // rounded once: -250 ns is -2.5e-07
}

void port_state(Collector& out, const MetricsSnapshot& snapshot) {
  for (const PortState state : kPortStates) {
    out.one_hot("state", to_string(state), state == snapshot.port_state);
  }
}

template <Nanoseconds OffsetMeasured::*Field>
void measured_seconds(Collector& out, const MetricsSnapshot& snapshot) {
  out.gauge(seconds(snapshot.last_measurement, Field));
}

void frequency_ppb(Collector& out, const MetricsSnapshot& snapshot) {
  const auto& measured = snapshot.last_measurement;
  out.gauge(measured ? std::optional<double>(measured->frequency_ppb) : std::nullopt);
}

void servo_state(Collector& out, const MetricsSnapshot& snapshot) {
  // Before the first measurement the servo has not run: it is unlocked.
  const auto& measured = snapshot.last_measurement;
  const auto current = measured ? measured->servo_state : servo::ServoState::kUnlocked;
  for (const servo::ServoState state : kServoStates) {
    out.one_hot("state", servo_state_name(state), state == current);
  }
}

void grandmaster(Collector& out, const MetricsSnapshot& snapshot) {
  out.gauge(1.0, {MetricLabel{"identity", format_identity(snapshot.grandmaster_identity)}});
}

void timestamp_source(Collector& out, const MetricsSnapshot& snapshot) {
  for (const hal::TimestampSource source : kSources) {
    out.one_hot("source", source_name(source), source == snapshot.timestamp_source);
  }
}

// The named message types one by one, and the types the standard leaves reserved as one sum.
void messages(Collector& out, std::string_view direction, const MessageTypeCounts& counts) {
  std::array<bool, std::tuple_size_v<MessageTypeCounts>> named{};
  for (const NamedType& type : kMessageTypes) {
    const auto index = static_cast<std::size_t>(type.type);
    named.at(index) = true;
    out.counter(counts.at(index), {MetricLabel{"direction", std::string(direction)},
                                   MetricLabel{"type", std::string(type.name)}});
  }
  std::uint64_t reserved = 0;
  for (std::size_t index = 0; index < counts.size(); ++index) {
    if (!named.at(index)) reserved += counts.at(index);
  }
  out.counter(reserved,
              {MetricLabel{"direction", std::string(direction)}, MetricLabel{"type", "reserved"}});
}

void messages(Collector& out, const MetricsSnapshot& snapshot) {
  messages(out, "received", snapshot.port_counters.received);
  messages(out, "sent", snapshot.port_counters.sent);
}

void drops(Collector& out, const MetricsSnapshot& snapshot) {
  for (std::size_t reason = 0; reason < kDropReasonCount; ++reason) {
    out.counter(snapshot.port_counters.dropped.at(reason),
                {MetricLabel{"reason", std::string(to_string(static_cast<DropReason>(reason)))}});
  }
}

template <std::uint64_t PortCounters::*Field>
void port_counter(Collector& out, const MetricsSnapshot& snapshot) {
  out.counter(snapshot.port_counters.*Field);
}

template <std::uint64_t hal::PortDriverCounters::*Field>
void driver_counter(Collector& out, const MetricsSnapshot& snapshot) {
  out.counter(snapshot.driver_counters.*Field);
}

template <std::uint64_t hal::NicCounterCorrelationCounters::*Field>
void correlation_counter(Collector& out, const MetricsSnapshot& snapshot) {
  out.counter(snapshot.correlation_counters.*Field);
}

template <std::uint64_t servo::ClockCorrelationCounters::*Field>
void correlation_fit_counter(Collector& out, const MetricsSnapshot& snapshot) {
  out.counter(snapshot.correlation_fit_counters.*Field);
}

void cross_timestamps_rejected(Collector& out, const MetricsSnapshot& snapshot) {
  const servo::ClockCorrelationCounters& fit = snapshot.correlation_fit_counters;
  out.counter(fit.rejected_invalid, {MetricLabel{"reason", "invalid_window"}});
  out.counter(fit.rejected_wide, {MetricLabel{"reason", "wide_window"}});
  out.counter(fit.outliers, {MetricLabel{"reason", "outlier"}});
}

struct FamilyEntry {
  MetricFamily family;
  CollectFamily collect = nullptr;
};

// The one list of families: each entry names a family and the function that reads its samples
// from a snapshot. Adding a family is adding an entry.
constexpr std::array kEntries = {
    FamilyEntry{
        {"ptp_port_state", kGauge, "Port state (1 for the current state, 0 for the others)"},
        &port_state},
    FamilyEntry{{"ptp_offset_from_master_seconds", kGauge,
                 "Offset from the master of the newest measurement (local - master), seconds"},
                &measured_seconds<&OffsetMeasured::offset_from_master>},
    FamilyEntry{{"ptp_mean_path_delay_seconds", kGauge,
                 "Mean path delay used by the newest measurement, seconds"},
                &measured_seconds<&OffsetMeasured::mean_path_delay>},
    FamilyEntry{{"ptp_frequency_adjustment_ppb", kGauge,
                 "Frequency adjustment the servo set with the newest measurement, ppb"},
                &frequency_ppb},
    FamilyEntry{{"ptp_servo_state", kGauge,
                 "Servo state (1 for the current state): unlocked s0, jump s1, locked s2, "
                 "locked_stable s3"},
                &servo_state},
    FamilyEntry{
        {"ptp_grandmaster_info", kGauge, "Identity of the grandmaster the port follows", true},
        &grandmaster},
    FamilyEntry{{"ptp_timestamp_source", kGauge,
                 "Timestamps in use (1 for the current source): hardware, software, application"},
                &timestamp_source},
    FamilyEntry{{"ptp_messages_total", kCounter, "PTP messages by direction and type"}, &messages},
    FamilyEntry{{"ptp_messages_dropped_total", kCounter, "Received messages dropped, by reason"},
                &drops},
    FamilyEntry{{"ptp_announce_receipt_timeouts_total", kCounter, "Announce receipt timeouts"},
                &port_counter<&PortCounters::announce_receipt_timeouts>},
    FamilyEntry{{"ptp_state_changes_total", kCounter, "Port state changes"},
                &port_counter<&PortCounters::state_changes>},
    FamilyEntry{{"ptp_faults_total", kCounter, "Port faults"},
                &port_counter<&PortCounters::faults>},
    FamilyEntry{{"ptp_tx_timestamps_lost_total", kCounter,
                 "Transmit timestamps the timestamping layer reported lost"},
                &port_counter<&PortCounters::tx_timestamps_lost>},
    FamilyEntry{{"ptp_tx_timestamps_unknown_total", kCounter,
                 "Transmit timestamps for no outstanding message (late or stale)"},
                &port_counter<&PortCounters::tx_timestamps_unknown>},
    FamilyEntry{{"ptp_follow_ups_not_sent_total", kCounter,
                 "Syncs sent whose transmit timestamp never came (no Follow_Up)"},
                &port_counter<&PortCounters::follow_ups_not_sent>},
    FamilyEntry{{"ptp_syncs_evicted_total", kCounter,
                 "Two-step Syncs given up: pushed out of a full pending set"},
                &port_counter<&PortCounters::syncs_evicted>},
    FamilyEntry{{"ptp_syncs_expired_total", kCounter,
                 "Two-step Syncs given up: their Follow_Up did not come in time"},
                &port_counter<&PortCounters::syncs_expired>},
    FamilyEntry{{"ptp_follow_ups_evicted_total", kCounter,
                 "Follow_Ups given up: pushed out of a full pending set"},
                &port_counter<&PortCounters::follow_ups_evicted>},
    FamilyEntry{{"ptp_follow_ups_expired_total", kCounter,
                 "Follow_Ups given up: their Sync did not come in time"},
                &port_counter<&PortCounters::follow_ups_expired>},
    FamilyEntry{{"ptp_delay_requests_unanswered_total", kCounter,
                 "Delay_Reqs given up without a Delay_Resp"},
                &port_counter<&PortCounters::delay_requests_unanswered>},
    FamilyEntry{{"ptp_delay_requests_evicted_total", kCounter,
                 "Delay_Reqs given up: pushed out of a full pending set"},
                &port_counter<&PortCounters::delay_requests_evicted>},
    FamilyEntry{{"ptp_pdelay_requests_unanswered_total", kCounter,
                 "Pdelay_Reqs without a complete reply before the next request"},
                &port_counter<&PortCounters::pdelay_requests_unanswered>},
    FamilyEntry{{"ptp_pdelay_follow_ups_not_sent_total", kCounter,
                 "Pdelay_Resps sent whose transmit timestamp never came"},
                &port_counter<&PortCounters::pdelay_follow_ups_not_sent>},
    FamilyEntry{{"ptp_peer_delay_out_of_range_total", kCounter,
                 "Link delays outside min_neighbor_prop_delay..neighborPropDelayThresh"},
                &port_counter<&PortCounters::peer_delay_out_of_range>},
    FamilyEntry{{"ptp_multiple_peer_faults_total", kCounter,
                 "Faults from several Pdelay responders on one link"},
                &port_counter<&PortCounters::multiple_peer_faults>},
    FamilyEntry{{"ptp_measurements_not_capable_total", kCounter,
                 "Offsets withheld from the servo while the link delay is out of range"},
                &port_counter<&PortCounters::measurements_not_capable>},
    FamilyEntry{{"ptp_holdovers_total", kCounter, "Times the port stopped following its master"},
                &port_counter<&PortCounters::holdovers>},
    FamilyEntry{{"ptp_measurements_total", kCounter, "Offsets handed to the servo"},
                &port_counter<&PortCounters::measurements>},
    FamilyEntry{{"ptp_clock_steps_total", kCounter, "Clock steps"},
                &port_counter<&PortCounters::clock_steps>},
    FamilyEntry{{"ptp_management_replies_total", kCounter, "Management replies sent"},
                &port_counter<&PortCounters::management_replies>},
    FamilyEntry{{"ptp_unicast_queries_unanswered_total", kCounter,
                 "Unicast Announce requests a table master left unanswered"},
                &port_counter<&PortCounters::unicast_queries_unanswered>},
    FamilyEntry{{"ptp_unicast_grants_refused_total", kCounter,
                 "Unicast grants received with a zero duration (refusals)"},
                &port_counter<&PortCounters::unicast_grants_refused>},
    FamilyEntry{{"ptp_unicast_grants_unrequested_total", kCounter,
                 "Unicast grants received for a service not asked of that master"},
                &port_counter<&PortCounters::unicast_grants_unrequested>},
    FamilyEntry{{"ptp_unicast_grants_expired_total", kCounter,
                 "Unicast grants held from a master that lapsed without renewal"},
                &port_counter<&PortCounters::unicast_grants_expired>},
    FamilyEntry{
        {"ptp_unicast_cancels_received_total", kCounter, "Unicast grants a master cancelled"},
        &port_counter<&PortCounters::unicast_cancels_received>},
    FamilyEntry{{"ptp_unicast_tlvs_ignored_total", kCounter,
                 "Unicast negotiation TLVs ignored (a request while not listening, a cancel from a "
                 "stranger)"},
                &port_counter<&PortCounters::unicast_tlvs_ignored>},
    FamilyEntry{{"ptp_unicast_grants_given_total", kCounter,
                 "Unicast grants given to clients (renewals included)"},
                &port_counter<&PortCounters::unicast_grants_given>},
    FamilyEntry{{"ptp_unicast_requests_refused_total", kCounter,
                 "Unicast requests refused with a zero-duration grant"},
                &port_counter<&PortCounters::unicast_requests_refused>},
    FamilyEntry{{"ptp_unicast_client_grants_expired_total", kCounter,
                 "Unicast grants to clients that lapsed without renewal"},
                &port_counter<&PortCounters::unicast_client_grants_expired>},
    FamilyEntry{{"ptp_actions_dropped_total", kCounter,
                 "Port actions lost to a full action list (a bug if ever nonzero)"},
                &port_counter<&PortCounters::actions_dropped>},
    FamilyEntry{{"ptp_send_failures_total", kCounter, "Messages the transport failed to send"},
                &driver_counter<&hal::PortDriverCounters::send_failures>},
    FamilyEntry{{"ptp_clock_step_failures_total", kCounter, "Clock steps the clock refused"},
                &driver_counter<&hal::PortDriverCounters::clock_step_failures>},
    FamilyEntry{
        {"ptp_frequency_failures_total", kCounter, "Frequency adjustments the clock refused"},
        &driver_counter<&hal::PortDriverCounters::frequency_failures>},
    FamilyEntry{{"ptp_unconvertible_timestamps_total", kCounter,
                 "Packet timestamps that could not be converted to the port's time"},
                &driver_counter<&hal::PortDriverCounters::unconvertible_timestamps>},
    FamilyEntry{{"ptp_timestamp_tag_overflows_total", kCounter,
                 "Transmit timestamps requested with every tag slot in use"},
                &driver_counter<&hal::PortDriverCounters::timestamp_tag_overflows>},
    FamilyEntry{{"ptp_capability_changes_total", kCounter, "Timestamping capability changes"},
                &driver_counter<&hal::PortDriverCounters::capability_changes>},
    FamilyEntry{{"ptp_utc_offset_changes_total", kCounter,
                 "Changes of the UTC offset applied to the system clock"},
                &driver_counter<&hal::PortDriverCounters::utc_offset_changes>},
    FamilyEntry{{"ptp_timestamps_before_step_total", kCounter,
                 "Receive timestamps taken before a clock step and delivered after it"},
                &driver_counter<&hal::PortDriverCounters::timestamps_before_step>},
    FamilyEntry{{"ptp_cross_timestamp_captures_total", kCounter,
                 "Cross-timestamps (NIC clock and counter) captured for the correlation"},
                &correlation_counter<&hal::NicCounterCorrelationCounters::samples>},
    FamilyEntry{{"ptp_cross_timestamp_capture_failures_total", kCounter,
                 "Cross-timestamp captures the timestamping layer failed"},
                &correlation_counter<&hal::NicCounterCorrelationCounters::capture_failures>},
    FamilyEntry{{"ptp_cross_timestamps_rejected_total", kCounter,
                 "Captured cross-timestamps the correlation's fit left out, by reason"},
                &cross_timestamps_rejected},
    FamilyEntry{{"ptp_cross_timestamp_fit_restarts_total", kCounter,
                 "Correlation fits started over on a detected NIC clock reset or step"},
                &correlation_fit_counter<&servo::ClockCorrelationCounters::restarts>},
};

// The families alone, for metric_families() and for the samples to point at.
constexpr auto kFamilies = [] {
  std::array<MetricFamily, kEntries.size()> families{};
  for (std::size_t index = 0; index < kEntries.size(); ++index) {
    families.at(index) = kEntries.at(index).family;
  }
  return families;
}();

// The text format's escapes: backslash and newline everywhere, the double quote in label values.
std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

void append_labels(std::string& out, const std::vector<MetricLabel>& labels) {
  if (labels.empty()) return;
  out += '{';
  for (std::size_t index = 0; index < labels.size(); ++index) {
    if (index > 0) out += ',';
    out += labels[index].name;
    out += "=\"";
    out += escape_label_value(labels[index].value);
    out += '"';
  }
  out += '}';
}

std::string sample_text(const MetricSample& sample) {
  if (sample.count) return std::to_string(*sample.count);
  return format_metric_value(*sample.value);
}

}  // namespace

MetricsSnapshot take_metrics_snapshot(const OrdinaryClock& clock, const hal::PortDriver& driver,
                                      const std::optional<OffsetMeasured>& last_measurement,
                                      const hal::NicCounterCorrelation* correlation) {
  MetricsSnapshot snapshot;
  snapshot.port_state = clock.state();
  snapshot.last_measurement = last_measurement;
  snapshot.grandmaster_identity = clock.parent_data_set().grandmaster_identity;
  snapshot.timestamp_source = driver.timestamp_source();
  snapshot.port_counters = clock.counters();
  snapshot.driver_counters = driver.counters();
  if (correlation != nullptr) {
    snapshot.correlation_counters = correlation->counters();
    snapshot.correlation_fit_counters = correlation->correlation().counters();
  }
  return snapshot;
}

std::span<const MetricFamily> metric_families() { return kFamilies; }

std::vector<MetricSample> collect_metrics(const MetricsSnapshot& snapshot) {
  std::vector<MetricSample> samples;
  for (std::size_t index = 0; index < kEntries.size(); ++index) {
    Collector out(samples, kFamilies.at(index));
    kEntries.at(index).collect(out, snapshot);
  }
  return samples;
}

std::string escape_label_value(std::string_view text) { return escape(text, true); }

std::string escape_help(std::string_view text) { return escape(text, false); }

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  return std::string(text.data(), result.ptr);
}

std::string render_prometheus(std::span<const MetricSample> samples) {
  std::string out;
  out.reserve(samples.size() * 64 + 4096);
  const MetricFamily* current = nullptr;
  for (const MetricSample& sample : samples) {
    if (!sample.count && !sample.value) continue;  // a gauge without a value yet
    if (sample.family != current) {
      current = sample.family;
      out += "# HELP ";
      out += current->name;
      out += ' ';
      out += escape_help(current->help);
      out += "\n# TYPE ";
      out += current->name;
      out += current->type == MetricType::kCounter ? " counter\n" : " gauge\n";
    }
    out += sample.family->name;
    append_labels(out, sample.labels);
    out += ' ';
    out += sample_text(sample);
    out += '\n';
  }
  return out;
}

std::vector<std::string> metric_csv_columns(std::span<const MetricSample> samples) {
  std::vector<std::string> columns;
  columns.reserve(samples.size());
  for (const MetricSample& sample : samples) {
    std::string column(sample.family->name);
    for (const MetricLabel& label : sample.labels) {
      column += '.';
      // Info families: the column names the label, the cell holds its value.
      column += sample.family->is_info ? std::string(label.name) : label.value;
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

std::vector<std::string> metric_csv_cells(std::span<const MetricSample> samples) {
  std::vector<std::string> cells;
  cells.reserve(samples.size());
  for (const MetricSample& sample : samples) {
    if (sample.family->is_info) {
      cells.push_back(sample.labels.empty() ? std::string() : sample.labels.front().value);
    } else if (!sample.count && !sample.value) {
      cells.emplace_back();
    } else {
      cells.push_back(sample_text(sample));
    }
  }
  return cells;
}

}  // namespace ptp::app
