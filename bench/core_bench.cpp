// Per-packet cost of the protocol core (OrdinaryClock), codec included: a master answering a
// Delay_Req, and a locked slave handling one Sync/Follow_Up pair (matching, offset, PI servo,
// actions). These are the costs a port pays per message beyond the HAL; the simulator's speed
// for thousands of clocks rests on them.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <span>

#include "ptp/core/ordinary_clock.h"
#include "ptp/servo/servo_factory.h"
#include "ptp/wire/message.h"

namespace {

using namespace ptp;  // NOLINT(google-build-using-namespace): a benchmark of this namespace

constexpr ClockIdentity kMasterClock{{0x02, 0, 0, 0xFF, 0xFE, 0, 0, 1}};
constexpr ClockIdentity kSlaveClock{{0x02, 0, 0, 0xFF, 0xFE, 0, 0, 2}};
constexpr Nanoseconds kEpoch{1'000 * kNanosecondsPerSecond};

struct Encoded {
  std::array<std::byte, 128> bytes{};
  std::size_t length = 0;
  [[nodiscard]] std::span<const std::byte> view() const {
    return std::span<const std::byte>(bytes).first(length);
  }
};

Encoded encode(const wire::Message& message) {
  Encoded out;
  const auto length = wire::encode_message(message, out.bytes);
  if (!length) std::abort();
  out.length = *length;
  return out;
}

wire::Header header(wire::MessageType type, ClockIdentity from, std::uint16_t sequence_id) {
  wire::Header h;
  h.message_type = type;
  h.source_port_identity = PortIdentity{from, 1};
  h.sequence_id = sequence_id;
  h.control_field = wire::default_control_field(type);
  return h;
}

std::unique_ptr<servo::Servo> pi_servo() {
  auto servo = servo::make_servo(servo::ServoConfig{}, 0.0);
  if (!servo) std::abort();
  return std::move(servo.value());
}

OrdinaryClock make_clock(ClockIdentity identity, std::uint8_t priority1, servo::Servo& servo) {
  PortConfig config;
  config.clock_identity = identity;
  config.priority1 = priority1;
  config.delay_filter_length = 1;
  auto clock = OrdinaryClock::create(config, servo);
  if (!clock) std::abort();
  return std::move(clock).value();
}

void BM_MasterAnswersDelayRequest(benchmark::State& state) {
  auto servo = pi_servo();
  OrdinaryClock master = make_clock(kMasterClock, 100, *servo);
  PortActions actions;
  master.start(Nanoseconds(0), actions);
  actions.clear();
  master.handle_timer(PortTimer::kAnnounceReceipt, Nanoseconds(10 * kNanosecondsPerSecond),
                      actions);  // LISTENING -> MASTER
  if (master.state() != PortState::kMaster) std::abort();
  const Encoded request = encode(
      wire::Message{header(wire::MessageType::kDelayReq, kSlaveClock, 7), wire::DelayReq{}, {}});
  ReceivedMessage received;
  received.bytes = request.view();
  received.channel = MessageChannel::kEvent;
  received.receive_time = kEpoch;
  for (auto _ : state) {
    actions.clear();
    master.handle_message(received, Nanoseconds(11 * kNanosecondsPerSecond), actions);
    benchmark::DoNotOptimize(actions);
  }
  if (master.counters().sent[static_cast<std::size_t>(wire::MessageType::kDelayResp)] == 0) {
    std::abort();
  }
}
BENCHMARK(BM_MasterAnswersDelayRequest);

void BM_SlaveHandlesSyncAndFollowUp(benchmark::State& state) {
  auto servo = pi_servo();
  OrdinaryClock slave = make_clock(kSlaveClock, 200, *servo);
  PortActions actions;
  slave.start(Nanoseconds(0), actions);
  // Two Announces qualify the master: UNCALIBRATED.
  wire::Announce announce;
  announce.grandmaster_identity = kMasterClock;
  announce.grandmaster_priority1 = 100;
  for (std::uint16_t i = 0; i < 2; ++i) {
    const Encoded bytes =
        encode(wire::Message{header(wire::MessageType::kAnnounce, kMasterClock, i), announce, {}});
    ReceivedMessage received;
    received.bytes = bytes.view();
    actions.clear();
    slave.handle_message(received, Nanoseconds(i * kNanosecondsPerSecond), actions);
  }
  if (slave.state() != PortState::kUncalibrated) std::abort();
  // One delay measurement so that Syncs produce offsets.
  actions.clear();
  slave.handle_timer(PortTimer::kDelayRequest, Nanoseconds(2 * kNanosecondsPerSecond), actions);
  std::optional<TxTimestampId> id;
  std::uint16_t delay_sequence = 0;
  for (const auto& action : actions.view()) {
    if (const auto* send = std::get_if<SendMessage>(&action)) {
      id = send->timestamp_id;
      delay_sequence = wire::decode_message(send->payload())->header.sequence_id;
    }
  }
  if (!id) std::abort();

  std::uint16_t sequence = 0;
  Nanoseconds t1 = kEpoch;
  const auto sync_exchange = [&](Nanoseconds now) {
    wire::Header sync_header = header(wire::MessageType::kSync, kMasterClock, sequence);
    sync_header.flags.set(wire::HeaderFlags::kTwoStep);
    const Encoded sync = encode(wire::Message{sync_header, wire::Sync{}, {}});
    const Encoded follow_up =
        encode(wire::Message{header(wire::MessageType::kFollowUp, kMasterClock, sequence),
                             wire::FollowUp{*Timestamp::from_nanoseconds(t1)},
                             {}});
    ReceivedMessage received;
    received.bytes = sync.view();
    received.channel = MessageChannel::kEvent;
    received.receive_time = Nanoseconds(t1.count() + 500);  // 500 ns path, no offset
    actions.clear();
    slave.handle_message(received, now, actions);
    received.bytes = follow_up.view();
    received.channel = MessageChannel::kGeneral;
    received.receive_time.reset();
    slave.handle_message(received, now, actions);
    ++sequence;
    t1 = Nanoseconds(t1.count() + kNanosecondsPerSecond);
  };
  sync_exchange(Nanoseconds(3 * kNanosecondsPerSecond));
  actions.clear();
  slave.handle_tx_timestamp(*id, Nanoseconds(kEpoch.count() + 100'000), Nanoseconds(0), actions);
  const Encoded response = encode(wire::Message{
      header(wire::MessageType::kDelayResp, kMasterClock, delay_sequence),
      wire::DelayResp{*Timestamp::from_nanoseconds(Nanoseconds(kEpoch.count() + 100'500)),
                      PortIdentity{kSlaveClock, 1}},
      {}});
  ReceivedMessage received;
  received.bytes = response.view();
  actions.clear();
  slave.handle_message(received, Nanoseconds(4 * kNanosecondsPerSecond), actions);

  std::int64_t now = 5 * kNanosecondsPerSecond;
  for (auto _ : state) {
    sync_exchange(Nanoseconds(now));
    now += kNanosecondsPerSecond;
    benchmark::DoNotOptimize(actions);
  }
  if (slave.counters().measurements == 0) std::abort();
  state.counters["measurements"] = static_cast<double>(slave.counters().measurements);
}
BENCHMARK(BM_SlaveHandlesSyncAndFollowUp);

}  // namespace
