// Management body (IEEE 1588-2019 15.4.1):
//   targetPortIdentity(10) startingBoundaryHops(1) boundaryHops(1) reserved(4 bits)|actionField(4)
//   reserved(1)
#include "body_codec.h"
#include "ptp/wire/byte_order.h"
#include "ptp/wire/fields.h"

namespace ptp::wire::detail {

Management decode_management(const std::byte* p) {
  Management body;
  body.target_port_identity = load_port_identity(p);
  body.starting_boundary_hops = load_u8(p + 10);
  body.boundary_hops = load_u8(p + 11);
  body.action = static_cast<ManagementAction>(load_u8(p + 12) & 0x0FU);
  return body;
}

Result<void, WireError> encode_body(const Management& body, std::byte* p) {
  if (static_cast<std::uint8_t>(body.action) > 0x0F) return unexpected(WireError::kValueOutOfRange);
  store_port_identity(p, body.target_port_identity);
  store_u8(p + 10, body.starting_boundary_hops);
  store_u8(p + 11, body.boundary_hops);
  store_u8(p + 12, static_cast<std::uint8_t>(body.action));
  store_u8(p + 13, 0);
  return {};
}

}  // namespace ptp::wire::detail
