// Golden byte vectors for every message type, written field by field from IEEE 1588-2019
// clause 13 (and 15.4 for Management), checked in both directions: the bytes decode to the
// expected fields, and the fields encode to exactly the bytes.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "ptp/wire/message.h"
#include "test_bytes.h"

namespace ptp::wire {
namespace {

using test::as_u8;
using test::hex;

const ClockIdentity kSourceClock{{0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56}};
const ClockIdentity kOtherClock{{0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}};

Header make_header(std::uint16_t sequence_id, std::uint8_t control, std::int8_t log_interval) {
  Header header;
  header.domain_number = 4;
  header.source_port_identity = PortIdentity{kSourceClock, 1};
  header.sequence_id = sequence_id;
  header.control_field = control;
  header.log_message_interval = log_interval;
  return header;
}

struct GoldenCase {
  const char* name;
  std::vector<std::byte> bytes;
  Message message;
};

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;

  {  // Sync: two-step, PTP timescale, correction 0x12345678 (about 4660.3 ns).
    Header header = make_header(0x0102, 0x00, -3);
    header.flags = HeaderFlags().set(HeaderFlags::kTwoStep).set(HeaderFlags::kPtpTimescale);
    header.correction_field = TimeInterval::from_scaled(0x12345678);
    header.message_type = MessageType::kSync;
    header.message_length = 44;
    cases.push_back({"Sync",
                     hex("00 | 12 | 002c | 04 | 00 | 0208 | 0000000012345678 | 00000000 |"
                         "001b21fffe123456 0001 | 0102 | 00 | fd |"
                         "000065432100 1dcd6500"),
                     Message{header, Sync{Timestamp{0x65432100, 500'000'000}}, {}}});
  }
  {  // Delay_Req: majorSdoId 1, minorSdoId 0x5a, negative correction.
    Header header = make_header(0xfffe, 0x01, 0x7f);
    header.major_sdo_id = 1;
    header.minor_sdo_id = 0x5a;
    header.correction_field = TimeInterval::from_scaled(-0x10000);
    header.message_type = MessageType::kDelayReq;
    header.message_length = 44;
    cases.push_back({"DelayReq",
                     hex("11 | 12 | 002c | 04 | 5a | 0000 | ffffffffffff0000 | 00000000 |"
                         "001b21fffe123456 0001 | fffe | 01 | 7f |"
                         "000000000000 00000000"),
                     Message{header, DelayReq{}, {}}});
  }
  {  // Pdelay_Req: 10 reserved octets after originTimestamp.
    Header header = make_header(7, 0x05, 0);
    header.message_type = MessageType::kPdelayReq;
    header.message_length = 54;
    cases.push_back({"PdelayReq",
                     hex("02 | 12 | 0036 | 04 | 00 | 0000 | 0000000000000000 | 00000000 |"
                         "001b21fffe123456 0001 | 0007 | 05 | 00 |"
                         "000000000001 00000002 | 00000000000000000000"),
                     Message{header, PdelayReq{Timestamp{1, 2}}, {}}});
  }
  {  // Pdelay_Resp
    Header header = make_header(7, 0x05, 0x7f);
    header.flags = HeaderFlags().set(HeaderFlags::kTwoStep);
    header.message_type = MessageType::kPdelayResp;
    header.message_length = 54;
    cases.push_back(
        {"PdelayResp",
         hex("03 | 12 | 0036 | 04 | 00 | 0200 | 0000000000000000 | 00000000 |"
             "001b21fffe123456 0001 | 0007 | 05 | 7f |"
             "0000000f4240 3b9ac9ff | 001122fffe334455 0002"),
         Message{header,
                 PdelayResp{Timestamp{1'000'000, 999'999'999}, PortIdentity{kOtherClock, 2}},
                 {}}});
  }
  {  // Follow_Up: the 48-bit seconds field at its maximum.
    Header header = make_header(0x0102, 0x02, -3);
    header.message_type = MessageType::kFollowUp;
    header.message_length = 44;
    cases.push_back({"FollowUp",
                     hex("08 | 12 | 002c | 04 | 00 | 0000 | 0000000000000000 | 00000000 |"
                         "001b21fffe123456 0001 | 0102 | 02 | fd |"
                         "ffffffffffff 00000001"),
                     Message{header, FollowUp{Timestamp{Timestamp::kMaxSeconds, 1}}, {}}});
  }
  {  // Delay_Resp: minorVersionPTP 0 (a 1588-2008 sender) is accepted.
    Header header = make_header(0xfffe, 0x03, 0);
    header.minor_version_ptp = 0;
    header.message_type = MessageType::kDelayResp;
    header.message_length = 54;
    cases.push_back(
        {"DelayResp",
         hex("09 | 02 | 0036 | 04 | 00 | 0000 | 0000000000000000 | 00000000 |"
             "001b21fffe123456 0001 | fffe | 03 | 00 |"
             "000065432101 00000064 | 001122fffe334455 0001"),
         Message{header, DelayResp{Timestamp{0x65432101, 100}, PortIdentity{kOtherClock, 1}}, {}}});
  }
  {  // Pdelay_Resp_Follow_Up
    Header header = make_header(7, 0x05, 0x7f);
    header.correction_field = TimeInterval::from_scaled(0x0000000000018000);  // 1.5 ns
    header.message_type = MessageType::kPdelayRespFollowUp;
    header.message_length = 54;
    cases.push_back(
        {"PdelayRespFollowUp",
         hex("0a | 12 | 0036 | 04 | 00 | 0000 | 0000000000018000 | 00000000 |"
             "001b21fffe123456 0001 | 0007 | 05 | 7f |"
             "000000000003 00000004 | 001122fffe334455 0002"),
         Message{header, PdelayRespFollowUp{Timestamp{3, 4}, PortIdentity{kOtherClock, 2}}, {}}});
  }
  {  // Announce: every time-properties flag, GNSS grandmaster, one step removed.
    Header header = make_header(0x0203, 0x05, 1);
    header.flags = HeaderFlags()
                       .set(HeaderFlags::kLeap61)
                       .set(HeaderFlags::kLeap59)
                       .set(HeaderFlags::kCurrentUtcOffsetValid)
                       .set(HeaderFlags::kPtpTimescale)
                       .set(HeaderFlags::kTimeTraceable)
                       .set(HeaderFlags::kFrequencyTraceable)
                       .set(HeaderFlags::kSynchronizationUncertain);
    header.message_type = MessageType::kAnnounce;
    header.message_length = 64;
    Announce body;
    body.current_utc_offset = 37;
    body.grandmaster_priority1 = 128;
    body.grandmaster_clock_quality = ClockQuality{6, ClockAccuracy::kWithin100ns, 0x4e5d};
    body.grandmaster_priority2 = 127;
    body.grandmaster_identity = kOtherClock;
    body.steps_removed = 1;
    body.time_source = TimeSource::kGnss;
    cases.push_back({"Announce",
                     hex("0b | 12 | 0040 | 04 | 00 | 007f | 0000000000000000 | 00000000 |"
                         "001b21fffe123456 0001 | 0203 | 05 | 01 |"
                         "000000000000 00000000 | 0025 | 00 | 80 | 06 21 4e5d | 7f |"
                         "001122fffe334455 | 0001 | 20"),
                     Message{header, body, {}}});
  }
  {  // Signaling addressed to all ports of all clocks, unicast flag.
    Header header = make_header(9, 0x05, 0x7f);
    header.flags = HeaderFlags().set(HeaderFlags::kUnicast);
    header.message_type = MessageType::kSignaling;
    header.message_length = 44;
    cases.push_back({"Signaling",
                     hex("0c | 12 | 002c | 04 | 00 | 0400 | 0000000000000000 | 00000000 |"
                         "001b21fffe123456 0001 | 0009 | 05 | 7f |"
                         "ffffffffffffffff ffff"),
                     Message{header,
                             Signaling{PortIdentity{
                                 ClockIdentity{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
                                 PortIdentity::kAllPorts}},
                             {}}});
  }
  {  // Management: a RESPONSE with hop counts; its TLV is tested in management_tlv_test.cpp.
    Header header = make_header(0x1234, 0x04, 0x7f);
    header.message_type = MessageType::kManagement;
    header.message_length = 48;
    Management body;
    body.target_port_identity = PortIdentity{kOtherClock, 1};
    body.starting_boundary_hops = 2;
    body.boundary_hops = 1;
    body.action = ManagementAction::kResponse;
    cases.push_back({"Management",
                     hex("0d | 12 | 0030 | 04 | 00 | 0000 | 0000000000000000 | 00000000 |"
                         "001b21fffe123456 0001 | 1234 | 04 | 7f |"
                         "001122fffe334455 0001 | 02 | 01 | 02 | 00"),
                     Message{header, body, {}}});
  }
  return cases;
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, DecodesToTheExpectedFields) {
  const GoldenCase& golden = GetParam();
  ASSERT_EQ(golden.bytes.size(), golden.message.header.message_length);
  const auto decoded = decode_message(golden.bytes);
  ASSERT_TRUE(decoded) << to_string(decoded.error());
  EXPECT_EQ(decoded->header, golden.message.header);
  EXPECT_EQ(decoded->body, golden.message.body);
  EXPECT_EQ(decoded->type(), golden.message.header.message_type);
  EXPECT_TRUE(decoded->tlvs.empty());
}

TEST_P(Golden, EncodesToTheExpectedBytes) {
  const GoldenCase& golden = GetParam();
  std::array<std::byte, 128> buffer{};
  const auto size = encode_message(golden.message, buffer);
  ASSERT_TRUE(size) << to_string(size.error());
  EXPECT_EQ(as_u8(std::span(buffer).first(*size)), as_u8(golden.bytes));
}

TEST_P(Golden, EncodeFailsWhenTheBufferIsOneOctetShort) {
  const GoldenCase& golden = GetParam();
  std::vector<std::byte> buffer(golden.bytes.size() - 1);
  const auto size = encode_message(golden.message, buffer);
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error(), WireError::kBufferTooSmall);
}

TEST_P(Golden, TrailingOctetsBeyondMessageLengthAreNotPartOfTheMessage) {
  const GoldenCase& golden = GetParam();
  std::vector<std::byte> padded = golden.bytes;
  padded.resize(padded.size() + 7, std::byte{0xee});
  const auto decoded = decode_message(padded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, *decode_message(golden.bytes));
}

INSTANTIATE_TEST_SUITE_P(AllMessageTypes, Golden, ::testing::ValuesIn(golden_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(GoldenWithTlvs, AnnounceWithPathTraceKeepsItsTlvArea) {
  // Announce + PATH_TRACE (tlvType 0x0008, length 16, two clock identities).
  const auto bytes = hex(
      "0b | 12 | 0054 | 00 | 00 | 0000 | 0000000000000000 | 00000000 |"
      "001b21fffe123456 0001 | 0001 | 05 | 01 |"
      "000000000000 00000000 | 0025 | 00 | 80 | f8 fe ffff | 80 | 001b21fffe123456 | 0000 | a0 |"
      "0008 0010 001b21fffe123456 001122fffe334455");
  const auto decoded = decode_message(bytes);
  ASSERT_TRUE(decoded) << to_string(decoded.error());
  ASSERT_EQ(decoded->tlvs.size(), 20U);
  int count = 0;
  for (const TlvView tlv : decoded->tlv_list()) {
    EXPECT_EQ(tlv.type, TlvType::kPathTrace);
    EXPECT_EQ(tlv.value.size(), 16U);
    ++count;
  }
  EXPECT_EQ(count, 1);
  std::array<std::byte, 128> buffer{};
  const auto size = encode_message(*decoded, buffer);
  ASSERT_TRUE(size);
  EXPECT_EQ(as_u8(std::span(buffer).first(*size)), as_u8(bytes));
}

}  // namespace
}  // namespace ptp::wire
