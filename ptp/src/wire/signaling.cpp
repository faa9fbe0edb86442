// Signaling body (IEEE 1588-2019 13.12): targetPortIdentity; its TLVs carry the requests.
#include "body_codec.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

Signaling decode_signaling(const std::byte* p) { return Signaling{load_port_identity(p)}; }

Result<void, WireError> encode_body(const Signaling& body, std::byte* p) {
  store_port_identity(p, body.target_port_identity);
  return {};
}

}  // namespace ptp::wire::detail
