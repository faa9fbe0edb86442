// current_timestamp_source: capabilities query plus selection, with "not supported" as "none".
#include "ptp/hal/timestamping_interface.h"

namespace ptp::hal {

Result<TimestampSource, HalError> current_timestamp_source(TimestampingInterface& interface,
                                                           AddressFamily family) {
  const auto capabilities = interface.capabilities();
  if (!capabilities) {
    if (capabilities.error().code == HalErrorCode::kNotSupported) return TimestampSource::kNone;
    return unexpected(capabilities.error());
  }
  return select_timestamp_source(capabilities->active, family);
}

}  // namespace ptp::hal
