// PATH_TRACE TLV (IEEE 1588-2019 16.2.5): pathSequence, a list of ClockIdentity.
#include "ptp/wire/path_trace_tlv.h"

namespace ptp::wire {

Result<PathTraceTlv, WireError> decode_path_trace_tlv(const TlvView& tlv) {
  if (tlv.type != TlvType::kPathTrace) return unexpected(WireError::kWrongTlvType);
  if (tlv.value.size() % kClockIdentitySize != 0) return unexpected(WireError::kBadTlvLength);
  return PathTraceTlv(tlv.value);
}

Result<void, WireError> append_path_trace_tlv(TlvWriter& writer,
                                              std::span<const ClockIdentity> path_sequence) {
  if (path_sequence.size() > 0xFFFF / kClockIdentitySize) {
    return unexpected(WireError::kValueOutOfRange);
  }
  return writer.append_with(TlvType::kPathTrace, path_sequence.size() * kClockIdentitySize,
                            [&](ValueWriter& out) {
                              for (const ClockIdentity& identity : path_sequence) {
                                store_clock_identity(out.take(kClockIdentitySize), identity);
                              }
                            });
}

}  // namespace ptp::wire
