// ORGANIZATION_EXTENSION TLVs (IEEE 1588-2019 14.3.2):
//   organizationId(3) organizationSubType(3) dataField(N)
#include "ptp/wire/organization_extension_tlv.h"

#include <algorithm>
#include <cstring>

namespace ptp::wire {

namespace {
constexpr std::size_t kFixedSize = 6;
}

bool operator==(const OrganizationExtensionTlv& a, const OrganizationExtensionTlv& b) {
  return a.type == b.type && a.organization_id == b.organization_id &&
         a.organization_sub_type == b.organization_sub_type && std::ranges::equal(a.data, b.data);
}

bool is_organization_extension(TlvType type) {
  return type == TlvType::kOrganizationExtension ||
         type == TlvType::kOrganizationExtensionPropagate ||
         type == TlvType::kOrganizationExtensionDoNotPropagate;
}

Result<OrganizationExtensionTlv, WireError> decode_organization_extension_tlv(const TlvView& tlv) {
  if (!is_organization_extension(tlv.type)) return unexpected(WireError::kWrongTlvType);
  if (tlv.value.size() < kFixedSize) return unexpected(WireError::kBadTlvLength);
  OrganizationExtensionTlv out;
  out.type = tlv.type;
  std::memcpy(out.organization_id.data(), tlv.value.data(), 3);
  std::memcpy(out.organization_sub_type.data(), tlv.value.data() + 3, 3);
  out.data = tlv.value.subspan(kFixedSize);
  return out;
}

Result<void, WireError> append_organization_extension_tlv(TlvWriter& writer,
                                                          const OrganizationExtensionTlv& tlv) {
  if (!is_organization_extension(tlv.type)) return unexpected(WireError::kWrongTlvType);
  const std::size_t length = kFixedSize + tlv.data.size();
  return writer.append_with(tlv.type, length, [&](ValueWriter& out) {
    std::memcpy(out.take(3), tlv.organization_id.data(), 3);
    std::memcpy(out.take(3), tlv.organization_sub_type.data(), 3);
    if (!tlv.data.empty()) std::memcpy(out.take(tlv.data.size()), tlv.data.data(), tlv.data.size());
  });
}

}  // namespace ptp::wire
