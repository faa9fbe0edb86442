// Unit tests of the pcap writer: the Internet checksum against published examples, multicast MAC
// derivation, whole Ethernet/IP/UDP frames octet by octet (checksums worked out independently of
// this code, with a separate script), the pcap file and record headers, and the error returns.
#include "ptp/sim/pcap_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ios>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

namespace ptp::sim {
namespace {

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned value : values) out.push_back(static_cast<std::byte>(value));
  return out;
}

std::vector<std::byte> concat(std::initializer_list<std::vector<std::byte>> parts) {
  std::vector<std::byte> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

std::vector<std::byte> to_bytes(const std::string& text) {
  std::vector<std::byte> out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

const MacAddress kSourceMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
const Ipv4Address kSourceIpv4{{192, 168, 1, 10}};
const Ipv4Address kPtpPrimaryIpv4{{224, 0, 1, 129}};
const Ipv6Address kSourceIpv6{{0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};
const Ipv6Address kPtpPrimaryIpv6{{0xFF, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x81}};
const std::vector<std::byte> kTenOctetPayload =
    bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A});

// A second, deliberately plain checksum (32-bit word sum, folded once at the end), to cross-check
// internet_checksum() on inputs no one worked out by hand.
std::uint16_t reference_checksum(const std::vector<std::byte>& octets) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < octets.size(); i += 2) {
    const auto high = static_cast<std::uint32_t>(octets[i]);
    const auto low = i + 1 < octets.size() ? static_cast<std::uint32_t>(octets[i + 1]) : 0U;
    sum += (high << 8U) | low;
  }
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16U);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

TEST(InternetChecksum, MatchesPublishedIpv4HeaderExample) {
  // The IPv4 header checksum example in Wikipedia's "Internet checksum" article.
  const auto header = bytes({0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                             0x00, 0x00, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7});
  EXPECT_EQ(internet_checksum(header), 0xB861);
}

TEST(InternetChecksum, MatchesRfc1071NumericalExample) {
  // RFC 1071 section 3: these octets sum to 0xDDF2, so the checksum is its complement.
  EXPECT_EQ(internet_checksum(bytes({0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7})), 0x220D);
}

TEST(InternetChecksum, PadsAnOddFinalOctetWithZero) {
  EXPECT_EQ(internet_checksum(bytes({0x01})), 0xFEFF);
  EXPECT_EQ(internet_checksum(bytes({0xAB, 0xCD, 0x12})),
            reference_checksum(bytes({0xAB, 0xCD, 0x12, 0x00})));
}

TEST(InternetChecksum, AgreesWithPlainReferenceOnManyLengths) {
  std::vector<std::byte> octets;
  std::uint32_t state = 0x12345678;
  for (int length = 0; length < 300; ++length) {
    EXPECT_EQ(internet_checksum(octets), reference_checksum(octets)) << "length " << length;
    state = state * 1664525U + 1013904223U;  // any deterministic filler will do
    octets.push_back(static_cast<std::byte>(state >> 24U));
  }
}

TEST(MulticastMac, MapsLow23BitsOfIpv4Groups) {
  EXPECT_EQ(multicast_mac(kPtpPrimaryIpv4), (MacAddress{{0x01, 0x00, 0x5E, 0x00, 0x01, 0x81}}));
  EXPECT_EQ(multicast_mac(Ipv4Address{{224, 0, 0, 107}}),  // PTP peer delay group
            (MacAddress{{0x01, 0x00, 0x5E, 0x00, 0x00, 0x6B}}));
  EXPECT_EQ(multicast_mac(Ipv4Address{{239, 255, 255, 250}}),
            (MacAddress{{0x01, 0x00, 0x5E, 0x7F, 0xFF, 0xFA}}));
  // The 24th bit from the end is not carried: 224.128.1.129 shares 224.0.1.129's MAC.
  EXPECT_EQ(multicast_mac(Ipv4Address{{224, 128, 1, 129}}),
            (MacAddress{{0x01, 0x00, 0x5E, 0x00, 0x01, 0x81}}));
}

TEST(MulticastMac, MapsLow32BitsOfIpv6Groups) {
  EXPECT_EQ(multicast_mac(kPtpPrimaryIpv6), (MacAddress{{0x33, 0x33, 0x00, 0x00, 0x01, 0x81}}));
  const Ipv6Address solicited_node{
      {0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0x12, 0x34, 0x56}};
  EXPECT_EQ(multicast_mac(solicited_node), (MacAddress{{0x33, 0x33, 0xFF, 0x12, 0x34, 0x56}}));
}

TEST(MulticastMac, HasNoMappingForUnicast) {
  EXPECT_FALSE(is_multicast(kSourceIpv4));
  EXPECT_FALSE(is_multicast(kSourceIpv6));
  EXPECT_FALSE(multicast_mac(Ipv4Address{{223, 255, 255, 255}}).has_value());
  EXPECT_FALSE(multicast_mac(kSourceIpv6).has_value());
  EXPECT_TRUE(is_multicast(Ipv4Address{{239, 0, 0, 1}}));
  EXPECT_FALSE(is_multicast(Ipv4Address{{240, 0, 0, 1}}));
}

UdpDatagram ipv4_datagram(std::span<const std::byte> payload) {
  UdpDatagram datagram;
  datagram.source_mac = kSourceMac;
  datagram.source_ip = kSourceIpv4;
  datagram.destination_ip = kPtpPrimaryIpv4;
  datagram.source_port = 319;
  datagram.destination_port = 319;
  datagram.payload = payload;
  return datagram;
}

UdpDatagram ipv6_datagram(std::span<const std::byte> payload) {
  UdpDatagram datagram;
  datagram.source_mac = kSourceMac;
  datagram.source_ip = kSourceIpv6;
  datagram.destination_ip = kPtpPrimaryIpv6;
  datagram.source_port = 320;
  datagram.destination_port = 320;
  datagram.payload = payload;
  return datagram;
}

TEST(FrameUdpDatagram, LaysOutIpv4FrameWithBothChecksums) {
  const auto frame = frame_udp_datagram(ipv4_datagram(kTenOctetPayload));
  ASSERT_TRUE(frame.has_value()) << to_string(frame.error());
  const auto expected = concat({
      bytes({0x01, 0x00, 0x5E, 0x00, 0x01, 0x81,  // destination: 224.0.1.129's group MAC
             0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source
             0x08, 0x00}),                        // IPv4
      bytes({0x45, 0x00, 0x00, 0x26,              // version/IHL, DSCP, total length 38
             0x00, 0x00, 0x00, 0x00,              // identification, flags/fragment offset
             0x01, 0x11, 0x16, 0x94,              // TTL 1, UDP, header checksum
             0xC0, 0xA8, 0x01, 0x0A,              // 192.168.1.10
             0xE0, 0x00, 0x01, 0x81}),            // 224.0.1.129
      bytes({0x01, 0x3F, 0x01, 0x3F,              // ports 319 -> 319
             0x00, 0x12, 0x40, 0xFA}),            // length 18, checksum
      kTenOctetPayload,
      // padding to the 60-octet minimum frame
      bytes({0, 0, 0, 0, 0, 0, 0, 0}),
  });
  EXPECT_EQ(*frame, expected);
}

TEST(FrameUdpDatagram, LaysOutIpv6FrameWithUdpChecksum) {
  const auto frame = frame_udp_datagram(ipv6_datagram(kTenOctetPayload));
  ASSERT_TRUE(frame.has_value()) << to_string(frame.error());
  const auto expected = concat({
      bytes({0x33, 0x33, 0x00, 0x00, 0x01, 0x81,  // destination: ff0e::181's group MAC
             0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source
             0x86, 0xDD}),                        // IPv6
      bytes({0x60, 0x00, 0x00, 0x00,              // version, traffic class, flow label
             0x00, 0x12, 0x11, 0x01}),            // payload length 18, UDP, hop limit 1
      bytes({0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}),     // fe80::1
      bytes({0xFF, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x81}),  // ff0e::181
      bytes({0x01, 0x40, 0x01, 0x40,                                        // ports 320 -> 320
             0x00, 0x12, 0xE5, 0x1A}),                                      // length 18, checksum
      kTenOctetPayload,
  });
  EXPECT_EQ(*frame, expected);
}

// A receiver checks a UDP checksum by summing pseudo-header and segment, checksum included: the
// result must be all ones, i.e. a checksum of that sum of zero. The pseudo-headers are built here
// exactly as RFC 768 (IPv4) and RFC 8200 8.1 (IPv6) lay them out.
std::vector<std::byte> pseudo_header_and_segment(const std::vector<std::byte>& frame, bool ipv4) {
  const auto at = [&](std::size_t i) { return frame.begin() + static_cast<std::ptrdiff_t>(i); };
  const std::size_t ip = 14;
  const std::size_t udp = ip + (ipv4 ? 20 : 40);
  const std::size_t udp_length =
      (static_cast<std::size_t>(frame[udp + 4]) << 8U) | static_cast<std::size_t>(frame[udp + 5]);
  std::vector<std::byte> out;
  if (ipv4) {
    out.insert(out.end(), at(ip + 12), at(ip + 20));  // source and destination address
    out.push_back(std::byte{0});                      // zero
    out.push_back(std::byte{17});                     // protocol
    out.push_back(frame[udp + 4]);                    // UDP length
    out.push_back(frame[udp + 5]);
  } else {
    out.insert(out.end(), at(ip + 8), at(ip + 40));  // source and destination address
    out.push_back(std::byte{0});                     // upper-layer packet length, 32 bits
    out.push_back(std::byte{0});
    out.push_back(frame[udp + 4]);
    out.push_back(frame[udp + 5]);
    out.push_back(std::byte{0});  // three zero octets
    out.push_back(std::byte{0});
    out.push_back(std::byte{0});
    out.push_back(std::byte{17});  // next header
  }
  out.insert(out.end(), at(udp), at(udp + udp_length));
  return out;
}

TEST(FrameUdpDatagram, ChecksumsVerifyForOddAndEvenPayloads) {
  std::vector<std::byte> payload;
  for (unsigned length = 0; length < 70; ++length) {
    for (bool ipv4 : {true, false}) {
      const auto frame = ipv4 ? frame_udp_datagram(ipv4_datagram(payload))
                              : frame_udp_datagram(ipv6_datagram(payload));
      ASSERT_TRUE(frame.has_value());
      EXPECT_EQ(reference_checksum(pseudo_header_and_segment(*frame, ipv4)), 0)
          << (ipv4 ? "IPv4" : "IPv6") << " payload length " << length;
      if (ipv4) {
        const std::vector<std::byte> header(frame->begin() + 14, frame->begin() + 34);
        EXPECT_EQ(reference_checksum(header), 0) << "payload length " << length;
      }
    }
    payload.push_back(static_cast<std::byte>(0xA5U ^ (length * 37U)));
  }
}

TEST(FrameUdpDatagram, SendsComputedZeroChecksumAsAllOnes) {
  // Chosen (by the independent script) so that the checksum computes to zero: the sum of the
  // pseudo-header and UDP header for this datagram is 0xA5D7, and 0xA5D7 + 0x5A28 = 0xFFFF.
  const auto payload = bytes({0x5A, 0x28});
  const auto frame = frame_udp_datagram(ipv4_datagram(payload));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ((*frame)[40], std::byte{0xFF});
  EXPECT_EQ((*frame)[41], std::byte{0xFF});
}

TEST(FrameUdpDatagram, UsesGivenDestinationMacForUnicast) {
  auto datagram = ipv4_datagram(kTenOctetPayload);
  datagram.destination_ip = Ipv4Address{{192, 168, 1, 20}};
  EXPECT_EQ(frame_udp_datagram(datagram).error(), PcapError::kNoDestinationMac);
  datagram.destination_mac = MacAddress{{0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE}};
  const auto frame = frame_udp_datagram(datagram);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(std::vector<std::byte>(frame->begin(), frame->begin() + 6),
            bytes({0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE}));
}

TEST(FrameUdpDatagram, SetsHopLimit) {
  auto v4 = ipv4_datagram(kTenOctetPayload);
  v4.hop_limit = 64;
  auto v6 = ipv6_datagram(kTenOctetPayload);
  v6.hop_limit = 255;
  EXPECT_EQ(frame_udp_datagram(v4)->at(14 + 8), std::byte{64});
  EXPECT_EQ(frame_udp_datagram(v6)->at(14 + 7), std::byte{255});
}

TEST(FrameUdpDatagram, RejectsMixedAddressFamilies) {
  auto datagram = ipv4_datagram(kTenOctetPayload);
  datagram.destination_ip = kPtpPrimaryIpv6;
  EXPECT_EQ(frame_udp_datagram(datagram).error(), PcapError::kAddressFamilyMismatch);
}

TEST(FrameUdpDatagram, RejectsPayloadsLargerThanAnIpDatagramHolds) {
  const std::vector<std::byte> ipv4_largest(65535 - 20 - 8);
  const std::vector<std::byte> ipv6_largest(65535 - 8);
  const std::vector<std::byte> ipv6_too_large(65535 - 8 + 1);
  EXPECT_TRUE(frame_udp_datagram(ipv4_datagram(ipv4_largest)).has_value());
  EXPECT_EQ(frame_udp_datagram(ipv4_datagram(ipv6_largest)).error(), PcapError::kPayloadTooLarge);
  EXPECT_TRUE(frame_udp_datagram(ipv6_datagram(ipv6_largest)).has_value());
  EXPECT_EQ(frame_udp_datagram(ipv6_datagram(ipv6_too_large)).error(), PcapError::kPayloadTooLarge);
}

TEST(PcapWriter, WritesNanosecondFileHeaderAndRecords) {
  std::ostringstream out(std::ios::binary);
  auto writer = PcapWriter::open(out);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE(
      writer->write_udp(Timestamp{0x01020304, 999'999'999}, ipv4_datagram(kTenOctetPayload)));
  ASSERT_TRUE(writer->write_udp(Timestamp{7, 5}, ipv6_datagram(kTenOctetPayload)));
  EXPECT_EQ(writer->records_written(), 2U);

  const auto expected = concat({
      bytes({0x4D, 0x3C, 0xB2, 0xA1,              // magic 0xa1b23c4d (nanoseconds)
             0x02, 0x00, 0x04, 0x00,              // version 2.4
             0,    0,    0,    0,    0, 0, 0, 0,  // thiszone, sigfigs
             0x00, 0x00, 0x04, 0x00,              // snaplen 262144
             0x01, 0x00, 0x00, 0x00}),            // LINKTYPE_ETHERNET
      bytes({0x04, 0x03, 0x02, 0x01,              // seconds
             0xFF, 0xC9, 0x9A, 0x3B,              // 999999999 ns
             60, 0, 0, 0, 60, 0, 0, 0}),          // captured and original length
      *frame_udp_datagram(ipv4_datagram(kTenOctetPayload)),
      bytes({7, 0, 0, 0, 5, 0, 0, 0, 72, 0, 0, 0, 72, 0, 0, 0}),
      *frame_udp_datagram(ipv6_datagram(kTenOctetPayload)),
  });
  EXPECT_EQ(to_bytes(out.str()), expected);
}

TEST(PcapWriter, RejectsTimestampsPcapCannotHold) {
  std::ostringstream out(std::ios::binary);
  auto writer = PcapWriter::open(out);
  ASSERT_TRUE(writer.has_value());
  EXPECT_EQ(writer->write_udp(Timestamp{0x1'0000'0000, 0}, ipv4_datagram(kTenOctetPayload)).error(),
            PcapError::kTimestampOutOfRange);
  EXPECT_EQ(writer->write_udp(Timestamp{1, 1'000'000'000}, ipv4_datagram(kTenOctetPayload)).error(),
            PcapError::kTimestampOutOfRange);
  EXPECT_EQ(writer->records_written(), 0U);
  EXPECT_EQ(out.str().size(), PcapWriter::kFileHeaderSize);  // nothing half-written
}

TEST(PcapWriter, PassesFramingErrorsThrough) {
  std::ostringstream out(std::ios::binary);
  auto writer = PcapWriter::open(out);
  ASSERT_TRUE(writer.has_value());
  auto datagram = ipv4_datagram(kTenOctetPayload);
  datagram.destination_ip = kPtpPrimaryIpv6;
  EXPECT_EQ(writer->write_udp(Timestamp{1, 0}, datagram).error(),
            PcapError::kAddressFamilyMismatch);
}

// A stream buffer that accepts nothing, like a full disk.
class RejectingBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char_type*, std::streamsize) override { return 0; }
};

TEST(PcapWriter, ReportsWriteFailureAsError) {
  RejectingBuffer buffer;
  std::ostream out(&buffer);
  EXPECT_EQ(PcapWriter::open(out).error(), PcapError::kWriteFailed);
}

TEST(PcapWriter, ReportsWriteFailureOfThrowingStreamAsError) {
  RejectingBuffer buffer;
  std::ostream out(&buffer);
  out.exceptions(std::ios::badbit | std::ios::failbit);
  EXPECT_EQ(PcapWriter::open(out).error(), PcapError::kWriteFailed);
}

TEST(PcapWriter, ReportsFailureOfLaterRecordWrite) {
  std::ostringstream good(std::ios::binary);
  auto writer = PcapWriter::open(good);
  ASSERT_TRUE(writer.has_value());
  good.setstate(std::ios::badbit);
  EXPECT_EQ(writer->write_udp(Timestamp{1, 0}, ipv4_datagram(kTenOctetPayload)).error(),
            PcapError::kWriteFailed);
}

}  // namespace
}  // namespace ptp::sim
