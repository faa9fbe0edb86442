// WinHost: assembling the Windows HAL for one interface.
#include "ptp/win/win_host.h"

#include <string>
#include <utility>

namespace ptp::win {

WinHost::WinHost(const WinApi& api, AdapterInfo adapter)
    : adapter_(std::move(adapter)), counter_(api) {}

Result<std::unique_ptr<WinHost>, WinHostError> WinHost::open(const WinApi& api,
                                                             const WinHostConfig& config,
                                                             PostToLoop post, const LogSink& log) {
  auto adapter = find_interface(api, config.interface_name);
  if (!adapter) return unexpected(WinHostError{adapter.error().error, adapter.error().message});
  const bool v4 = config.family == hal::AddressFamily::kIpv4;
  const bool has_family = v4 ? adapter->if_index != 0 && !adapter->ipv4_addresses.empty()
                             : adapter->ipv6_if_index != 0 || !adapter->ipv6_addresses.empty();
  if (!has_family) {
    return unexpected(WinHostError{
        hal::HalError{hal::HalErrorCode::kUnavailable, 0},
        "interface \"" + adapter->friendly_name + "\" has no " + (v4 ? "IPv4" : "IPv6")});
  }
  std::unique_ptr<WinHost> host(new WinHost(api, *adapter));
  host->system_clock_ = std::make_unique<WinSystemClock>(api, config.system_clock, log);
  host->timestamping_ =
      std::make_unique<WinTimestampingInterface>(api, adapter->luid, std::move(post), log);
  const auto caps = host->timestamping_->capabilities();
  if (caps && caps->supported.supports_cross_timestamp) {
    host->hardware_clock_ = std::make_unique<WinHardwareClock>(*host->timestamping_);
  }
  WinsockTransportConfig transport = config.transport;
  const WinsockTransportConfig located = transport_config_for(*adapter, config.family);
  transport.family = located.family;
  transport.interface_index = located.interface_index;
  transport.ipv4_interface_address = located.ipv4_interface_address;
  auto opened = WinsockTransport::open(api, transport, host->timestamping_.get(), log);
  if (!opened) {
    return unexpected(WinHostError{opened.error(), "cannot open the PTP sockets on \"" +
                                                       adapter->friendly_name + "\": error " +
                                                       std::to_string(opened.error().os_code)});
  }
  host->transport_ = std::move(*opened);
  return host;
}

hal::Host WinHost::hal_host(hal::Timers& timers) {
  return hal::Host{*transport_,    *timestamping_, hardware_clock_.get(),
                   *system_clock_, counter_,       timers};
}

}  // namespace ptp::win
