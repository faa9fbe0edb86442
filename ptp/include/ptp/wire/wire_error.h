// WireError: why a PTP message or TLV could not be decoded or encoded.
#pragma once

#include <string_view>

namespace ptp::wire {

enum class WireError {
  kTruncated,            // the buffer ends before the header, the messageLength or a field
  kBadVersion,           // versionPTP is not 2, or minorVersionPTP is not 0 or 1
  kUnknownMessageType,   // messageType is reserved
  kLengthMismatch,       // messageLength is shorter than the message type's fixed fields
  kBadTlvLength,         // a TLV's lengthField runs past the TLV area or its value's layout
  kWrongTlvType,         // a typed TLV decoder was given a TLV of another type
  kBadManagementLength,  // a management TLV's dataField has the wrong size for its managementId
  kBufferTooSmall,       // encoding: the caller's buffer cannot hold the output
  kValueOutOfRange,      // encoding: a field holds a value its wire width cannot carry
  kMessageTooLong,       // encoding: the message would exceed 65535 octets
};

std::string_view to_string(WireError error);

}  // namespace ptp::wire
