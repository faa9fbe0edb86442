// PcapWriter: records UDP datagrams as a classic libpcap capture (nanosecond timestamps,
// LINKTYPE_ETHERNET) that Wireshark and tshark read, so that what the simulator sends, and what
// the codec encodes, can be inspected and cross-checked by an independent dissector.
//
// Each datagram is framed the way it would appear on an Ethernet link: an Ethernet II header,
// an IPv4 header (with its header checksum) or an IPv6 header, and a UDP header whose checksum
// is always computed (IPv6 requires it; for IPv4 it lets tshark verify the payload octets).
// The framing helpers are public so that tests can check each layer on its own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "ptp/result.h"
#include "ptp/timestamp.h"

namespace ptp::sim {

struct MacAddress {
  std::array<std::uint8_t, 6> octets{};
  friend constexpr bool operator==(const MacAddress&, const MacAddress&) = default;
};

struct Ipv4Address {
  std::array<std::uint8_t, 4> octets{};
  friend constexpr bool operator==(const Ipv4Address&, const Ipv4Address&) = default;
};

struct Ipv6Address {
  std::array<std::uint8_t, 16> octets{};
  friend constexpr bool operator==(const Ipv6Address&, const Ipv6Address&) = default;
};

using IpAddress = std::variant<Ipv4Address, Ipv6Address>;

// 224.0.0.0/4 and ff00::/8.
bool is_multicast(const IpAddress& address);

// The Ethernet group address a multicast IP address maps to: 01:00:5e plus the low 23 bits of
// an IPv4 group (RFC 1112 6.4), 33:33 plus the low 32 bits of an IPv6 group (RFC 2464 7).
// std::nullopt for a unicast address, which has no such mapping.
std::optional<MacAddress> multicast_mac(const IpAddress& address);

// One UDP datagram and the link/network addressing to frame it with.
struct UdpDatagram {
  MacAddress source_mac;
  // Required for a unicast destination; derived with multicast_mac() when left empty.
  std::optional<MacAddress> destination_mac;
  IpAddress source_ip;
  IpAddress destination_ip;  // must be of the same family as source_ip
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  // IPv4 TTL or IPv6 hop limit. 1 is what PTP multicast uses (it must not leave the link
  // unless a profile says otherwise).
  std::uint8_t hop_limit = 1;
  std::span<const std::byte> payload;
};

enum class PcapError {
  kWriteFailed,            // the output stream reported a failure
  kAddressFamilyMismatch,  // source and destination IP addresses of different families
  kNoDestinationMac,       // unicast destination and no destination_mac given
  kPayloadTooLarge,        // the UDP payload does not fit an IPv4 or IPv6 datagram
  kTimestampOutOfRange,    // seconds past 2^32 - 1 or nanoseconds of 1e9 or more
};

std::string_view to_string(PcapError error);

// The ones' complement of the ones' complement sum of `octets` as big-endian 16-bit words, an
// odd final octet padded with zero (RFC 1071): the IPv4 header checksum when run over the header
// with its checksum field zeroed.
std::uint16_t internet_checksum(std::span<const std::byte> octets);

// The whole Ethernet frame for `datagram`, padded with zero octets to the 60-octet minimum
// frame size (no frame check sequence, as captures from a NIC normally lack it).
Result<std::vector<std::byte>, PcapError> frame_udp_datagram(const UdpDatagram& datagram);

// Writes a capture to a binary std::ostream. Multi-octet fields of the pcap file and record
// headers are written little-endian whatever the host (readers tell the order from the magic
// number), so the same inputs always give the same file.
class PcapWriter {
 public:
  // pcap magic number for nanosecond-resolution timestamps.
  static constexpr std::uint32_t kMagicNanoseconds = 0xA1B23C4D;
  static constexpr std::uint32_t kLinkTypeEthernet = 1;
  static constexpr std::uint32_t kSnapLength = 262144;
  static constexpr std::size_t kFileHeaderSize = 24;
  static constexpr std::size_t kRecordHeaderSize = 16;

  // Writes the 24-octet file header to `out` (opened in binary mode). `out` must outlive the
  // writer.
  static Result<PcapWriter, PcapError> open(std::ostream& out);

  // Frames `datagram` and appends it as one record captured at `capture_time` (seconds since
  // 1970, as pcap timestamps are).
  Result<void, PcapError> write_udp(const Timestamp& capture_time, const UdpDatagram& datagram);

  // Appends an already framed Ethernet frame as one record.
  Result<void, PcapError> write_frame(const Timestamp& capture_time,
                                      std::span<const std::byte> frame);

  [[nodiscard]] std::size_t records_written() const { return records_written_; }

 private:
  explicit PcapWriter(std::ostream& out) : out_(&out) {}
  Result<void, PcapError> write_octets(std::span<const std::byte> octets);

  std::ostream* out_;
  std::size_t records_written_ = 0;
};

}  // namespace ptp::sim
