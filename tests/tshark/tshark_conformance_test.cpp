// Wireshark conformance: the codec's output must be what an independent, widely used dissector
// expects. The test encodes every message type (and the TLVs and management data sets the stack
// uses) with distinctive field values, records them in a pcap file over UDP/IPv4 to 224.0.1.129
// and UDP/IPv6 to ff0e::181, has tshark dissect the file, and compares every field tshark shows
// with the value the message was built from. Any malformed packet or expert info (such as a bad
// IPv4 or UDP checksum, which tshark is told to verify) fails the test.
//
// tshark is found by CMake and its path compiled in. A missing tshark is a failure, not a skip:
// CI installs it (scripts/install-deps.sh), so its absence means a broken environment.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/sim/pcap_writer.h"
#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/organization_extension_tlv.h"
#include "ptp/wire/path_trace_tlv.h"
#include "ptp/wire/unicast_negotiation_tlv.h"

namespace ptp::wire {
namespace {

// ---------------------------------------------------------------------------------------------
// What tshark must show.

// One field as tshark -T fields prints it. Normally the field must occur exactly as `values`
// lists (in order, no more, no fewer). With `every_occurrence` the field must occur at least once
// and every occurrence must equal values[0]: tshark 4.0 adds some fields (displayData) to the
// tree twice, and that is the dissector's business, not the codec's.
struct FieldExpectation {
  std::string field;
  std::vector<std::string> values;
  bool every_occurrence = false;
};

using FieldExpectations = std::vector<FieldExpectation>;

void expect_field(FieldExpectations& out, std::string field, std::string value) {
  out.push_back({std::move(field), {std::move(value)}, false});
}

struct ExpectedPacket {
  std::string description;  // names the packet in failure messages
  std::vector<std::byte> frame;
  FieldExpectations fields;
};

// Renderings that match tshark's -T fields output for each field type involved.
std::string dec(std::int64_t value) { return std::to_string(value); }
std::string udec(std::uint64_t value) { return std::to_string(value); }

std::string hex(std::uint64_t value, int digits) {
  std::ostringstream out;
  out << "0x" << std::hex << std::setw(digits) << std::setfill('0') << value;
  return out.str();
}

// FT_UINT64 shown in hex: clockIdentity, grandmasterIdentity, pathSequence...
std::string clock_identity_text(const ClockIdentity& identity) {
  std::uint64_t value = 0;
  for (std::uint8_t octet : identity.octets) value = (value << 8U) | octet;
  return hex(value, 16);
}

// tshark splits a TimeInterval into whole nanoseconds (an FT_UINT64, so a negative value shows
// as its two's complement) and a fraction of a nanosecond (an FT_DOUBLE). The test only uses
// fractions that print exactly (multiples of 1/4) and no fraction on negative values.
std::string interval_ns_text(TimeInterval interval) {
  return udec(static_cast<std::uint64_t>(interval.to_nanoseconds().count()));
}

std::string interval_subns_text(TimeInterval interval) {
  std::ostringstream out;
  out << static_cast<double>(interval.fractional_part()) / 65536.0;
  return out.str();
}

std::string bool_text(bool value) { return value ? "1" : "0"; }

// ---------------------------------------------------------------------------------------------
// The messages, built with the codec.

const ClockIdentity kSourceClock{{0x00, 0x1B, 0x21, 0xFF, 0xFE, 0x4A, 0x5C, 0x6D}};
const ClockIdentity kRequesterClock{{0xAC, 0xDE, 0x48, 0xFF, 0xFE, 0x01, 0x02, 0x03}};
const ClockIdentity kGrandmasterClock{{0x00, 0x80, 0x63, 0xFF, 0xFE, 0x12, 0x34, 0x56}};
const ClockIdentity kBoundaryClock{{0x70, 0xB3, 0xD5, 0xFF, 0xFE, 0x9A, 0xBC, 0xDE}};
const ClockIdentity kAllOnesClock{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};
constexpr std::uint16_t kSourcePort = 3;
constexpr std::uint8_t kDomain = 42;
constexpr std::uint8_t kMinorSdoId = 0x5A;
constexpr std::int8_t kNoInterval = 0x7F;  // logMessageInterval of management and signaling

// One encoded message and what tshark must show for it beyond the common header fields.
struct MessageCase {
  std::string name;
  std::vector<std::byte> octets;
  FieldExpectations fields;
};

// The header every case starts from; the per-case values keep the messages distinguishable.
Header make_header(MessageType type, std::uint16_t sequence_id, std::uint16_t flags,
                   TimeInterval correction, std::int8_t log_message_interval) {
  Header header;
  header.domain_number = kDomain;
  header.minor_sdo_id = kMinorSdoId;
  header.flags = HeaderFlags(flags);
  header.correction_field = correction;
  header.source_port_identity = PortIdentity{kSourceClock, kSourcePort};
  header.sequence_id = sequence_id;
  header.control_field = default_control_field(type);
  header.log_message_interval = log_message_interval;
  return header;
}

TimeInterval ns_and_quarters(std::int64_t nanoseconds, std::int64_t quarters) {
  return TimeInterval::from_scaled(nanoseconds * 65536 + quarters * 16384);
}

void expect_header(FieldExpectations& out, const Message& message, std::size_t encoded_length) {
  const Header& h = message.header;
  expect_field(out, "ptp.v2.majorsdoid", hex(h.major_sdo_id, 2));
  expect_field(out, "ptp.v2.messagetype", hex(static_cast<std::uint8_t>(message.type()), 2));
  expect_field(out, "ptp.v2.minorversionptp", dec(h.minor_version_ptp));
  expect_field(out, "ptp.v2.versionptp", "2");
  expect_field(out, "ptp.v2.messagelength", udec(encoded_length));
  expect_field(out, "ptp.v2.domainnumber", dec(h.domain_number));
  expect_field(out, "ptp.v2.minorsdoid", dec(h.minor_sdo_id));
  expect_field(out, "ptp.v2.flags", hex(h.flags.bits(), 4));
  expect_field(out, "ptp.v2.flags.alternatemaster", bool_text(h.flags.alternate_master()));
  expect_field(out, "ptp.v2.flags.twostep", bool_text(h.flags.two_step()));
  expect_field(out, "ptp.v2.flags.unicast", bool_text(h.flags.unicast()));
  expect_field(out, "ptp.v2.flags.specific1", bool_text(h.flags.profile_specific_1()));
  expect_field(out, "ptp.v2.flags.specific2", bool_text(h.flags.profile_specific_2()));
  expect_field(out, "ptp.v2.flags.li61", bool_text(h.flags.leap61()));
  expect_field(out, "ptp.v2.flags.li59", bool_text(h.flags.leap59()));
  expect_field(out, "ptp.v2.flags.utcreasonable", bool_text(h.flags.current_utc_offset_valid()));
  expect_field(out, "ptp.v2.flags.timescale", bool_text(h.flags.ptp_timescale()));
  expect_field(out, "ptp.v2.flags.timetraceable", bool_text(h.flags.time_traceable()));
  expect_field(out, "ptp.v2.flags.frequencytraceable", bool_text(h.flags.frequency_traceable()));
  expect_field(out, "ptp.v2.flags.synchronizationUncertain",
               bool_text(h.flags.synchronization_uncertain()));
  expect_field(out, "ptp.v2.correction.ns", interval_ns_text(h.correction_field));
  expect_field(out, "ptp.v2.correction.subns", interval_subns_text(h.correction_field));
  expect_field(out, "ptp.v2.messagetypespecific", udec(h.message_type_specific));
  expect_field(out, "ptp.v2.clockidentity",
               clock_identity_text(h.source_port_identity.clock_identity));
  expect_field(out, "ptp.v2.sourceportid", dec(h.source_port_identity.port_number));
  expect_field(out, "ptp.v2.sequenceid", dec(h.sequence_id));
  expect_field(out, "ptp.v2.controlfield", dec(h.control_field));
  expect_field(out, "ptp.v2.logmessageperiod", dec(h.log_message_interval));
}

// Encodes `message` and adds the header expectations to `body_fields`.
MessageCase encode_case(std::string name, const Message& message, FieldExpectations body_fields) {
  MessageCase out{std::move(name), std::vector<std::byte>(kMaxMessageLength), {}};
  const auto length = encode_message(message, out.octets);
  if (!length) {
    ADD_FAILURE() << out.name << ": encode_message failed: " << to_string(length.error());
    out.octets.clear();
    return out;
  }
  out.octets.resize(*length);
  expect_header(out.fields, message, *length);
  out.fields.insert(out.fields.end(), body_fields.begin(), body_fields.end());
  return out;
}

void expect_timestamp(FieldExpectations& out, const std::string& prefix, const Timestamp& ts) {
  expect_field(out, prefix + ".seconds", udec(ts.seconds));
  expect_field(out, prefix + ".nanoseconds", udec(ts.nanoseconds));
}

std::vector<MessageCase> event_message_cases() {
  std::vector<MessageCase> cases;
  {
    const Timestamp origin{0x12'3456'789A, 987'654'321};  // above 2^32 s: all 48 bits matter
    const Message message{make_header(MessageType::kSync, 0x1001,
                                      HeaderFlags::kTwoStep | HeaderFlags::kProfileSpecific1,
                                      ns_and_quarters(5001, 1), -3),
                          Sync{origin},
                          {}};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.sdr.origintimestamp", origin);
    cases.push_back(encode_case("Sync", message, body));
  }
  {
    const Timestamp origin{0xFFFF'FFFF'FFFF, 999'999'999};  // the largest wire timestamp
    Message message{make_header(MessageType::kDelayReq, 0x1002, HeaderFlags::kUnicast,
                                ns_and_quarters(-777, 0), 0),
                    DelayReq{origin},
                    {}};
    message.header.message_type_specific = 0x0C0FFEE0;
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.sdr.origintimestamp", origin);
    cases.push_back(encode_case("Delay_Req", message, body));
  }
  {
    const Timestamp origin{1'700'000'123, 456'789};
    const Message message{make_header(MessageType::kPdelayReq, 0x1003,
                                      HeaderFlags::kProfileSpecific2, ns_and_quarters(5003, 2), 1),
                          PdelayReq{origin},
                          {}};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.pdrq.origintimestamp", origin);
    cases.push_back(encode_case("Pdelay_Req", message, body));
  }
  {
    const PdelayResp resp{Timestamp{1'700'000'124, 1}, PortIdentity{kRequesterClock, 7}};
    const Message message{make_header(MessageType::kPdelayResp, 0x1004, HeaderFlags::kTwoStep,
                                      ns_and_quarters(5004, 3), 0x7F),
                          resp,
                          {}};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.pdrs.requestreceipttimestamp", resp.request_receipt_timestamp);
    expect_field(body, "ptp.v2.pdrs.requestingportidentity",
                 clock_identity_text(resp.requesting_port_identity.clock_identity));
    expect_field(body, "ptp.v2.pdrs.requestingsourceportid",
                 dec(resp.requesting_port_identity.port_number));
    cases.push_back(encode_case("Pdelay_Resp", message, body));
  }
  return cases;
}

std::vector<MessageCase> general_message_cases() {
  std::vector<MessageCase> cases;
  {
    const Timestamp precise{0x12'3456'789A, 987'654'322};
    const Message message{make_header(MessageType::kFollowUp, 0x1005, HeaderFlags::kAlternateMaster,
                                      ns_and_quarters(5005, 0), -3),
                          FollowUp{precise},
                          {}};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.fu.preciseorigintimestamp", precise);
    cases.push_back(encode_case("Follow_Up", message, body));
  }
  {
    const DelayResp resp{Timestamp{1'700'000'126, 333'333'333}, PortIdentity{kRequesterClock, 8}};
    const Message message{make_header(MessageType::kDelayResp, 0x1006, HeaderFlags::kUnicast,
                                      ns_and_quarters(5006, 1), -4),
                          resp,
                          {}};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.dr.receivetimestamp", resp.receive_timestamp);
    expect_field(body, "ptp.v2.dr.requestingsourceportidentity",
                 clock_identity_text(resp.requesting_port_identity.clock_identity));
    expect_field(body, "ptp.v2.dr.requestingsourceportid",
                 dec(resp.requesting_port_identity.port_number));
    cases.push_back(encode_case("Delay_Resp", message, body));
  }
  {
    const PdelayRespFollowUp resp{Timestamp{1'700'000'127, 2}, PortIdentity{kRequesterClock, 9}};
    const Message message{
        make_header(MessageType::kPdelayRespFollowUp, 0x1007, 0, ns_and_quarters(5007, 2), 0x7F),
        resp,
        {}};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.pdfu.responseorigintimestamp", resp.response_origin_timestamp);
    expect_field(body, "ptp.v2.pdfu.requestingportidentity",
                 clock_identity_text(resp.requesting_port_identity.clock_identity));
    expect_field(body, "ptp.v2.pdfu.requestingsourceportid",
                 dec(resp.requesting_port_identity.port_number));
    cases.push_back(encode_case("Pdelay_Resp_Follow_Up", message, body));
  }
  {
    Announce announce;
    announce.origin_timestamp = Timestamp{1'700'000'128, 500};
    announce.current_utc_offset = 37;
    announce.grandmaster_priority1 = 100;
    announce.grandmaster_clock_quality = ClockQuality{6, ClockAccuracy::kWithin100ns, 0x4E5D};
    announce.grandmaster_priority2 = 200;
    announce.grandmaster_identity = kGrandmasterClock;
    announce.steps_removed = 3;
    announce.time_source = TimeSource::kGnss;
    const std::array<ClockIdentity, 3> path{kGrandmasterClock, kBoundaryClock, kSourceClock};
    std::array<std::byte, 64> tlv_area{};
    TlvWriter tlvs(tlv_area);
    EXPECT_TRUE(append_path_trace_tlv(tlvs, path));
    const Message message{
        make_header(MessageType::kAnnounce, 0x1008,
                    HeaderFlags::kLeap61 | HeaderFlags::kCurrentUtcOffsetValid |
                        HeaderFlags::kPtpTimescale | HeaderFlags::kTimeTraceable |
                        HeaderFlags::kFrequencyTraceable | HeaderFlags::kSynchronizationUncertain,
                    ns_and_quarters(5008, 3), 1),
        announce, tlvs.written()};
    FieldExpectations body;
    expect_timestamp(body, "ptp.v2.an.origintimestamp", announce.origin_timestamp);
    expect_field(body, "ptp.v2.an.origincurrentutcoffset", dec(announce.current_utc_offset));
    expect_field(body, "ptp.v2.an.priority1", dec(announce.grandmaster_priority1));
    expect_field(body, "ptp.v2.an.grandmasterclockclass",
                 dec(announce.grandmaster_clock_quality.clock_class));
    expect_field(
        body, "ptp.v2.an.grandmasterclockaccuracy",
        hex(static_cast<std::uint8_t>(announce.grandmaster_clock_quality.clock_accuracy), 2));
    expect_field(body, "ptp.v2.an.grandmasterclockvariance",
                 dec(announce.grandmaster_clock_quality.offset_scaled_log_variance));
    expect_field(body, "ptp.v2.an.priority2", dec(announce.grandmaster_priority2));
    expect_field(body, "ptp.v2.an.grandmasterclockidentity",
                 clock_identity_text(announce.grandmaster_identity));
    expect_field(body, "ptp.v2.an.localstepsremoved", dec(announce.steps_removed));
    expect_field(body, "ptp.v2.timesource",
                 hex(static_cast<std::uint8_t>(announce.time_source), 2));
    expect_field(body, "ptp.v2.an.tlvType", dec(static_cast<std::uint16_t>(TlvType::kPathTrace)));
    expect_field(body, "ptp.v2.an.lengthField", "24");
    FieldExpectation path_sequence{"ptp.v2.an.pathsequence", {}, false};
    for (const ClockIdentity& identity : path) {
      path_sequence.values.push_back(clock_identity_text(identity));
    }
    body.push_back(path_sequence);
    cases.push_back(encode_case("Announce with PATH_TRACE", message, body));
  }
  {
    const std::array<std::byte, 5> data{std::byte{0xDE}, std::byte{0xAD}, std::byte{0xBE},
                                        std::byte{0xEF}, std::byte{0x01}};
    // ac:de:48 is a private OUI, so tshark dissects no vendor-specific content under it.
    const OrganizationExtensionTlv extension{
        TlvType::kOrganizationExtension, {0xAC, 0xDE, 0x48}, {0x12, 0x34, 0x56}, data};
    std::array<std::byte, 64> tlv_area{};
    TlvWriter tlvs(tlv_area);
    EXPECT_TRUE(append_organization_extension_tlv(tlvs, extension));
    const Signaling signaling{PortIdentity{kRequesterClock, PortIdentity::kAllPorts}};
    const Message message{make_header(MessageType::kSignaling, 0x1009, HeaderFlags::kUnicast,
                                      ns_and_quarters(0, 0), kNoInterval),
                          signaling, tlvs.written()};
    FieldExpectations body;
    expect_field(body, "ptp.v2.sig.targetportidentity",
                 clock_identity_text(signaling.target_port_identity.clock_identity));
    expect_field(body, "ptp.v2.sig.targetportid", dec(signaling.target_port_identity.port_number));
    expect_field(body, "ptp.v2.sig.tlv.tlvType",
                 dec(static_cast<std::uint16_t>(TlvType::kOrganizationExtension)));
    expect_field(body, "ptp.v2.sig.tlv.lengthField", udec(6 + data.size()));
    // tshark 4.0 files the organizationId of a Signaling TLV under the Announce field names.
    expect_field(body, "ptp.v2.an.oe.organizationId", dec(0xACDE48));
    expect_field(body, "ptp.v2.an.oe.organizationSubType", hex(0x123456, 6));
    cases.push_back(encode_case("Signaling with ORGANIZATION_EXTENSION", message, body));
  }
  {
    // Unicast negotiation (16.1.4): the four TLVs in one Signaling, as ptp4l packs them.
    const std::array<UnicastNegotiationTlv, 4> negotiation{
        RequestUnicastTransmissionTlv{MessageType::kSync, -3, 300},
        GrantUnicastTransmissionTlv{MessageType::kAnnounce, 1, 60, true},
        CancelUnicastTransmissionTlv{MessageType::kDelayResp, false, false},
        AcknowledgeCancelUnicastTransmissionTlv{MessageType::kSync, false, false}};
    std::array<std::byte, 64> tlv_area{};
    TlvWriter tlvs(tlv_area);
    for (const UnicastNegotiationTlv& tlv : negotiation) {
      EXPECT_TRUE(append_unicast_negotiation_tlv(tlvs, tlv));
    }
    const Signaling signaling{PortIdentity{kRequesterClock, 1}};
    const Message message{make_header(MessageType::kSignaling, 0x100A, HeaderFlags::kUnicast,
                                      ns_and_quarters(0, 0), kNoInterval),
                          signaling, tlvs.written()};
    FieldExpectations body;
    expect_field(body, "ptp.v2.sig.targetportidentity",
                 clock_identity_text(signaling.target_port_identity.clock_identity));
    expect_field(body, "ptp.v2.sig.targetportid", dec(signaling.target_port_identity.port_number));
    body.push_back({"ptp.v2.sig.tlv.tlvType", {"4", "5", "6", "7"}, false});
    body.push_back({"ptp.v2.sig.tlv.lengthField", {"6", "8", "2", "2"}, false});
    body.push_back({"ptp.v2.sig.tlv.messageType", {"0x00", "0x0b", "0x09", "0x00"}, false});
    body.push_back({"ptp.v2.sig.tlv.logInterMessagePeriod", {"-3", "1"}, false});
    body.push_back({"ptp.v2.sig.tlv.durationField", {"300", "60"}, false});
    body.push_back({"ptp.v2.sig.tlv.renewalInvited", {"1"}, false});
    cases.push_back(encode_case("Signaling with unicast negotiation TLVs", message, body));
  }
  return cases;
}

// A Management message with one TLV; `expect_tlv` adds what tshark must show of the TLV.
MessageCase management_case(std::string name, std::uint16_t sequence_id, ManagementAction action,
                            const PortIdentity& target,
                            const std::function<bool(TlvWriter&)>& append_tlv,
                            FieldExpectations tlv_fields) {
  std::array<std::byte, 128> tlv_area{};
  TlvWriter tlvs(tlv_area);
  EXPECT_TRUE(append_tlv(tlvs)) << name;
  const Management body{target, 6, 4, action};
  const Message message{
      make_header(MessageType::kManagement, sequence_id, 0, ns_and_quarters(0, 0), kNoInterval),
      body, tlvs.written()};
  FieldExpectations fields;
  expect_field(fields, "ptp.v2.mm.targetportidentity", clock_identity_text(target.clock_identity));
  expect_field(fields, "ptp.v2.mm.targetportid", dec(target.port_number));
  expect_field(fields, "ptp.v2.mm.startingboundaryhops", dec(body.starting_boundary_hops));
  expect_field(fields, "ptp.v2.mm.boundaryhops", dec(body.boundary_hops));
  expect_field(fields, "ptp.v2.mm.action", dec(static_cast<std::uint8_t>(action)));
  fields.insert(fields.end(), tlv_fields.begin(), tlv_fields.end());
  return encode_case(std::move(name), message, fields);
}

// The TLV header and managementId of a MANAGEMENT TLV with `data_size` octets of dataField.
FieldExpectations management_tlv_fields(ManagementId id, std::size_t data_size) {
  FieldExpectations fields;
  expect_field(fields, "ptp.v2.mm.tlvType", dec(static_cast<std::uint16_t>(TlvType::kManagement)));
  expect_field(fields, "ptp.v2.mm.lengthField", udec(2 + data_size));
  expect_field(fields, "ptp.v2.mm.managementId", dec(static_cast<std::uint16_t>(id)));
  return fields;
}

std::function<bool(TlvWriter&)> management_tlv(ManagementTlv tlv) {
  return [tlv](TlvWriter& writer) { return append_management_tlv(writer, tlv).has_value(); };
}

std::vector<MessageCase> management_cases() {
  std::vector<MessageCase> cases;
  const PortIdentity wildcard{kAllOnesClock, PortIdentity::kAllPorts};
  const PortIdentity requester{kRequesterClock, 2};
  std::uint16_t sequence_id = 0x2001;

  const std::array<std::pair<ManagementId, const char*>, 6> gets{{
      {ManagementId::kNullManagement, "NULL_MANAGEMENT"},
      {ManagementId::kDefaultDataSet, "DEFAULT_DATA_SET"},
      {ManagementId::kCurrentDataSet, "CURRENT_DATA_SET"},
      {ManagementId::kParentDataSet, "PARENT_DATA_SET"},
      {ManagementId::kTimePropertiesDataSet, "TIME_PROPERTIES_DATA_SET"},
      {ManagementId::kPortDataSet, "PORT_DATA_SET"},
  }};
  cases.reserve(gets.size() + 6);  // the GETs, five data set RESPONSEs and the error status
  for (const auto& [id, id_name] : gets) {
    cases.push_back(management_case(
        std::string("Management GET ") + id_name, sequence_id++, ManagementAction::kGet, wildcard,
        management_tlv({id, std::monostate{}}), management_tlv_fields(id, 0)));
  }

  {
    ManagementDefaultDataSet ds;
    ds.two_step = true;
    ds.slave_only = true;
    ds.number_ports = 4;
    ds.priority1 = 99;
    ds.clock_quality = ClockQuality{7, ClockAccuracy::kWithin250ns, 0x1234};
    ds.priority2 = 201;
    ds.clock_identity = kSourceClock;
    ds.domain_number = 43;
    auto fields = management_tlv_fields(ManagementId::kDefaultDataSet, 20);
    expect_field(fields, "ptp.v2.mm.twoStep", bool_text(ds.two_step));
    expect_field(fields, "ptp.v2.mm.SlavOnly", bool_text(ds.slave_only));
    expect_field(fields, "ptp.v2.mm.numberPorts", dec(ds.number_ports));
    expect_field(fields, "ptp.v2.mm.priority1", dec(ds.priority1));
    expect_field(fields, "ptp.v2.mm.clockclass", dec(ds.clock_quality.clock_class));
    expect_field(fields, "ptp.v2.mm.clockaccuracy",
                 hex(static_cast<std::uint8_t>(ds.clock_quality.clock_accuracy), 2));
    expect_field(fields, "ptp.v2.mm.clockvariance",
                 dec(ds.clock_quality.offset_scaled_log_variance));
    expect_field(fields, "ptp.v2.mm.priority2", dec(ds.priority2));
    expect_field(fields, "ptp.v2.mm.clockidentity", clock_identity_text(ds.clock_identity));
    expect_field(fields, "ptp.v2.mm.domainNumber", dec(ds.domain_number));
    cases.push_back(management_case("Management RESPONSE DEFAULT_DATA_SET", sequence_id++,
                                    ManagementAction::kResponse, requester,
                                    management_tlv({ManagementId::kDefaultDataSet, ds}), fields));
  }
  {
    const ManagementCurrentDataSet ds{5, ns_and_quarters(-1500, 0), ns_and_quarters(2500, 2)};
    auto fields = management_tlv_fields(ManagementId::kCurrentDataSet, 18);
    expect_field(fields, "ptp.v2.mm.stepsRemoved", dec(ds.steps_removed));
    expect_field(fields, "ptp.v2.mm.offset.ns", interval_ns_text(ds.offset_from_master));
    expect_field(fields, "ptp.v2.mm.offset.subns", interval_subns_text(ds.offset_from_master));
    expect_field(fields, "ptp.v2.mm.pathDelay.ns", interval_ns_text(ds.mean_path_delay));
    expect_field(fields, "ptp.v2.mm.pathDelay.subns", interval_subns_text(ds.mean_path_delay));
    cases.push_back(management_case("Management RESPONSE CURRENT_DATA_SET", sequence_id++,
                                    ManagementAction::kResponse, requester,
                                    management_tlv({ManagementId::kCurrentDataSet, ds}), fields));
  }
  {
    ManagementParentDataSet ds;
    ds.parent_port_identity = PortIdentity{kBoundaryClock, 11};
    ds.parent_stats = true;
    ds.observed_parent_offset_scaled_log_variance = 0x2345;
    ds.observed_parent_clock_phase_change_rate = -123456;
    ds.grandmaster_priority1 = 111;
    ds.grandmaster_clock_quality = ClockQuality{13, ClockAccuracy::kWithin1us, 0x3456};
    ds.grandmaster_priority2 = 222;
    ds.grandmaster_identity = kGrandmasterClock;
    auto fields = management_tlv_fields(ManagementId::kParentDataSet, 32);
    expect_field(fields, "ptp.v2.mm.parentclockidentity",
                 clock_identity_text(ds.parent_port_identity.clock_identity));
    expect_field(fields, "ptp.v2.mm.parentsourceportid", dec(ds.parent_port_identity.port_number));
    expect_field(fields, "ptp.v2.mm.parentstats", bool_text(ds.parent_stats));
    expect_field(fields, "ptp.v2.mm.observedParentOffsetScaledLogVariance",
                 dec(ds.observed_parent_offset_scaled_log_variance));
    expect_field(fields, "ptp.v2.mm.observedParentClockPhaseChangeRate",
                 dec(ds.observed_parent_clock_phase_change_rate));
    expect_field(fields, "ptp.v2.mm.grandmasterPriority1", dec(ds.grandmaster_priority1));
    expect_field(fields, "ptp.v2.mm.grandmasterclockclass",
                 dec(ds.grandmaster_clock_quality.clock_class));
    expect_field(fields, "ptp.v2.mm.grandmasterclockaccuracy",
                 hex(static_cast<std::uint8_t>(ds.grandmaster_clock_quality.clock_accuracy), 2));
    expect_field(fields, "ptp.v2.mm.grandmasterclockvariance",
                 dec(ds.grandmaster_clock_quality.offset_scaled_log_variance));
    expect_field(fields, "ptp.v2.mm.grandmasterPriority2", dec(ds.grandmaster_priority2));
    expect_field(fields, "ptp.v2.mm.grandmasterclockidentity",
                 clock_identity_text(ds.grandmaster_identity));
    cases.push_back(management_case("Management RESPONSE PARENT_DATA_SET", sequence_id++,
                                    ManagementAction::kResponse, requester,
                                    management_tlv({ManagementId::kParentDataSet, ds}), fields));
  }
  {
    ManagementTimePropertiesDataSet ds;
    ds.current_utc_offset = 37;
    ds.leap61 = false;
    ds.leap59 = true;
    ds.current_utc_offset_valid = true;
    ds.ptp_timescale = true;
    ds.time_traceable = false;
    ds.frequency_traceable = true;
    ds.time_source = TimeSource::kAtomicClock;
    auto fields = management_tlv_fields(ManagementId::kTimePropertiesDataSet, 4);
    expect_field(fields, "ptp.v2.mm.currentutcoffset", dec(ds.current_utc_offset));
    expect_field(fields, "ptp.v2.mm.li61", bool_text(ds.leap61));
    expect_field(fields, "ptp.v2.mm.li59", bool_text(ds.leap59));
    expect_field(fields, "ptp.v2.mm.CurrentUTCOffsetValid", bool_text(ds.current_utc_offset_valid));
    expect_field(fields, "ptp.v2.mm.ptptimescale", bool_text(ds.ptp_timescale));
    expect_field(fields, "ptp.v2.mm.timeTraceable", bool_text(ds.time_traceable));
    expect_field(fields, "ptp.v2.mm.frequencyTraceable", bool_text(ds.frequency_traceable));
    expect_field(fields, "ptp.v2.mm.timesource", hex(static_cast<std::uint8_t>(ds.time_source), 2));
    cases.push_back(management_case(
        "Management RESPONSE TIME_PROPERTIES_DATA_SET", sequence_id++, ManagementAction::kResponse,
        requester, management_tlv({ManagementId::kTimePropertiesDataSet, ds}), fields));
  }
  {
    ManagementPortDataSet ds;
    ds.port_identity = PortIdentity{kSourceClock, kSourcePort};
    ds.port_state = 9;  // SLAVE
    ds.log_min_delay_req_interval = -2;
    ds.peer_mean_path_delay = ns_and_quarters(321, 3);
    ds.log_announce_interval = 2;
    ds.announce_receipt_timeout = 5;
    ds.log_sync_interval = -4;
    ds.delay_mechanism = 2;  // P2P
    ds.log_min_pdelay_req_interval = -1;
    ds.version_number = 2;
    auto fields = management_tlv_fields(ManagementId::kPortDataSet, 26);
    expect_field(fields, "ptp.v2.mm.clockidentity",
                 clock_identity_text(ds.port_identity.clock_identity));
    expect_field(fields, "ptp.v2.mm.PortNumber", dec(ds.port_identity.port_number));
    expect_field(fields, "ptp.v2.mm.portState", dec(ds.port_state));
    expect_field(fields, "ptp.v2.mm.logMinDelayReqInterval", dec(ds.log_min_delay_req_interval));
    expect_field(fields, "ptp.v2.mm.peerMeanPathDelay.ns",
                 interval_ns_text(ds.peer_mean_path_delay));
    expect_field(fields, "ptp.v2.mm.peerMeanPathDelay.subns",
                 interval_subns_text(ds.peer_mean_path_delay));
    expect_field(fields, "ptp.v2.mm.logAnnounceInterval", dec(ds.log_announce_interval));
    expect_field(fields, "ptp.v2.mm.announceReceiptTimeout", dec(ds.announce_receipt_timeout));
    expect_field(fields, "ptp.v2.mm.logSyncInterval", dec(ds.log_sync_interval));
    expect_field(fields, "ptp.v2.mm.delayMechanism", dec(ds.delay_mechanism));
    expect_field(fields, "ptp.v2.mm.logMinPdelayReqInterval", dec(ds.log_min_pdelay_req_interval));
    expect_field(fields, "ptp.v2.mm.versionNumber", dec(ds.version_number));
    cases.push_back(management_case("Management RESPONSE PORT_DATA_SET", sequence_id++,
                                    ManagementAction::kResponse, requester,
                                    management_tlv({ManagementId::kPortDataSet, ds}), fields));
  }
  {
    // 18 octets of text: with its length octet the value is odd, so the codec must pad it.
    const ManagementErrorStatusTlv error{ManagementErrorId::kNotSupported,
                                         ManagementId::kClockDescription, "not on this clock."};
    FieldExpectations fields;
    expect_field(fields, "ptp.v2.mm.tlvType",
                 dec(static_cast<std::uint16_t>(TlvType::kManagementErrorStatus)));
    expect_field(fields, "ptp.v2.mm.lengthField", "28");  // 8 + 1 + 18 + 1 pad
    expect_field(fields, "ptp.v2.mm.managementErrorId",
                 dec(static_cast<std::uint16_t>(error.error_id)));
    expect_field(fields, "ptp.v2.mm.managementId",
                 dec(static_cast<std::uint16_t>(error.management_id)));
    expect_field(fields, "ptp.v2.mm.displayData.length", udec(error.display_data.size()));
    fields.push_back({"ptp.v2.mm.displayData", {std::string(error.display_data)}, true});
    cases.push_back(management_case(
        "Management RESPONSE MANAGEMENT_ERROR_STATUS", sequence_id++, ManagementAction::kResponse,
        requester,
        [error](TlvWriter& writer) {
          return append_management_error_status_tlv(writer, error).has_value();
        },
        fields));
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Transport: each message goes out once over IPv4 and once over IPv6.

struct Transport {
  const char* name;
  sim::IpAddress source;
  const char* source_text;
  sim::IpAddress destination;
  const char* destination_text;
  const char* destination_mac_text;
  const char* ip_field_prefix;  // "ip" or "ipv6"
  const char* protocols;        // tshark's frame.protocols
};

const sim::MacAddress kSourceMac{{0x00, 0x1B, 0x21, 0x4A, 0x5C, 0x6D}};

const std::array<Transport, 2> kTransports{{
    {"IPv4", sim::Ipv4Address{{192, 0, 2, 10}}, "192.0.2.10", sim::Ipv4Address{{224, 0, 1, 129}},
     "224.0.1.129", "01:00:5e:00:01:81", "ip", "eth:ethertype:ip:udp:ptp"},
    {"IPv6",
     sim::Ipv6Address{
         {0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x1B, 0x21, 0xFF, 0xFE, 0x4A, 0x5C, 0x6D}},
     "fe80::21b:21ff:fe4a:5c6d",
     sim::Ipv6Address{{0xFF, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x81}}, "ff0e::181",
     "33:33:00:00:01:81", "ipv6", "eth:ethertype:ipv6:udp:ptp"},
}};

constexpr std::uint16_t kEventPort = 319;
constexpr std::uint16_t kGeneralPort = 320;

ExpectedPacket frame_case(const MessageCase& message_case, const Transport& transport) {
  ExpectedPacket packet;
  packet.description = message_case.name + " over " + transport.name;
  const auto type =
      message_type_from_nibble(static_cast<std::uint8_t>(message_case.octets.at(0)) & 0x0FU);
  const std::uint16_t port = type && is_event_message(*type) ? kEventPort : kGeneralPort;

  sim::UdpDatagram datagram;
  datagram.source_mac = kSourceMac;
  datagram.source_ip = transport.source;
  datagram.destination_ip = transport.destination;
  datagram.source_port = port;
  datagram.destination_port = port;
  datagram.payload = message_case.octets;
  auto frame = sim::frame_udp_datagram(datagram);
  if (!frame) {
    ADD_FAILURE() << packet.description << ": " << sim::to_string(frame.error());
    return packet;
  }
  packet.frame = std::move(*frame);

  auto& fields = packet.fields;
  const std::string ip = transport.ip_field_prefix;
  expect_field(fields, "frame.protocols", transport.protocols);
  expect_field(fields, "eth.dst", transport.destination_mac_text);
  expect_field(fields, ip + ".src", transport.source_text);
  expect_field(fields, ip + ".dst", transport.destination_text);
  if (ip == "ip") expect_field(fields, "ip.checksum.status", "1");  // 1: verified good
  expect_field(fields, "udp.srcport", dec(port));
  expect_field(fields, "udp.dstport", dec(port));
  expect_field(fields, "udp.length", udec(8 + message_case.octets.size()));
  expect_field(fields, "udp.checksum.status", "1");
  fields.insert(fields.end(), message_case.fields.begin(), message_case.fields.end());
  return packet;
}

// ---------------------------------------------------------------------------------------------
// Running tshark and checking what it printed.

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Occurrences within one -T fields column are joined with this; no expected value contains it.
constexpr char kAggregator = '|';
// tshark's expert severities (its PI_COMMENT ... PI_ERROR), as -T fields prints them.
std::string severity_name(const std::string& printed) {
  const std::map<std::string, std::string> names{{"1048576", "comment"},
                                                 {"2097152", "chat"},
                                                 {"4194304", "note"},
                                                 {"6291456", "warning"},
                                                 {"8388608", "error"}};
  const auto found = names.find(printed);
  return found == names.end() ? "severity " + printed : found->second;
}

// Columns every run asks for, before the expected fields.
const std::vector<std::string> kDiagnosticColumns{"frame.number", "_ws.malformed",
                                                  "_ws.expert.severity", "_ws.expert.message"};

struct TsharkRows {
  std::vector<std::string> columns;
  // rows[packet][column] = that field's occurrences in that packet
  std::vector<std::vector<std::vector<std::string>>> rows;
};

std::string test_name() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

// Writes the frames to a pcap file in the test's build directory, runs tshark on it asking for
// `columns`, and returns the parsed output. A failure to run is a test failure (never a skip).
TsharkRows run_tshark(const std::vector<ExpectedPacket>& packets,
                      const std::vector<std::string>& columns) {
  TsharkRows result;
  result.columns = columns;
  const std::string tshark = PTP_TSHARK_EXECUTABLE;
  if (tshark.empty()) {
    ADD_FAILURE() << "tshark was not found when CMake configured this build. Install it "
                     "(scripts/install-deps.sh installs Debian's tshark package) and re-run CMake; "
                     "this conformance test must not be skipped.";
    return result;
  }
  if (access(tshark.c_str(), X_OK) != 0) {
    ADD_FAILURE() << "tshark at " << tshark
                  << " (PTP_TSHARK_EXECUTABLE in the CMake cache) is not executable. "
                  << "Reinstall it (scripts/install-deps.sh) or re-run CMake.";
    return result;
  }

  const std::filesystem::path work_dir(PTP_TSHARK_WORK_DIR);
  const std::filesystem::path pcap_path =
      work_dir / ("tshark_conformance_" + test_name() + ".pcap");
  const std::filesystem::path stderr_path =
      work_dir / ("tshark_conformance_" + test_name() + ".stderr");
  // An empty configuration directory of our own, so that a user's Wireshark profile (disabled
  // protocols, "decode as" rules, preferences) cannot change the dissection.
  const std::filesystem::path config_dir = work_dir / ("wireshark_config_" + test_name());
  std::error_code ignored;
  std::filesystem::create_directories(config_dir, ignored);
  {
    std::ofstream file(pcap_path, std::ios::binary | std::ios::trunc);
    auto writer = sim::PcapWriter::open(file);
    if (!writer) {
      ADD_FAILURE() << "cannot write " << pcap_path << ": " << sim::to_string(writer.error());
      return result;
    }
    // Capture times 1 ms apart, from 2023-11-14: what a real capture of these would look like.
    std::uint32_t milliseconds = 0;
    for (const ExpectedPacket& packet : packets) {
      const auto written =
          writer->write_frame(Timestamp{1'700'000'000, milliseconds * 1'000'000}, packet.frame);
      if (!written) {
        ADD_FAILURE() << "cannot write " << pcap_path << ": " << sim::to_string(written.error());
        return result;
      }
      ++milliseconds;
    }
    file.close();
    if (!file) {
      ADD_FAILURE() << "cannot write " << pcap_path;
      return result;
    }
  }

  // -n: no name resolution (no DNS, and addresses print as numbers). The checksum preferences
  // make tshark verify our IPv4 and UDP checksums; PTP's analysis (Sync/Follow_Up pairing) is
  // off because these messages are not a conversation. stderr goes to a file: tshark warns there
  // when run as root, which is harmless, and its content only matters if tshark fails.
  std::string command = "WIRESHARK_CONFIG_DIR=" + shell_quote(config_dir.string()) + " " +
                        shell_quote(tshark) + " -n -r " + shell_quote(pcap_path.string()) +
                        " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                        " -o ptp.analyze_ptp_messages:FALSE"
                        " -T fields -E header=n -E separator=/t -E quote=n -E occurrence=a"
                        " -E aggregator=" +
                        shell_quote(std::string(1, kAggregator));
  for (const std::string& column : columns) command += " -e " + shell_quote(column);
  command += " 2>" + shell_quote(stderr_path.string());

  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot start tshark: " << command;
    return result;
  }
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), got);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream stderr_file(stderr_path);
    std::stringstream stderr_text;
    stderr_text << stderr_file.rdbuf();
    ADD_FAILURE() << "tshark failed (wait status " << status << ").\nCommand: " << command
                  << "\nstderr:\n"
                  << stderr_text.str();
    return result;
  }

  for (const std::string& line : split(output, '\n')) {
    if (line.empty()) continue;
    std::vector<std::vector<std::string>> row;
    for (const std::string& column_text : split(line, '\t')) {
      row.push_back(column_text.empty() ? std::vector<std::string>{}
                                        : split(column_text, kAggregator));
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "'" : ", '") + value + "'";
  return out.empty() ? "(absent)" : out;
}

// Every disagreement between tshark's view of `packets` and their expectations, one line each.
std::vector<std::string> conformance_problems(const std::vector<ExpectedPacket>& packets) {
  std::vector<std::string> columns = kDiagnosticColumns;
  std::map<std::string, std::size_t> column_of;
  for (std::size_t i = 0; i < columns.size(); ++i) column_of[columns[i]] = i;
  for (const ExpectedPacket& packet : packets) {
    for (const FieldExpectation& expectation : packet.fields) {
      if (column_of.emplace(expectation.field, columns.size()).second) {
        columns.push_back(expectation.field);
      }
    }
  }

  const TsharkRows tshark = run_tshark(packets, columns);
  std::vector<std::string> problems;
  if (tshark.rows.size() != packets.size()) {
    problems.push_back("tshark printed " + std::to_string(tshark.rows.size()) + " packets, " +
                       std::to_string(packets.size()) + " were written");
    return problems;
  }
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const ExpectedPacket& packet = packets[i];
    const auto& row = tshark.rows[i];
    const std::string where = "packet " + std::to_string(i + 1) + " (" + packet.description + "): ";
    if (row.size() != columns.size()) {
      problems.push_back(where + "tshark printed " + std::to_string(row.size()) + " columns, " +
                         std::to_string(columns.size()) + " were asked for");
      continue;
    }
    const auto& column = [&](const std::string& name) -> const std::vector<std::string>& {
      return row[column_of.at(name)];
    };
    if (column("frame.number") != std::vector<std::string>{std::to_string(i + 1)}) {
      problems.push_back(where + "tshark's frame.number is " + join(column("frame.number")));
    }
    if (!column("_ws.malformed").empty()) {
      problems.push_back(where +
                         "tshark reports a malformed packet: " + join(column("_ws.malformed")));
    }
    const auto& severities = column("_ws.expert.severity");
    const auto& messages = column("_ws.expert.message");
    // Any expert item at all fails, not only errors: well-formed messages give tshark nothing to
    // remark on (it reports none for this capture), so a remark means something changed.
    for (std::size_t e = 0; e < severities.size(); ++e) {
      problems.push_back(where + "tshark expert " + severity_name(severities[e]) + ": " +
                         (e < messages.size() ? messages[e] : "(no message)"));
    }
    for (const FieldExpectation& expectation : packet.fields) {
      const auto& actual = column(expectation.field);
      bool matches = actual == expectation.values;
      if (expectation.every_occurrence) {
        matches = !actual.empty();
        for (const std::string& value : actual)
          matches = matches && value == expectation.values.at(0);
      }
      if (!matches) {
        problems.push_back(where + expectation.field + " is " + join(actual) + ", expected " +
                           (expectation.every_occurrence ? "every occurrence to be " : "") +
                           join(expectation.values));
      }
    }
  }
  return problems;
}

std::string lines(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& problem : problems) out += "  " + problem + "\n";
  return out;
}

std::vector<MessageCase> all_message_cases() {
  std::vector<MessageCase> cases = event_message_cases();
  for (auto* more : {general_message_cases, management_cases}) {
    auto next = more();
    cases.insert(cases.end(), next.begin(), next.end());
  }
  return cases;
}

TEST(TsharkConformance, TsharkDecodesEveryEncodedMessageAsBuilt) {
  const std::vector<MessageCase> cases = all_message_cases();
  ASSERT_FALSE(HasFailure()) << "building the messages failed";
  std::vector<ExpectedPacket> packets;
  for (const Transport& transport : kTransports) {
    for (const MessageCase& message_case : cases)
      packets.push_back(frame_case(message_case, transport));
  }
  ASSERT_FALSE(HasFailure());
  const std::vector<std::string> problems = conformance_problems(packets);
  if (HasFailure()) return;  // tshark could not be run; run_tshark said why
  EXPECT_TRUE(problems.empty()) << problems.size() << " disagreement(s) with tshark:\n"
                                << lines(problems);
}

// The checker itself must catch what it exists to catch; this runs it on three deliberately bad
// packets and requires a complaint about each.
TEST(TsharkConformance, CheckerReportsMalformedPacketsBadChecksumsAndWrongValues) {
  const Message sync{make_header(MessageType::kSync, 0x3001, 0, ns_and_quarters(1, 0), 0),
                     Sync{Timestamp{1, 2}},
                     {}};
  const MessageCase good = encode_case("Sync", sync, {});
  ASSERT_FALSE(HasFailure());

  // 1: messageLength claims 20 octets more than the datagram carries.
  MessageCase truncated = good;
  truncated.name = "Sync with messageLength past the datagram";
  truncated.octets[3] = static_cast<std::byte>(static_cast<unsigned>(truncated.octets[3]) + 20U);
  std::vector<ExpectedPacket> packets{frame_case(truncated, kTransports[0])};
  packets[0].fields.clear();  // only the malformation matters here

  // 2: one payload octet flipped after the UDP checksum was computed.
  packets.push_back(frame_case(good, kTransports[1]));
  packets[1].description = "Sync with a corrupted UDP payload";
  packets[1].frame.back() ^= std::byte{0x01};
  packets[1].fields.clear();

  // 3: a correct packet with a wrong expectation.
  packets.push_back(frame_case(good, kTransports[0]));
  packets[2].description = "Sync expected with the wrong sequenceId";
  packets[2].fields = {{"ptp.v2.sequenceid", {dec(0x3001 + 1)}, false}};
  ASSERT_FALSE(HasFailure());

  const std::vector<std::string> problems = conformance_problems(packets);
  if (HasFailure()) return;  // tshark could not be run; run_tshark said why
  const auto reported = [&](const std::string& packet_prefix, const std::string& text) {
    for (const std::string& problem : problems) {
      if (problem.starts_with(packet_prefix) && problem.find(text) != std::string::npos)
        return true;
    }
    return false;
  };
  EXPECT_TRUE(reported("packet 1 ", "expert error")) << lines(problems);
  EXPECT_TRUE(reported("packet 2 ", "expert error")) << lines(problems);
  EXPECT_TRUE(reported("packet 3 ", "ptp.v2.sequenceid is '12289', expected '12290'"))
      << lines(problems);
}

}  // namespace
}  // namespace ptp::wire
