// The interface's timestamping control: its supported and active capabilities, cross-timestamps
// between its hardware clock and the monotonic counter, and notification when either changes
// (the NIC reconfigured, the driver restarted).
#pragma once

#include <cstdint>

#include "ptp/hal/cross_timestamp.h"
#include "ptp/hal/hal_error.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/result.h"

namespace ptp::hal {

// Called on the application's event-loop thread (a HAL whose OS notifies on another thread, as
// Windows does, hands the notification over first). When it runs, capabilities() already returns
// the new sets; the listener re-selects its timestamp source and restarts clock correlation, so
// that no sample taken before the change is mixed with one taken after.
class CapabilityChangeListener {
 public:
  virtual ~CapabilityChangeListener() = default;
  virtual void on_capabilities_changed() = 0;
};

struct SubscriptionId {
  std::uint32_t value = 0;
  friend constexpr bool operator==(SubscriptionId, SubscriptionId) = default;
};

class TimestampingInterface {
 public:
  virtual ~TimestampingInterface() = default;
  // kNotSupported: the interface (or OS) has no timestamping at all; treat as all-false.
  virtual Result<InterfaceTimestampCapabilities, HalError> capabilities() = 0;
  // kNotSupported unless the active capabilities say supports_cross_timestamp.
  virtual Result<CrossTimestamp, HalError> capture_cross_timestamp() = 0;
  virtual Result<SubscriptionId, HalError> subscribe(CapabilityChangeListener& listener) = 0;
  // Unknown or already removed ids are ignored. No call reaches the listener after this returns.
  virtual void unsubscribe(SubscriptionId id) = 0;
};

// The timestamp source to use on `family` now: select_timestamp_source over the active set. An
// interface without timestamping (kNotSupported) gives kNone, as the Windows documentation asks
// ("a missing feature is not a failure to start"); any other error is passed on.
Result<TimestampSource, HalError> current_timestamp_source(TimestampingInterface& interface,
                                                           AddressFamily family);

}  // namespace ptp::hal
