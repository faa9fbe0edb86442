// Peer-delay bodies (IEEE 1588-2019 13.9-13.11): Pdelay_Req, Pdelay_Resp, Pdelay_Resp_Follow_Up.
#include <cstring>

#include "body_codec.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

PdelayReq decode_pdelay_req(const std::byte* p) { return PdelayReq{load_timestamp(p)}; }

PdelayResp decode_pdelay_resp(const std::byte* p) {
  return PdelayResp{load_timestamp(p), load_port_identity(p + kTimestampSize)};
}

PdelayRespFollowUp decode_pdelay_resp_follow_up(const std::byte* p) {
  return PdelayRespFollowUp{load_timestamp(p), load_port_identity(p + kTimestampSize)};
}

Result<void, WireError> encode_body(const PdelayReq& body, std::byte* p) {
  if (auto ok = check_encodable(body.origin_timestamp); !ok) return ok;
  store_timestamp(p, body.origin_timestamp);
  std::memset(p + kTimestampSize, 0, 10);  // reserved, sized like Pdelay_Resp's identity
  return {};
}

Result<void, WireError> encode_body(const PdelayResp& body, std::byte* p) {
  if (auto ok = check_encodable(body.request_receipt_timestamp); !ok) return ok;
  store_timestamp(p, body.request_receipt_timestamp);
  store_port_identity(p + kTimestampSize, body.requesting_port_identity);
  return {};
}

Result<void, WireError> encode_body(const PdelayRespFollowUp& body, std::byte* p) {
  if (auto ok = check_encodable(body.response_origin_timestamp); !ok) return ok;
  store_timestamp(p, body.response_origin_timestamp);
  store_port_identity(p + kTimestampSize, body.requesting_port_identity);
  return {};
}

}  // namespace ptp::wire::detail
