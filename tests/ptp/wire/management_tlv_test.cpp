// Golden vectors for the MANAGEMENT TLV data sets a `pmc` GET needs (IEEE 1588-2019 15.5.3),
// NULL_MANAGEMENT and MANAGEMENT_ERROR_STATUS, in both directions, and their length checks.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "test_bytes.h"

namespace ptp::wire {
namespace {

using test::as_u8;
using test::hex;

const ClockIdentity kLocalClock{{0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56}};
const ClockIdentity kParentClock{{0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}};

struct ManagementGolden {
  const char* name;
  std::vector<std::byte> bytes;  // the whole TLV
  ManagementTlv tlv;
};

std::vector<ManagementGolden> management_goldens() {
  std::vector<ManagementGolden> cases;
  cases.push_back({"GetDefaultDataSet", hex("0001 0002 2000"),
                   ManagementTlv{ManagementId::kDefaultDataSet, std::monostate{}}});
  cases.push_back({"NullManagement", hex("0001 0002 0000"),
                   ManagementTlv{ManagementId::kNullManagement, std::monostate{}}});
  {
    ManagementDefaultDataSet ds;
    ds.two_step = true;
    ds.slave_only = true;
    ds.number_ports = 1;
    ds.priority1 = 128;
    ds.clock_quality = ClockQuality{248, ClockAccuracy::kUnknown, 0xffff};
    ds.priority2 = 127;
    ds.clock_identity = kLocalClock;
    ds.domain_number = 24;
    cases.push_back({"DefaultDataSet",
                     hex("0001 0016 2000 | 03 00 | 0001 | 80 | f8 fe ffff | 7f |"
                         "001b21fffe123456 | 18 | 00"),
                     ManagementTlv{ManagementId::kDefaultDataSet, ds}});
  }
  {
    ManagementCurrentDataSet ds;
    ds.steps_removed = 2;
    ds.offset_from_master = TimeInterval::from_scaled(-0x20000);
    ds.mean_path_delay = TimeInterval::from_scaled(0x640000);
    cases.push_back({"CurrentDataSet",
                     hex("0001 0014 2001 | 0002 | fffffffffffe0000 | 0000000000640000"),
                     ManagementTlv{ManagementId::kCurrentDataSet, ds}});
  }
  {
    ManagementParentDataSet ds;
    ds.parent_port_identity = PortIdentity{kParentClock, 1};
    ds.parent_stats = true;
    ds.observed_parent_offset_scaled_log_variance = 0x4e5d;
    ds.observed_parent_clock_phase_change_rate = -2;
    ds.grandmaster_priority1 = 127;
    ds.grandmaster_clock_quality = ClockQuality{6, ClockAccuracy::kWithin100ns, 0x4e5d};
    ds.grandmaster_priority2 = 128;
    ds.grandmaster_identity = kParentClock;
    cases.push_back({"ParentDataSet",
                     hex("0001 0022 2002 | 001122fffe334455 0001 | 01 | 00 | 4e5d | fffffffe |"
                         "7f | 06 21 4e5d | 80 | 001122fffe334455"),
                     ManagementTlv{ManagementId::kParentDataSet, ds}});
  }
  {
    ManagementTimePropertiesDataSet ds;
    ds.current_utc_offset = 37;
    ds.current_utc_offset_valid = true;
    ds.ptp_timescale = true;
    ds.time_traceable = true;
    ds.frequency_traceable = true;
    ds.leap59 = true;
    ds.time_source = TimeSource::kGnss;
    cases.push_back({"TimePropertiesDataSet", hex("0001 0006 2003 | 0025 | 3e | 20"),
                     ManagementTlv{ManagementId::kTimePropertiesDataSet, ds}});
  }
  {
    ManagementPortDataSet ds;
    ds.port_identity = PortIdentity{kLocalClock, 1};
    ds.port_state = 9;  // SLAVE
    ds.log_min_delay_req_interval = -4;
    ds.peer_mean_path_delay = TimeInterval::from_scaled(0);
    ds.log_announce_interval = 1;
    ds.announce_receipt_timeout = 3;
    ds.log_sync_interval = -3;
    ds.delay_mechanism = 1;
    ds.log_min_pdelay_req_interval = 0;
    ds.version_number = 2;
    cases.push_back({"PortDataSet",
                     hex("0001 001c 2004 | 001b21fffe123456 0001 | 09 | fc | 0000000000000000 |"
                         "01 | 03 | fd | 01 | 00 | 02"),
                     ManagementTlv{ManagementId::kPortDataSet, ds}});
  }
  return cases;
}

class ManagementTlvGolden : public ::testing::TestWithParam<ManagementGolden> {};

TEST_P(ManagementTlvGolden, Decodes) {
  const auto& golden = GetParam();
  ASSERT_TRUE(validate_tlv_area(golden.bytes));
  const TlvView view = *TlvList(golden.bytes).begin();
  const auto decoded = decode_management_tlv(view);
  ASSERT_TRUE(decoded) << to_string(decoded.error());
  EXPECT_EQ(*decoded, golden.tlv);
}

TEST_P(ManagementTlvGolden, Encodes) {
  const auto& golden = GetParam();
  std::array<std::byte, 64> buffer{};
  TlvWriter writer(buffer);
  ASSERT_TRUE(append_management_tlv(writer, golden.tlv));
  EXPECT_EQ(as_u8(writer.written()), as_u8(golden.bytes));
}

TEST_P(ManagementTlvGolden, RejectsADataFieldOneOctetShort) {
  const auto& golden = GetParam();
  std::vector<std::byte> shorter(golden.bytes.begin(), golden.bytes.end() - 1);
  shorter[3] = static_cast<std::byte>(static_cast<std::uint8_t>(shorter[3]) - 1);
  const auto decoded = decode_management_tlv(*TlvList(shorter).begin());
  ASSERT_FALSE(decoded);
  // With an empty dataField, one octet less cuts into the managementId itself.
  EXPECT_EQ(decoded.error(),
            golden.bytes.size() == 6 ? WireError::kBadTlvLength : WireError::kBadManagementLength);
}

INSTANTIATE_TEST_SUITE_P(DataSets, ManagementTlvGolden, ::testing::ValuesIn(management_goldens()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ManagementTlv, UntypedIdsKeepTheirDataFieldRaw) {
  const auto bytes = hex("0001 0004 2005 80 00");  // PRIORITY1 = 128, pad
  const auto decoded = decode_management_tlv(*TlvList(bytes).begin());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->management_id, ManagementId::kPriority1);
  const auto* raw = std::get_if<RawManagementData>(&decoded->data);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(as_u8(raw->octets), (std::vector<std::uint8_t>{0x80, 0x00}));
}

TEST(ManagementTlv, OddDataFieldIsMalformed) {
  const auto bytes = hex("0001 0005 2005 80 00 00");
  const auto decoded = decode_management_tlv(*TlvList(bytes).begin());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), WireError::kBadManagementLength);
}

TEST(ManagementTlv, OddRawDataGetsAPadOctet) {
  const auto priority = hex("80");
  std::array<std::byte, 16> buffer{};
  TlvWriter writer(buffer);
  ASSERT_TRUE(append_management_tlv(
      writer, ManagementTlv{ManagementId::kPriority1, RawManagementData{priority}}));
  EXPECT_EQ(as_u8(writer.written()), as_u8(hex("0001 0004 2005 80 00")));
}

TEST(ManagementTlv, TypedDataMustMatchItsId) {
  std::array<std::byte, 64> buffer{};
  TlvWriter writer(buffer);
  const auto result = append_management_tlv(
      writer, ManagementTlv{ManagementId::kPortDataSet, ManagementDefaultDataSet{}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), WireError::kValueOutOfRange);
}

TEST(ManagementTlv, NullManagementWithDataIsRejected) {
  const auto bytes = hex("0001 0004 0000 0000");
  const auto decoded = decode_management_tlv(*TlvList(bytes).begin());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), WireError::kBadManagementLength);
}

TEST(ManagementTlv, TooShortForAManagementIdIsABadTlvLength) {
  const auto bytes = hex("0001 0001 20");
  const auto decoded = decode_management_tlv(*TlvList(bytes).begin());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
}

TEST(ManagementErrorStatusTlv, GoldenWithDisplayData) {
  const auto bytes = hex("0002 000e | 0002 | 2005 | 00000000 | 05 68656c6c6f");
  const auto decoded = decode_management_error_status_tlv(*TlvList(bytes).begin());
  ASSERT_TRUE(decoded) << to_string(decoded.error());
  EXPECT_EQ(decoded->error_id, ManagementErrorId::kNoSuchId);
  EXPECT_EQ(decoded->management_id, ManagementId::kPriority1);
  EXPECT_EQ(decoded->display_data, "hello");
  std::array<std::byte, 32> buffer{};
  TlvWriter writer(buffer);
  ASSERT_TRUE(append_management_error_status_tlv(writer, *decoded));
  EXPECT_EQ(as_u8(writer.written()), as_u8(bytes));
}

TEST(ManagementErrorStatusTlv, OddDisplayDataIsPadded) {
  std::array<std::byte, 32> buffer{};
  TlvWriter writer(buffer);
  ASSERT_TRUE(append_management_error_status_tlv(
      writer, {ManagementErrorId::kNotSupported, ManagementId::kTime, "hi"}));
  EXPECT_EQ(as_u8(writer.written()), as_u8(hex("0002 000c 0006 200f 00000000 02 6869 00")));
}

TEST(ManagementErrorStatusTlv, DisplayDataPastTheValueIsRejected) {
  const auto bytes = hex("0002 000a | 0002 | 2005 | 00000000 | 05 68");
  const auto decoded = decode_management_error_status_tlv(*TlvList(bytes).begin());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), WireError::kBadTlvLength);
}

TEST(ManagementMessage, PmcStyleGetOfTheCurrentDataSet) {
  // A GET as pmc sends it: to all clocks and ports, boundary hops 0, one MANAGEMENT TLV.
  const auto bytes =
      hex("0d | 12 | 0036 | 00 | 00 | 0000 | 0000000000000000 | 00000000 |"
          "001b21fffe123456 0001 | 0005 | 04 | 7f |"
          "ffffffffffffffff ffff | 00 | 00 | 00 | 00 | 0001 0002 2001");
  const auto message = decode_message(bytes);
  ASSERT_TRUE(message) << to_string(message.error());
  const auto& body = std::get<Management>(message->body);
  EXPECT_EQ(body.action, ManagementAction::kGet);
  EXPECT_EQ(body.target_port_identity.port_number, PortIdentity::kAllPorts);
  const auto tlv = decode_management_tlv(*message->tlv_list().begin());
  ASSERT_TRUE(tlv);
  EXPECT_EQ(tlv->management_id, ManagementId::kCurrentDataSet);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(tlv->data));
}

}  // namespace
}  // namespace ptp::wire
