// The whole simulated world at once — noisy crystals, hosts with hardware, software and
// application timestamps, a switch, lossy and jittery links, timers driving periodic multicast and
// unicast traffic, a capability change and a link fault — replayed from one seed: the trace of
// every executed event and every delivered timestamp must be identical run after run, and must
// change with the seed.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "ptp/sim/network.h"
#include "ptp/sim/sim_host.h"

namespace ptp::sim {
namespace {

constexpr int kHosts = 8;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

struct Fingerprint {
  std::uint64_t value = 0xcbf29ce484222325ULL;
  std::uint64_t items = 0;
  void mix(std::uint64_t word) {
    for (int i = 0; i < 8; ++i) {
      value = (value ^ ((word >> (8 * i)) & 0xFFU)) * kFnvPrime;
    }
    ++items;
  }
};

std::uint64_t reading_of(const hal::PacketTimestamp& timestamp) {
  if (const auto* nic = std::get_if<hal::NicTicks>(&timestamp.reading)) return nic->count;
  if (const auto* counter = std::get_if<hal::CounterTicks>(&timestamp.reading)) {
    return static_cast<std::uint64_t>(counter->count);
  }
  return static_cast<std::uint64_t>(
      std::get<hal::SystemTime>(timestamp.reading).since_epoch.count());
}

// Sends one multicast packet per timer period and a unicast reply to every packet it receives
// on the event port; folds what it receives into the run's fingerprint.
class Chatter final : public hal::PacketListener, public hal::TimerListener {
 public:
  Chatter(SimHost& host, Fingerprint& fingerprint, hal::IpAddress peer)
      : host_(host), fingerprint_(fingerprint), peer_(peer) {
    host_.transport(hal::AddressFamily::kIpv4).set_listener(this);
    host_.timers().set_listener(this);
    arm_next();
  }

  void on_packet(const hal::ReceivedPacket& packet) override {
    fingerprint_.mix(reading_of(packet.timestamp));
    fingerprint_.mix(packet.payload.size());
    if (packet.port == hal::PtpUdpPort::kEvent && packet.destination.is_multicast()) {
      const std::array<std::byte, 4> reply{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
      (void)host_.transport(hal::AddressFamily::kIpv4)
          .send(hal::PtpUdpPort::kGeneral, peer_, reply, hal::TxTimestampRequest::kNone);
    }
  }
  void on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) override {
    fingerprint_.mix(tag.value);
    fingerprint_.mix(reading_of(timestamp));
  }
  void on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss reason) override {
    fingerprint_.mix(tag.value ^ (std::uint64_t{static_cast<std::uint8_t>(reason)} << 32U));
  }
  void on_timer(hal::TimerId) override {
    const std::array<std::byte, 44> sync{};
    (void)host_.transport(hal::AddressFamily::kIpv4)
        .send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4, sync,
              hal::TxTimestampRequest::kRequested);
    arm_next();
  }

 private:
  void arm_next() {
    // 125 ms of the host's own counter: hosts drift apart, as real ones do.
    next_ = hal::CounterTicks{next_.count + 1'250'000};
    host_.timers().arm(hal::TimerId{1}, next_);
  }

  SimHost& host_;
  Fingerprint& fingerprint_;
  hal::IpAddress peer_;
  hal::CounterTicks next_{};
};

hal::InterfaceTimestampCapabilities capabilities_for(int index) {
  hal::InterfaceTimestampCapabilities caps;
  if (index % 3 == 0) {
    caps.supported.hardware.all_receive = caps.supported.hardware.all_transmit = true;
    caps.supported.supports_cross_timestamp = true;
  }
  if (index % 3 != 2) {
    caps.supported.software.all_receive = caps.supported.software.all_transmit = true;
  }
  caps.active = caps.supported;
  return caps;
}

Fingerprint run_world(std::uint64_t seed) {
  Scheduler scheduler;
  Fingerprint fingerprint;
  scheduler.set_trace_hook([&](SimTime at, EventLabel label) {
    fingerprint.mix(static_cast<std::uint64_t>(at.since_start().picoseconds()));
    fingerprint.mix(static_cast<std::uint64_t>(label));
  });
  Random random(seed);
  Network network(scheduler, random.fork(100));
  DelayModelConfig residence;
  residence.propagation = SimDuration::microseconds(2);
  residence.variation = ExponentialDelayVariation{SimDuration::nanoseconds(300)};
  const auto switch_node = network.add_switch(residence);
  EXPECT_TRUE(switch_node);

  std::vector<std::unique_ptr<SimHost>> hosts;
  std::vector<std::unique_ptr<Chatter>> chatters;
  std::vector<LinkId> links;
  hosts.reserve(kHosts);
  links.reserve(kHosts);
  for (int i = 0; i < kHosts; ++i) {
    SimHostConfig config;
    config.ipv4 = hal::IpAddress::v4(10, 0, 0, static_cast<std::uint8_t>(i + 1));
    config.ipv6 = hal::IpAddress::v6(
        {0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(i + 1)});
    config.host_crystal.initial_frequency_error_ppm = 3.0 * i - 10.0;
    config.host_crystal.white_fm_adev_at_1s = 1e-9;
    config.host_crystal.random_walk_fm_adev_at_1s = 1e-11;
    config.nic_crystal.initial_frequency_error_ppm = 5.0 - 2.0 * i;
    config.nic_crystal.initial_phase_offset = SimDuration::seconds(1000);
    config.nic_crystal.white_fm_adev_at_1s = 1e-10;
    config.capabilities = capabilities_for(i);
    config.paths.transmit_timestamp_loss_probability = 0.02;
    auto host = SimHost::create(scheduler, config, random.fork(static_cast<std::uint64_t>(i)));
    EXPECT_TRUE(host);
    const auto node = network.add_host(**host, HostAddresses{config.ipv4, config.ipv6});
    EXPECT_TRUE(node);
    (*host)->connect(network, *node);
    LinkDirectionConfig link;
    link.delay.propagation = SimDuration::nanoseconds(500 + 100 * i);
    link.delay.variation =
        NormalDelayVariation{SimDuration::nanoseconds(200), SimDuration::nanoseconds(50)};
    link.loss = BernoulliLoss{0.01};
    const auto link_id = network.add_link(*node, *switch_node, link, link);
    EXPECT_TRUE(link_id);
    links.push_back(*link_id);
    hosts.push_back(std::move(*host));
  }
  chatters.reserve(kHosts);
  for (int i = 0; i < kHosts; ++i) {
    chatters.push_back(std::make_unique<Chatter>(
        *hosts[static_cast<std::size_t>(i)], fingerprint,
        hosts[static_cast<std::size_t>((i + 1) % kHosts)]->config().ipv4));
  }
  // A NIC reconfigured at 10 s and a link down from 12 s to 13 s.
  EXPECT_TRUE(hosts[0]->timestamping().change_capabilities_at(
      SimTime::from_start(SimDuration::seconds(10)), capabilities_for(2)));
  EXPECT_TRUE(network.add_link_down(links[1], SimTime::from_start(SimDuration::seconds(12)),
                                    SimTime::from_start(SimDuration::seconds(13))));

  EXPECT_TRUE(scheduler.run_for(SimDuration::seconds(20)));
  for (const auto& host : hosts)
    fingerprint.mix(static_cast<std::uint64_t>(host->system_clock().true_offset_ns()));
  return fingerprint;
}

TEST(WorldDeterminism, SameSeedSameTraceOtherSeedOtherTrace) {
  const Fingerprint first = run_world(7);
  const Fingerprint second = run_world(7);
  const Fingerprint other = run_world(8);
  // 8 hosts x 8 multicasts/s x 20 s, each delivered to 7 peers through several events.
  EXPECT_GT(first.items, 100'000U);
  EXPECT_EQ(first.value, second.value);
  EXPECT_EQ(first.items, second.items);
  EXPECT_NE(first.value, other.value);
}

}  // namespace
}  // namespace ptp::sim
