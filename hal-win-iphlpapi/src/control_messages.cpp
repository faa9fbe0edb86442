// Building and walking Winsock control messages with memcpy (no aliasing through casts).
#include "ptp/win/control_messages.h"

#include <array>
#include <cstring>

#include "ptp/win/winsock_timestamp_types.h"

namespace ptp::win {

std::optional<std::size_t> append_control_message(std::span<std::byte> buffer, std::size_t offset,
                                                  int level, int type,
                                                  std::span<const std::byte> data) {
  const std::size_t space = control_space(data.size());
  if (offset > buffer.size() || buffer.size() - offset < space) return std::nullopt;
  std::memset(buffer.data() + offset, 0, space);
  WSACMSGHDR header{};
  header.cmsg_len = control_length(data.size());
  header.cmsg_level = level;
  header.cmsg_type = type;
  std::memcpy(buffer.data() + offset, &header, sizeof(header));
  if (!data.empty()) {
    std::memcpy(buffer.data() + offset + kControlDataOffset, data.data(), data.size());
  }
  return offset + space;
}

ReceivedControl parse_control_messages(std::span<const std::byte> control) {
  ReceivedControl result;
  std::size_t offset = 0;
  while (offset + sizeof(WSACMSGHDR) <= control.size()) {
    WSACMSGHDR header{};
    std::memcpy(&header, control.data() + offset, sizeof(header));
    if (header.cmsg_len < kControlDataOffset || header.cmsg_len > control.size() - offset) break;
    const std::span<const std::byte> data =
        control.subspan(offset + kControlDataOffset, header.cmsg_len - kControlDataOffset);
    if (header.cmsg_level == SOL_SOCKET && header.cmsg_type == kSoTimestamp &&
        data.size() >= sizeof(std::uint64_t)) {
      std::uint64_t value = 0;
      std::memcpy(&value, data.data(), sizeof(value));
      result.timestamp = value;
    } else if (header.cmsg_level == IPPROTO_IP && header.cmsg_type == IP_PKTINFO &&
               data.size() >= sizeof(IN_PKTINFO)) {
      IN_PKTINFO info{};
      std::memcpy(&info, data.data(), sizeof(info));
      std::array<std::uint8_t, 4> octets{};
      std::memcpy(octets.data(), &info.ipi_addr, octets.size());
      result.destination = hal::IpAddress::v4(octets[0], octets[1], octets[2], octets[3]);
    } else if (header.cmsg_level == IPPROTO_IPV6 && header.cmsg_type == IPV6_PKTINFO &&
               data.size() >= sizeof(IN6_PKTINFO)) {
      IN6_PKTINFO info{};
      std::memcpy(&info, data.data(), sizeof(info));
      std::array<std::uint8_t, 16> octets{};
      std::memcpy(octets.data(), &info.ipi6_addr, octets.size());
      result.destination = hal::IpAddress::v6(octets);
    }
    offset += control_header_align(header.cmsg_len);
  }
  return result;
}

}  // namespace ptp::win
