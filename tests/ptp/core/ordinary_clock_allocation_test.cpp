// OrdinaryClock's per-packet paths allocate nothing: a steady-state slave handling Sync,
// Follow_Up, Announce, Delay_Req/Delay_Resp, TX timestamps and timers, and a master handling
// Delay_Req, its transmit timers, TX timestamps and a management GET; and unicast negotiation
// on both sides (requests, grants, the query tick, unicast Announce/Sync/Follow_Up). It links the
// heap allocation counter (a replaced operator new), so it is its own executable; the servo is a
// plain fake (GoogleMock records calls on the heap).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>

#include "heap_allocation_counter.h"
#include "ordinary_clock_test_support.h"
#include "ptp/wire/unicast_negotiation_tlv.h"

namespace ptp::clock_test {
namespace {

class FakeServo : public servo::Servo {
 public:
  servo::ServoDecision sample(Nanoseconds, Nanoseconds) override {
    ++samples;
    return locked(2.0);
  }
  void set_sync_interval(Nanoseconds) override {}
  void step_applied(Nanoseconds, Nanoseconds) override {}
  void reset() override {}
  [[nodiscard]] double frequency_ppb() const override { return 2.0; }
  [[nodiscard]] std::string_view name() const override { return "fake"; }

  std::uint64_t samples = 0;
};

using FakeHarness = BasicHarness<FakeServo>;

std::int64_t allocations_now() { return static_cast<std::int64_t>(test::heap_allocations()); }

// The first SendMessage in `out` that asked for a timestamp, without allocating.
const SendMessage* timestamped_send(const PortActions& out) {
  for (const auto& action : out.view()) {
    const auto* send = std::get_if<SendMessage>(&action);
    if (send != nullptr && send->timestamp_id.has_value()) return send;
  }
  return nullptr;
}

TEST(OrdinaryClockAllocationTest, CountingWorks) {
  const std::int64_t before = allocations_now();
  auto* p = new int(3);
  EXPECT_EQ(allocations_now() - before, 1);
  delete p;
}

TEST(OrdinaryClockAllocationTest, SteadyStateSlaveAllocatesNothing) {
  FakeHarness h;
  MasterAScript<FakeHarness> master{h};
  master.reach_slave();
  ASSERT_EQ(h.state(), PortState::kSlave);

  // Every message of the loop, encoded before counting starts.
  constexpr int kRounds = 20;
  std::array<Bytes, kRounds> syncs{};
  std::array<Bytes, kRounds> follow_ups{};
  std::array<Bytes, kRounds> announces{};
  for (int i = 0; i < kRounds; ++i) {
    const auto sequence = static_cast<std::uint16_t>(200 + i);
    SyncSpec spec;
    spec.sequence_id = sequence;
    syncs[static_cast<std::size_t>(i)] = sync(spec);
    follow_ups[static_cast<std::size_t>(i)] =
        follow_up(kMasterA, sequence, ts(master.master_time + seconds(i)));
    AnnounceSpec announce_spec;
    announce_spec.sequence_id = static_cast<std::uint16_t>(100 + i);
    announces[static_cast<std::size_t>(i)] = announce(announce_spec);
  }

  OrdinaryClock& clock = h.clock();
  PortActions out;
  const std::uint64_t samples_before = h.servo().samples;
  const std::int64_t before = allocations_now();
  bool all_matched = true;
  for (int i = 0; i < kRounds; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const Nanoseconds now = master.now + seconds(i);
    const Nanoseconds t1 = master.master_time + seconds(i);
    ReceivedMessage received;
    received.source = kAddressA;

    out.clear();
    received.bytes = syncs[index].span();
    received.channel = MessageChannel::kEvent;
    received.receive_time = t1 + master.delay;
    clock.handle_message(received, now, out);

    out.clear();
    received.bytes = follow_ups[index].span();
    received.channel = MessageChannel::kGeneral;
    received.receive_time.reset();
    clock.handle_message(received, now + ms(1), out);

    out.clear();
    received.bytes = announces[index].span();
    clock.handle_message(received, now + ms(2), out);

    out.clear();
    clock.handle_timer(PortTimer::kDelayRequest, now + ms(3), out);
    const SendMessage* request = timestamped_send(out);
    if (request == nullptr) {
      all_matched = false;
      continue;
    }
    const auto decoded = wire::decode_message(request->payload());
    const TxTimestampId id = *request->timestamp_id;
    out.clear();
    clock.handle_tx_timestamp(id, t1 + ms(3), now + ms(3), out);

    std::array<std::byte, 64> response{};
    wire::Header header = clock_test::header(wire::MessageType::kDelayResp, kMasterA,
                                             decoded ? decoded->header.sequence_id : 0, 0);
    const auto length = wire::encode_message(
        wire::Message{header, wire::DelayResp{ts(t1 + ms(3) + master.delay), kOurPort}, {}},
        response);
    out.clear();
    received.bytes = std::span<const std::byte>(response).first(length ? *length : 0);
    clock.handle_message(received, now + ms(4), out);
  }
  const std::int64_t allocations = allocations_now() - before;
  EXPECT_TRUE(all_matched);
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(h.state(), PortState::kSlave);
  EXPECT_EQ(h.servo().samples - samples_before, std::uint64_t{kRounds});
  EXPECT_EQ(h.counters().total_drops(), 0U);
  EXPECT_EQ(h.counters().actions_dropped, 0U);
}

TEST(OrdinaryClockAllocationTest, MasterAllocatesNothing) {
  FakeHarness h;
  const Nanoseconds start = seconds(1000);
  h.start(start);
  h.timer(PortTimer::kAnnounceReceipt, start + seconds(7));
  ASSERT_EQ(h.state(), PortState::kMaster);

  constexpr int kRounds = 20;
  std::array<Bytes, kRounds> requests{};
  for (int i = 0; i < kRounds; ++i) {
    requests[static_cast<std::size_t>(i)] =
        delay_req(port_id(0x60, 1), static_cast<std::uint16_t>(i));
  }
  ManagementSpec get;
  get.id = wire::ManagementId::kCurrentDataSet;
  const Bytes management_get = management(get);

  OrdinaryClock& clock = h.clock();
  PortActions out;
  std::uint64_t follow_ups = 0;
  const std::int64_t before = allocations_now();
  for (int i = 0; i < kRounds; ++i) {
    const Nanoseconds now = start + seconds(8 + i);
    out.clear();
    clock.handle_timer(PortTimer::kSyncTransmit, now, out);
    const SendMessage* sync_send = timestamped_send(out);
    if (sync_send != nullptr) {
      const TxTimestampId id = *sync_send->timestamp_id;
      out.clear();
      if (i % 5 == 4) {
        clock.handle_tx_timestamp_lost(id, now, out);
      } else {
        clock.handle_tx_timestamp(id, seconds(1'700'000'000 + i), now, out);
        follow_ups += out.size();
      }
    }
    out.clear();
    clock.handle_timer(PortTimer::kAnnounceTransmit, now, out);

    ReceivedMessage received;
    received.source = kAddressSlave;
    received.bytes = requests[static_cast<std::size_t>(i)].span();
    received.channel = MessageChannel::kEvent;
    received.receive_time = seconds(1'700'000'000 + i) + ms(5);
    out.clear();
    clock.handle_message(received, now + ms(5), out);

    received.bytes = management_get.span();
    received.channel = MessageChannel::kGeneral;
    received.receive_time.reset();
    out.clear();
    clock.handle_message(received, now + ms(6), out);
  }
  const std::int64_t allocations = allocations_now() - before;
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(follow_ups, 16U);
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(wire::MessageType::kDelayResp)],
            std::uint64_t{kRounds});
  EXPECT_EQ(h.counters().management_replies, std::uint64_t{kRounds});
  EXPECT_EQ(h.counters().total_drops(), 0U);
  EXPECT_EQ(h.counters().actions_dropped, 0U);
}

Bytes negotiation(const PortIdentity& sender, const wire::UnicastNegotiationTlv& first,
                  const wire::UnicastNegotiationTlv& second) {
  std::array<std::byte, 64> area{};
  wire::TlvWriter writer(area);
  EXPECT_TRUE(wire::append_unicast_negotiation_tlv(writer, first));
  EXPECT_TRUE(wire::append_unicast_negotiation_tlv(writer, second));
  wire::Header h = header(wire::MessageType::kSignaling, sender, 1, 0x7F);
  return encode(wire::Message{h, wire::Signaling{kOurPort}, writer.written()});
}

TEST(OrdinaryClockAllocationTest, UnicastGrantorAndGranteeAllocateNothing) {
  PortConfig grantor_config = base_config();
  grantor_config.unicast.listen = true;
  FakeHarness grantor(grantor_config);
  PortConfig grantee_config = base_config();
  grantee_config.unicast.masters[0] = kAddressA;
  grantee_config.unicast.master_count = 1;
  FakeHarness grantee(grantee_config);
  const Nanoseconds start = seconds(1000);
  grantor.start(start);
  grantor.timer(PortTimer::kAnnounceReceipt, start + seconds(7));
  ASSERT_EQ(grantor.state(), PortState::kMaster);
  grantee.start(start);
  const Bytes requests = negotiation(
      port_id(0x60, 1), wire::RequestUnicastTransmissionTlv{wire::MessageType::kAnnounce, 1, 60},
      wire::RequestUnicastTransmissionTlv{wire::MessageType::kSync, 0, 60});
  const Bytes grants = negotiation(
      kMasterA, wire::GrantUnicastTransmissionTlv{wire::MessageType::kAnnounce, 1, 60, true},
      wire::GrantUnicastTransmissionTlv{wire::MessageType::kSync, 0, 60, true});

  PortActions out;
  std::uint64_t follow_ups = 0;
  const std::int64_t before = allocations_now();
  for (int i = 0; i < 20; ++i) {
    const Nanoseconds now = start + seconds(8 + i);
    ReceivedMessage received;
    received.source = kAddressSlave;
    received.bytes = requests.span();
    out.clear();
    grantor.clock().handle_message(received, now, out);
    out.clear();
    grantor.clock().handle_timer(PortTimer::kUnicastTransmit, now + ms(1), out);
    if (const SendMessage* sync_send = timestamped_send(out)) {
      const TxTimestampId id = *sync_send->timestamp_id;
      out.clear();
      grantor.clock().handle_tx_timestamp(id, seconds(1'700'000'000 + i), now + ms(1), out);
      follow_ups += out.size();
    }
    received.source = kAddressA;
    received.bytes = grants.span();
    out.clear();
    grantee.clock().handle_message(received, now, out);
    out.clear();
    grantee.clock().handle_timer(PortTimer::kUnicastQuery, now + ms(2), out);
  }
  EXPECT_EQ(allocations_now() - before, 0);
  EXPECT_EQ(follow_ups, 20U);
  EXPECT_EQ(grantor.counters().unicast_grants_given, 40U);
  EXPECT_EQ(grantee.clock().unicast_masters()[0].stage, UnicastMasterStage::kAnnounced);
  EXPECT_EQ(grantee.counters().unicast_grants_unrequested, 20U);  // Sync: not the parent
  EXPECT_EQ(grantor.counters().actions_dropped + grantee.counters().actions_dropped, 0U);
}

}  // namespace
}  // namespace ptp::clock_test
