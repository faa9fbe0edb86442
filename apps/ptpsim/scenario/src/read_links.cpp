// [[switch]] and [[link]] entries, with their delay-variation and loss tables. A link's keys set
// both directions; [link.a_to_b] and [link.b_to_a] override them for one direction. A link
// endpoint may name a node group (declared with `count`): the link is then one per member.
#include <array>
#include <limits>
#include <set>
#include <string>

#include "readers.h"
#include "topology.h"

namespace ptp::ptpsim::detail {
namespace {

constexpr std::array<std::string_view, 4> kVariationWords{"none", "normal", "exponential",
                                                          "pareto"};
constexpr std::array<std::string_view, 3> kLossWords{"none", "bernoulli", "gilbert_elliott"};

void read_loss(TableReader& table, RandomLossSpec& loss) {
  const auto kind = table.word("kind", kLossWords);
  if (!kind && !table.context().failed()) {
    table.fail(ScenarioErrorKind::kMissingKey, "kind",
               "missing (required): \"none\", \"bernoulli\" or \"gilbert_elliott\"");
  }
  if (!kind) return;
  switch (*kind) {
    case 0: loss = NoRandomLossSpec{}; break;
    case 1: {
      BernoulliLossSpec bernoulli;
      table.probability("probability", bernoulli.loss_probability);
      loss = bernoulli;
      break;
    }
    default: {
      GilbertElliottLossSpec gilbert;
      table.probability("good_to_bad", gilbert.good_to_bad);
      table.probability("bad_to_good", gilbert.bad_to_good);
      table.probability("loss_in_good", gilbert.loss_in_good);
      table.probability("loss_in_bad", gilbert.loss_in_bad);
      if (!table.context().failed() && gilbert.good_to_bad == 0 && gilbert.bad_to_good == 0) {
        table.fail(ScenarioErrorKind::kBadValue, "good_to_bad",
                   "good_to_bad and bad_to_good must not both be 0 (the chain would never move)");
      }
      loss = gilbert;
    }
  }
  table.finish();
}

// The keys a link and each of its directions share.
void read_direction_keys(TableReader& table, LinkDirectionModel& direction) {
  table.duration("propagation", direction.delay.propagation, DurationRule::kNonNegative);
  if (auto variation = table.table("variation")) {
    read_delay_variation(*variation, direction.delay.variation);
  }
  if (auto loss = table.table("loss")) read_loss(*loss, direction.loss);
  table.probability("duplicate_probability", direction.duplicate_probability);
  table.probability("reorder_probability", direction.reorder_probability);
  table.duration("reorder_hold_back", direction.reorder_hold_back, DurationRule::kNonNegative);
  table.boolean("in_order", direction.in_order);
  table.duration("general_message_delay", direction.general_message_delay,
                 DurationRule::kNonNegative);
}

// `direction` is "a_to_b" or "b_to_a": a direction's own table, if the link has one, is where
// its reorder settings were given.
void check_direction(TableReader& link, const std::string& direction, const LinkDirectionModel& d) {
  if (link.context().failed()) return;
  if (d.reorder_probability > 0 && d.in_order) {
    link.fail(ScenarioErrorKind::kBadValue,
              link.has("reorder_probability") ? "reorder_probability"
                                              : join({direction, ".reorder_probability"}),
              "reorder_probability > 0 needs in_order = false (an in-order link never reorders)");
  } else if (d.delay.propagation + d.delay.asymmetry < SimDuration()) {
    link.fail(ScenarioErrorKind::kBadValue, "asymmetry",
              join({"makes the ", direction,
                    " direction's fixed delay (propagation + asymmetry) negative"}));
  }
}

}  // namespace

void read_delay_variation(TableReader& table, DelayVariationSpec& variation) {
  const auto kind = table.word("kind", kVariationWords);
  if (!kind && !table.context().failed()) {
    table.fail(ScenarioErrorKind::kMissingKey, "kind",
               "missing (required): \"none\", \"normal\", \"exponential\" or \"pareto\"");
  }
  if (!kind) return;
  switch (*kind) {
    case 0: variation = NoDelayVariationSpec{}; break;
    case 1: {
      NormalDelayVariationSpec normal;
      table.duration("mean", normal.mean, DurationRule::kNonNegative);
      table.duration("stddev", normal.stddev, DurationRule::kNonNegative);
      variation = normal;
      break;
    }
    case 2: {
      ExponentialDelayVariationSpec exponential{SimDuration::nanoseconds(100)};
      table.duration("mean", exponential.mean, DurationRule::kPositive);
      variation = exponential;
      break;
    }
    default: {
      ParetoDelayVariationSpec pareto{SimDuration::nanoseconds(100), 2.5};
      table.duration("scale", pareto.scale, DurationRule::kPositive);
      table.real("shape", pareto.shape, std::numeric_limits<double>::min(),
                 std::numeric_limits<double>::max());
      variation = pareto;
    }
  }
  table.finish();
}

void read_switches(TableReader& root, Scenario& scenario) {
  std::set<std::string, std::less<>> names;
  for (const NodeModel& node : scenario.nodes) {
    names.insert(node.name);
    if (!node.group.empty()) names.insert(node.group);
  }
  for (TableReader& entry : root.array_of_tables("switch")) {
    SwitchModel model;
    entry.required_string("name", model.name);
    if (!root.context().failed() && !names.insert(model.name).second) {
      entry.fail(ScenarioErrorKind::kDuplicateName, "name",
                 join({"'", model.name, "' already names a node or a switch"}));
    }
    entry.duration("residence", model.residence.propagation, DurationRule::kNonNegative);
    if (auto variation = entry.table("residence_variation")) {
      read_delay_variation(*variation, model.residence.variation);
    }
    static constexpr std::array<std::string_view, 3> kTransparentWords{"none", "e2e", "p2p"};
    if (const auto kind = entry.word("transparent_clock", kTransparentWords)) {
      model.transparent_clock = static_cast<TransparentClockSpec>(*kind);
    }
    entry.duration("tc_timestamp_noise", model.transparent_clock_noise, DurationRule::kNonNegative);
    entry.boolean("in_order", model.in_order);
    entry.finish();
    if (root.context().failed()) return;
    scenario.switches.push_back(model);
  }
}

void read_links(TableReader& root, Scenario& scenario) {
  Topology topology(scenario);
  for (TableReader& entry : root.array_of_tables("link")) {
    LinkModel model;
    entry.string("name", model.name);
    entry.required_string("a", model.a);
    entry.required_string("b", model.b);
    LinkDirectionModel both;
    read_direction_keys(entry, both);
    SimDuration asymmetry;
    entry.duration("asymmetry", asymmetry, DurationRule::kAny);
    model.a_to_b = both;
    model.b_to_a = both;
    if (auto a_to_b = entry.table("a_to_b")) {
      read_direction_keys(*a_to_b, model.a_to_b);
      a_to_b->finish();
    }
    if (auto b_to_a = entry.table("b_to_a")) {
      read_direction_keys(*b_to_a, model.b_to_a);
      b_to_a->finish();
    }
    // IEEE 1588's delayAsymmetry convention, as hal-sim's DelayModelConfig documents it.
    model.a_to_b.delay.asymmetry = asymmetry;
    model.b_to_a.delay.asymmetry = SimDuration() - asymmetry;
    check_direction(entry, "a_to_b", model.a_to_b);
    check_direction(entry, "b_to_a", model.b_to_a);
    entry.finish();
    if (root.context().failed()) return;
    add_links(entry, model, topology, scenario);
    if (root.context().failed()) return;
  }
}

}  // namespace ptp::ptpsim::detail
