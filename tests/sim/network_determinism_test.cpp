// Tests of the simulated network's determinism and steady-state cost: a long run of many hosts
// with random delays, loss, duplication, reordering and faults is fingerprinted (deliveries,
// ground truth and the pcap capture) and must repeat exactly for one seed and differ for
// another; adding links and hosts leaves the other components' random draws alone; and carrying
// packets in steady state allocates nothing per packet.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <new>
#include <sstream>
#include <vector>

#include "heap_allocation_counter.h"
#include "network_test_fabric.h"
#include "ptp/sim/network.h"
#include "ptp/sim/pcap_writer.h"

namespace ptp::sim {
namespace {

using testing::addresses_of;
using testing::at_us;
using testing::ChattyHost;
using testing::Fabric;
using testing::fold;
using testing::kFnvOffsetBasis;
using testing::us;

LinkDirectionConfig noisy_link(std::int64_t propagation_us, bool reordering) {
  LinkDirectionConfig config;
  config.delay = {us(propagation_us), us(1), NormalDelayVariation{us(4), us(1)}};
  config.loss = BernoulliLoss{0.01};
  config.impairments.duplicate_probability = 0.01;
  if (reordering) {
    config.in_order = false;
    config.impairments.reorder_probability = 0.05;
    config.impairments.reorder_hold_back = us(30);
  }
  return config;
}

struct RunSummary {
  std::uint64_t fingerprint = kFnvOffsetBasis;
  std::uint64_t deliveries = 0;
  std::uint64_t link_drops = 0;
};

// A core switch, two edge switches with 20 hosts each, random everything, faults on the
// timeline; every host multicasts about once a millisecond for 60 ms.
RunSummary fingerprint_run(std::uint64_t network_seed) {
  Scheduler scheduler;
  Network network(scheduler, Random(network_seed));
  std::ostringstream capture(std::ios::binary);
  auto writer = PcapWriter::open(capture);
  EXPECT_TRUE(writer.has_value());
  network.set_capture(&*writer, Timestamp{1'700'000'000, 0});
  RunSummary summary;
  network.set_delivery_observer([&summary](const DeliveryTruth& truth) {
    fold(summary.fingerprint, truth.packet_id);
    fold(summary.fingerprint, truth.from.value);
    fold(summary.fingerprint, truth.to.value);
    fold(summary.fingerprint,
         static_cast<std::uint64_t>((truth.arrival - truth.departure).picoseconds()));
  });

  DelayModelConfig residence;
  residence.propagation = us(2);
  residence.variation = ExponentialDelayVariation{us(1)};
  const NodeId core = *network.add_switch(residence);
  const NodeId edges[2] = {*network.add_switch(residence), *network.add_switch(residence)};
  const LinkId uplink =
      *network.add_link(edges[0], core, noisy_link(20, false), noisy_link(25, false));
  EXPECT_TRUE(network.add_link(core, edges[1], noisy_link(30, true), noisy_link(30, false)));

  constexpr std::uint8_t kHosts = 40;
  std::vector<HostAddresses> addresses;
  for (std::uint8_t i = 1; i <= kHosts; ++i) addresses.push_back(addresses_of(i));
  Random traffic_random(99);  // the same traffic whatever the network's seed
  std::deque<ChattyHost> hosts;
  std::vector<NodeId> host_ids;
  for (std::uint8_t i = 0; i < kHosts; ++i) {
    hosts.emplace_back(scheduler, network, traffic_random.fork(i));
    hosts.back().fingerprint_into(&summary.fingerprint);
    host_ids.push_back(*network.add_host(hosts.back(), addresses[i]));
    EXPECT_TRUE(network.add_link(host_ids.back(), edges[i % 2], noisy_link(5, i % 7 == 0),
                                 noisy_link(6, false)));
  }
  for (std::uint8_t i = 0; i < kHosts; ++i) {
    hosts[i].start(host_ids[i], addresses[i], addresses, us(1000), us(200),
                   at_us(static_cast<std::int64_t>(i) * 25));
  }
  EXPECT_TRUE(network.add_link_down(uplink, at_us(20'000), at_us(23'000)));
  EXPECT_TRUE(
      network.add_delay_spike(uplink, Direction::kBToA, at_us(35'000), at_us(50'000), us(500)));
  EXPECT_TRUE(
      network.add_loss_burst(LinkId{1}, Direction::kAToB, at_us(50'000), at_us(55'000), 0.5));
  EXPECT_TRUE(network.detach_host(host_ids[3], at_us(10'000)));
  EXPECT_TRUE(network.reattach_host(host_ids[3], at_us(30'000)));

  EXPECT_TRUE(scheduler.run_until(at_us(60'000)));
  for (const char octet : capture.str()) {
    fold(summary.fingerprint, static_cast<std::uint64_t>(static_cast<unsigned char>(octet)));
  }
  summary.deliveries = network.counters().delivered;
  for (std::uint32_t link = 0; link < network.link_count(); ++link) {
    for (const Direction direction : {Direction::kAToB, Direction::kBToA}) {
      summary.link_drops += network.link_counters(LinkId{link}, direction)->dropped();
    }
  }
  return summary;
}

TEST(NetworkDeterminism, SameSeedSameRunOtherSeedOtherRun) {
  const RunSummary first = fingerprint_run(1);
  const RunSummary again = fingerprint_run(1);
  const RunSummary other = fingerprint_run(2);
  // 40 hosts x ~55 multicasts x 39 receivers, less losses, plus unicasts.
  EXPECT_GT(first.deliveries, 60'000U);
  EXPECT_GT(first.link_drops, 1'000U);
  EXPECT_EQ(first.fingerprint, again.fingerprint);
  EXPECT_EQ(first.deliveries, again.deliveries);
  EXPECT_NE(first.fingerprint, other.fingerprint);
}

// The arrival times of a random-delay path a -> switch -> b, with or without other components
// created around it.
std::vector<SimTime> path_arrivals(bool with_extras) {
  Fabric fabric(7);
  auto& network = fabric.network;
  if (with_extras) fabric.add_host();  // shifts every node id after it
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  DelayModelConfig residence;
  residence.variation = ExponentialDelayVariation{us(3)};
  const NodeId s = *network.add_switch(residence);
  // Created between the path's switch and its links, so that streams handed out in order of
  // creation would shift.
  const NodeId other_switch = with_extras ? *network.add_switch(residence) : NodeId{};
  LinkDirectionConfig random_delay;
  random_delay.delay.variation = ExponentialDelayVariation{us(10)};
  random_delay.in_order = false;
  EXPECT_TRUE(network.add_link(a, s, random_delay, random_delay));
  EXPECT_TRUE(network.add_link(s, b, random_delay, random_delay));
  if (with_extras) {
    EXPECT_TRUE(network.add_link(other_switch, s, random_delay, random_delay));
    EXPECT_TRUE(network.add_link(fabric.add_host(), other_switch, random_delay, random_delay));
  }
  for (std::uint64_t id = 0; id < 200; ++id) {
    fabric.send_at(at_us(static_cast<std::int64_t>(id) * 100), a, fabric.addresses(b).ipv4, id);
  }
  EXPECT_TRUE(fabric.scheduler.run_until(at_us(100'000)));
  std::vector<SimTime> arrivals;
  for (const auto& arrival : fabric.receiver(b).arrivals) arrivals.push_back(arrival.at);
  return arrivals;
}

TEST(NetworkDeterminism, AddingComponentsLeavesOtherComponentsDrawsAlone) {
  const auto plain = path_arrivals(false);
  ASSERT_EQ(plain.size(), 200U);
  EXPECT_EQ(path_arrivals(true), plain);
}

TEST(NetworkDeterminism, CarryingPacketsInSteadyStateDoesNotAllocatePerPacket) {
  Scheduler scheduler;
  Network network(scheduler, Random(5));
  std::uint64_t truths = 0;
  network.set_delivery_observer([&truths](const DeliveryTruth&) { ++truths; });
  DelayModelConfig residence;
  residence.propagation = us(2);
  const NodeId hub = *network.add_switch(residence);
  std::vector<HostAddresses> addresses;
  for (std::uint8_t i = 1; i <= 10; ++i) addresses.push_back(addresses_of(i));
  std::deque<ChattyHost> hosts;
  for (std::uint8_t i = 0; i < 10; ++i) {
    hosts.emplace_back(scheduler, network, Random(i));
    const NodeId id = *network.add_host(hosts.back(), addresses[i]);
    LinkDirectionConfig link;
    link.delay.propagation = us(10);
    EXPECT_TRUE(network.add_link(id, hub, link, link));
    hosts.back().start(id, addresses[i], addresses, us(100), SimDuration(),
                       at_us(static_cast<std::int64_t>(i) * 7));
  }
  // Long enough for the pool and the scheduler's queue to reach their working size.
  ASSERT_TRUE(scheduler.run_until(at_us(50'000)));
  const std::uint64_t allocations_before = ptp::test::heap_allocations();
  const std::uint64_t truths_before = truths;
  ASSERT_TRUE(scheduler.run_until(at_us(100'000)));
  const std::uint64_t allocations = ptp::test::heap_allocations() - allocations_before;
  const std::uint64_t delivered = truths - truths_before;
  EXPECT_GT(delivered, 10U * 9U * 490U);
  // The network itself allocates nothing here; the scheduler's radix queue still grows a
  // bucket now and then (a few times per 17 ms of simulated time), which is not per packet.
  // One allocation per packet would be thousands.
  EXPECT_LT(allocations * 100, delivered) << allocations << " allocations";
}

}  // namespace
}  // namespace ptp::sim
