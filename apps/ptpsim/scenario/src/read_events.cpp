// [[event]] entries: the fault timeline. Each names its target (a node, a node group -- one
// event per member -- or a link), its time `at` (within the run) and its kind's parameters.
#include <array>
#include <set>
#include <string>

#include "ptp/app/linuxptp_config_parser.h"
#include "readers.h"

namespace ptp::ptpsim::detail {
namespace {

constexpr std::array<std::string_view, 8> kKindWords{
    "link_down",   "link_up",    "node_crash",        "node_restart",
    "delay_spike", "loss_burst", "capability_change", "priority_change"};
constexpr std::array<std::string_view, 3> kDirectionWords{"both", "a_to_b", "b_to_a"};
constexpr std::array<std::string_view, 3> kSourceWords{"hardware", "software", "none"};

struct Names {
  std::set<std::string, std::less<>> links;
  std::set<std::string, std::less<>> switches;
  std::map<std::string, std::vector<const NodeModel*>, std::less<>> nodes;  // a node or a group
};

Names names_of(const Scenario& scenario) {
  Names names;
  for (const LinkModel& link : scenario.links) names.links.insert(link.name);
  for (const SwitchModel& s : scenario.switches) names.switches.insert(s.name);
  for (const NodeModel& node : scenario.nodes) {
    names.nodes[node.name].push_back(&node);
    if (!node.group.empty()) names.nodes[node.group].push_back(&node);
  }
  return names;
}

std::string read_link(TableReader& event, const Names& names) {
  std::string link;
  event.required_string("link", link);
  if (!event.context().failed() && names.links.count(link) == 0) {
    event.fail(ScenarioErrorKind::kUnknownReference, "link", join({"unknown link '", link, "'"}));
  }
  return link;
}

// The nodes an event applies to: one, or every member of a group.
std::vector<const NodeModel*> read_nodes_of(TableReader& event, const Names& names) {
  std::string node;
  event.required_string("node", node);
  if (event.context().failed()) return {};
  const auto found = names.nodes.find(node);
  if (found == names.nodes.end()) {
    event.fail(ScenarioErrorKind::kUnknownReference, "node",
               names.switches.count(node) != 0 ? join({"'", node, "' is a switch, not a node"})
                                               : join({"unknown node '", node, "'"}));
    return {};
  }
  return found->second;
}

LinkDirectionSelector read_direction(TableReader& event) {
  const auto direction = event.word("direction", kDirectionWords);
  return direction ? static_cast<LinkDirectionSelector>(*direction) : LinkDirectionSelector::kBoth;
}

std::optional<std::uint8_t> read_priority(TableReader& event, std::string_view key) {
  const TomlValue* value = event.find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_integer()) {
    event.fail(ScenarioErrorKind::kWrongType, key,
               join({"expected an integer, got ", type_name(*value)}));
    return std::nullopt;
  }
  // The option table checks it, exactly as [node.options] would.
  app::LinuxPtpConfig scratch;
  auto stored = app::set_option(scratch, key, std::to_string(value->as_integer()),
                                app::SettingOrigin::kGlobalSection);
  if (!stored) {
    event.fail(ScenarioErrorKind::kBadOption, key, stored.error().problem);
    return std::nullopt;
  }
  return static_cast<std::uint8_t>(value->as_integer());
}

// One [[event]]: appends one event, or one per member of a node group.
void read_event(TableReader& event, const Names& names, Scenario& scenario) {
  SimDuration at;
  if (!event.has("at") && !event.context().failed()) {
    return event.fail(ScenarioErrorKind::kMissingKey, "at", "missing (required)");
  }
  event.duration("at", at, DurationRule::kNonNegative);
  if (!event.context().failed() && at > scenario.run.duration) {
    return event.fail(ScenarioErrorKind::kEventOutOfRun, "at",
                      join({"after the end of the run (duration ",
                            std::to_string(scenario.run.duration.to_seconds()), " s)"}));
  }
  if (!event.has("kind") && !event.context().failed()) {
    return event.fail(ScenarioErrorKind::kMissingKey, "kind", "missing (required)");
  }
  const auto kind = event.word("kind", kKindWords);
  if (!kind) return;

  std::vector<EventAction> actions;
  switch (*kind) {
    case 0: {
      LinkDownEvent down{read_link(event, names), std::nullopt};
      event.optional_duration("duration", down.duration, DurationRule::kPositive);
      actions.emplace_back(down);
      break;
    }
    case 1: actions.emplace_back(LinkUpEvent{read_link(event, names)}); break;
    case 2: {
      std::optional<SimDuration> duration;
      const auto nodes = read_nodes_of(event, names);
      event.optional_duration("duration", duration, DurationRule::kPositive);
      for (const NodeModel* node : nodes)
        actions.emplace_back(NodeCrashEvent{node->name, duration});
      break;
    }
    case 3:
      for (const NodeModel* node : read_nodes_of(event, names)) {
        actions.emplace_back(NodeRestartEvent{node->name});
      }
      break;
    case 4: {
      DelaySpikeEvent spike{read_link(event, names), read_direction(event), {}, {}};
      if (!event.has("duration") && !event.context().failed()) {
        return event.fail(ScenarioErrorKind::kMissingKey, "duration", "missing (required)");
      }
      event.duration("duration", spike.duration, DurationRule::kPositive);
      if (!event.has("extra") && !event.context().failed()) {
        return event.fail(ScenarioErrorKind::kMissingKey, "extra", "missing (required)");
      }
      event.duration("extra", spike.extra, DurationRule::kPositive);
      actions.emplace_back(spike);
      break;
    }
    case 5: {
      LossBurstEvent burst{read_link(event, names), read_direction(event), {}, 1.0};
      if (!event.has("duration") && !event.context().failed()) {
        return event.fail(ScenarioErrorKind::kMissingKey, "duration", "missing (required)");
      }
      event.duration("duration", burst.duration, DurationRule::kPositive);
      event.probability("probability", burst.loss_probability);
      actions.emplace_back(burst);
      break;
    }
    case 6: {
      const auto nodes = read_nodes_of(event, names);
      if (!event.has("timestamping") && !event.context().failed()) {
        return event.fail(ScenarioErrorKind::kMissingKey, "timestamping", "missing (required)");
      }
      const auto source = event.word("timestamping", kSourceWords);
      std::optional<SimDuration> adapter_restart;
      event.optional_duration("adapter_restart", adapter_restart, DurationRule::kNonNegative);
      if (!source || event.context().failed()) return;
      for (const NodeModel* node : nodes) {
        if (*source == 0 && node->timestamping != TimestampingKind::kHardware &&
            node->timestamping != TimestampingKind::kWindowsHardware) {
          return event.fail(
              ScenarioErrorKind::kBadValue, "timestamping",
              join({"node '", node->name, "' has no NIC clock for hardware timestamps"}));
        }
        if (adapter_restart && node->program != NodeProgram::kPtp4win) {
          return event.fail(ScenarioErrorKind::kBadValue, "adapter_restart",
                            join({"node '", node->name,
                                  "' is no ptp4win node: only a simulated Windows restarts its "
                                  "adapter"}));
        }
        actions.emplace_back(CapabilityChangeEvent{
            node->name, static_cast<TimestampSourceSpec>(*source), adapter_restart});
      }
      break;
    }
    default: {
      const auto nodes = read_nodes_of(event, names);
      const auto priority1 = read_priority(event, "priority1");
      const auto priority2 = read_priority(event, "priority2");
      if (!event.context().failed() && !priority1 && !priority2) {
        return event.fail(ScenarioErrorKind::kMissingKey, "priority1",
                          "missing: a priority_change sets priority1, priority2 or both");
      }
      for (const NodeModel* node : nodes) {
        actions.emplace_back(PriorityChangeEvent{node->name, priority1, priority2});
      }
    }
  }
  event.finish();
  if (event.context().failed()) return;
  for (EventAction& action : actions) scenario.events.push_back({at, std::move(action)});
}

}  // namespace

void read_events(TableReader& root, Scenario& scenario) {
  const Names names = names_of(scenario);
  for (TableReader& event : root.array_of_tables("event")) {
    read_event(event, names, scenario);
    if (root.context().failed()) return;
  }
}

}  // namespace ptp::ptpsim::detail
