// Tests of the management responder (1588-2019 clause 15): requests are built with the codec as
// `pmc -u -b 0 '<ACTION> <ID>'` builds them (target all-ones, boundary hops 0, empty dataField for
// GET), and every reply is decoded with the codec and checked field by field.
#include "ptp/core/management_responder.h"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/tlv.h"
#include "test_data_sets.h"

namespace ptp {
namespace {

using test::clock_id;
using test::port_id;
using wire::ManagementAction;
using wire::ManagementErrorId;
using wire::ManagementId;

constexpr std::uint8_t kOurDomain = 24;
constexpr std::uint16_t kOurSdoId = 0x123;  // majorSdoId 1, minorSdoId 0x23
const PortIdentity kOurPort = port_id(0x50, 1);
// pmc over its Unix socket: a zero clock identity and the process id as port number.
const PortIdentity kPmcPort{ClockIdentity{}, 0x2A2A};
const ClockIdentity kAllClocks{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};

// A context where no field holds its default, so a field copied from the wrong place shows.
ManagementContext make_context() {
  ManagementContext context;
  DefaultDataSet& def = context.default_ds;
  def.two_step_flag = true;
  def.slave_only = true;
  def.clock_identity = kOurPort.clock_identity;
  def.number_ports = 3;
  def.clock_quality = {187, ClockAccuracy::kWithin1us, 0x4321};
  def.priority1 = 11;
  def.priority2 = 22;
  def.domain_number = kOurDomain;
  def.sdo_id = kOurSdoId;

  context.current_ds.steps_removed = 4;
  context.current_ds.offset_from_master = TimeInterval::from_scaled(-123456);
  context.current_ds.mean_path_delay = TimeInterval::from_scaled(789012);

  ParentDataSet& parent = context.parent_ds;
  parent.parent_port_identity = port_id(0x77, 2);
  parent.parent_stats = true;
  parent.observed_parent_offset_scaled_log_variance = 0x1000;
  parent.observed_parent_clock_phase_change_rate = -42;
  parent.grandmaster_identity = clock_id(0x78);
  parent.grandmaster_clock_quality = {6, ClockAccuracy::kWithin25ns, 0x2000};
  parent.grandmaster_priority1 = 1;
  parent.grandmaster_priority2 = 2;

  context.time_properties_ds = {36, true, true, false, true, false, true, TimeSource::kGnss};

  PortDataSet& port = context.port_ds;
  port.port_identity = kOurPort;
  port.port_state = PortState::kSlave;
  port.log_min_delay_req_interval = -3;
  port.mean_link_delay = TimeInterval::from_scaled(0x10000);
  port.log_announce_interval = 2;
  port.announce_receipt_timeout = 5;
  port.log_sync_interval = -1;
  port.delay_mechanism = DelayMechanism::kP2P;
  port.log_min_pdelay_req_interval = 3;
  port.version_number = 2;

  context.port_identity = kOurPort;
  context.domain_number = kOurDomain;
  return context;
}

// One management request as pmc sends it; tests change the fields they are about.
struct RequestSpec {
  ManagementAction action = ManagementAction::kGet;
  ManagementId id = ManagementId::kNullManagement;
  wire::ManagementData data = std::monostate{};
  PortIdentity target{kAllClocks, PortIdentity::kAllPorts};
  std::uint8_t domain = kOurDomain;
  std::uint8_t starting_boundary_hops = 0;
  std::uint8_t boundary_hops = 0;
  bool unicast = false;
  std::uint16_t sequence_id = 0x4321;
  // When set, the TLV area as is, in place of the MANAGEMENT TLV built from id and data.
  std::optional<std::vector<std::byte>> raw_tlvs;
};

std::vector<std::byte> encode_request(const RequestSpec& spec) {
  std::array<std::byte, 128> tlv_buffer{};
  wire::TlvWriter writer(tlv_buffer);
  std::span<const std::byte> tlvs;
  if (spec.raw_tlvs) {
    tlvs = *spec.raw_tlvs;
  } else {
    EXPECT_TRUE(wire::append_management_tlv(writer, wire::ManagementTlv{spec.id, spec.data}));
    tlvs = writer.written();
  }
  wire::Header header;
  header.domain_number = spec.domain;
  header.flags.set(wire::HeaderFlags::kUnicast, spec.unicast);
  header.source_port_identity = kPmcPort;
  header.sequence_id = spec.sequence_id;
  header.control_field = 4;
  header.log_message_interval = 0x7F;
  wire::Management body{spec.target, spec.starting_boundary_hops, spec.boundary_hops, spec.action};
  std::vector<std::byte> bytes(256);
  const auto length = wire::encode_message(wire::Message{header, body, tlvs}, bytes);
  EXPECT_TRUE(length);
  bytes.resize(length ? *length : 0);
  return bytes;
}

// The responder's answer to `spec`, with the reply's octets in `reply`.
std::optional<ManagementOutcome> respond(const RequestSpec& spec, const ManagementContext& context,
                                         std::vector<std::byte>& reply) {
  const std::vector<std::byte> bytes = encode_request(spec);
  const auto request = wire::decode_message(bytes);
  if (!request) {
    ADD_FAILURE() << "the request does not decode: " << to_string(request.error());
    return std::nullopt;
  }
  reply.assign(256, std::byte{0xEE});
  const auto outcome = respond_to_management(*request, context, reply);
  if (!outcome) {
    ADD_FAILURE() << "respond_to_management failed: " << to_string(outcome.error());
    return std::nullopt;
  }
  if (*outcome) reply.resize((*outcome)->response_length);
  return *outcome;
}

// The reply's header and body as ptp4l builds them for `spec`, then its single TLV.
wire::TlvView check_reply(const RequestSpec& spec, const std::vector<std::byte>& reply,
                          ManagementAction expected_action, wire::Message& message) {
  const auto decoded = wire::decode_message(reply);
  EXPECT_TRUE(decoded);
  if (!decoded) return {};
  message = *decoded;
  const wire::Header& h = message.header;
  EXPECT_EQ(message.type(), wire::MessageType::kManagement);
  EXPECT_EQ(h.major_sdo_id, 0x1);
  EXPECT_EQ(h.minor_sdo_id, 0x23);
  EXPECT_EQ(h.version_ptp, 2);
  EXPECT_EQ(h.message_length, reply.size());
  EXPECT_EQ(h.domain_number, kOurDomain);
  EXPECT_EQ(h.flags.unicast(), spec.unicast);
  EXPECT_EQ(h.flags.bits() & ~wire::HeaderFlags::kUnicast, 0);
  EXPECT_EQ(h.correction_field.scaled(), 0);
  EXPECT_EQ(h.source_port_identity, kOurPort);
  EXPECT_EQ(h.sequence_id, spec.sequence_id);
  EXPECT_EQ(h.control_field, 4);
  EXPECT_EQ(h.log_message_interval, 0x7F);
  const auto* body = std::get_if<wire::Management>(&message.body);
  EXPECT_NE(body, nullptr);
  if (body == nullptr) return {};
  EXPECT_EQ(body->target_port_identity, kPmcPort);
  const int hops_used = spec.starting_boundary_hops - spec.boundary_hops;
  EXPECT_EQ(body->starting_boundary_hops, hops_used);
  EXPECT_EQ(body->boundary_hops, hops_used);
  EXPECT_EQ(body->action, expected_action);
  const wire::TlvList tlvs = message.tlv_list();
  EXPECT_FALSE(tlvs.empty());
  if (tlvs.empty()) return {};
  EXPECT_EQ(std::next(tlvs.begin()), tlvs.end()) << "one TLV only";
  return *tlvs.begin();
}

// Answers `spec` and returns the reply's MANAGEMENT TLV, after the header checks.
wire::ManagementTlv data_reply(const RequestSpec& spec, const ManagementContext& context,
                               ManagementAction expected_action,
                               std::vector<std::byte>& reply_bytes,
                               std::optional<ManagementOutcome>* outcome_out = nullptr) {
  const std::optional<ManagementOutcome> outcome = respond(spec, context, reply_bytes);
  EXPECT_TRUE(outcome.has_value()) << "no reply";
  if (outcome_out != nullptr) *outcome_out = outcome;
  if (!outcome) return {};
  wire::Message message;
  const wire::TlvView view = check_reply(spec, reply_bytes, expected_action, message);
  EXPECT_EQ(view.type, wire::TlvType::kManagement);
  const auto tlv = wire::decode_management_tlv(view);
  EXPECT_TRUE(tlv);
  return tlv ? *tlv : wire::ManagementTlv{};
}

// Answers `spec` and checks the reply is MANAGEMENT_ERROR_STATUS `error` about `spec.id`.
void expect_error_reply(const RequestSpec& spec, ManagementErrorId error,
                        ManagementAction expected_action = ManagementAction::kResponse) {
  std::vector<std::byte> reply_bytes;
  const std::optional<ManagementOutcome> outcome = respond(spec, make_context(), reply_bytes);
  ASSERT_TRUE(outcome.has_value()) << "no reply";
  EXPECT_FALSE(outcome->change.has_value());
  wire::Message message;
  const wire::TlvView view = check_reply(spec, reply_bytes, expected_action, message);
  ASSERT_EQ(view.type, wire::TlvType::kManagementErrorStatus);
  const auto status = wire::decode_management_error_status_tlv(view);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->error_id, error);
  EXPECT_EQ(status->management_id, spec.id);
  EXPECT_TRUE(status->display_data.empty());
}

void expect_no_reply(const RequestSpec& spec) {
  std::vector<std::byte> reply_bytes;
  EXPECT_EQ(respond(spec, make_context(), reply_bytes), std::nullopt);
  EXPECT_EQ(reply_bytes, std::vector<std::byte>(256, std::byte{0xEE})) << "out was written";
}

RequestSpec get(ManagementId id) {
  RequestSpec spec;
  spec.id = id;
  return spec;
}

RequestSpec set(ManagementId id, std::uint8_t value, std::vector<std::byte>& storage) {
  storage = {std::byte{value}, std::byte{0}};
  RequestSpec spec;
  spec.action = ManagementAction::kSet;
  spec.id = id;
  spec.data = wire::RawManagementData{storage};
  return spec;
}

TEST(ManagementResponderTest, GetDefaultDataSetCarriesDefaultDs) {
  const ManagementContext context = make_context();
  const RequestSpec spec = get(ManagementId::kDefaultDataSet);
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv = data_reply(spec, context, ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kDefaultDataSet);
  const auto* ds = std::get_if<wire::ManagementDefaultDataSet>(&tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_TRUE(ds->two_step);
  EXPECT_TRUE(ds->slave_only);
  EXPECT_EQ(ds->number_ports, 3);
  EXPECT_EQ(ds->priority1, 11);
  EXPECT_EQ(ds->clock_quality, context.default_ds.clock_quality);
  EXPECT_EQ(ds->priority2, 22);
  EXPECT_EQ(ds->clock_identity, kOurPort.clock_identity);
  EXPECT_EQ(ds->domain_number, kOurDomain);
  // 4 + 2 + 20 octets of TLV after the header and the 14-octet management body.
  EXPECT_EQ(reply.size(), 34U + 14U + 26U);
}

TEST(ManagementResponderTest, GetCurrentDataSetCarriesCurrentDs) {
  const ManagementContext context = make_context();
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv =
      data_reply(get(ManagementId::kCurrentDataSet), context, ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kCurrentDataSet);
  const auto* ds = std::get_if<wire::ManagementCurrentDataSet>(&tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->steps_removed, 4);
  EXPECT_EQ(ds->offset_from_master.scaled(), -123456);
  EXPECT_EQ(ds->mean_path_delay.scaled(), 789012);
}

TEST(ManagementResponderTest, GetParentDataSetCarriesParentDs) {
  const ManagementContext context = make_context();
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv =
      data_reply(get(ManagementId::kParentDataSet), context, ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kParentDataSet);
  const auto* ds = std::get_if<wire::ManagementParentDataSet>(&tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->parent_port_identity, port_id(0x77, 2));
  EXPECT_TRUE(ds->parent_stats);
  EXPECT_EQ(ds->observed_parent_offset_scaled_log_variance, 0x1000);
  EXPECT_EQ(ds->observed_parent_clock_phase_change_rate, -42);
  EXPECT_EQ(ds->grandmaster_priority1, 1);
  const ClockQuality expected_quality{6, ClockAccuracy::kWithin25ns, 0x2000};
  EXPECT_EQ(ds->grandmaster_clock_quality, expected_quality);
  EXPECT_EQ(ds->grandmaster_priority2, 2);
  EXPECT_EQ(ds->grandmaster_identity, clock_id(0x78));
  EXPECT_EQ(reply.size(), kMaxManagementReplyLength) << "the longest reply";
}

TEST(ManagementResponderTest, GetTimePropertiesDataSetCarriesTimePropertiesDs) {
  const ManagementContext context = make_context();
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv = data_reply(get(ManagementId::kTimePropertiesDataSet), context,
                                             ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kTimePropertiesDataSet);
  const auto* ds = std::get_if<wire::ManagementTimePropertiesDataSet>(&tlv.data);
  ASSERT_NE(ds, nullptr);
  // The context has {36, utcValid, leap59, !leap61, timeTraceable, !frequencyTraceable, ptp}.
  EXPECT_EQ(ds->current_utc_offset, 36);
  EXPECT_TRUE(ds->current_utc_offset_valid);
  EXPECT_TRUE(ds->leap59);
  EXPECT_FALSE(ds->leap61);
  EXPECT_TRUE(ds->time_traceable);
  EXPECT_FALSE(ds->frequency_traceable);
  EXPECT_TRUE(ds->ptp_timescale);
  EXPECT_EQ(ds->time_source, TimeSource::kGnss);
}

TEST(ManagementResponderTest, GetPortDataSetCarriesPortDs) {
  const ManagementContext context = make_context();
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv =
      data_reply(get(ManagementId::kPortDataSet), context, ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kPortDataSet);
  const auto* ds = std::get_if<wire::ManagementPortDataSet>(&tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->port_identity, kOurPort);
  EXPECT_EQ(ds->port_state, 9);  // SLAVE
  EXPECT_EQ(ds->log_min_delay_req_interval, -3);
  EXPECT_EQ(ds->peer_mean_path_delay.scaled(), 0x10000);
  EXPECT_EQ(ds->log_announce_interval, 2);
  EXPECT_EQ(ds->announce_receipt_timeout, 5);
  EXPECT_EQ(ds->log_sync_interval, -1);
  EXPECT_EQ(ds->delay_mechanism, 2);  // P2P
  EXPECT_EQ(ds->log_min_pdelay_req_interval, 3);
  EXPECT_EQ(ds->version_number, 2);
}

TEST(ManagementResponderTest, GetNullManagementIsAnsweredWithoutData) {
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv = data_reply(get(ManagementId::kNullManagement), make_context(),
                                             ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kNullManagement);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(tlv.data));
}

TEST(ManagementResponderTest, CommandNullManagementIsAcknowledged) {
  RequestSpec spec = get(ManagementId::kNullManagement);
  spec.action = ManagementAction::kCommand;
  std::vector<std::byte> reply;
  std::optional<ManagementOutcome> outcome;
  const wire::ManagementTlv tlv =
      data_reply(spec, make_context(), ManagementAction::kAcknowledge, reply, &outcome);
  EXPECT_EQ(tlv.management_id, ManagementId::kNullManagement);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(tlv.data));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->change.has_value());
}

TEST(ManagementResponderTest, GetPriority1CarriesTheCurrentValue) {
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv =
      data_reply(get(ManagementId::kPriority1), make_context(), ManagementAction::kResponse, reply);
  const auto* raw = std::get_if<wire::RawManagementData>(&tlv.data);
  ASSERT_NE(raw, nullptr);
  ASSERT_EQ(raw->octets.size(), 2U);
  EXPECT_EQ(raw->octets[0], std::byte{11});
  EXPECT_EQ(raw->octets[1], std::byte{0});
}

TEST(ManagementResponderTest, ReplyEchoesSequenceIdHopsAndUnicast) {
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.sequence_id = 0xBEEF;
  spec.starting_boundary_hops = 3;
  spec.boundary_hops = 1;
  spec.unicast = true;
  std::vector<std::byte> reply;
  // check_reply (inside data_reply) expects sequenceId 0xBEEF, both hop counts 2 and unicast.
  const wire::ManagementTlv tlv =
      data_reply(spec, make_context(), ManagementAction::kResponse, reply);
  EXPECT_EQ(tlv.management_id, ManagementId::kDefaultDataSet);
}

TEST(ManagementResponderTest, RequestAddressedToUsExactlyIsAnswered) {
  for (const PortIdentity target : {kOurPort, PortIdentity{kOurPort.clock_identity, 0xFFFF},
                                    PortIdentity{kAllClocks, kOurPort.port_number}}) {
    RequestSpec spec = get(ManagementId::kNullManagement);
    spec.target = target;
    std::vector<std::byte> reply;
    EXPECT_TRUE(respond(spec, make_context(), reply).has_value())
        << "target port " << target.port_number;
  }
}

TEST(ManagementResponderTest, RequestForAnotherClockIsNotAnswered) {
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.target = PortIdentity{clock_id(0x51), PortIdentity::kAllPorts};
  expect_no_reply(spec);
}

TEST(ManagementResponderTest, RequestForAnotherPortIsNotAnswered) {
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.target = PortIdentity{kAllClocks, 2};
  expect_no_reply(spec);
  spec.target = PortIdentity{kOurPort.clock_identity, 0};
  expect_no_reply(spec);
}

TEST(ManagementResponderTest, RequestInAnotherDomainIsNotAnswered) {
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.domain = kOurDomain + 1;
  expect_no_reply(spec);
}

TEST(ManagementResponderTest, RepliesAreNotAnswered) {
  for (const ManagementAction action : {ManagementAction::kResponse, ManagementAction::kAcknowledge,
                                        static_cast<ManagementAction>(5)}) {
    RequestSpec spec = get(ManagementId::kNullManagement);
    spec.action = action;
    expect_no_reply(spec);
  }
}

TEST(ManagementResponderTest, RequestWithoutOneManagementTlvIsNotAnswered) {
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.raw_tlvs = std::vector<std::byte>{};  // no TLV at all
  expect_no_reply(spec);
  // A MANAGEMENT_ERROR_STATUS TLV where the MANAGEMENT TLV should be.
  spec.raw_tlvs =
      std::vector<std::byte>{std::byte{0x00}, std::byte{0x02}, std::byte{0x00}, std::byte{0x08},
                             std::byte{0x00}, std::byte{0x06}, std::byte{0x20}, std::byte{0x00},
                             std::byte{0},    std::byte{0},    std::byte{0},    std::byte{0}};
  expect_no_reply(spec);
  // Two MANAGEMENT TLVs (GET NULL_MANAGEMENT twice).
  const std::vector<std::byte> one{std::byte{0x00}, std::byte{0x01}, std::byte{0x00},
                                   std::byte{0x02}, std::byte{0x00}, std::byte{0x00}};
  spec.raw_tlvs = one;
  spec.raw_tlvs->insert(spec.raw_tlvs->end(), one.begin(), one.end());
  expect_no_reply(spec);
  // A MANAGEMENT TLV too short for its managementId.
  spec.raw_tlvs =
      std::vector<std::byte>{std::byte{0x00}, std::byte{0x01}, std::byte{0x00}, std::byte{0x00}};
  expect_no_reply(spec);
}

TEST(ManagementResponderTest, NonManagementMessageIsNotAnswered) {
  wire::Message signaling{wire::Header{}, wire::Signaling{{kAllClocks, 0xFFFF}}, {}};
  signaling.header.domain_number = kOurDomain;
  std::array<std::byte, 128> out{};
  const auto outcome = respond_to_management(signaling, make_context(), out);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->has_value());
}

TEST(ManagementResponderTest, GetOfAnUnsupportedIdIsNotSupported) {
  expect_error_reply(get(ManagementId::kClockDescription), ManagementErrorId::kNotSupported);
  expect_error_reply(get(ManagementId::kLogSyncInterval), ManagementErrorId::kNotSupported);
  expect_error_reply(get(static_cast<ManagementId>(0x3001)), ManagementErrorId::kNotSupported);
}

TEST(ManagementResponderTest, GetOfAnIdOutsideTheStandardIsNoSuchId) {
  expect_error_reply(get(static_cast<ManagementId>(0x1234)), ManagementErrorId::kNoSuchId);
  expect_error_reply(get(static_cast<ManagementId>(0x2022)), ManagementErrorId::kNoSuchId);
  // TIME_STATUS_NP: ptp4l's own, implementation-specific range.
  expect_error_reply(get(static_cast<ManagementId>(0xC000)), ManagementErrorId::kNoSuchId);
}

TEST(ManagementResponderTest, GetIgnoresItsDataFieldAsPmcSendsOne) {
  // pmc sends a GET with a zero-filled dataField of the data set's size; ptp4l answers it.
  const ManagementContext context = make_context();
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.data = wire::ManagementDefaultDataSet{};
  std::vector<std::byte> reply;
  const wire::ManagementTlv tlv = data_reply(spec, context, ManagementAction::kResponse, reply);
  const auto* ds = std::get_if<wire::ManagementDefaultDataSet>(&tlv.data);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->priority1, 11);
  // Four octets where DEFAULT_DATA_SET needs twenty: the codec refuses the TLV, the GET is still
  // answered from its managementId.
  spec.data = std::monostate{};
  spec.raw_tlvs = std::vector<std::byte>{
      std::byte{0x00}, std::byte{0x01}, std::byte{0x00}, std::byte{0x06}, std::byte{0x20},
      std::byte{0x00}, std::byte{1},    std::byte{2},    std::byte{3},    std::byte{4}};
  std::vector<std::byte> second_reply;
  const wire::ManagementTlv second =
      data_reply(spec, context, ManagementAction::kResponse, second_reply);
  EXPECT_NE(std::get_if<wire::ManagementDefaultDataSet>(&second.data), nullptr);
  // A COMMAND with data is still refused: NULL_MANAGEMENT carries none.
  RequestSpec command = get(ManagementId::kNullManagement);
  command.action = ManagementAction::kCommand;
  std::vector<std::byte> storage{std::byte{1}, std::byte{2}};
  command.data = wire::RawManagementData{storage};
  expect_error_reply(command, ManagementErrorId::kWrongLength, ManagementAction::kAcknowledge);
}

TEST(ManagementResponderTest, SetOfADataSetIsNotSetable) {
  RequestSpec spec = get(ManagementId::kDefaultDataSet);
  spec.action = ManagementAction::kSet;
  spec.data = wire::ManagementDefaultDataSet{};
  expect_error_reply(spec, ManagementErrorId::kNotSetable);
}

TEST(ManagementResponderTest, SetOfAnUnsupportedIdIsNotSupported) {
  std::vector<std::byte> storage;
  expect_error_reply(set(ManagementId::kLogSyncInterval, 1, storage),
                     ManagementErrorId::kNotSupported);
}

TEST(ManagementResponderTest, CommandOtherThanNullManagementIsNotSupported) {
  RequestSpec spec = get(ManagementId::kEnablePort);
  spec.action = ManagementAction::kCommand;
  expect_error_reply(spec, ManagementErrorId::kNotSupported, ManagementAction::kAcknowledge);
}

TEST(ManagementResponderTest, SetPriority1ReturnsTheChangeAndTheNewValue) {
  const ManagementContext context = make_context();
  std::vector<std::byte> storage;
  const RequestSpec spec = set(ManagementId::kPriority1, 77, storage);
  std::vector<std::byte> reply;
  std::optional<ManagementOutcome> outcome;
  const wire::ManagementTlv tlv =
      data_reply(spec, context, ManagementAction::kResponse, reply, &outcome);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->change, (ManagementChange{ManagementSetting::kPriority1, 77}));
  EXPECT_EQ(tlv.management_id, ManagementId::kPriority1);
  const auto* raw = std::get_if<wire::RawManagementData>(&tlv.data);
  ASSERT_NE(raw, nullptr);
  ASSERT_EQ(raw->octets.size(), 2U);
  EXPECT_EQ(raw->octets[0], std::byte{77});
  EXPECT_EQ(raw->octets[1], std::byte{0});

  const DefaultDataSet changed = with_management_change(context.default_ds, *outcome->change);
  EXPECT_EQ(changed.priority1, 77);
  DefaultDataSet expected = context.default_ds;
  expected.priority1 = 77;
  EXPECT_EQ(changed, expected) << "only priority1 changes";
}

TEST(ManagementResponderTest, SetPriority2AndDomainReturnTheirChanges) {
  std::vector<std::byte> storage;
  std::vector<std::byte> reply;
  std::optional<ManagementOutcome> outcome;
  data_reply(set(ManagementId::kPriority2, 200, storage), make_context(),
             ManagementAction::kResponse, reply, &outcome);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->change, (ManagementChange{ManagementSetting::kPriority2, 200}));

  data_reply(set(ManagementId::kDomain, 127, storage), make_context(), ManagementAction::kResponse,
             reply, &outcome);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->change, (ManagementChange{ManagementSetting::kDomainNumber, 127}));
  EXPECT_EQ(with_management_change(DefaultDataSet{}, *outcome->change).domain_number, 127);
}

TEST(ManagementResponderTest, SetDomainOutsideTheUserRangeIsWrongValue) {
  std::vector<std::byte> storage;
  expect_error_reply(set(ManagementId::kDomain, 128, storage), ManagementErrorId::kWrongValue);
}

TEST(ManagementResponderTest, SetPriority1WithWrongLengthIsWrongLength) {
  const std::vector<std::byte> four{std::byte{77}, std::byte{0}, std::byte{0}, std::byte{0}};
  RequestSpec spec = get(ManagementId::kPriority1);
  spec.action = ManagementAction::kSet;
  spec.data = wire::RawManagementData{four};
  expect_error_reply(spec, ManagementErrorId::kWrongLength);
  spec.data = std::monostate{};  // no value at all
  expect_error_reply(spec, ManagementErrorId::kWrongLength);
}

TEST(ManagementResponderTest, TooSmallBufferIsAnError) {
  const std::vector<std::byte> bytes = encode_request(get(ManagementId::kDefaultDataSet));
  const auto request = wire::decode_message(bytes);
  ASSERT_TRUE(request);
  constexpr std::size_t kReplySize = 34 + 14 + 26;
  std::array<std::byte, kReplySize> out{};
  const auto fits = respond_to_management(*request, make_context(), out);
  ASSERT_TRUE(fits);
  ASSERT_TRUE(fits->has_value());
  EXPECT_EQ((*fits)->response_length, kReplySize);
  const auto too_small =
      respond_to_management(*request, make_context(), std::span(out).first(kReplySize - 1));
  ASSERT_FALSE(too_small);
  EXPECT_EQ(too_small.error(), wire::WireError::kBufferTooSmall);
}

TEST(ManagementResponderTest, ConversionsCopyEveryField) {
  const ManagementContext context = make_context();
  wire::ManagementDefaultDataSet default_ds;
  default_ds.two_step = true;
  default_ds.slave_only = true;
  default_ds.number_ports = 3;
  default_ds.priority1 = 11;
  default_ds.clock_quality = context.default_ds.clock_quality;
  default_ds.priority2 = 22;
  default_ds.clock_identity = kOurPort.clock_identity;
  default_ds.domain_number = kOurDomain;
  EXPECT_EQ(to_management_data_set(context.default_ds), default_ds);

  const wire::ManagementPortDataSet port = to_management_data_set(context.port_ds);
  EXPECT_EQ(port.port_state, static_cast<std::uint8_t>(PortState::kSlave));
  EXPECT_EQ(port.delay_mechanism, static_cast<std::uint8_t>(DelayMechanism::kP2P));
  EXPECT_EQ(port.peer_mean_path_delay, context.port_ds.mean_link_delay);
}

}  // namespace
}  // namespace ptp
