// Tests of the simulated network's pcap capture: each accepted transmission is written once, at
// its true departure offset from the configured Unix start time, framed as PcapWriter frames it
// (host MACs, multicast MACs from the group); what never leaves a host is not written; and a
// capture failure is counted without disturbing delivery.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "network_test_fabric.h"
#include "ptp/sim/network.h"
#include "ptp/sim/pcap_writer.h"

namespace ptp::sim {
namespace {

using testing::at_us;
using testing::Fabric;
using testing::us;

struct CapturedRecord {
  std::uint32_t seconds = 0;
  std::uint32_t nanoseconds = 0;
  std::vector<std::byte> frame;
};

std::uint32_t read_u32_le(const std::string& data, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[offset + i])) << (8 * i);
  }
  return value;
}

// Reads back a capture, checking the file header on the way.
std::vector<CapturedRecord> read_capture(const std::string& data) {
  EXPECT_GE(data.size(), PcapWriter::kFileHeaderSize);
  EXPECT_EQ(read_u32_le(data, 0), PcapWriter::kMagicNanoseconds);
  EXPECT_EQ(read_u32_le(data, 20), PcapWriter::kLinkTypeEthernet);
  std::vector<CapturedRecord> records;
  std::size_t offset = PcapWriter::kFileHeaderSize;
  while (offset + PcapWriter::kRecordHeaderSize <= data.size()) {
    CapturedRecord record;
    record.seconds = read_u32_le(data, offset);
    record.nanoseconds = read_u32_le(data, offset + 4);
    const std::uint32_t captured_length = read_u32_le(data, offset + 8);
    EXPECT_EQ(read_u32_le(data, offset + 12), captured_length);
    offset += PcapWriter::kRecordHeaderSize;
    EXPECT_LE(offset + captured_length, data.size());
    for (std::size_t i = 0; i < captured_length && offset + i < data.size(); ++i) {
      record.frame.push_back(static_cast<std::byte>(data[offset + i]));
    }
    offset += captured_length;
    records.push_back(std::move(record));
  }
  EXPECT_EQ(offset, data.size());
  return records;
}

std::vector<std::byte> mac_bytes(const MacAddress& mac) {
  std::vector<std::byte> octets;
  for (const std::uint8_t octet : mac.octets) octets.push_back(static_cast<std::byte>(octet));
  return octets;
}

std::vector<std::byte> destination_mac_of(const std::vector<std::byte>& frame) {
  return {frame.begin(), frame.begin() + 6};
}

TEST(NetworkCapture, WritesEachTransmissionOnceAtItsDeparture) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const NodeId c = fabric.add_host();
  const NodeId s = fabric.add_switch(us(1));
  for (const NodeId host : {a, b, c}) fabric.link(host, s, us(3), us(3));
  std::ostringstream out(std::ios::binary);
  auto writer = PcapWriter::open(out);
  ASSERT_TRUE(writer.has_value());
  fabric.network.set_capture(&*writer, Timestamp{1'700'000'000, 999'999'000});
  ASSERT_TRUE(fabric.network.detach_host(c, at_us(50)));

  // 1.5 us after the start: the nanoseconds roll over into the next second.
  fabric.send_at(SimTime::from_start(SimDuration::nanoseconds(1500)), a, hal::kPtpPrimaryIpv4, 1);
  fabric.send_at(at_us(10), b, fabric.addresses(c).ipv6, 2);
  fabric.send_at(at_us(20), b, hal::kPtpPrimaryIpv6, 3);
  fabric.send_at(at_us(30), a, hal::IpAddress::v4(10, 9, 9, 9), 4);  // nobody's: never leaves
  fabric.send_at(at_us(60), c, hal::kPtpPrimaryIpv4, 5);             // crashed: sends nothing
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(1000)));

  EXPECT_EQ(writer->records_written(), 3U);
  EXPECT_EQ(fabric.network.counters().capture_errors, 0U);
  // Delivered copies are not written again: 2 + 1 + 2 deliveries, 3 records.
  EXPECT_EQ(fabric.network.counters().delivered, 5U);
  const auto records = read_capture(out.str());
  ASSERT_EQ(records.size(), 3U);

  EXPECT_EQ(records[0].seconds, 1'700'000'001U);
  EXPECT_EQ(records[0].nanoseconds, 500U);
  EXPECT_EQ(destination_mac_of(records[0].frame),
            mac_bytes(*multicast_mac(Ipv4Address{{224, 0, 1, 129}})));

  EXPECT_EQ(records[1].seconds, 1'700'000'001U);
  EXPECT_EQ(records[1].nanoseconds, 9'000U);
  UdpDatagram unicast;
  unicast.source_mac = Network::host_mac(b);
  unicast.destination_mac = Network::host_mac(c);
  unicast.source_ip = Ipv6Address{fabric.addresses(b).ipv6.octets()};
  unicast.destination_ip = Ipv6Address{fabric.addresses(c).ipv6.octets()};
  unicast.source_port = 319;
  unicast.destination_port = 319;
  unicast.hop_limit = 64;
  const std::vector<std::byte> payload = {std::byte{2}, {}, {}, {}, {}, {}, {}, {}};
  unicast.payload = payload;
  EXPECT_EQ(records[1].frame, *frame_udp_datagram(unicast));

  EXPECT_EQ(records[2].nanoseconds, 19'000U);
  EXPECT_EQ(destination_mac_of(records[2].frame),
            mac_bytes(*multicast_mac(Ipv6Address{hal::kPtpPrimaryIpv6.octets()})));
}

TEST(NetworkCapture, CountsCaptureFailuresAndStillDelivers) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  fabric.link(a, b, us(1), us(1));
  std::ostringstream out(std::ios::binary);
  auto writer = PcapWriter::open(out);
  ASSERT_TRUE(writer.has_value());
  // Past what a pcap record's 32-bit seconds can hold.
  fabric.network.set_capture(&*writer, Timestamp{0x1'0000'0000, 0});
  fabric.send_at(at_us(0), a, hal::kPtpPrimaryIpv4, 1);
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(10)));
  EXPECT_EQ(fabric.network.counters().capture_errors, 1U);
  EXPECT_EQ(writer->records_written(), 0U);
  EXPECT_EQ(fabric.receiver(b).arrivals.size(), 1U);

  fabric.network.set_capture(nullptr, Timestamp{});
  fabric.send_at(at_us(20), a, hal::kPtpPrimaryIpv4, 2);
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(30)));
  EXPECT_EQ(fabric.network.counters().capture_errors, 1U);
  EXPECT_EQ(fabric.receiver(b).arrivals.size(), 2U);
}

}  // namespace
}  // namespace ptp::sim
