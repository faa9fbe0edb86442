// MANAGEMENT_ERROR_STATUS TLV (IEEE 1588-2019 15.5.4.1):
//   managementErrorId(2) managementId(2) reserved(4) displayData(PTPText) [pad to even length]
#include "ptp/wire/management_error_status_tlv.h"

#include <cstring>

#include "ptp/wire/byte_order.h"

namespace ptp::wire {

namespace {
constexpr std::size_t kFixedSize = 8;
}

Result<ManagementErrorStatusTlv, WireError> decode_management_error_status_tlv(const TlvView& tlv) {
  if (tlv.type != TlvType::kManagementErrorStatus) return unexpected(WireError::kWrongTlvType);
  if (tlv.value.size() < kFixedSize) return unexpected(WireError::kBadTlvLength);
  ManagementErrorStatusTlv out;
  out.error_id = static_cast<ManagementErrorId>(load_u16(tlv.value.data()));
  out.management_id = static_cast<ManagementId>(load_u16(tlv.value.data() + 2));
  // displayData is optional (15.5.4.1.5): a TLV that ends after the reserved octets has none.
  if (tlv.value.size() > kFixedSize) {
    const std::size_t text_length = load_u8(tlv.value.data() + kFixedSize);
    if (text_length > tlv.value.size() - kFixedSize - 1)
      return unexpected(WireError::kBadTlvLength);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): PTPText is octets of UTF-8.
    out.display_data = std::string_view(
        reinterpret_cast<const char*>(tlv.value.data()) + kFixedSize + 1, text_length);
  }
  return out;
}

Result<void, WireError> append_management_error_status_tlv(TlvWriter& writer,
                                                           const ManagementErrorStatusTlv& tlv) {
  if (tlv.display_data.size() > 0xFF) return unexpected(WireError::kValueOutOfRange);
  const std::size_t text = tlv.display_data.empty() ? 0 : 1 + tlv.display_data.size();
  const std::size_t length = kFixedSize + text + (text % 2);
  return writer.append_with(TlvType::kManagementErrorStatus, length, [&](ValueWriter& out) {
    std::byte* p = out.take(length);
    std::memset(p, 0, length);
    store_u16(p, static_cast<std::uint16_t>(tlv.error_id));
    store_u16(p + 2, static_cast<std::uint16_t>(tlv.management_id));
    if (text != 0) {
      store_u8(p + kFixedSize, static_cast<std::uint8_t>(tlv.display_data.size()));
      std::memcpy(p + kFixedSize + 1, tlv.display_data.data(), tlv.display_data.size());
    }
  });
}

}  // namespace ptp::wire
