// A node's `unicast_master_table` key: its unicast masters as node names or addresses, in the
// order given, made into the node's one [unicast_master_table] (table_id 1) once every node is
// known, so that a node may name a node declared after it; `unicast_log_query_interval` is that
// table's logQueryInterval.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/core/port_config.h"
#include "readers.h"

namespace ptp::ptpsim::detail {
namespace {

constexpr std::int32_t kTableId = 1;

std::string_view family_name(hal::AddressFamily family) {
  return family == hal::AddressFamily::kIpv4 ? "IPv4" : "IPv6";
}

// The address `entry` names for `node`: another node's (by name), or an address of the node's
// family. Empty problem on success.
hal::IpAddress resolve(const Scenario& scenario, std::size_t node, const std::string& entry,
                       std::string& problem) {
  const hal::AddressFamily family = node_family(scenario.nodes[node]);
  const auto named = std::find_if(scenario.nodes.begin(), scenario.nodes.end(),
                                  [&](const NodeModel& other) { return other.name == entry; });
  if (named != scenario.nodes.end()) {
    const auto index = static_cast<std::size_t>(named - scenario.nodes.begin());
    if (index == node) problem = join({"'", entry, "' is the node itself"});
    return node_address(index, family);
  }
  const auto address = hal::IpAddress::parse(entry);
  if (!address || address->family() != family) {
    problem = join({"'", entry, "' is neither a node's name nor an ", family_name(family),
                    " address (the node's transport)"});
    return {};
  }
  if (address->is_multicast()) problem = join({entry, " is a multicast address"});
  return *address;
}

}  // namespace

std::optional<UnicastMastersKey> read_unicast_masters(TableReader& node) {
  const TomlValue* value = node.find("unicast_master_table");
  if (value == nullptr) {
    if (node.has("unicast_log_query_interval")) {
      node.fail(ScenarioErrorKind::kBadValue, "unicast_log_query_interval",
                "needs the node's unicast_master_table (the table it is the query interval of)");
    }
    return std::nullopt;
  }
  UnicastMastersKey key{
      {}, 0, node.line_of_key("unicast_master_table"), node.key_path("unicast_master_table")};
  // ptp4l's logQueryInterval range (an int8), default 0 (1 s), as in a configuration file.
  std::int64_t log_query_interval = 0;
  node.integer("unicast_log_query_interval", log_query_interval, -128, 127);
  key.log_query_interval = static_cast<std::int8_t>(log_query_interval);
  if (!value->is_array() || value->as_array().empty()) {
    node.fail(
        ScenarioErrorKind::kWrongType, "unicast_master_table",
        join({"expected a non-empty array of node names or addresses, got ", type_name(*value)}));
    return std::nullopt;
  }
  for (const TomlValue& entry : value->as_array()) {
    if (!entry.is_string()) {
      node.fail(ScenarioErrorKind::kWrongType, "unicast_master_table",
                join({"expected node names or addresses (strings), got ", type_name(entry)}));
      return std::nullopt;
    }
    key.entries.push_back(entry.as_string().str);
  }
  if (key.entries.size() > kMaxUnicastMasters) {
    node.fail(ScenarioErrorKind::kBadValue, "unicast_master_table",
              join({"more than ", std::to_string(kMaxUnicastMasters),
                    " masters, the most a ptpstack port takes"}));
    return std::nullopt;
  }
  return key;
}

void apply_unicast_masters(Context& context, Scenario& scenario, std::size_t node,
                           const UnicastMastersKey& key) {
  app::UnicastMasterTable table{kTableId, key.log_query_interval, {}, {}, key.line};
  const app::NetworkTransport transport = scenario.nodes[node].options.port.network_transport.value;
  for (const std::string& entry : key.entries) {
    std::string problem;
    const hal::IpAddress address = resolve(scenario, node, entry, problem);
    const auto same = [&](const app::UnicastMasterAddress& a) { return a.address == address; };
    if (problem.empty() && std::any_of(table.addresses.begin(), table.addresses.end(), same)) {
      problem = join({"'", entry, "' is listed twice"});
    }
    if (!problem.empty()) {
      context.fail(ScenarioErrorKind::kBadValue, key.line, key.path, problem);
      return;
    }
    table.addresses.push_back(app::UnicastMasterAddress{transport, address, key.line});
  }
  app::LinuxPtpConfig& options = scenario.nodes[node].options;
  options.unicast_master_tables = {table};
  options.port.unicast_master_table = {kTableId, app::SettingOrigin::kGlobalSection};
}

}  // namespace ptp::ptpsim::detail
