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

// The table: adding a family here and a sample in collect_metrics() is all it takes.
constexpr std::array kFamilies = {
    MetricFamily{"ptp_port_state", kGauge,
                 "Port state (1 for the current state, 0 for the others)"},
    MetricFamily{"ptp_offset_from_master_seconds", kGauge,
                 "Offset from the master of the newest measurement (local - master), seconds"},
    MetricFamily{"ptp_mean_path_delay_seconds", kGauge,
                 "Mean path delay used by the newest measurement, seconds"},
    MetricFamily{"ptp_frequency_adjustment_ppb", kGauge,
                 "Frequency adjustment the servo set with the newest measurement, ppb"},
    MetricFamily{"ptp_servo_state", kGauge,
                 "Servo state (1 for the current state): unlocked s0, jump s1, locked s2, "
                 "locked_stable s3"},
    MetricFamily{"ptp_grandmaster_info", kGauge, "Identity of the grandmaster the port follows",
                 true},
    MetricFamily{"ptp_timestamp_source", kGauge,
                 "Timestamps in use (1 for the current source): hardware, software, application"},
    MetricFamily{"ptp_messages_total", kCounter, "PTP messages by direction and type"},
    MetricFamily{"ptp_messages_dropped_total", kCounter, "Received messages dropped, by reason"},
    MetricFamily{"ptp_announce_receipt_timeouts_total", kCounter, "Announce receipt timeouts"},
    MetricFamily{"ptp_state_changes_total", kCounter, "Port state changes"},
    MetricFamily{"ptp_faults_total", kCounter, "Port faults"},
    MetricFamily{"ptp_tx_timestamps_lost_total", kCounter,
                 "Transmit timestamps the timestamping layer reported lost"},
    MetricFamily{"ptp_tx_timestamps_unknown_total", kCounter,
                 "Transmit timestamps for no outstanding message (late or stale)"},
    MetricFamily{"ptp_follow_ups_not_sent_total", kCounter,
                 "Syncs sent whose transmit timestamp never came (no Follow_Up)"},
    MetricFamily{"ptp_syncs_evicted_total", kCounter,
                 "Two-step Syncs given up: pushed out of a full pending set"},
    MetricFamily{"ptp_syncs_expired_total", kCounter,
                 "Two-step Syncs given up: their Follow_Up did not come in time"},
    MetricFamily{"ptp_follow_ups_evicted_total", kCounter,
                 "Follow_Ups given up: pushed out of a full pending set"},
    MetricFamily{"ptp_follow_ups_expired_total", kCounter,
                 "Follow_Ups given up: their Sync did not come in time"},
    MetricFamily{"ptp_delay_requests_unanswered_total", kCounter,
                 "Delay_Reqs given up without a Delay_Resp"},
    MetricFamily{"ptp_delay_requests_evicted_total", kCounter,
                 "Delay_Reqs given up: pushed out of a full pending set"},
    MetricFamily{"ptp_pdelay_requests_unanswered_total", kCounter,
                 "Pdelay_Reqs without a complete reply before the next request"},
    MetricFamily{"ptp_pdelay_follow_ups_not_sent_total", kCounter,
                 "Pdelay_Resps sent whose transmit timestamp never came"},
    MetricFamily{"ptp_peer_delay_out_of_range_total", kCounter,
                 "Link delays outside min_neighbor_prop_delay..neighborPropDelayThresh"},
    MetricFamily{"ptp_multiple_peer_faults_total", kCounter,
                 "Faults from several Pdelay responders on one link"},
    MetricFamily{"ptp_measurements_not_capable_total", kCounter,
                 "Offsets withheld from the servo while the link delay is out of range"},
    MetricFamily{"ptp_holdovers_total", kCounter, "Times the port stopped following its master"},
    MetricFamily{"ptp_measurements_total", kCounter, "Offsets handed to the servo"},
    MetricFamily{"ptp_clock_steps_total", kCounter, "Clock steps"},
    MetricFamily{"ptp_management_replies_total", kCounter, "Management replies sent"},
    MetricFamily{"ptp_actions_dropped_total", kCounter,
                 "Port actions lost to a full action list (a bug if ever nonzero)"},
    MetricFamily{"ptp_send_failures_total", kCounter, "Messages the transport failed to send"},
    MetricFamily{"ptp_clock_step_failures_total", kCounter, "Clock steps the clock refused"},
    MetricFamily{"ptp_frequency_failures_total", kCounter,
                 "Frequency adjustments the clock refused"},
    MetricFamily{"ptp_unconvertible_timestamps_total", kCounter,
                 "Packet timestamps that could not be converted to the port's time"},
    MetricFamily{"ptp_timestamp_tag_overflows_total", kCounter,
                 "Transmit timestamps requested with every tag slot in use"},
    MetricFamily{"ptp_capability_changes_total", kCounter, "Timestamping capability changes"},
    MetricFamily{"ptp_utc_offset_changes_total", kCounter,
                 "Changes of the UTC offset applied to the system clock"},
};

const MetricFamily& family(std::string_view name) {
  for (const MetricFamily& candidate : kFamilies) {
    if (candidate.name == name) return candidate;
  }
  return kFamilies.front();  // unreachable for the names below; the tests check every family
}

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

class Collector {
 public:
  void gauge(std::string_view name, std::optional<double> value,
             std::vector<MetricLabel> labels = {}) {
    samples_.push_back(MetricSample{&family(name), std::move(labels), std::nullopt, value});
  }
  void one_hot(std::string_view name, std::string_view label, std::string_view value,
               bool current) {
    gauge(name, current ? 1.0 : 0.0, {MetricLabel{label, std::string(value)}});
  }
  void counter(std::string_view name, std::uint64_t count, std::vector<MetricLabel> labels = {}) {
    samples_.push_back(MetricSample{&family(name), std::move(labels), count, std::nullopt});
  }
  std::vector<MetricSample> take() { return std::move(samples_); }

 private:
  std::vector<MetricSample> samples_;
};

// The named message types one by one, and the types the standard leaves reserved as one sum.
void collect_messages(Collector& out, std::string_view direction, const MessageTypeCounts& counts) {
  std::array<bool, std::tuple_size_v<MessageTypeCounts>> named{};
  for (const NamedType& type : kMessageTypes) {
    const auto index = static_cast<std::size_t>(type.type);
    named.at(index) = true;
    out.counter("ptp_messages_total", counts.at(index),
                {MetricLabel{"direction", std::string(direction)},
                 MetricLabel{"type", std::string(type.name)}});
  }
  std::uint64_t reserved = 0;
  for (std::size_t index = 0; index < counts.size(); ++index) {
    if (!named.at(index)) reserved += counts.at(index);
  }
  out.counter("ptp_messages_total", reserved,
              {MetricLabel{"direction", std::string(direction)}, MetricLabel{"type", "reserved"}});
}

void collect_messages(Collector& out, const PortCounters& counters) {
  collect_messages(out, "received", counters.received);
  collect_messages(out, "sent", counters.sent);
  for (std::size_t reason = 0; reason < kDropReasonCount; ++reason) {
    out.counter("ptp_messages_dropped_total", counters.dropped.at(reason),
                {MetricLabel{"reason", std::string(to_string(static_cast<DropReason>(reason)))}});
  }
}

void collect_port_counters(Collector& out, const PortCounters& c) {
  collect_messages(out, c);
  out.counter("ptp_announce_receipt_timeouts_total", c.announce_receipt_timeouts);
  out.counter("ptp_state_changes_total", c.state_changes);
  out.counter("ptp_faults_total", c.faults);
  out.counter("ptp_tx_timestamps_lost_total", c.tx_timestamps_lost);
  out.counter("ptp_tx_timestamps_unknown_total", c.tx_timestamps_unknown);
  out.counter("ptp_follow_ups_not_sent_total", c.follow_ups_not_sent);
  out.counter("ptp_syncs_evicted_total", c.syncs_evicted);
  out.counter("ptp_syncs_expired_total", c.syncs_expired);
  out.counter("ptp_follow_ups_evicted_total", c.follow_ups_evicted);
  out.counter("ptp_follow_ups_expired_total", c.follow_ups_expired);
  out.counter("ptp_delay_requests_unanswered_total", c.delay_requests_unanswered);
  out.counter("ptp_delay_requests_evicted_total", c.delay_requests_evicted);
  out.counter("ptp_pdelay_requests_unanswered_total", c.pdelay_requests_unanswered);
  out.counter("ptp_pdelay_follow_ups_not_sent_total", c.pdelay_follow_ups_not_sent);
  out.counter("ptp_peer_delay_out_of_range_total", c.peer_delay_out_of_range);
  out.counter("ptp_multiple_peer_faults_total", c.multiple_peer_faults);
  out.counter("ptp_measurements_not_capable_total", c.measurements_not_capable);
  out.counter("ptp_holdovers_total", c.holdovers);
  out.counter("ptp_measurements_total", c.measurements);
  out.counter("ptp_clock_steps_total", c.clock_steps);
  out.counter("ptp_management_replies_total", c.management_replies);
  out.counter("ptp_actions_dropped_total", c.actions_dropped);
}

void collect_driver_counters(Collector& out, const hal::PortDriverCounters& c) {
  out.counter("ptp_send_failures_total", c.send_failures);
  out.counter("ptp_clock_step_failures_total", c.clock_step_failures);
  out.counter("ptp_frequency_failures_total", c.frequency_failures);
  out.counter("ptp_unconvertible_timestamps_total", c.unconvertible_timestamps);
  out.counter("ptp_timestamp_tag_overflows_total", c.timestamp_tag_overflows);
  out.counter("ptp_capability_changes_total", c.capability_changes);
  out.counter("ptp_utc_offset_changes_total", c.utc_offset_changes);
}

std::optional<double> seconds(const std::optional<OffsetMeasured>& measured,
                              Nanoseconds OffsetMeasured::*field) {
  if (!measured) return std::nullopt;
  return static_cast<double>(((*measured).*field).count()) /
         1e9;  // rounded once: -250 ns is -2.5e-07
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
                                      const std::optional<OffsetMeasured>& last_measurement) {
  MetricsSnapshot snapshot;
  snapshot.port_state = clock.state();
  snapshot.last_measurement = last_measurement;
  snapshot.grandmaster_identity = clock.parent_data_set().grandmaster_identity;
  snapshot.timestamp_source = driver.timestamp_source();
  snapshot.port_counters = clock.counters();
  snapshot.driver_counters = driver.counters();
  return snapshot;
}

std::span<const MetricFamily> metric_families() { return kFamilies; }

std::vector<MetricSample> collect_metrics(const MetricsSnapshot& snapshot) {
  Collector out;
  for (const PortState state : kPortStates) {
    out.one_hot("ptp_port_state", "state", to_string(state), state == snapshot.port_state);
  }
  const auto& measured = snapshot.last_measurement;
  out.gauge("ptp_offset_from_master_seconds",
            seconds(measured, &OffsetMeasured::offset_from_master));
  out.gauge("ptp_mean_path_delay_seconds", seconds(measured, &OffsetMeasured::mean_path_delay));
  out.gauge("ptp_frequency_adjustment_ppb",
            measured ? std::optional<double>(measured->frequency_ppb) : std::nullopt);
  // Before the first measurement the servo has not run: it is unlocked.
  const auto servo_state = measured ? measured->servo_state : servo::ServoState::kUnlocked;
  for (const servo::ServoState state : kServoStates) {
    out.one_hot("ptp_servo_state", "state", servo_state_name(state), state == servo_state);
  }
  out.gauge("ptp_grandmaster_info", 1.0,
            {MetricLabel{"identity", format_identity(snapshot.grandmaster_identity)}});
  for (const hal::TimestampSource source : kSources) {
    out.one_hot("ptp_timestamp_source", "source", source_name(source),
                source == snapshot.timestamp_source);
  }
  collect_port_counters(out, snapshot.port_counters);
  collect_driver_counters(out, snapshot.driver_counters);
  return out.take();
}

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

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
