// WinHost: the whole Windows HAL for one interface and address family, built in the right order
// (interface lookup, IP Helper timestamping, Winsock transport, clocks) and handed out as the
// hal::Host the port driver takes. Timers stay the application's (its event loop owns time).
#pragma once

#include <memory>
#include <string>

#include "ptp/hal/host.h"
#include "ptp/win/clock_identity.h"
#include "ptp/win/interface_lookup.h"
#include "ptp/win/loop_hooks.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_clocks.h"
#include "ptp/win/win_system_clock.h"
#include "ptp/win/win_timestamping.h"
#include "ptp/win/winsock_transport.h"

namespace ptp::win {

struct WinHostConfig {
  std::string interface_name;  // anything find_interface accepts
  hal::AddressFamily family = hal::AddressFamily::kIpv4;
  // Ports, multicast and TX-timestamp settings; family and interface fields are filled in from the
  // interface found.
  WinsockTransportConfig transport;
  WinSystemClockConfig system_clock;
};

// Why opening failed, in words for the user (the interface list when the name matched nothing).
struct WinHostError {
  hal::HalError error;
  std::string message;
};

class WinHost {
 public:
  // `api` must outlive the host; `post` and `log` as for WinTimestampingInterface.
  static Result<std::unique_ptr<WinHost>, WinHostError> open(const WinApi& api,
                                                             const WinHostConfig& config,
                                                             PostToLoop post, const LogSink& log);

  hal::Host hal_host(hal::Timers& timers);
  [[nodiscard]] const AdapterInfo& adapter() const { return adapter_; }
  // The adapter's MAC (adapter().physical_address) as a PTP clock identity; kInvalidArgument when
  // it has no usable MAC (see clock_identity_from_mac), for the caller to fall back.
  [[nodiscard]] Result<ClockIdentity, hal::HalError> clock_identity() const {
    return clock_identity_of(adapter_);
  }
  WinTimestampingInterface& timestamping() { return *timestamping_; }
  WinsockTransport& transport() { return *transport_; }
  WinMonotonicCounter& counter() { return counter_; }
  WinSystemClock& system_clock() { return *system_clock_; }
  // Null unless the NIC supports cross-timestamps (the only way Windows reads a NIC clock).
  WinHardwareClock* hardware_clock() { return hardware_clock_.get(); }

 private:
  WinHost(const WinApi& api, AdapterInfo adapter);

  AdapterInfo adapter_;
  WinMonotonicCounter counter_;
  // Declaration order is destruction order in reverse: the transport goes before the
  // timestamping interface it reads, the system clock restores its adjustment last.
  std::unique_ptr<WinSystemClock> system_clock_;
  std::unique_ptr<WinTimestampingInterface> timestamping_;
  std::unique_ptr<WinHardwareClock> hardware_clock_;
  std::unique_ptr<WinsockTransport> transport_;
};

}  // namespace ptp::win
