// WinTimestampingInterface: one interface's IP Helper timestamping (capabilities, cross-timestamps,
// change notification) behind hal::TimestampingInterface.
//
// Threading: RegisterInterfaceTimestampConfigChange calls back on a system thread. That thread
// only posts (through the PostToLoop hook) a task to the loop; the task re-reads the capabilities
// and calls the listeners there. Notifications that arrive while one is already posted are
// coalesced into it. Everything but the OS callback runs on the loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ptp/hal/timestamping_interface.h"
#include "ptp/win/loop_hooks.h"
#include "ptp/win/win_api.h"

namespace ptp::win {

class WinTimestampingInterface final : public hal::TimestampingInterface {
 public:
  // Reads the capabilities once and registers for change notifications (when the OS has them;
  // a missing or failing registration is logged, not fatal). `api` must outlive this object.
  WinTimestampingInterface(const WinApi& api, std::uint64_t luid, PostToLoop post, LogSink log);
  // Unregisters; a notification already posted to the loop then does nothing.
  ~WinTimestampingInterface() override;
  WinTimestampingInterface(const WinTimestampingInterface&) = delete;
  WinTimestampingInterface& operator=(const WinTimestampingInterface&) = delete;
  WinTimestampingInterface(WinTimestampingInterface&&) = delete;
  WinTimestampingInterface& operator=(WinTimestampingInterface&&) = delete;

  // The sets read at construction or at the last change (kNotSupported: no timestamping here).
  Result<hal::InterfaceTimestampCapabilities, hal::HalError> capabilities() override;
  // kNotSupported without the API or without supports_cross_timestamp in the active set.
  Result<hal::CrossTimestamp, hal::HalError> capture_cross_timestamp() override;
  Result<hal::SubscriptionId, hal::HalError> subscribe(
      hal::CapabilityChangeListener& listener) override;
  void unsubscribe(hal::SubscriptionId id) override;

  // The source the cached active set selects for `family` (kNone without timestamping).
  [[nodiscard]] hal::TimestampSource selected_source(hal::AddressFamily family) const;
  // Counts capability changes handled; a transport compares it to spot a change.
  [[nodiscard]] std::uint64_t generation() const;
  // Re-reads the capabilities and notifies every listener, as a notification does. For apps that
  // must poll (registration unavailable) and for tests. Loop thread only.
  void refresh();
  // Whether OS change notifications are registered.
  [[nodiscard]] bool notifications_registered() const { return handle_ != nullptr; }

 private:
  struct State;
  struct Relay;
  static void CALLBACK on_config_change(PVOID context);

  const WinApi& api_;
  std::shared_ptr<State> state_;
  std::shared_ptr<Relay> relay_;
  IfTimestampChangeHandle handle_ = nullptr;
};

}  // namespace ptp::win
