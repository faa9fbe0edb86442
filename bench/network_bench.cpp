// Throughput of the simulated network: one switch and N hosts, every host multicasting a
// 44-octet packet about once a millisecond (PTP Sync-like traffic) over links with normal PDV,
// so each transmission is flooded to N - 1 hosts. Reported per wall second: transmissions
// (packets sent), deliveries (copies handed to hosts) and scheduler events.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <deque>

#include "ptp/hal/ip_address.h"
#include "ptp/sim/network.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"

namespace {

using ptp::sim::DelayModelConfig;
using ptp::sim::HostAddresses;
using ptp::sim::LinkDirectionConfig;
using ptp::sim::Network;
using ptp::sim::NodeId;
using ptp::sim::NormalDelayVariation;
using ptp::sim::Random;
using ptp::sim::Scheduler;
using ptp::sim::SimDuration;
using ptp::sim::WirePacket;
using ptp::sim::WireReceiver;

class MulticastingHost final : public WireReceiver {
 public:
  MulticastingHost(Scheduler& scheduler, Network& network, Random random)
      : scheduler_(&scheduler), network_(&network), random_(random) {}

  void attach(NodeId self, const HostAddresses& addresses) {
    self_ = self;
    packet_.source = {addresses.ipv4, 319};
    packet_.destination = {ptp::hal::kPtpPrimaryIpv4, 319};
    packet_.size = 44;
  }
  void start() { schedule_next(); }
  void on_wire_arrival(const WirePacket& packet) override { received_octets_ += packet.size; }

 private:
  struct Send {
    MulticastingHost* host;
    void operator()() const { host->send(); }
  };

  void send() {
    packet_.id = (std::uint64_t{self_.value} << 32U) | ++sent_;
    packet_.departure = scheduler_->now();
    network_->transmit(self_, packet_);
    schedule_next();
  }
  void schedule_next() {
    // 1 ms +- 50 us, so that the senders drift against each other as real clocks do.
    const auto jitter_ps = static_cast<std::int64_t>(random_.below(100'000'000));
    static_cast<void>(scheduler_->schedule_after(
        SimDuration::microseconds(950) + SimDuration::picoseconds(jitter_ps), Send{this}));
  }

  Scheduler* scheduler_;
  Network* network_;
  Random random_;
  NodeId self_;
  WirePacket packet_;
  std::uint64_t sent_ = 0;
  std::uint64_t received_octets_ = 0;
};

void BM_NetworkMulticastThroughput(benchmark::State& state) {
  const auto host_count = static_cast<std::uint32_t>(state.range(0));
  Scheduler scheduler;
  Network network(scheduler, Random(1));
  DelayModelConfig residence;
  residence.propagation = SimDuration::microseconds(2);
  residence.variation =
      NormalDelayVariation{SimDuration::nanoseconds(500), SimDuration::nanoseconds(100)};
  const NodeId hub = *network.add_switch(residence);
  LinkDirectionConfig link;
  link.delay.propagation = SimDuration::microseconds(5);
  link.delay.variation =
      NormalDelayVariation{SimDuration::nanoseconds(300), SimDuration::nanoseconds(100)};

  Random random(2);
  std::deque<MulticastingHost> hosts;
  for (std::uint32_t i = 0; i < host_count; ++i) {
    hosts.emplace_back(scheduler, network, random.fork(i));
    const HostAddresses addresses{ptp::hal::IpAddress::v4(10, 0, static_cast<std::uint8_t>(i >> 8U),
                                                          static_cast<std::uint8_t>(i)),
                                  ptp::hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                           0, static_cast<std::uint8_t>(i >> 8U),
                                                           static_cast<std::uint8_t>(i)})};
    const NodeId id = *network.add_host(hosts.back(), addresses);
    static_cast<void>(network.add_link(id, hub, link, link));
    hosts.back().attach(id, addresses);
    hosts.back().start();
  }
  // Warm up the pools and queues before timing.
  static_cast<void>(scheduler.run_for(SimDuration::milliseconds(5)));

  const std::uint64_t transmitted_before = network.counters().transmitted;
  const std::uint64_t delivered_before = network.counters().delivered;
  const std::uint64_t events_before = scheduler.executed_events();
  for (auto _ : state) {
    static_cast<void>(scheduler.run_for(SimDuration::milliseconds(10)));
  }
  using benchmark::Counter;
  state.counters["transmissions/s"] = Counter(
      static_cast<double>(network.counters().transmitted - transmitted_before), Counter::kIsRate);
  state.counters["deliveries/s"] = Counter(
      static_cast<double>(network.counters().delivered - delivered_before), Counter::kIsRate);
  state.counters["events/s"] =
      Counter(static_cast<double>(scheduler.executed_events() - events_before), Counter::kIsRate);
}
BENCHMARK(BM_NetworkMulticastThroughput)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
