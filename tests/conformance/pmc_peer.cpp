// PmcPeer: the GETs out, the RESPONSEs in.
#include "pmc_peer.h"

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

}  // namespace

std::shared_ptr<PmcPeer> PmcPeer::attach(ptpsim::SimulatedWorld& world,
                                         const std::string& switch_name,
                                         std::vector<double> at_seconds,
                                         std::vector<wire::ManagementId> queries, PmcLog& log) {
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
  return std::shared_ptr<PmcPeer>(
      new PmcPeer(world, std::move(host.value()), std::move(at_seconds), std::move(queries), log));
}

PmcPeer::PmcPeer(ptpsim::SimulatedWorld& world, std::unique_ptr<sim::SimHost> host,
                 std::vector<double> at_seconds, std::vector<wire::ManagementId> queries,
                 PmcLog& log)
    : world_(world),
      host_(std::move(host)),
      at_seconds_(std::move(at_seconds)),
      queries_(std::move(queries)),
      log_(log) {
  host_->transport(hal::AddressFamily::kIpv4).set_listener(this);
  host_->timers().set_listener(this);
  arm_next();
}

void PmcPeer::arm_next() {
  if (next_round_ >= at_seconds_.size()) return;
  // The host's crystal is perfect: its counter reads true time.
  const double ticks =
      std::round(at_seconds_[next_round_] * static_cast<double>(host_->counter().frequency_hz()));
  host_->timers().arm(hal::TimerId{1}, hal::CounterTicks{static_cast<std::int64_t>(ticks)});
}

void PmcPeer::on_timer(hal::TimerId) {
  for (const wire::ManagementId id : queries_) send_get(id);
  ++next_round_;
  arm_next();
}

void PmcPeer::send_get(wire::ManagementId id) {
  std::array<std::byte, 16> tlv_buffer{};
  wire::TlvWriter writer(tlv_buffer);
  if (!wire::append_management_tlv(writer, wire::ManagementTlv{id, std::monostate{}})) return;
  wire::Header header;
  header.message_type = wire::MessageType::kManagement;
  header.domain_number = 0;
  header.source_port_identity = PortIdentity{kIdentity, 1};
  header.sequence_id = sequence_id_++;
  header.control_field = wire::default_control_field(wire::MessageType::kManagement);
  header.log_message_interval = 0x7F;
  const wire::Management body{PortIdentity{kAllClocks, PortIdentity::kAllPorts}, 1, 1,
                              wire::ManagementAction::kGet};
  std::array<std::byte, 128> bytes{};
  const auto length = wire::encode_message(wire::Message{header, body, writer.written()}, bytes);
  if (!length) return;
  const auto sent =
      host_->transport(hal::AddressFamily::kIpv4)
          .send(hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4,
                std::span<const std::byte>(bytes.data(), *length), hal::TxTimestampRequest::kNone);
  if (sent) ++log_.requests_sent;
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
