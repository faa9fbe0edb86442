// [[node]] entries: name (or a group of `count` identical nodes), timestamping kind, transport,
// the program it runs (and ptp4win's command line), clocks, timestamp paths, cross-timestamps,
// ptp4l options and unicast masters.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"
#include "readers.h"

namespace ptp::ptpsim::detail {
namespace {

constexpr std::array<std::string_view, 4> kTimestampingWords{"hardware", "windows-hardware",
                                                             "software", "none"};
constexpr std::array<TimestampingKind, 4> kTimestampingKinds{
    TimestampingKind::kHardware, TimestampingKind::kWindowsHardware, TimestampingKind::kSoftware,
    TimestampingKind::kNone};
constexpr std::array<std::string_view, 2> kProgramWords{"library", "ptp4win"};
constexpr std::array<NodeProgram, 2> kPrograms{NodeProgram::kLibrary, NodeProgram::kPtp4win};
constexpr std::array<std::string_view, 2> kTransportWords{"udpv4", "udpv6"};
constexpr std::array<std::string_view, 2> kTransportOptionValues{"UDPv4", "UDPv6"};

// The largest group: more than enough for "hundreds of clocks" and the 1,000-clock benchmark.
constexpr std::int64_t kMaxCount = 100'000;

bool has_nic_clock(TimestampingKind kind) {
  return kind == TimestampingKind::kHardware || kind == TimestampingKind::kWindowsHardware;
}

// "oc-001" ... : zero-padded to at least three digits, so that names sort in order.
std::string member_name(const std::string& group, std::int64_t index, std::int64_t count) {
  const std::size_t width = std::max<std::size_t>(3, std::to_string(count).size());
  std::string digits = std::to_string(index);
  digits.insert(0, width - digits.size(), '0');
  return join({group, "-", digits});
}

void read_transport(TableReader& node, app::LinuxPtpConfig& options) {
  const auto transport = node.word("transport", kTransportWords);
  if (!transport) return;
  const auto wanted = static_cast<app::NetworkTransport>(*transport);
  if (options.port.network_transport.explicitly_set() &&
      options.port.network_transport.value != wanted) {
    node.fail(ScenarioErrorKind::kBadValue, "transport",
              join({kTransportWords[*transport],
                    " contradicts options.network_transport; set one of them"}));
    return;
  }
  auto stored = app::set_option(options, "network_transport", kTransportOptionValues[*transport],
                                app::SettingOrigin::kGlobalSection);
  (void)stored;  // a value of the option's own table: cannot fail
}

// program = "ptp4win" takes its whole configuration from command_line, as ptp4win.exe does, and
// runs on a Windows NIC: no ptp4l `options`, no `transport`, no adjustable NIC clock.
void check_program(TableReader& node, NodeModel& model) {
  node.string("command_line", model.command_line);
  if (model.program != NodeProgram::kPtp4win) {
    if (node.has("command_line")) {
      node.fail(ScenarioErrorKind::kBadValue, "command_line",
                "only a node with program = \"ptp4win\" takes a command line");
    }
    return;
  }
  if (!node.has("command_line")) {
    node.fail(ScenarioErrorKind::kMissingKey, "command_line",
              "a ptp4win node needs its command line (\"-i Ethernet -m\")");
  }
  for (const std::string_view key : {"options", "transport", "unicast_master_table"}) {
    if (node.has(key)) {
      node.fail(ScenarioErrorKind::kBadValue, key,
                "a ptp4win node takes its settings from command_line (and a -f file)");
    }
  }
  if (model.timestamping == TimestampingKind::kHardware) {
    node.fail(ScenarioErrorKind::kBadValue, "timestamping",
              "a ptp4win node runs on a Windows NIC: \"windows-hardware\", \"software\" or "
              "\"none\"");
  }
}

// [node.windows]: the simulated Windows of a ptp4win node.
void read_windows(TableReader& node, NodeModel& model) {
  if (node.has("windows") && model.program != NodeProgram::kPtp4win) {
    node.fail(ScenarioErrorKind::kBadValue, "windows",
              "only a node with program = \"ptp4win\" runs on a simulated Windows");
  }
  auto windows = node.table("windows");
  if (!windows) return;
  WindowsModel& w = model.windows;
  windows->boolean("timestamping_api", w.timestamping_api);
  windows->boolean("precise_adjustment_api", w.precise_adjustment_api);
  windows->boolean("socket_timestamping", w.socket_timestamping);
  if (windows->has("hardware_transmit") &&
      model.timestamping != TimestampingKind::kWindowsHardware) {
    windows->fail(ScenarioErrorKind::kBadValue, "hardware_transmit",
                  "only a windows-hardware NIC has hardware timestamps to restrict");
  }
  windows->boolean("hardware_transmit", w.hardware_transmit);
  windows->probability("tx_timestamp_never_reported_probability",
                       w.tx_timestamp_never_reported_probability);
  windows->probability("cross_timestamp_failure_probability",
                       w.cross_timestamp_failure_probability);
  if (auto w32time = windows->table("w32time")) {
    W32TimeModel& t = w.w32time;
    w32time->boolean("running", t.running);
    w32time->duration("poll_interval", t.poll_interval, DurationRule::kPositive);
    w32time->duration("first_poll", t.first_poll, DurationRule::kNonNegative);
    w32time->duration("source_noise", t.source_noise, DurationRule::kNonNegative);
    w32time->real("max_slew_ppm", t.max_slew_ppm, 0.0, 100'000.0);
    w32time->duration("update_interval", t.update_interval, DurationRule::kNonNegative);
    w32time->finish();
  }
  windows->finish();
}

// One [[node]] entry, before its expansion into `count` nodes.
NodeModel read_node(TableReader& node, std::optional<UnicastMastersKey>& unicast_masters) {
  NodeModel model;
  node.required_string("name", model.name);
  if (const auto program = node.word("program", kProgramWords)) model.program = kPrograms[*program];
  // A Windows machine's NIC, unless the scenario says otherwise.
  if (model.program == NodeProgram::kPtp4win)
    model.timestamping = TimestampingKind::kWindowsHardware;
  if (const auto kind = node.word("timestamping", kTimestampingWords)) {
    model.timestamping = kTimestampingKinds[*kind];
  }
  model.nic_clock.frequency_hz =
      model.timestamping == TimestampingKind::kHardware ? 1'000'000'000 : 125'000'000;
  check_program(node, model);
  read_windows(node, model);
  node.duration("start_at", model.start_at, DurationRule::kNonNegative);
  node.unsigned_integer("counter_frequency_hz", model.counter_frequency_hz, 1);
  node.integer("max_frequency_adjustment_ppb", model.max_frequency_adjustment_ppb, 1,
               std::numeric_limits<std::int32_t>::max());
  if (auto clock = node.table("clock")) {
    read_oscillator(*clock, model.clock);
    clock->finish();
  }
  if (node.has("nic_clock") && !has_nic_clock(model.timestamping)) {
    node.fail(ScenarioErrorKind::kBadValue, "nic_clock",
              "only nodes with hardware or windows-hardware timestamping have a NIC clock");
  }
  if (auto nic = node.table("nic_clock")) {
    nic->unsigned_integer("frequency_hz", model.nic_clock.frequency_hz, 1);
    read_oscillator(*nic, model.nic_clock.crystal);
    nic->finish();
  }
  if (node.has("cross_timestamps") && model.timestamping != TimestampingKind::kWindowsHardware) {
    node.fail(ScenarioErrorKind::kBadValue, "cross_timestamps",
              "only nodes with windows-hardware timestamping use cross-timestamps");
  }
  if (auto cross = node.table("cross_timestamps")) {
    CrossTimestampModel& c = model.cross_timestamps;
    cross->duration("min_window", c.min_window, DurationRule::kNonNegative);
    cross->duration("max_window", c.max_window, DurationRule::kNonNegative);
    cross->probability("wide_probability", c.wide_probability);
    cross->duration("wide_window", c.wide_window, DurationRule::kNonNegative);
    if (cross->has("failure_probability") && model.program == NodeProgram::kPtp4win) {
      // ptp4win's captures are the simulated Windows' calls, which fail as [node.windows] says.
      cross->fail(ScenarioErrorKind::kBadValue, "failure_probability",
                  "a ptp4win node's captures fail through [node.windows] "
                  "cross_timestamp_failure_probability");
    }
    cross->probability("failure_probability", c.failure_probability);
    if (!node.context().failed() && c.max_window < c.min_window) {
      cross->fail(ScenarioErrorKind::kBadValue, "max_window", "less than min_window");
    }
    cross->finish();
  }
  if (auto paths = node.table("paths")) read_paths(*paths, model.paths);
  if (auto time = node.table("time_properties")) {
    TimePropertiesModel& t = model.time_properties;
    time->boolean("leap61", t.leap61);
    time->boolean("leap59", t.leap59);
    time->boolean("current_utc_offset_valid", t.current_utc_offset_valid);
    time->boolean("time_traceable", t.time_traceable);
    time->boolean("frequency_traceable", t.frequency_traceable);
    if (!node.context().failed() && t.leap61 && t.leap59) {
      time->fail(ScenarioErrorKind::kBadValue, "leap59", "leap61 and leap59 both set");
    }
    time->finish();
  }
  if (auto options = node.table("options")) {
    read_node_options(*options, model.options);
    // As ptp4l refuses to start when the NIC cannot give the timestamps it is told to use.
    const auto& time_stamping = model.options.clock.time_stamping;
    if (!node.context().failed() && time_stamping.explicitly_set() &&
        time_stamping.value == app::TimeStamping::kHardware && !has_nic_clock(model.timestamping)) {
      options->fail(ScenarioErrorKind::kBadOption, "time_stamping",
                    join({"hardware timestamps need a node with timestamping = \"hardware\" or "
                          "\"windows-hardware\", not \"",
                          kTimestampingWords[static_cast<std::size_t>(model.timestamping)], "\""}));
    }
  }
  read_transport(node, model.options);
  unicast_masters = read_unicast_masters(node);
  return model;
}

}  // namespace

void read_nodes(TableReader& root, Scenario& scenario) {
  std::set<std::string, std::less<>> names;
  // Each node's unicast masters, resolved once every name is known.
  std::vector<std::pair<std::size_t, UnicastMastersKey>> unicast;
  for (TableReader& node : root.array_of_tables("node")) {
    std::int64_t count = 0;  // 0: a single node, named as given
    node.integer("count", count, 1, kMaxCount);
    std::optional<UnicastMastersKey> unicast_masters;
    NodeModel model = read_node(node, unicast_masters);
    node.finish();
    if (root.context().failed()) return;
    const std::string group = model.name;
    if (count > 0 && !names.insert(group).second) {
      node.fail(ScenarioErrorKind::kDuplicateName, "name",
                join({"duplicate node name '", group, "'"}));
      return;
    }
    for (std::int64_t i = 1; i <= std::max<std::int64_t>(count, 1); ++i) {
      if (count > 0) {
        model.name = member_name(group, i, count);
        model.group = group;
      }
      if (!names.insert(model.name).second) {
        node.fail(ScenarioErrorKind::kDuplicateName, "name",
                  join({"duplicate node name '", model.name, "'"}));
        return;
      }
      if (unicast_masters) unicast.emplace_back(scenario.nodes.size(), *unicast_masters);
      scenario.nodes.push_back(model);
    }
  }
  for (const auto& [index, key] : unicast) {
    apply_unicast_masters(root.context(), scenario, index, key);
  }
}

}  // namespace ptp::ptpsim::detail
