// The MANAGEMENT_ERROR_STATUS TLV (IEEE 1588-2019 15.5.4): a management request's failure.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ptp/result.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

// 1588-2019 Table 109.
enum class ManagementErrorId : std::uint16_t {
  kResponseTooBig = 0x0001,
  kNoSuchId = 0x0002,
  kWrongLength = 0x0003,
  kWrongValue = 0x0004,
  kNotSetable = 0x0005,
  kNotSupported = 0x0006,
  kUnpopulated = 0x0007,
  kGeneralError = 0xFFFE,
};

struct ManagementErrorStatusTlv {
  ManagementErrorId error_id = ManagementErrorId::kGeneralError;
  ManagementId management_id = ManagementId::kNullManagement;
  std::string_view display_data;  // a PTPText: at most 255 octets of UTF-8
  friend bool operator==(const ManagementErrorStatusTlv&,
                         const ManagementErrorStatusTlv&) = default;
};

Result<ManagementErrorStatusTlv, WireError> decode_management_error_status_tlv(const TlvView& tlv);
Result<void, WireError> append_management_error_status_tlv(TlvWriter& writer,
                                                           const ManagementErrorStatusTlv& tlv);

}  // namespace ptp::wire
