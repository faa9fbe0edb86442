// PmcPeer: the GETs out, the RESPONSEs in.
#include "pmc_peer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <variant>

#include "ptp/hal/ip_address.h"
#include "ptp/hal/packet.h"
#include "ptp/sim/random.h"
#include "ptp/wire/message.h"
#include "ptp/wire/tlv.h"

namespace ptp::conformance {
namespace {

// An address no scenario node has (they are 10.0.x.y from their index).
constexpr hal::IpAddress kPmcAddress = hal::IpAddress::v4(10, 254, 0, 1);
constexpr ClockIdentity kAllClocks{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};
constexpr hal::TimerId kGetTimer{1};
constexpr hal::TimerId kSetTimer{2};

// The host's crystal is perfect: its counter reads true time.
hal::CounterTicks ticks_at(double seconds, std::uint64_t frequency_hz) {
  return hal::CounterTicks{
      static_cast<std::int64_t>(std::round(seconds * static_cast<double>(frequency_hz)))};
}

}  // namespace

std::shared_ptr<PmcPeer> PmcPeer::attach(ptpsim::SimulatedWorld& world,
                                         const std::string& switch_name,
                                         std::vector<double> at_seconds,
                                         std::vector<wire::ManagementId> queries,
                                         std::vector<PmcSet> sets, PmcLog& log) {
  const auto switch_node = world.switch_node(switch_name);
  if (!switch_node) return nullptr;
  sim::SimHostConfig config;
  config.ipv4 = kPmcAddress;
  auto host = sim::SimHost::create(world.scheduler(), config, sim::Random(0x9ac));
  if (!host) return nullptr;
  const auto node = world.network().add_host(**host, sim::HostAddresses{config.ipv4, config.ipv6});
  if (!node) return nullptr;
  (*host)->connect(world.network(), *node);
  const sim::LinkDirectionConfig link;  // zero delay: pmc's own latency is not under test
  if (!world.network().add_link(*node, *switch_node, link, link)) return nullptr;
  return std::shared_ptr<PmcPeer>(new PmcPeer(world, std::move(host.value()), std::move(at_seconds),
                                              std::move(queries), std::move(sets), log));
}

PmcPeer::PmcPeer(ptpsim::SimulatedWorld& world, std::unique_ptr<sim::SimHost> host,
                 std::vector<double> at_seconds, std::vector<wire::ManagementId> queries,
                 std::vector<PmcSet> sets, PmcLog& log)
    : world_(world),
      host_(std::move(host)),
      at_seconds_(std::move(at_seconds)),
      queries_(std::move(queries)),
      sets_(std::move(sets)),
      log_(log) {
  std::sort(sets_.begin(), sets_.end(),
            [](const PmcSet& a, const PmcSet& b) { return a.at_s < b.at_s; });
  host_->transport(hal::AddressFamily::kIpv4).set_listener(this);
  host_->timers().set_listener(this);
  arm_next();
  if (!sets_.empty()) {
    host_->timers().arm(kSetTimer, ticks_at(sets_.front().at_s, host_->counter().frequency_hz()));
  }
}

void PmcPeer::arm_next() {
  if (next_round_ >= at_seconds_.size()) return;
  host_->timers().arm(kGetTimer,
                      ticks_at(at_seconds_[next_round_], host_->counter().frequency_hz()));
}

void PmcPeer::on_timer(hal::TimerId timer) {
  if (timer == kSetTimer) {
    if (next_set_ >= sets_.size()) return;
    const PmcSet& set = sets_[next_set_++];
    // PRIORITY1, PRIORITY2 and DOMAIN: the value and a reserved octet (1588-2019 15.5.3.4).
    const std::array<std::byte, 2> data{std::byte{set.value}, std::byte{0}};
    const std::uint16_t sequence_id = sequence_id_;
    if (send(wire::ManagementAction::kSet, set.id, data)) {
      log_.set_sequence_ids.push_back(sequence_id);
    }
    if (next_set_ < sets_.size()) {
      host_->timers().arm(kSetTimer,
                          ticks_at(sets_[next_set_].at_s, host_->counter().frequency_hz()));
    }
    return;
  }
  for (const wire::ManagementId id : queries_) {
    if (send(wire::ManagementAction::kGet, id, {})) ++log_.requests_sent;
  }
  ++next_round_;
  arm_next();
}

bool PmcPeer::send(wire::ManagementAction action, wire::ManagementId id,
                   std::span<const std::byte> data) {
  std::array<std::byte, 16> tlv_buffer{};
  wire::TlvWriter writer(tlv_buffer);
  const wire::ManagementData management_data =
      data.empty() ? wire::ManagementData{std::monostate{}}
                   : wire::ManagementData{wire::RawManagementData{data}};
  if (!wire::append_management_tlv(writer, wire::ManagementTlv{id, management_data})) {
    return false;
  }
  wire::Header header;
  header.message_type = wire::MessageType::kManagement;
  header.domain_number = 0;
  header.source_port_identity = PortIdentity{kIdentity, 1};
  header.sequence_id = sequence_id_++;
  header.control_field = wire::default_control_field(wire::MessageType::kManagement);
  header.log_message_interval = 0x7F;
  const wire::Management body{PortIdentity{kAllClocks, PortIdentity::kAllPorts}, 1, 1, action};
  std::array<std::byte, 128> bytes{};
  const auto length = wire::encode_message(wire::Message{header, body, writer.written()}, bytes);
  if (!length) return false;
  return host_->transport(hal::AddressFamily::kIpv4)
      .send(hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4,
            std::span<const std::byte>(bytes.data(), *length), hal::TxTimestampRequest::kNone)
      .has_value();
}

void PmcPeer::on_packet(const hal::ReceivedPacket& packet) {
  const auto message = wire::decode_message(packet.payload);
  if (!message) return;
  const auto* body = std::get_if<wire::Management>(&message->body);
  if (body == nullptr || body->action != wire::ManagementAction::kResponse ||
      body->target_port_identity.clock_identity != kIdentity) {
    return;
  }
  wire::TlvReader tlvs(message->tlvs);
  const auto first = tlvs.next();
  if (!first || !first->has_value()) return;
  const auto tlv = wire::decode_management_tlv(**first);
  if (!tlv) return;
  PmcResponse response;
  response.time_s = world_.seconds();
  response.sequence_id = message->header.sequence_id;
  response.from = message->header.source_port_identity;
  response.id = tlv->management_id;
  response.data = tlv->data;
  if (const auto* raw = std::get_if<wire::RawManagementData>(&tlv->data)) {
    response.raw.assign(raw->octets.begin(), raw->octets.end());
    response.data = wire::RawManagementData{response.raw};
  }
  log_.responses.push_back(std::move(response));
}

}  // namespace ptp::conformance
