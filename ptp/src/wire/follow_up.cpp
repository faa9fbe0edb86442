// Follow_Up body (IEEE 1588-2019 13.7): preciseOriginTimestamp of the Sync it follows.
#include "body_codec.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

FollowUp decode_follow_up(const std::byte* p) { return FollowUp{load_timestamp(p)}; }

Result<void, WireError> encode_body(const FollowUp& body, std::byte* p) {
  if (auto ok = check_encodable(body.precise_origin_timestamp); !ok) return ok;
  store_timestamp(p, body.precise_origin_timestamp);
  return {};
}

}  // namespace ptp::wire::detail
