// Transparent clock message edits: the correctionField, and a P2P TC port's Pdelay_Resp.
#include "ptp/sim/transparent_clock.h"

#include <limits>

#include "ptp/wire/message.h"

namespace ptp::sim::tc_detail {
namespace {

constexpr std::size_t kHeaderLength = 34;
constexpr std::size_t kCorrectionOffset = 8;
constexpr std::int64_t kScale = 65536;

}  // namespace

std::optional<std::uint8_t> message_type(std::span<const std::byte> payload) {
  if (payload.size() < kHeaderLength) return std::nullopt;
  return static_cast<std::uint8_t>(std::to_integer<unsigned>(payload[0]) & 0x0FU);
}

bool add_to_correction(std::span<std::byte> payload, std::int64_t nanoseconds) {
  if (payload.size() < kHeaderLength) return false;
  std::uint64_t raw = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    raw = (raw << 8U) | std::to_integer<std::uint64_t>(payload[kCorrectionOffset + i]);
  }
  const auto current = static_cast<std::int64_t>(raw);
  constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 4;
  if (nanoseconds > kLimit / kScale || nanoseconds < -kLimit / kScale || current > kLimit ||
      current < -kLimit) {
    return false;
  }
  auto updated = static_cast<std::uint64_t>(current + nanoseconds * kScale);
  for (std::size_t i = 8; i-- > 0;) {
    payload[kCorrectionOffset + i] = static_cast<std::byte>(updated & 0xFFU);
    updated >>= 8U;
  }
  return true;
}

std::optional<std::size_t> pdelay_response(std::span<const std::byte> request,
                                           std::uint64_t clock_identity, std::uint16_t port_number,
                                           std::int64_t turnaround_ns, std::span<std::byte> out) {
  const auto decoded = wire::decode_message(request);
  if (!decoded || decoded->type() != wire::MessageType::kPdelayReq) return std::nullopt;
  wire::Header header = decoded->header;
  header.message_type = wire::MessageType::kPdelayResp;
  header.control_field = wire::default_control_field(wire::MessageType::kPdelayResp);
  header.flags = wire::HeaderFlags{};  // one-step: twoStepFlag clear
  header.log_message_interval = 0x7F;
  const auto turnaround = TimeInterval::from_nanoseconds(Nanoseconds(turnaround_ns));
  if (!turnaround || header.correction_field.is_too_big()) return std::nullopt;
  header.correction_field =
      TimeInterval::from_scaled(header.correction_field.scaled() + turnaround->scaled());
  for (std::size_t i = 0; i < 8; ++i) {
    header.source_port_identity.clock_identity.octets[i] =
        static_cast<std::uint8_t>(clock_identity >> (56U - 8U * i));
  }
  header.source_port_identity.port_number = port_number;
  const wire::PdelayResp body{Timestamp{}, decoded->header.source_port_identity};
  const auto length = wire::encode_message(wire::Message{header, body, {}}, out);
  if (!length) return std::nullopt;
  return length.value();
}

}  // namespace ptp::sim::tc_detail
