// Names of WireError values, for logs, drop counters and test output.
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

std::string_view to_string(WireError error) {
  switch (error) {
    case WireError::kTruncated: return "truncated";
    case WireError::kBadVersion: return "unsupported PTP version";
    case WireError::kUnknownMessageType: return "unknown message type";
    case WireError::kLengthMismatch: return "messageLength shorter than the message type";
    case WireError::kBadTlvLength: return "bad TLV length";
    case WireError::kWrongTlvType: return "wrong TLV type";
    case WireError::kBadManagementLength: return "bad management dataField length";
    case WireError::kBufferTooSmall: return "buffer too small";
    case WireError::kValueOutOfRange: return "field value out of range";
    case WireError::kMessageTooLong: return "message longer than 65535 octets";
  }
  return "unknown wire error";
}

}  // namespace ptp::wire
