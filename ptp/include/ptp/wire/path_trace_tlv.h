// The PATH_TRACE TLV (IEEE 1588-2019 16.2): the clockIdentity of every boundary clock an Announce
// has crossed, in order.
#pragma once

#include <cstddef>
#include <span>

#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/wire/fields.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

class PathTraceTlv {
 public:
  // Precondition: value.size() is a multiple of 8 (decode_path_trace_tlv checks it).
  explicit PathTraceTlv(std::span<const std::byte> value) : value_(value) {}

  [[nodiscard]] std::size_t size() const { return value_.size() / kClockIdentitySize; }
  // Precondition: index < size().
  [[nodiscard]] ClockIdentity operator[](std::size_t index) const {
    return load_clock_identity(value_.data() + index * kClockIdentitySize);
  }

 private:
  std::span<const std::byte> value_;
};

Result<PathTraceTlv, WireError> decode_path_trace_tlv(const TlvView& tlv);
Result<void, WireError> append_path_trace_tlv(TlvWriter& writer,
                                              std::span<const ClockIdentity> path_sequence);

}  // namespace ptp::wire
