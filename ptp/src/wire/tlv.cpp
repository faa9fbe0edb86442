// Bounds-checked walking and writing of TLV areas (IEEE 1588-2019 14.1).
#include "ptp/wire/tlv.h"

#include <cstring>

namespace ptp::wire {

Result<std::optional<TlvView>, WireError> TlvReader::next() {
  if (rest_.size() < kTlvHeaderSize) {
    rest_ = {};
    return std::optional<TlvView>{};
  }
  const std::size_t length = load_u16(rest_.data() + 2);
  if (length > rest_.size() - kTlvHeaderSize) {
    rest_ = {};
    return unexpected(WireError::kBadTlvLength);
  }
  const TlvView view{static_cast<TlvType>(load_u16(rest_.data())),
                     rest_.subspan(kTlvHeaderSize, length)};
  rest_ = rest_.subspan(kTlvHeaderSize + length);
  return std::optional<TlvView>{view};
}

Result<void, WireError> validate_tlv_area(std::span<const std::byte> area) {
  TlvReader reader(area);
  for (;;) {
    auto tlv = reader.next();
    if (!tlv) return unexpected(tlv.error());
    if (!tlv->has_value()) return {};
  }
}

Result<void, WireError> TlvWriter::append(TlvType type, std::span<const std::byte> value) {
  return append_with(type, value.size(), [&](ValueWriter& writer) {
    if (!value.empty()) std::memcpy(writer.take(value.size()), value.data(), value.size());
  });
}

}  // namespace ptp::wire
