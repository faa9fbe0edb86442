// The management responder (IEEE 1588-2019 clause 15): request classification, the reply's
// header and body, and the data set conversions. The reply's TLV is built in a small stack
// buffer, so answering a request does not allocate.
#include "ptp/core/management_responder.h"

#include <array>
#include <iterator>
#include <variant>

#include "ptp/wire/byte_order.h"
#include "ptp/wire/header.h"
#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/message_bodies.h"
#include "ptp/wire/tlv.h"

namespace ptp {

namespace {

using wire::ManagementAction;
using wire::ManagementErrorId;
using wire::ManagementId;

// 1588-2019 Table 42: controlField of a management message.
constexpr std::uint8_t kManagementControlField = 0x04;
// 13.3.2.14: logMessageInterval of a management message.
constexpr std::int8_t kManagementLogMessageInterval = 0x7F;
// 15.5.3.3.4 and Table 2: the highest domainNumber outside the reserved range.
constexpr std::uint8_t kHighestUserDomainNumber = 127;
// PRIORITY1, PRIORITY2 and DOMAIN carry one value octet and one reserved octet (15.5.3.3.2-4).
constexpr std::size_t kOneOctetSettingSize = 2;
// Larger than the largest TLV a reply carries: PARENT_DATA_SET's 4 + 2 + 32 octets.
constexpr std::size_t kReplyTlvCapacity = 64;
// The sdoId's 12 bits: majorSdoId is the high 4, minorSdoId the low 8 (7.1.4).
constexpr unsigned kMinorSdoIdBits = 8;
constexpr std::uint16_t kMinorSdoIdMask = 0xFF;
constexpr std::uint16_t kMajorSdoIdMask = 0x0F;

constexpr ClockIdentity kAllClocks{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};

bool is_for_us(const wire::Message& request, const wire::Management& body,
               const ManagementContext& context) {
  const PortIdentity& target = body.target_port_identity;
  const bool clock_matches = target.clock_identity == context.port_identity.clock_identity ||
                             target.clock_identity == kAllClocks;
  const bool port_matches = target.port_number == context.port_identity.port_number ||
                            target.port_number == PortIdentity::kAllPorts;
  return request.header.domain_number == context.domain_number && clock_matches && port_matches;
}

// 1588-2019 Table 59: the managementIds the standard defines (the ranges are contiguous).
bool is_standard_management_id(ManagementId id) {
  const auto value = static_cast<std::uint16_t>(id);
  return value <= 0x0007 || (value >= 0x2000 && value <= 0x2021) ||
         (value >= 0x3000 && value <= 0x3003) || (value >= 0x4000 && value <= 0x4002) ||
         (value >= 0x6000 && value <= 0x6001);
}

bool is_get_only_data_set(ManagementId id) {
  switch (id) {
    case ManagementId::kDefaultDataSet:
    case ManagementId::kCurrentDataSet:
    case ManagementId::kParentDataSet:
    case ManagementId::kTimePropertiesDataSet:
    case ManagementId::kPortDataSet: return true;
    default: return false;
  }
}

std::optional<ManagementSetting> setting_of(ManagementId id) {
  switch (id) {
    case ManagementId::kPriority1: return ManagementSetting::kPriority1;
    case ManagementId::kPriority2: return ManagementSetting::kPriority2;
    case ManagementId::kDomain: return ManagementSetting::kDomainNumber;
    default: return std::nullopt;
  }
}

std::uint8_t current_value(ManagementSetting setting, const ManagementContext& context) {
  switch (setting) {
    case ManagementSetting::kPriority1: return context.default_ds.priority1;
    case ManagementSetting::kPriority2: return context.default_ds.priority2;
    case ManagementSetting::kDomainNumber: return context.domain_number;
  }
  return 0;
}

// The dataField of PRIORITY1, PRIORITY2 and DOMAIN: the value, then a reserved zero octet.
std::array<std::byte, kOneOctetSettingSize> one_octet_data(std::uint8_t value) {
  return {std::byte{value}, std::byte{0}};
}

// What the reply carries after the header and body.
struct ReplyTlv {
  ManagementAction action = ManagementAction::kResponse;
  std::optional<wire::ManagementTlv> management;        // exactly one of these two is set
  std::optional<wire::ManagementErrorStatusTlv> error;  // (set by the helpers below)
  std::optional<ManagementChange> change;
};

ManagementAction reply_action(ManagementAction request_action) {
  return request_action == ManagementAction::kCommand ? ManagementAction::kAcknowledge
                                                      : ManagementAction::kResponse;
}

ReplyTlv error_reply(ManagementAction request_action, ManagementErrorId error, ManagementId id) {
  ReplyTlv reply;
  reply.action = reply_action(request_action);
  reply.error = wire::ManagementErrorStatusTlv{error, id, {}};
  return reply;
}

ReplyTlv data_reply(ManagementAction request_action, ManagementId id, wire::ManagementData data) {
  ReplyTlv reply;
  reply.action = reply_action(request_action);
  reply.management = wire::ManagementTlv{id, data};
  return reply;
}

// The RESPONSE to a GET (or to an accepted SET, which answers with the value as a GET would).
// `setting_octets` must outlive the reply: the raw dataField of a setting points into it.
std::optional<wire::ManagementData> get_data(
    ManagementId id, const ManagementContext& context,
    std::array<std::byte, kOneOctetSettingSize>& setting_octets) {
  switch (id) {
    case ManagementId::kNullManagement: return wire::ManagementData{std::monostate{}};
    case ManagementId::kDefaultDataSet: return to_management_data_set(context.default_ds);
    case ManagementId::kCurrentDataSet: return to_management_data_set(context.current_ds);
    case ManagementId::kParentDataSet: return to_management_data_set(context.parent_ds);
    case ManagementId::kTimePropertiesDataSet:
      return to_management_data_set(context.time_properties_ds);
    case ManagementId::kPortDataSet: return to_management_data_set(context.port_ds);
    default: break;
  }
  const std::optional<ManagementSetting> setting = setting_of(id);
  if (!setting) return std::nullopt;
  setting_octets = one_octet_data(current_value(*setting, context));
  return wire::RawManagementData{setting_octets};
}

bool data_is_empty(const wire::ManagementData& data) {
  return std::holds_alternative<std::monostate>(data);
}

ReplyTlv answer_get(const wire::ManagementTlv& tlv, const ManagementContext& context,
                    std::array<std::byte, kOneOctetSettingSize>& setting_octets) {
  // A GET's dataField is ignored, as ptp4l ignores it: pmc sends every GET with a zero-filled
  // dataField of the data set's size.
  std::optional<wire::ManagementData> data = get_data(tlv.management_id, context, setting_octets);
  if (!data) {
    return error_reply(ManagementAction::kGet, ManagementErrorId::kNotSupported, tlv.management_id);
  }
  return data_reply(ManagementAction::kGet, tlv.management_id, *data);
}

ReplyTlv answer_set(const wire::ManagementTlv& tlv,
                    std::array<std::byte, kOneOctetSettingSize>& setting_octets) {
  const ManagementId id = tlv.management_id;
  if (id == ManagementId::kNullManagement) {
    if (!data_is_empty(tlv.data)) {
      return error_reply(ManagementAction::kSet, ManagementErrorId::kWrongLength, id);
    }
    return data_reply(ManagementAction::kSet, id, std::monostate{});
  }
  if (is_get_only_data_set(id)) {
    return error_reply(ManagementAction::kSet, ManagementErrorId::kNotSetable, id);
  }
  const std::optional<ManagementSetting> setting = setting_of(id);
  if (!setting) return error_reply(ManagementAction::kSet, ManagementErrorId::kNotSupported, id);
  // A typed id never reaches here, so any non-empty dataField is raw.
  const auto* raw = std::get_if<wire::RawManagementData>(&tlv.data);
  if (raw == nullptr || raw->octets.size() != kOneOctetSettingSize) {
    return error_reply(ManagementAction::kSet, ManagementErrorId::kWrongLength, id);
  }
  const auto value = static_cast<std::uint8_t>(raw->octets[0]);
  if (*setting == ManagementSetting::kDomainNumber && value > kHighestUserDomainNumber) {
    return error_reply(ManagementAction::kSet, ManagementErrorId::kWrongValue, id);
  }
  // The reply states the value now requested, which is the value after the caller applies it.
  setting_octets = one_octet_data(value);
  ReplyTlv reply = data_reply(ManagementAction::kSet, id, wire::RawManagementData{setting_octets});
  reply.change = ManagementChange{*setting, value};
  return reply;
}

ReplyTlv answer_command(const wire::ManagementTlv& tlv) {
  const ManagementId id = tlv.management_id;
  if (id != ManagementId::kNullManagement) {
    return error_reply(ManagementAction::kCommand, ManagementErrorId::kNotSupported, id);
  }
  if (!data_is_empty(tlv.data)) {
    return error_reply(ManagementAction::kCommand, ManagementErrorId::kWrongLength, id);
  }
  return data_reply(ManagementAction::kCommand, id, std::monostate{});
}

// The reply to a request that is for us, or std::nullopt if none is due.
std::optional<ReplyTlv> answer(const wire::Message& request, const ManagementAction action,
                               const ManagementContext& context,
                               std::array<std::byte, kOneOctetSettingSize>& setting_octets) {
  if (action != ManagementAction::kGet && action != ManagementAction::kSet &&
      action != ManagementAction::kCommand) {
    return std::nullopt;  // replies and reserved actions are not requests
  }
  const wire::TlvList tlvs = request.tlv_list();
  if (tlvs.empty() || std::next(tlvs.begin()) != tlvs.end()) return std::nullopt;
  const wire::TlvView view = *tlvs.begin();
  if (view.type != wire::TlvType::kManagement) return std::nullopt;
  Result<wire::ManagementTlv, wire::WireError> tlv = wire::decode_management_tlv(view);
  if (!tlv) {
    // The codec refuses a dataField of the wrong size for its id; say so if there is an id.
    if (tlv.error() != wire::WireError::kBadManagementLength) return std::nullopt;
    const auto id = static_cast<ManagementId>(wire::load_u16(view.value.data()));
    if (action == ManagementAction::kGet && is_standard_management_id(id)) {
      // A GET names what it wants; whatever its dataField holds is ignored.
      return answer_get(wire::ManagementTlv{id, std::monostate{}}, context, setting_octets);
    }
    return error_reply(action, ManagementErrorId::kWrongLength, id);
  }
  if (!is_standard_management_id(tlv->management_id)) {
    return error_reply(action, ManagementErrorId::kNoSuchId, tlv->management_id);
  }
  switch (action) {
    case ManagementAction::kGet: return answer_get(*tlv, context, setting_octets);
    case ManagementAction::kSet: return answer_set(*tlv, setting_octets);
    default: return answer_command(*tlv);
  }
}

wire::Header reply_header(const wire::Message& request, const ManagementContext& context) {
  wire::Header header;
  header.message_type = wire::MessageType::kManagement;
  header.major_sdo_id =
      static_cast<std::uint8_t>((context.default_ds.sdo_id >> kMinorSdoIdBits) & kMajorSdoIdMask);
  header.minor_sdo_id = static_cast<std::uint8_t>(context.default_ds.sdo_id & kMinorSdoIdMask);
  header.domain_number = context.domain_number;
  // A unicast request was sent to our address; the reply goes back the same way.
  header.flags.set(wire::HeaderFlags::kUnicast, request.header.flags.unicast());
  header.source_port_identity = context.port_identity;
  header.sequence_id = request.header.sequence_id;
  header.control_field = kManagementControlField;
  header.log_message_interval = kManagementLogMessageInterval;
  return header;
}

wire::Management reply_body(const wire::Management& request_body, ManagementAction action,
                            const PortIdentity& requester) {
  wire::Management body;
  body.target_port_identity = requester;
  // The hops the request took to reach us, so the reply may take as many back (15.3.3). A
  // request whose boundaryHops exceeds its start is malformed; zero keeps the reply local.
  body.starting_boundary_hops =
      request_body.boundary_hops > request_body.starting_boundary_hops
          ? std::uint8_t{0}
          : static_cast<std::uint8_t>(request_body.starting_boundary_hops -
                                      request_body.boundary_hops);
  body.boundary_hops = body.starting_boundary_hops;
  body.action = action;
  return body;
}

}  // namespace

wire::ManagementDefaultDataSet to_management_data_set(const DefaultDataSet& ds) {
  wire::ManagementDefaultDataSet out;
  out.two_step = ds.two_step_flag;
  out.slave_only = ds.slave_only;
  out.number_ports = ds.number_ports;
  out.priority1 = ds.priority1;
  out.clock_quality = ds.clock_quality;
  out.priority2 = ds.priority2;
  out.clock_identity = ds.clock_identity;
  out.domain_number = ds.domain_number;
  return out;
}

wire::ManagementCurrentDataSet to_management_data_set(const CurrentDataSet& ds) {
  return wire::ManagementCurrentDataSet{ds.steps_removed, ds.offset_from_master,
                                        ds.mean_path_delay};
}

wire::ManagementParentDataSet to_management_data_set(const ParentDataSet& ds) {
  wire::ManagementParentDataSet out;
  out.parent_port_identity = ds.parent_port_identity;
  out.parent_stats = ds.parent_stats;
  out.observed_parent_offset_scaled_log_variance = ds.observed_parent_offset_scaled_log_variance;
  out.observed_parent_clock_phase_change_rate = ds.observed_parent_clock_phase_change_rate;
  out.grandmaster_priority1 = ds.grandmaster_priority1;
  out.grandmaster_clock_quality = ds.grandmaster_clock_quality;
  out.grandmaster_priority2 = ds.grandmaster_priority2;
  out.grandmaster_identity = ds.grandmaster_identity;
  return out;
}

wire::ManagementTimePropertiesDataSet to_management_data_set(const TimePropertiesDataSet& ds) {
  wire::ManagementTimePropertiesDataSet out;
  out.current_utc_offset = ds.current_utc_offset;
  out.leap61 = ds.leap61;
  out.leap59 = ds.leap59;
  out.current_utc_offset_valid = ds.current_utc_offset_valid;
  out.ptp_timescale = ds.ptp_timescale;
  out.time_traceable = ds.time_traceable;
  out.frequency_traceable = ds.frequency_traceable;
  out.time_source = ds.time_source;
  return out;
}

wire::ManagementPortDataSet to_management_data_set(const PortDataSet& ds) {
  wire::ManagementPortDataSet out;
  out.port_identity = ds.port_identity;
  out.port_state = static_cast<std::uint8_t>(ds.port_state);
  out.log_min_delay_req_interval = ds.log_min_delay_req_interval;
  out.peer_mean_path_delay = ds.mean_link_delay;
  out.log_announce_interval = ds.log_announce_interval;
  out.announce_receipt_timeout = ds.announce_receipt_timeout;
  out.log_sync_interval = ds.log_sync_interval;
  out.delay_mechanism = static_cast<std::uint8_t>(ds.delay_mechanism);
  out.log_min_pdelay_req_interval = ds.log_min_pdelay_req_interval;
  out.version_number = ds.version_number;
  return out;
}

Result<std::optional<ManagementOutcome>, wire::WireError> respond_to_management(
    const wire::Message& request, const ManagementContext& context, std::span<std::byte> out) {
  const auto* body = std::get_if<wire::Management>(&request.body);
  if (body == nullptr || !is_for_us(request, *body, context)) {
    return std::optional<ManagementOutcome>{};
  }
  std::array<std::byte, kOneOctetSettingSize> setting_octets{};
  const std::optional<ReplyTlv> reply = answer(request, body->action, context, setting_octets);
  if (!reply) return std::optional<ManagementOutcome>{};

  std::array<std::byte, kReplyTlvCapacity> tlv_buffer{};
  wire::TlvWriter writer(tlv_buffer);
  const Result<void, wire::WireError> appended =
      reply->management ? wire::append_management_tlv(writer, *reply->management)
                        : wire::append_management_error_status_tlv(writer, *reply->error);
  if (!appended) return unexpected(appended.error());

  const wire::Message response{
      reply_header(request, context),
      reply_body(*body, reply->action, request.header.source_port_identity), writer.written()};
  Result<std::size_t, wire::WireError> length = wire::encode_message(response, out);
  if (!length) return unexpected(length.error());
  return std::optional<ManagementOutcome>{ManagementOutcome{*length, reply->change}};
}

DefaultDataSet with_management_change(DefaultDataSet ds, const ManagementChange& change) {
  switch (change.setting) {
    case ManagementSetting::kPriority1: ds.priority1 = change.value; break;
    case ManagementSetting::kPriority2: ds.priority2 = change.value; break;
    case ManagementSetting::kDomainNumber: ds.domain_number = change.value; break;
  }
  return ds;
}

}  // namespace ptp
