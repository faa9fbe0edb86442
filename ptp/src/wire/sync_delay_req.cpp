// Sync and Delay_Req bodies (IEEE 1588-2019 13.6): originTimestamp only.
#include "body_codec.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

Sync decode_sync(const std::byte* p) { return Sync{load_timestamp(p)}; }
DelayReq decode_delay_req(const std::byte* p) { return DelayReq{load_timestamp(p)}; }

Result<void, WireError> encode_body(const Sync& body, std::byte* p) {
  if (auto ok = check_encodable(body.origin_timestamp); !ok) return ok;
  store_timestamp(p, body.origin_timestamp);
  return {};
}

Result<void, WireError> encode_body(const DelayReq& body, std::byte* p) {
  if (auto ok = check_encodable(body.origin_timestamp); !ok) return ok;
  store_timestamp(p, body.origin_timestamp);
  return {};
}

}  // namespace ptp::wire::detail
