// Announce body (IEEE 1588-2019 13.5): what BMCA compares.
//   originTimestamp(10) currentUtcOffset(2) reserved(1) grandmasterPriority1(1)
//   grandmasterClockQuality(4) grandmasterPriority2(1) grandmasterIdentity(8) stepsRemoved(2)
//   timeSource(1)
#include "body_codec.h"
#include "ptp/wire/byte_order.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

Announce decode_announce(const std::byte* p) {
  Announce body;
  body.origin_timestamp = load_timestamp(p);
  body.current_utc_offset = static_cast<std::int16_t>(load_u16(p + 10));
  body.grandmaster_priority1 = load_u8(p + 13);
  body.grandmaster_clock_quality = load_clock_quality(p + 14);
  body.grandmaster_priority2 = load_u8(p + 18);
  body.grandmaster_identity = load_clock_identity(p + 19);
  body.steps_removed = load_u16(p + 27);
  body.time_source = static_cast<TimeSource>(load_u8(p + 29));
  return body;
}

Result<void, WireError> encode_body(const Announce& body, std::byte* p) {
  if (auto ok = check_encodable(body.origin_timestamp); !ok) return ok;
  store_timestamp(p, body.origin_timestamp);
  store_u16(p + 10, static_cast<std::uint16_t>(body.current_utc_offset));
  store_u8(p + 12, 0);
  store_u8(p + 13, body.grandmaster_priority1);
  store_clock_quality(p + 14, body.grandmaster_clock_quality);
  store_u8(p + 18, body.grandmaster_priority2);
  store_clock_identity(p + 19, body.grandmaster_identity);
  store_u16(p + 27, body.steps_removed);
  store_u8(p + 29, static_cast<std::uint8_t>(body.time_source));
  return {};
}

}  // namespace ptp::wire::detail
