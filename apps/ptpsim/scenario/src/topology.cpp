// Topology: name resolution, single-homed hosts and loop detection for [[link]] entries.
#include "topology.h"

#include <utility>

namespace ptp::ptpsim::detail {

Topology::Topology(const Scenario& scenario) {
  const auto add = [this](const std::string& name, Kind kind) {
    kinds_[name] = kind;
    if (kind == Kind::kGroup) return;
    indices_[name] = parents_.size();
    parents_.push_back(parents_.size());
  };
  for (const NodeModel& node : scenario.nodes) {
    add(node.name, Kind::kNode);
    if (!node.group.empty()) {
      add(node.group, Kind::kGroup);
      groups_[node.group].push_back(node.name);
    }
  }
  for (const SwitchModel& switch_model : scenario.switches) add(switch_model.name, Kind::kSwitch);
}

Topology::Kind Topology::kind_of(const std::string& name) const {
  const auto found = kinds_.find(name);
  return found == kinds_.end() ? Kind::kUnknown : found->second;
}

std::vector<std::string> Topology::members(const std::string& name) const {
  const auto found = groups_.find(name);
  return found == groups_.end() ? std::vector<std::string>{name} : found->second;
}

bool Topology::is_linked_host(const std::string& node) const {
  return linked_hosts_.count(node) != 0;
}

std::size_t Topology::root(std::size_t index) {
  while (parents_[index] != index) {
    parents_[index] = parents_[parents_[index]];
    index = parents_[index];
  }
  return index;
}

bool Topology::connected(const std::string& a, const std::string& b) {
  return root(indices_.at(a)) == root(indices_.at(b));
}

void Topology::connect(const std::string& a, const std::string& b) {
  parents_[root(indices_.at(a))] = root(indices_.at(b));
  if (kind_of(a) == Kind::kNode) linked_hosts_[a] = true;
  if (kind_of(b) == Kind::kNode) linked_hosts_[b] = true;
}

void add_links(TableReader& entry, const LinkModel& model, Topology& topology, Scenario& scenario) {
  for (const char* key : {"a", "b"}) {
    const std::string& name = key[0] == 'a' ? model.a : model.b;
    if (topology.kind_of(name) == Topology::Kind::kUnknown) {
      return entry.fail(ScenarioErrorKind::kUnknownReference, key,
                        join({"unknown node or switch '", name, "'"}));
    }
  }
  const bool a_group = topology.kind_of(model.a) == Topology::Kind::kGroup;
  const bool b_group = topology.kind_of(model.b) == Topology::Kind::kGroup;
  if (a_group && b_group) {
    return entry.fail(ScenarioErrorKind::kBadTopology, "b",
                      "both ends name node groups: link each member to a switch instead");
  }
  if ((a_group || b_group) && !model.name.empty()) {
    return entry.fail(ScenarioErrorKind::kBadValue, "name",
                      "a link to a node group cannot have a name: its links are named "
                      "'<member>-<other end>'");
  }
  for (const std::string& a : topology.members(model.a)) {
    for (const std::string& b : topology.members(model.b)) {
      if (a == b) {
        return entry.fail(ScenarioErrorKind::kBadTopology, "b",
                          join({"a link from '", a, "' to itself"}));
      }
      for (const std::string* end : {&a, &b}) {
        if (topology.kind_of(*end) == Topology::Kind::kNode && topology.is_linked_host(*end)) {
          return entry.fail(ScenarioErrorKind::kBadTopology, end == &a ? "a" : "b",
                            join({"node '", *end, "' already has a link (a node has one NIC)"}));
        }
      }
      if (topology.connected(a, b)) {
        return entry.fail(
            ScenarioErrorKind::kBadTopology, "b",
            join({"'", a, "' and '", b, "' are already connected: the network must be a tree"}));
      }
      LinkModel link = model;
      link.a = a;
      link.b = b;
      if (link.name.empty()) link.name = join({a, "-", b});
      for (const LinkModel& existing : scenario.links) {
        if (existing.name == link.name) {
          return entry.fail(ScenarioErrorKind::kDuplicateName, "name",
                            join({"duplicate link name '", link.name, "'"}));
        }
      }
      topology.connect(a, b);
      scenario.links.push_back(std::move(link));
    }
  }
}

}  // namespace ptp::ptpsim::detail
