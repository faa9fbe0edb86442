// Microbenchmarks of the PTP wire codec: encode_message and decode_message (decode + validate)
// for every message type, and decode_management_tlv for the TLVs a `pmc` exchange carries.
// Decode is the per-packet cost a port pays before any protocol logic runs, hence its budgets on
// the reference machine (Release build): Sync, Follow_Up, Delay_Req, Delay_Resp <= 25 ns each,
// Announce <= 40 ns.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/organization_extension_tlv.h"
#include "ptp/wire/path_trace_tlv.h"
#include "ptp/wire/tlv.h"

namespace {

using ptp::ClockIdentity;
using ptp::ClockQuality;
using ptp::PortIdentity;
using ptp::TimeInterval;
using ptp::Timestamp;
using namespace ptp::wire;  // NOLINT(google-build-using-namespace): a benchmark of this namespace

// Realistic field values, so no encoder or decoder takes an all-zero shortcut.
constexpr ClockIdentity kLocalClock{{0x00, 0x1B, 0x21, 0xFF, 0xFE, 0x12, 0x34, 0x56}};
constexpr ClockIdentity kRemoteClock{{0xAC, 0x1F, 0x6B, 0xFF, 0xFE, 0x65, 0x43, 0x21}};
constexpr PortIdentity kLocalPort{kLocalClock, 1};
constexpr PortIdentity kRemotePort{kRemoteClock, 2};
constexpr Timestamp kTime{1'700'000'000, 123'456'789};

Header make_header(MessageType type) {
  Header header;
  header.message_type = type;
  header.domain_number = 0;
  header.flags = HeaderFlags().set(HeaderFlags::kTwoStep).set(HeaderFlags::kPtpTimescale);
  header.correction_field = TimeInterval::from_scaled(0x1234'5678);
  header.source_port_identity = kLocalPort;
  header.sequence_id = 4242;
  header.control_field = default_control_field(type);
  header.log_message_interval = -3;
  return header;
}

Message make(MessageBody body, std::span<const std::byte> tlvs = {}) {
  const MessageType type = message_type_of(body);
  return Message{make_header(type), body, tlvs};
}

// TLV areas live in static storage: Message::tlvs is a view, and the benchmarks outlive the
// functions that build them.
template <class Fill>
std::span<const std::byte> static_tlvs(std::array<std::byte, 128>& storage, Fill fill) {
  TlvWriter writer(storage);
  if (!fill(writer)) std::abort();  // a benchmark of a message that cannot be built is meaningless
  return writer.written();
}

Message announce() {
  Announce body;
  body.origin_timestamp = kTime;
  body.current_utc_offset = 37;
  body.grandmaster_priority1 = 128;
  body.grandmaster_clock_quality = ClockQuality{6, ptp::ClockAccuracy::kWithin100ns, 0x4E5D};
  body.grandmaster_priority2 = 128;
  body.grandmaster_identity = kRemoteClock;
  body.steps_removed = 1;
  body.time_source = ptp::TimeSource::kGnss;
  return make(body);
}

Message announce_with_path_trace() {
  static std::array<std::byte, 128> storage{};
  static const std::span<const std::byte> tlvs = static_tlvs(storage, [](TlvWriter& writer) {
    const std::array<ClockIdentity, 2> path{kRemoteClock, kLocalClock};
    return bool(append_path_trace_tlv(writer, path));
  });
  Message message = announce();
  message.tlvs = tlvs;
  return message;
}

Message signaling() {
  static std::array<std::byte, 128> storage{};
  static const std::span<const std::byte> tlvs = static_tlvs(storage, [](TlvWriter& writer) {
    static constexpr std::array<std::byte, 8> kData{
        std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04},
        std::byte{0x05}, std::byte{0x06}, std::byte{0x07}, std::byte{0x08}};
    OrganizationExtensionTlv tlv;
    tlv.organization_id = {0x00, 0x80, 0xC2};  // IEEE 802.1
    tlv.organization_sub_type = {0x00, 0x00, 0x02};
    tlv.data = kData;
    return bool(append_organization_extension_tlv(writer, tlv));
  });
  return make(Signaling{kRemotePort}, tlvs);
}

Message management(ManagementAction action, std::span<const std::byte> tlvs) {
  return make(
      Management{PortIdentity{ClockIdentity{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
                              PortIdentity::kAllPorts},
                 1, 1, action},
      tlvs);
}

Message management_get_port_data_set() {
  static std::array<std::byte, 128> storage{};
  static const std::span<const std::byte> tlvs = static_tlvs(storage, [](TlvWriter& writer) {
    return bool(append_management_tlv(writer, ManagementTlv{ManagementId::kPortDataSet, {}}));
  });
  return management(ManagementAction::kGet, tlvs);
}

Message management_response_port_data_set() {
  static std::array<std::byte, 128> storage{};
  static const std::span<const std::byte> tlvs = static_tlvs(storage, [](TlvWriter& writer) {
    ManagementPortDataSet ds;
    ds.port_identity = kLocalPort;
    ds.port_state = 9;  // SLAVE
    ds.log_min_delay_req_interval = 0;
    ds.peer_mean_path_delay = TimeInterval::from_scaled(0);
    ds.log_announce_interval = 1;
    ds.announce_receipt_timeout = 3;
    ds.log_sync_interval = 0;
    ds.delay_mechanism = 1;
    ds.log_min_pdelay_req_interval = 0;
    ds.version_number = 2;
    return bool(append_management_tlv(writer, ManagementTlv{ManagementId::kPortDataSet, ds}));
  });
  return management(ManagementAction::kResponse, tlvs);
}

using Maker = Message (*)();

struct Case {
  const char* name;
  Maker maker;
};

const Case kCases[] = {
    {"Sync", [] { return make(Sync{kTime}); }},
    {"Delay_Req", [] { return make(DelayReq{kTime}); }},
    {"Follow_Up", [] { return make(FollowUp{kTime}); }},
    {"Delay_Resp",
     [] {
       return make(DelayResp{kTime, kRemotePort});
     }},
    {"Pdelay_Req", [] { return make(PdelayReq{kTime}); }},
    {"Pdelay_Resp",
     [] {
       return make(PdelayResp{kTime, kRemotePort});
     }},
    {"Pdelay_Resp_Follow_Up",
     [] {
       return make(PdelayRespFollowUp{kTime, kRemotePort});
     }},
    {"Announce", announce},
    {"Announce+PATH_TRACE", announce_with_path_trace},
    {"Signaling+ORG_EXT", signaling},
    {"Management_GET_PORT_DATA_SET", management_get_port_data_set},
    {"Management_RESPONSE_PORT_DATA_SET", management_response_port_data_set},
};

struct Encoded {
  std::array<std::byte, 256> bytes{};
  std::size_t size = 0;
  [[nodiscard]] std::span<const std::byte> view() const { return std::span(bytes).first(size); }
};

Encoded encode_or_die(const Message& message) {
  Encoded encoded;
  auto size = encode_message(message, encoded.bytes);
  if (!size) std::abort();
  encoded.size = *size;
  return encoded;
}

void bench_encode(benchmark::State& state, Maker maker) {
  Message message = maker();
  std::array<std::byte, 256> out{};
  for (auto _ : state) {
    // The message is opaque to the optimiser each round, so encoding cannot be hoisted.
    benchmark::DoNotOptimize(message);
    auto size = encode_message(message, out);
    benchmark::DoNotOptimize(size);
    benchmark::ClobberMemory();  // the written octets count as observed
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(encode_or_die(message).size));
}

void bench_decode(benchmark::State& state, Maker maker) {
  const Encoded encoded = encode_or_die(maker());
  std::span<const std::byte> input = encoded.view();
  if (!decode_message(input)) {
    state.SkipWithError("the encoded message does not decode");
    return;
  }
  for (auto _ : state) {
    // Opaque input (pointer, size and, through the memory clobber, the octets): every round
    // decodes afresh.
    benchmark::DoNotOptimize(input);
    auto decoded = decode_message(input);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}

// decode_management_tlv on the (validated) TLV of an encoded Management message: the work a
// management client does after decode_message.
void bench_decode_management_tlv(benchmark::State& state, Maker maker) {
  const Encoded encoded = encode_or_die(maker());
  auto message = decode_message(encoded.view());
  if (!message || message->tlv_list().empty()) {
    state.SkipWithError("no TLV to decode");
    return;
  }
  TlvView view = *message->tlv_list().begin();
  if (!decode_management_tlv(view)) {
    state.SkipWithError("the management TLV does not decode");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(view);
    auto tlv = decode_management_tlv(view);
    benchmark::DoNotOptimize(tlv);
  }
}

// Registered from a static initialiser, as BENCHMARK() does; benchmark_main then runs them.
[[maybe_unused]] const bool kRegistered = [] {
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark((std::string("encode/") + c.name).c_str(), bench_encode, c.maker);
  }
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark((std::string("decode/") + c.name).c_str(), bench_decode, c.maker);
  }
  benchmark::RegisterBenchmark("decode_management_tlv/GET_PORT_DATA_SET",
                               bench_decode_management_tlv, management_get_port_data_set);
  benchmark::RegisterBenchmark("decode_management_tlv/RESPONSE_PORT_DATA_SET",
                               bench_decode_management_tlv, management_response_port_data_set);
  return true;
}();

}  // namespace
