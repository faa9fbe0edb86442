// Interfaces of a LinuxPtpConfig: lookup, creation with the [global] port options, resolution;
// lookup of a unicast master table.
#include "ptp/app/linuxptp_config.h"

#include <algorithm>
#include <string>

namespace ptp::app {

const InterfaceConfig* find_interface(const LinuxPtpConfig& config, std::string_view name) {
  const auto found =
      std::find_if(config.interfaces.begin(), config.interfaces.end(),
                   [name](const InterfaceConfig& interface) { return interface.name == name; });
  return found == config.interfaces.end() ? nullptr : &*found;
}

InterfaceConfig& add_interface(LinuxPtpConfig& config, std::string_view name) {
  const auto found =
      std::find_if(config.interfaces.begin(), config.interfaces.end(),
                   [name](const InterfaceConfig& interface) { return interface.name == name; });
  if (found != config.interfaces.end()) return *found;
  return config.interfaces.emplace_back(InterfaceConfig{std::string(name), config.port});
}

PortOptions port_options_for(const LinuxPtpConfig& config, std::string_view name) {
  const InterfaceConfig* interface = find_interface(config, name);
  return interface != nullptr ? interface->options : config.port;
}

const UnicastMasterTable* find_unicast_master_table(const LinuxPtpConfig& config,
                                                    std::int32_t table_id) {
  const auto found = std::find_if(
      config.unicast_master_tables.begin(), config.unicast_master_tables.end(),
      [table_id](const UnicastMasterTable& table) { return table.table_id == table_id; });
  return found == config.unicast_master_tables.end() ? nullptr : &*found;
}

}  // namespace ptp::app
