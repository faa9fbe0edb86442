// ORGANIZATION_EXTENSION TLVs (IEEE 1588-2019 14.3): vendor or profile data under an OUI/CID.
// Covers tlvType ORGANIZATION_EXTENSION and its _PROPAGATE / _DO_NOT_PROPAGATE variants.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "ptp/result.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

struct OrganizationExtensionTlv {
  TlvType type = TlvType::kOrganizationExtension;
  std::array<std::uint8_t, 3> organization_id{};
  std::array<std::uint8_t, 3> organization_sub_type{};
  std::span<const std::byte> data;

  friend bool operator==(const OrganizationExtensionTlv& a, const OrganizationExtensionTlv& b);
};

bool is_organization_extension(TlvType type);

Result<OrganizationExtensionTlv, WireError> decode_organization_extension_tlv(const TlvView& tlv);
Result<void, WireError> append_organization_extension_tlv(TlvWriter& writer,
                                                          const OrganizationExtensionTlv& tlv);

}  // namespace ptp::wire
