// Interfaces of a LinuxPtpConfig: lookup, creation with the [global] port options, resolution.
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

}  // namespace ptp::app
