// Winsock control messages (WSACMSGHDR, the "ancillary data" of WSASendMsg/WSARecvMsg), laid
// out as the SDK's WSA_CMSG_* macros do but without their C casts: the SO_TIMESTAMP_ID message we
// send, and the SO_TIMESTAMP and IP_PKTINFO/IPV6_PKTINFO messages we receive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ptp/hal/ip_address.h"
#include "ptp/win/win_types.h"

namespace ptp::win {

// WSA_CMSGHDR_ALIGN: headers start at multiples of the header's alignment.
constexpr std::size_t control_header_align(std::size_t length) {
  return (length + alignof(WSACMSGHDR) - 1) & ~(alignof(WSACMSGHDR) - 1);
}
// WSA_CMSGDATA_ALIGN: MAX_NATURAL_ALIGNMENT is the pointer size (8 on x64, 4 on x86).
constexpr std::size_t control_data_align(std::size_t length) {
  return (length + sizeof(ULONG_PTR) - 1) & ~(sizeof(ULONG_PTR) - 1);
}
// WSA_CMSG_SPACE / WSA_CMSG_LEN / the offset WSA_CMSG_DATA adds.
constexpr std::size_t control_space(std::size_t data_length) {
  return control_data_align(sizeof(WSACMSGHDR) + control_header_align(data_length));
}
constexpr std::size_t control_length(std::size_t data_length) {
  return control_data_align(sizeof(WSACMSGHDR)) + data_length;
}
constexpr std::size_t kControlDataOffset = control_data_align(sizeof(WSACMSGHDR));

// Writes one control message at `offset` of `buffer`; returns the offset after it, or nullopt
// when it does not fit.
std::optional<std::size_t> append_control_message(std::span<std::byte> buffer, std::size_t offset,
                                                  int level, int type,
                                                  std::span<const std::byte> data);

struct ReceivedControl {
  std::optional<std::uint64_t> timestamp;     // SOL_SOCKET / SO_TIMESTAMP
  std::optional<hal::IpAddress> destination;  // IP_PKTINFO / IPV6_PKTINFO
};

// Walks the control messages WSARecvMsg returned (`control` is Control.buf, Control.len).
ReceivedControl parse_control_messages(std::span<const std::byte> control);

}  // namespace ptp::win
