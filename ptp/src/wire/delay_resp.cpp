// Delay_Resp body (IEEE 1588-2019 13.8): receiveTimestamp and requestingPortIdentity.
#include "body_codec.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

DelayResp decode_delay_resp(const std::byte* p) {
  return DelayResp{load_timestamp(p), load_port_identity(p + kTimestampSize)};
}

Result<void, WireError> encode_body(const DelayResp& body, std::byte* p) {
  if (auto ok = check_encodable(body.receive_timestamp); !ok) return ok;
  store_timestamp(p, body.receive_timestamp);
  store_port_identity(p + kTimestampSize, body.requesting_port_identity);
  return {};
}

}  // namespace ptp::wire::detail
