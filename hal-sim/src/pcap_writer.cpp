// The pcap file format (classic libpcap, nanosecond variant) and the Ethernet/IPv4/IPv6/UDP
// framing of the datagrams it records.
#include "ptp/sim/pcap_writer.h"

#include <algorithm>
#include <exception>
#include <ostream>

namespace ptp::sim {

namespace {

constexpr std::size_t kEthernetHeaderSize = 14;
constexpr std::size_t kMinimumFrameSize = 60;  // 64 on the wire, less the 4-octet FCS
constexpr std::size_t kIpv4HeaderSize = 20;
constexpr std::size_t kIpv6HeaderSize = 40;
constexpr std::size_t kUdpHeaderSize = 8;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr std::uint8_t kIpProtocolUdp = 17;
constexpr std::uint32_t kMaxPayloadWithinIpv4 = 0xFFFF - kIpv4HeaderSize - kUdpHeaderSize;
constexpr std::uint32_t kMaxPayloadWithinIpv6 = 0xFFFF - kUdpHeaderSize;  // payload length field
constexpr std::uint32_t kNanosecondsPerSecond = 1'000'000'000;

// Network byte order, for the frame's headers.
void put_be16(std::byte* p, std::uint16_t value) {
  p[0] = static_cast<std::byte>(value >> 8U);
  p[1] = static_cast<std::byte>(value);
}

// Little-endian, for the pcap file's own headers (see PcapWriter).
void put_le16(std::byte* p, std::uint16_t value) {
  p[0] = static_cast<std::byte>(value);
  p[1] = static_cast<std::byte>(value >> 8U);
}

void put_le32(std::byte* p, std::uint32_t value) {
  for (unsigned i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(value >> (8U * i));
}

template <std::size_t N>
void put_octets(std::byte* p, const std::array<std::uint8_t, N>& octets) {
  std::transform(octets.begin(), octets.end(), p,
                 [](std::uint8_t octet) { return static_cast<std::byte>(octet); });
}

// Running ones' complement sum of 16-bit big-endian words (RFC 1071), so that the UDP checksum
// can cover the pseudo-header and the segment without copying them into one buffer.
class OnesComplementSum {
 public:
  void add(std::span<const std::byte> octets) {
    for (std::byte octet : octets) {
      const auto value = static_cast<std::uint32_t>(octet);
      // Octets alternate between the high and low half of a word across calls too.
      sum_ += high_half_next_ ? (value << 8U) : value;
      high_half_next_ = !high_half_next_;
    }
  }

  [[nodiscard]] std::uint16_t checksum() const {
    std::uint64_t folded = sum_;
    while ((folded >> 16U) != 0) folded = (folded & 0xFFFFU) + (folded >> 16U);
    return static_cast<std::uint16_t>(~folded & 0xFFFFU);
  }

 private:
  std::uint64_t sum_ = 0;
  bool high_half_next_ = true;
};

std::span<const std::byte> address_octets(const IpAddress& address) {
  return std::visit(
      [](const auto& family) -> std::span<const std::byte> {
        return std::as_bytes(std::span(family.octets));
      },
      address);
}

}  // namespace

std::string_view to_string(PcapError error) {
  switch (error) {
    case PcapError::kWriteFailed: return "writing the capture failed";
    case PcapError::kAddressFamilyMismatch: return "source and destination IP families differ";
    case PcapError::kNoDestinationMac: return "unicast destination without a destination MAC";
    case PcapError::kPayloadTooLarge: return "UDP payload too large for an IP datagram";
    case PcapError::kTimestampOutOfRange: return "capture timestamp not representable in pcap";
  }
  return "unknown pcap error";
}

bool is_multicast(const IpAddress& address) {
  if (const auto* v4 = std::get_if<Ipv4Address>(&address)) return (v4->octets[0] & 0xF0U) == 0xE0U;
  return std::get<Ipv6Address>(address).octets[0] == 0xFF;
}

std::optional<MacAddress> multicast_mac(const IpAddress& address) {
  if (!is_multicast(address)) return std::nullopt;
  if (const auto* v4 = std::get_if<Ipv4Address>(&address)) {
    return MacAddress{{0x01, 0x00, 0x5E, static_cast<std::uint8_t>(v4->octets[1] & 0x7FU),
                       v4->octets[2], v4->octets[3]}};
  }
  const auto& v6 = std::get<Ipv6Address>(address).octets;
  return MacAddress{{0x33, 0x33, v6[12], v6[13], v6[14], v6[15]}};
}

std::uint16_t internet_checksum(std::span<const std::byte> octets) {
  OnesComplementSum sum;
  sum.add(octets);
  return sum.checksum();
}

Result<std::vector<std::byte>, PcapError> frame_udp_datagram(const UdpDatagram& datagram) {
  if (datagram.source_ip.index() != datagram.destination_ip.index()) {
    return unexpected(PcapError::kAddressFamilyMismatch);
  }
  const bool ipv4 = std::holds_alternative<Ipv4Address>(datagram.source_ip);
  const std::size_t payload_size = datagram.payload.size();
  if (payload_size > (ipv4 ? kMaxPayloadWithinIpv4 : kMaxPayloadWithinIpv6)) {
    return unexpected(PcapError::kPayloadTooLarge);
  }
  std::optional<MacAddress> destination_mac = datagram.destination_mac;
  if (!destination_mac) destination_mac = multicast_mac(datagram.destination_ip);
  if (!destination_mac) return unexpected(PcapError::kNoDestinationMac);

  const std::size_t ip_header_size = ipv4 ? kIpv4HeaderSize : kIpv6HeaderSize;
  const std::size_t udp_length = kUdpHeaderSize + payload_size;
  const std::size_t frame_size =
      std::max(kEthernetHeaderSize + ip_header_size + udp_length, kMinimumFrameSize);
  std::vector<std::byte> frame(frame_size, std::byte{0});

  std::byte* ethernet = frame.data();
  put_octets(ethernet, destination_mac->octets);
  put_octets(ethernet + 6, datagram.source_mac.octets);
  put_be16(ethernet + 12, ipv4 ? kEtherTypeIpv4 : kEtherTypeIpv6);

  std::byte* ip = ethernet + kEthernetHeaderSize;
  const std::span<const std::byte> source_ip = address_octets(datagram.source_ip);
  const std::span<const std::byte> destination_ip = address_octets(datagram.destination_ip);
  if (ipv4) {
    ip[0] = std::byte{0x45};  // version 4, header length 5 words (no options)
    // Octet 1 (DSCP/ECN), identification and flags/fragment offset stay zero: one unfragmented
    // datagram per frame.
    put_be16(ip + 2, static_cast<std::uint16_t>(kIpv4HeaderSize + udp_length));
    ip[8] = static_cast<std::byte>(datagram.hop_limit);
    ip[9] = static_cast<std::byte>(kIpProtocolUdp);
    std::copy(source_ip.begin(), source_ip.end(), ip + 12);
    std::copy(destination_ip.begin(), destination_ip.end(), ip + 16);
    put_be16(ip + 10, internet_checksum(std::span<const std::byte>(ip, kIpv4HeaderSize)));
  } else {
    ip[0] = std::byte{0x60};  // version 6; traffic class and flow label zero
    put_be16(ip + 4, static_cast<std::uint16_t>(udp_length));
    ip[6] = static_cast<std::byte>(kIpProtocolUdp);  // next header
    ip[7] = static_cast<std::byte>(datagram.hop_limit);
    std::copy(source_ip.begin(), source_ip.end(), ip + 8);
    std::copy(destination_ip.begin(), destination_ip.end(), ip + 24);
  }

  std::byte* udp = ip + ip_header_size;
  put_be16(udp, datagram.source_port);
  put_be16(udp + 2, datagram.destination_port);
  put_be16(udp + 4, static_cast<std::uint16_t>(udp_length));
  if (payload_size != 0) {
    std::copy(datagram.payload.begin(), datagram.payload.end(), udp + kUdpHeaderSize);
  }

  // The pseudo-header is the same sum either way: both addresses, the protocol number and the
  // UDP length (RFC 768; RFC 8200 8.1 widens the length to 32 bits and moves the protocol, which
  // changes neither the 16-bit word sum nor, therefore, the checksum).
  OnesComplementSum sum;
  sum.add(source_ip);
  sum.add(destination_ip);
  std::array<std::byte, 4> protocol_and_length{};
  protocol_and_length[1] = static_cast<std::byte>(kIpProtocolUdp);
  put_be16(protocol_and_length.data() + 2, static_cast<std::uint16_t>(udp_length));
  sum.add(protocol_and_length);
  sum.add(std::span<const std::byte>(udp, udp_length));
  std::uint16_t udp_checksum = sum.checksum();
  // Zero means "no checksum" in UDP over IPv4 and is forbidden over IPv6; a computed zero is
  // sent as its ones' complement equivalent (RFC 768, RFC 8200 8.1).
  if (udp_checksum == 0) udp_checksum = 0xFFFF;
  put_be16(udp + 6, udp_checksum);
  return frame;
}

Result<PcapWriter, PcapError> PcapWriter::open(std::ostream& out) {
  PcapWriter writer(out);
  std::array<std::byte, kFileHeaderSize> header{};
  put_le32(header.data(), kMagicNanoseconds);
  put_le16(header.data() + 4, 2);  // version 2.4
  put_le16(header.data() + 6, 4);
  // Octets 8-15 (thiszone, sigfigs) stay zero: timestamps are UTC, accuracy unstated.
  put_le32(header.data() + 16, kSnapLength);
  put_le32(header.data() + 20, kLinkTypeEthernet);
  if (auto written = writer.write_octets(header); !written) return unexpected(written.error());
  return writer;
}

Result<void, PcapError> PcapWriter::write_udp(const Timestamp& capture_time,
                                              const UdpDatagram& datagram) {
  auto frame = frame_udp_datagram(datagram);
  if (!frame) return unexpected(frame.error());
  return write_frame(capture_time, *frame);
}

Result<void, PcapError> PcapWriter::write_frame(const Timestamp& capture_time,
                                                std::span<const std::byte> frame) {
  if (capture_time.seconds > 0xFFFFFFFFU || capture_time.nanoseconds >= kNanosecondsPerSecond) {
    return unexpected(PcapError::kTimestampOutOfRange);
  }
  if (frame.size() > kSnapLength) return unexpected(PcapError::kPayloadTooLarge);
  std::array<std::byte, kRecordHeaderSize> record{};
  put_le32(record.data(), static_cast<std::uint32_t>(capture_time.seconds));
  put_le32(record.data() + 4, capture_time.nanoseconds);
  put_le32(record.data() + 8, static_cast<std::uint32_t>(frame.size()));   // captured length
  put_le32(record.data() + 12, static_cast<std::uint32_t>(frame.size()));  // original length
  if (auto written = write_octets(record); !written) return written;
  if (auto written = write_octets(frame); !written) return written;
  ++records_written_;
  return {};
}

Result<void, PcapError> PcapWriter::write_octets(std::span<const std::byte> octets) {
  // A stream with exceptions enabled must not throw through this API. std::exception rather
  // than std::ios_base::failure: libstdc++ may throw the failure type of its other ABI.
  try {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): ostream writes chars.
    out_->write(reinterpret_cast<const char*>(octets.data()),
                static_cast<std::streamsize>(octets.size()));
  } catch (const std::exception&) {
    return unexpected(PcapError::kWriteFailed);
  }
  if (!*out_) return unexpected(PcapError::kWriteFailed);
  return {};
}

}  // namespace ptp::sim
