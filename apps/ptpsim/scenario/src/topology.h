// The network's names and shape while links are read: which names are nodes, node groups and
// switches, which hosts already have their one link, and which parts are connected, so that a
// link to an unknown name, a host's second link or a loop is reported at the link that makes it
// (hal-sim's Network requires a tree of single-homed hosts).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "ptp/ptpsim/scenario.h"
#include "toml_reader.h"

namespace ptp::ptpsim::detail {

class Topology {
 public:
  explicit Topology(const Scenario& scenario);

  enum class Kind { kUnknown, kNode, kGroup, kSwitch };
  [[nodiscard]] Kind kind_of(const std::string& name) const;
  // A group's members; a node's or switch's own name.
  [[nodiscard]] std::vector<std::string> members(const std::string& name) const;

  [[nodiscard]] bool is_linked_host(const std::string& node) const;
  [[nodiscard]] bool connected(const std::string& a, const std::string& b);
  void connect(const std::string& a, const std::string& b);

 private:
  std::size_t root(std::size_t index);

  std::map<std::string, Kind> kinds_;
  std::map<std::string, std::vector<std::string>> groups_;
  std::map<std::string, std::size_t> indices_;
  std::vector<std::size_t> parents_;  // union-find over nodes and switches
  std::map<std::string, bool> linked_hosts_;
};

// Checks one [[link]] entry's endpoints and adds it to the scenario, one link per member when
// an endpoint names a node group.
void add_links(TableReader& entry, const LinkModel& model, Topology& topology, Scenario& scenario);

}  // namespace ptp::ptpsim::detail
