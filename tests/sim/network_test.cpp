// Tests of the simulated network's topology and routing: unicast along the unique path at the
// exact sum of its hop delays (switch residence and asymmetry included), multicast to every
// other host exactly once, duplication only where configured, a switch port keeping packet
// order (or, in a switch of independent order, each packet its own residence), the tree rule and
// the other validation, and unroutable sends counted and dropped.
#include "ptp/sim/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "network_test_fabric.h"

namespace ptp::sim {
namespace {

using testing::at_us;
using testing::error_of;
using testing::Fabric;
using testing::fixed_link;
using testing::fixed_residence;
using testing::received_ids;
using testing::run_to_completion;
using testing::us;

TEST(Network, UnicastArrivesAfterTheSumOfItsHopDelaysEachWay) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const NodeId bystander = fabric.add_host();
  const NodeId s1 = fabric.add_switch(us(2));
  const NodeId s2 = fabric.add_switch(us(3));
  fabric.link(a, s1, us(10), us(11));
  fabric.link(s1, s2, us(100), us(130));  // asymmetric backbone
  fabric.link(b, s2, us(9), us(7));       // given from b's side: b->s2 9, s2->b 7
  fabric.link(bystander, s1, us(1), us(1));
  std::vector<DeliveryTruth> truths;
  fabric.network.set_delivery_observer(
      [&truths](const DeliveryTruth& truth) { truths.push_back(truth); });

  fabric.send_at(at_us(1000), a, fabric.addresses(b).ipv4, 1);
  fabric.send_at(at_us(2000), b, fabric.addresses(a).ipv6, 2);
  ASSERT_TRUE(run_to_completion(fabric.scheduler));

  const auto& at_b = fabric.receiver(b).arrivals;
  ASSERT_EQ(at_b.size(), 1U);
  EXPECT_EQ(at_b[0].packet_id, 1U);
  EXPECT_EQ(at_b[0].at, at_us(1000 + 10 + 2 + 100 + 3 + 7));
  EXPECT_EQ(at_b[0].departure, at_us(1000));
  const auto& at_a = fabric.receiver(a).arrivals;
  ASSERT_EQ(at_a.size(), 1U);
  EXPECT_EQ(at_a[0].packet_id, 2U);
  EXPECT_EQ(at_a[0].at, at_us(2000 + 9 + 3 + 130 + 2 + 11));
  EXPECT_TRUE(fabric.receiver(bystander).arrivals.empty());

  // The payload and addressing arrive intact.
  const WirePacket& delivered = fabric.receiver(a).last_packet;
  EXPECT_EQ(delivered.size, 8U);
  EXPECT_EQ(delivered.payload[0], std::byte{2});
  EXPECT_EQ(delivered.source.address, fabric.addresses(b).ipv6);
  EXPECT_EQ(delivered.destination.address, fabric.addresses(a).ipv6);

  ASSERT_EQ(truths.size(), 2U);
  EXPECT_EQ(truths[0].packet_id, 1U);
  EXPECT_EQ(truths[0].from, a);
  EXPECT_EQ(truths[0].to, b);
  EXPECT_EQ(truths[0].departure, at_us(1000));
  EXPECT_EQ(truths[0].arrival, at_us(1122));
  EXPECT_EQ(truths[1].from, b);
  EXPECT_EQ(truths[1].to, a);
  EXPECT_EQ(truths[1].arrival - truths[1].departure, us(155));

  EXPECT_EQ(fabric.network.counters().transmitted, 2U);
  EXPECT_EQ(fabric.network.counters().delivered, 2U);
  EXPECT_EQ(fabric.network.host_counters(a)->sent, 1U);
  EXPECT_EQ(fabric.network.host_counters(a)->delivered, 1U);
  EXPECT_EQ(fabric.network.host_counters(bystander)->delivered, 0U);
  EXPECT_EQ(fabric.network.packets_in_flight(), 0U);
}

TEST(Network, DirectlyLinkedHostsNeedNoSwitch) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  fabric.link(a, b, us(5), us(6));
  fabric.send_at(at_us(0), a, fabric.addresses(b).ipv4, 1);
  fabric.send_at(at_us(0), b, hal::kPtpPrimaryIpv4, 2);
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(100)));
  ASSERT_EQ(fabric.receiver(b).arrivals.size(), 1U);
  EXPECT_EQ(fabric.receiver(b).arrivals[0].at, at_us(5));
  ASSERT_EQ(fabric.receiver(a).arrivals.size(), 1U);
  EXPECT_EQ(fabric.receiver(a).arrivals[0].at, at_us(6));
}

// A core switch with two edge switches below it; hosts on all three.
struct TreeOfSwitches {
  explicit TreeOfSwitches(Fabric& fabric) {
    core = fabric.add_switch(us(1));
    edge1 = fabric.add_switch(us(2));
    edge2 = fabric.add_switch(us(3));
    core_to_edge1 = fabric.link(core, edge1, us(20), us(21));
    fabric.link(edge2, core, us(30), us(31));
    for (int i = 0; i < 3; ++i) {
      hosts_on_edge1.push_back(fabric.add_host());
      fabric.link(hosts_on_edge1.back(), edge1, us(4), us(5));
    }
    for (int i = 0; i < 3; ++i) {
      hosts.push_back(fabric.add_host());
      fabric.link(edge2, hosts.back(), us(6), us(7));
    }
    for (int i = 0; i < 2; ++i) {
      hosts.push_back(fabric.add_host());
      fabric.link(hosts.back(), core, us(8), us(9));
    }
    hosts.insert(hosts.end(), hosts_on_edge1.begin(), hosts_on_edge1.end());
  }

  NodeId core, edge1, edge2;
  LinkId core_to_edge1;
  std::vector<NodeId> hosts;  // all of them
  std::vector<NodeId> hosts_on_edge1;
};

TEST(Network, MulticastReachesEveryOtherHostExactlyOnceAndNeverItsSender) {
  Fabric fabric;
  const TreeOfSwitches tree(fabric);
  std::uint64_t id = 0;
  for (const NodeId sender : tree.hosts) {
    ++id;
    // Both families flood alike; the groups mean nothing to the switches.
    fabric.send_at(at_us(static_cast<std::int64_t>(id) * 10), sender,
                   id % 2 == 0 ? hal::kPtpPrimaryIpv4 : hal::kPtpPrimaryIpv6, id);
  }
  ASSERT_TRUE(run_to_completion(fabric.scheduler));

  for (std::size_t i = 0; i < tree.hosts.size(); ++i) {
    auto ids = received_ids(fabric.receiver(tree.hosts[i]));
    std::sort(ids.begin(), ids.end());
    std::vector<std::uint64_t> expected;
    for (std::uint64_t other = 1; other <= tree.hosts.size(); ++other) {
      if (other != i + 1) expected.push_back(other);
    }
    EXPECT_EQ(ids, expected) << "host " << i;
  }
  const std::size_t host_count = tree.hosts.size();
  EXPECT_EQ(fabric.network.counters().delivered, host_count * (host_count - 1));
  EXPECT_EQ(fabric.network.packets_in_flight(), 0U);
}

TEST(Network, MulticastCrossesEachSwitchWithItsResidence) {
  Fabric fabric;
  const TreeOfSwitches tree(fabric);
  // hosts[0] is on edge2; hosts_on_edge1[0] is reached through edge2, core and edge1.
  fabric.send_at(at_us(0), tree.hosts[0], hal::kPtpPrimaryIpv4, 1);
  ASSERT_TRUE(run_to_completion(fabric.scheduler));
  const auto& arrivals = fabric.receiver(tree.hosts_on_edge1[0]).arrivals;
  ASSERT_EQ(arrivals.size(), 1U);
  EXPECT_EQ(arrivals[0].at, at_us(7 + 3 + 30 + 1 + 20 + 2 + 5));
}

TEST(Network, DuplicatesOnlyWhereALinkIsConfiguredToDuplicate) {
  LinkDirectionConfig duplicating = fixed_link(us(20));
  duplicating.impairments.duplicate_probability = 1.0;
  Fabric duplicated;
  const NodeId core = duplicated.add_switch(us(1));
  const NodeId edge = duplicated.add_switch(us(1));
  ASSERT_TRUE(duplicated.network.add_link(core, edge, duplicating, fixed_link(us(20))));
  const NodeId outside = duplicated.add_host();
  const NodeId other_outside = duplicated.add_host();
  const NodeId inside = duplicated.add_host();
  duplicated.link(outside, core, us(1), us(1));
  duplicated.link(other_outside, core, us(1), us(1));
  duplicated.link(inside, edge, us(1), us(1));

  duplicated.send_at(at_us(0), outside, hal::kPtpPrimaryIpv4, 1);
  duplicated.send_at(at_us(100), inside, hal::kPtpPrimaryIpv4, 2);
  ASSERT_TRUE(run_to_completion(duplicated.scheduler));

  // Only core -> edge duplicates: the copy beyond it arrives twice, everything else once.
  EXPECT_EQ(received_ids(duplicated.receiver(inside)), (std::vector<std::uint64_t>{1, 1}));
  EXPECT_EQ(received_ids(duplicated.receiver(other_outside)), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(received_ids(duplicated.receiver(outside)), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(duplicated.network.link_counters(LinkId{0}, Direction::kAToB)->duplicated, 1U);
  EXPECT_EQ(duplicated.network.packets_in_flight(), 0U);
}

TEST(Network, SwitchPortKeepsPacketOrderDespiteVaryingResidence) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  DelayModelConfig residence = fixed_residence(us(1));
  residence.variation = ExponentialDelayVariation{us(5)};
  auto bridge = fabric.network.add_switch(residence);
  ASSERT_TRUE(bridge.has_value());
  fabric.link(a, *bridge, us(1), us(1));
  fabric.link(*bridge, b, us(1), us(1));
  for (std::uint64_t id = 0; id < 1000; ++id) {
    fabric.send_at(at_us(static_cast<std::int64_t>(id)), a, fabric.addresses(b).ipv4, id);
  }
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(100'000)));
  const auto ids = received_ids(fabric.receiver(b));
  ASSERT_EQ(ids.size(), 1000U);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  // The residence did vary: some packet waited more than the fixed part.
  SimDuration longest;
  for (const auto& arrival : fabric.receiver(b).arrivals) {
    longest = std::max(longest, arrival.at - arrival.departure);
  }
  EXPECT_GT(longest, us(3 + 5));
}

TEST(Network, SwitchPortLetsNoPacketOvertakeOneQueuedAheadOfIt) {
  // Residences of a few picoseconds, often none: a packet that needs no residence reaches the
  // port just as the one queued ahead of it is due to leave, and must still leave after it.
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId c = fabric.add_host();
  const NodeId b = fabric.add_host();
  DelayModelConfig residence;
  residence.variation = ExponentialDelayVariation{SimDuration::picoseconds(1)};
  auto bridge = fabric.network.add_switch(residence);
  ASSERT_TRUE(bridge.has_value());
  fabric.link(a, *bridge, us(10), us(10));
  fabric.link(c, *bridge, us(10) + SimDuration::picoseconds(2), us(10));
  fabric.link(*bridge, b, us(1), us(1));
  for (std::uint64_t k = 0; k < 1000; ++k) {
    fabric.send_at(at_us(static_cast<std::int64_t>(k)), a, fabric.addresses(b).ipv4, 2 * k);
    fabric.send_at(at_us(static_cast<std::int64_t>(k)), c, fabric.addresses(b).ipv4, 2 * k + 1);
  }
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(100'000)));
  // Queued at the port in id order (a's packet of each round 2 ps before c's), so sent in it.
  const auto ids = received_ids(fabric.receiver(b));
  ASSERT_EQ(ids.size(), 2000U);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

// Pairs of packets sent at the same instant through a switch of exponential residence (mean
// 10 us over a fixed 100 ns): the mean delay of each pair's second packet in microseconds, and
// how many second packets overtook their first.
struct PairDelays {
  double second_mean_us = 0;
  int overtakes = 0;
};

PairDelays second_of_pair_delays(SwitchOrder order) {
  constexpr std::int64_t kPairs = 4000;
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  DelayModelConfig residence = fixed_residence(SimDuration::nanoseconds(100));
  residence.variation = ExponentialDelayVariation{us(10)};
  auto bridge = fabric.network.add_switch(residence, {}, order);
  EXPECT_TRUE(bridge.has_value());
  fabric.link(a, *bridge, SimDuration(), SimDuration());
  fabric.link(*bridge, b, SimDuration(), SimDuration());
  for (std::int64_t k = 0; k < kPairs; ++k) {
    // 1 ms apart: no pair waits behind the one before it.
    const auto id = static_cast<std::uint64_t>(2 * k);
    fabric.send_at(at_us(1000 * k), a, fabric.addresses(b).ipv4, id);
    fabric.send_at(at_us(1000 * k), a, fabric.addresses(b).ipv4, id + 1);
  }
  EXPECT_TRUE(run_to_completion(fabric.scheduler));
  const auto& arrivals = fabric.receiver(b).arrivals;
  EXPECT_EQ(arrivals.size(), static_cast<std::size_t>(2 * kPairs));
  PairDelays result;
  std::map<std::uint64_t, std::size_t> position;
  double total_us = 0;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    position[arrivals[i].packet_id] = i;
    const SimDuration delay = arrivals[i].at - arrivals[i].departure;
    EXPECT_GE(delay, SimDuration::nanoseconds(100));
    if (arrivals[i].packet_id % 2 == 1) total_us += delay.to_seconds() * 1e6;
  }
  for (std::uint64_t id = 1; id < static_cast<std::uint64_t>(2 * kPairs); id += 2) {
    if (position[id] < position[id - 1]) ++result.overtakes;
  }
  result.second_mean_us = total_us / static_cast<double>(kPairs);
  return result;
}

TEST(Network, IndependentOrderSwitchGivesEachPacketItsOwnResidence) {
  // clknetsim's model: a packet sent right behind another takes its own 100 ns + Exp(10 us), as
  // if alone (mean 10.1 us), and overtakes the first whenever it drew less. One queue per port
  // instead makes it wait for the first: max of two draws, mean 15.1 us.
  const PairDelays independent = second_of_pair_delays(SwitchOrder::kIndependent);
  EXPECT_NEAR(independent.second_mean_us, 10.1, 0.6);
  EXPECT_NEAR(independent.overtakes, 2000, 200);
  const PairDelays fifo = second_of_pair_delays(SwitchOrder::kFifo);
  EXPECT_NEAR(fifo.second_mean_us, 15.1, 0.9);
  EXPECT_EQ(fifo.overtakes, 0);
}

TEST(Network, RejectsALinkThatWouldCloseALoop) {
  Fabric fabric;
  const NodeId s1 = fabric.add_switch(us(1));
  const NodeId s2 = fabric.add_switch(us(1));
  const NodeId s3 = fabric.add_switch(us(1));
  fabric.link(s1, s2, us(1), us(1));
  fabric.link(s2, s3, us(1), us(1));
  const auto closing = fabric.network.add_link(s3, s1, fixed_link(us(1)), fixed_link(us(1)));
  ASSERT_FALSE(closing.has_value());
  EXPECT_EQ(error_of(closing), NetworkSetupError(NetworkError::kClosesLoop));
  const auto parallel = fabric.network.add_link(s2, s1, fixed_link(us(1)), fixed_link(us(1)));
  ASSERT_FALSE(parallel.has_value());
  EXPECT_EQ(error_of(parallel), NetworkSetupError(NetworkError::kClosesLoop));
  EXPECT_EQ(fabric.network.link_count(), 2U);

  // Still a working tree: a multicast reaches each other host once.
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const NodeId c = fabric.add_host();
  fabric.link(a, s1, us(1), us(1));
  fabric.link(b, s2, us(1), us(1));
  fabric.link(c, s3, us(1), us(1));
  fabric.send_at(at_us(0), a, hal::kPtpPrimaryIpv4, 7);
  ASSERT_TRUE(run_to_completion(fabric.scheduler));
  EXPECT_EQ(received_ids(fabric.receiver(b)), std::vector<std::uint64_t>{7});
  EXPECT_EQ(received_ids(fabric.receiver(c)), std::vector<std::uint64_t>{7});
  EXPECT_TRUE(fabric.receiver(a).arrivals.empty());
}

TEST(Network, RejectsUnknownNodesSelfLinksAndASecondLinkPerHost) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const NodeId s = fabric.add_switch(us(1));
  auto& network = fabric.network;
  const auto config = fixed_link(us(1));
  EXPECT_EQ(error_of(network.add_link(a, NodeId{99}, config, config)),
            NetworkSetupError(NetworkError::kUnknownNode));
  EXPECT_EQ(error_of(network.add_link(NodeId{99}, a, config, config)),
            NetworkSetupError(NetworkError::kUnknownNode));
  EXPECT_EQ(error_of(network.add_link(s, s, config, config)),
            NetworkSetupError(NetworkError::kSelfLink));
  fabric.link(a, s, us(1), us(1));
  EXPECT_EQ(error_of(network.add_link(b, a, config, config)),
            NetworkSetupError(NetworkError::kHostAlreadyLinked));
  EXPECT_EQ(network.link_count(), 1U);
  EXPECT_EQ(error_of(network.host_counters(s)), NetworkSetupError(NetworkError::kNotAHost));
  EXPECT_EQ(error_of(network.host_counters(NodeId{99})),
            NetworkSetupError(NetworkError::kUnknownNode));
  EXPECT_EQ(error_of(network.link_counters(LinkId{1}, Direction::kAToB)),
            NetworkSetupError(NetworkError::kUnknownLink));
}

TEST(Network, ReportsTheModelsConfigurationErrors) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId s = fabric.add_switch(us(1));
  auto& network = fabric.network;
  const auto good = fixed_link(us(1));

  auto negative = fixed_link(us(1));
  negative.delay.propagation = us(-1);
  EXPECT_EQ(error_of(network.add_link(a, s, good, negative)),
            NetworkSetupError(DelayConfigError::kNegativePropagation));
  auto lossy = good;
  lossy.loss = BernoulliLoss{1.5};
  EXPECT_EQ(error_of(network.add_link(a, s, lossy, good)),
            NetworkSetupError(LossConfigError::kProbabilityOutOfRange));
  auto reordering = good;
  reordering.impairments.reorder_probability = 0.1;
  EXPECT_EQ(error_of(network.add_link(a, s, reordering, good)),
            NetworkSetupError(ImpairmentConfigError::kReorderOnInOrderLink));
  EXPECT_EQ(network.link_count(), 0U);
  fabric.link(a, s, us(1), us(1));  // nothing was half-added

  EXPECT_EQ(error_of(network.add_switch(fixed_residence(us(-1)))),
            NetworkSetupError(DelayConfigError::kNegativePropagation));
  EXPECT_EQ(network.node_count(), 2U);
}

TEST(Network, ValidatesHostAddresses) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  testing::RecordingHost receiver(fabric.scheduler);
  auto& network = fabric.network;
  const HostAddresses taken = fabric.addresses(a);
  const HostAddresses fresh = testing::addresses_of(200);

  EXPECT_EQ(error_of(network.add_host(receiver, {fresh.ipv6, fresh.ipv6})),
            NetworkSetupError(NetworkError::kWrongAddressFamily));
  EXPECT_EQ(error_of(network.add_host(receiver, {fresh.ipv4, fresh.ipv4})),
            NetworkSetupError(NetworkError::kWrongAddressFamily));
  EXPECT_EQ(error_of(network.add_host(receiver, {hal::kPtpPrimaryIpv4, fresh.ipv6})),
            NetworkSetupError(NetworkError::kMulticastHostAddress));
  EXPECT_EQ(error_of(network.add_host(receiver, {fresh.ipv4, hal::kPtpPdelayIpv6})),
            NetworkSetupError(NetworkError::kMulticastHostAddress));
  EXPECT_EQ(error_of(network.add_host(receiver, {taken.ipv4, fresh.ipv6})),
            NetworkSetupError(NetworkError::kAddressInUse));
  EXPECT_EQ(error_of(network.add_host(receiver, {fresh.ipv4, taken.ipv6})),
            NetworkSetupError(NetworkError::kAddressInUse));
  EXPECT_EQ(network.node_count(), 1U);
  EXPECT_TRUE(network.add_host(receiver, fresh).has_value());
}

TEST(Network, DropsAndCountsWhatCannotBeRouted) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const NodeId elsewhere = fabric.add_host();  // in a tree of its own
  const NodeId s = fabric.add_switch(us(1));
  fabric.link(a, s, us(1), us(1));
  fabric.link(b, s, us(1), us(1));

  fabric.send_at(at_us(0), a, hal::IpAddress::v4(10, 9, 9, 9), 1);   // nobody's
  fabric.send_at(at_us(1), a, fabric.addresses(a).ipv4, 2);          // itself
  fabric.send_at(at_us(2), a, fabric.addresses(elsewhere).ipv6, 3);  // unreachable
  fabric.send_at(at_us(3), elsewhere, hal::kPtpPrimaryIpv4, 4);      // no link: nobody hears
  fabric.send_at(at_us(4), a, fabric.addresses(b).ipv4, 5);          // fine
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(100)));
  WirePacket oversized;
  oversized.destination = {fabric.addresses(b).ipv4, 319};
  oversized.size = WirePacket::kMaxPayload + 1;
  fabric.network.transmit(a, oversized);
  fabric.network.transmit(s, oversized);
  oversized.size = 1;
  fabric.network.transmit(s, oversized);           // a switch sends nothing of its own
  fabric.network.transmit(NodeId{42}, oversized);  // nor does a stranger
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(200)));

  const NetworkCounters& counters = fabric.network.counters();
  EXPECT_EQ(counters.dropped_unroutable, 3U);
  EXPECT_EQ(counters.dropped_invalid_transmission, 4U);
  EXPECT_EQ(counters.transmitted, 2U);
  EXPECT_EQ(counters.delivered, 1U);
  EXPECT_EQ(received_ids(fabric.receiver(b)), std::vector<std::uint64_t>{5});
  EXPECT_TRUE(fabric.receiver(a).arrivals.empty());
  EXPECT_TRUE(fabric.receiver(elsewhere).arrivals.empty());
}

TEST(Network, NamesItsErrors) {
  EXPECT_EQ(to_string(NetworkSetupError(NetworkError::kClosesLoop)),
            "link would close a loop (the topology must be a tree)");
  EXPECT_EQ(to_string(NetworkSetupError(DelayConfigError::kNegativePropagation)),
            to_string(DelayConfigError::kNegativePropagation));
}

}  // namespace
}  // namespace ptp::sim
