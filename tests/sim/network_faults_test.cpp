// Tests of the simulated network's fault timeline: a link down drops exactly the packets sent
// on it inside its window (both directions), delay spikes and loss bursts affect only their
// direction and window, a detached host sends and receives nothing until reattached (at the
// window's exact edges too), and faults are validated.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "network_test_fabric.h"
#include "ptp/sim/network.h"

namespace ptp::sim {
namespace {

using testing::at_us;
using testing::error_of;
using testing::Fabric;
using testing::received_ids;
using testing::us;

bool inside(std::int64_t time_us, std::int64_t start_us, std::int64_t end_us) {
  return time_us >= start_us && time_us < end_us;
}

TEST(NetworkFaults, LinkDownDropsOnlyWhatIsSentOnItInsideTheWindow) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const NodeId s = fabric.add_switch(us(5));
  const LinkId a_side = fabric.link(a, s, us(10), us(10));
  const LinkId b_side = fabric.link(s, b, us(10), us(10));
  ASSERT_TRUE(fabric.network.add_link_down(a_side, at_us(300), at_us(600)));

  for (std::int64_t i = 0; i < 100; ++i) {
    fabric.send_at(at_us(10 * i), a, fabric.addresses(b).ipv4, static_cast<std::uint64_t>(i));
    fabric.send_at(at_us(10 * i), b, fabric.addresses(a).ipv4,
                   static_cast<std::uint64_t>(1000 + i));
  }
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(5000)));

  std::vector<std::uint64_t> expected_at_b;
  std::vector<std::uint64_t> expected_at_a;
  for (std::int64_t i = 0; i < 100; ++i) {
    // a's packets meet the down link on their first hop; b's on their last, 15 us after sending.
    if (!inside(10 * i, 300, 600)) expected_at_b.push_back(static_cast<std::uint64_t>(i));
    if (!inside(10 * i + 15, 300, 600))
      expected_at_a.push_back(static_cast<std::uint64_t>(1000 + i));
  }
  EXPECT_EQ(received_ids(fabric.receiver(b)), expected_at_b);
  EXPECT_EQ(received_ids(fabric.receiver(a)), expected_at_a);
  EXPECT_EQ(fabric.network.link_counters(a_side, Direction::kAToB)->dropped_link_down, 30U);
  EXPECT_EQ(fabric.network.link_counters(a_side, Direction::kBToA)->dropped_link_down, 30U);
  EXPECT_EQ(fabric.network.link_counters(b_side, Direction::kAToB)->dropped(), 0U);
  EXPECT_EQ(fabric.network.link_counters(b_side, Direction::kBToA)->dropped(), 0U);
  EXPECT_EQ(fabric.network.packets_in_flight(), 0U);
}

TEST(NetworkFaults, DelaySpikesApplyToTheirDirectionAndWindowOnly) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const LinkId link = fabric.link(a, b, us(50), us(50));
  auto& network = fabric.network;
  // Added out of order, one adjacent to another, one while the simulation runs.
  ASSERT_TRUE(network.add_delay_spike(link, Direction::kAToB, at_us(600), at_us(700), us(5)));
  ASSERT_TRUE(network.add_delay_spike(link, Direction::kAToB, at_us(200), at_us(400), us(30)));
  ASSERT_TRUE(network.add_delay_spike(link, Direction::kAToB, at_us(400), at_us(450), us(7)));
  ASSERT_TRUE(fabric.scheduler.schedule_at(at_us(800), [&network, link] {
    EXPECT_TRUE(network.add_delay_spike(link, Direction::kAToB, at_us(850), at_us(900), us(1)));
  }));
  for (std::int64_t i = 0; i < 20; ++i) {
    fabric.send_at(at_us(50 * i), a, fabric.addresses(b).ipv4, static_cast<std::uint64_t>(i));
    fabric.send_at(at_us(50 * i), b, fabric.addresses(a).ipv4, static_cast<std::uint64_t>(i));
  }
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(5000)));

  const auto& at_b = fabric.receiver(b).arrivals;
  ASSERT_EQ(at_b.size(), 20U);
  for (const auto& arrival : at_b) {
    const std::int64_t sent_us = 50 * static_cast<std::int64_t>(arrival.packet_id);
    std::int64_t expected_us = 50;
    if (inside(sent_us, 200, 400)) expected_us += 30;
    if (inside(sent_us, 400, 450)) expected_us += 7;
    if (inside(sent_us, 600, 700)) expected_us += 5;
    if (inside(sent_us, 850, 900)) expected_us += 1;
    EXPECT_EQ(arrival.at - arrival.departure, us(expected_us)) << "sent at " << sent_us << " us";
  }
  for (const auto& arrival : fabric.receiver(a).arrivals) {
    EXPECT_EQ(arrival.at - arrival.departure, us(50));
  }
  EXPECT_EQ(fabric.receiver(a).arrivals.size(), 20U);
}

TEST(NetworkFaults, LossBurstDropsOnlyOnItsDirectionInsideItsWindow) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId b = fabric.add_host();
  const LinkId link = fabric.link(a, b, us(5), us(5));
  ASSERT_TRUE(fabric.network.add_loss_burst(link, Direction::kBToA, at_us(100), at_us(200)));
  for (std::int64_t i = 0; i < 30; ++i) {
    fabric.send_at(at_us(10 * i), a, hal::kPtpPrimaryIpv4, static_cast<std::uint64_t>(i));
    fabric.send_at(at_us(10 * i), b, hal::kPtpPrimaryIpv4, static_cast<std::uint64_t>(i));
  }
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(1000)));
  std::vector<std::uint64_t> expected_at_a;
  for (std::uint64_t i = 0; i < 30; ++i) {
    if (i < 10 || i >= 20) expected_at_a.push_back(i);
  }
  EXPECT_EQ(received_ids(fabric.receiver(a)), expected_at_a);
  EXPECT_EQ(fabric.receiver(b).arrivals.size(), 30U);
  EXPECT_EQ(fabric.network.link_counters(link, Direction::kBToA)->dropped_loss_burst, 10U);
}

TEST(NetworkFaults, DetachedHostSendsAndReceivesNothingUntilReattached) {
  Fabric fabric;
  const NodeId s = fabric.add_switch(us(5));
  std::vector<NodeId> hosts;
  for (int i = 0; i < 4; ++i) {
    hosts.push_back(fabric.add_host());
    fabric.link(hosts.back(), s, us(10), us(10));  // host to host: 25 us
  }
  const NodeId crashing = hosts[2];
  const NodeId gone = hosts[3];  // crashes for good
  auto& network = fabric.network;
  ASSERT_TRUE(network.detach_host(crashing, at_us(1000)));
  ASSERT_TRUE(network.reattach_host(crashing, at_us(2000)));
  ASSERT_TRUE(network.detach_host(gone, at_us(500)));

  for (std::int64_t k = 0; k < 120; ++k) {
    for (std::size_t h = 0; h < 3; ++h) {
      fabric.send_at(at_us(25 * k), hosts[h], hal::kPtpPrimaryIpv4,
                     h * 1000 + static_cast<std::uint64_t>(k));
    }
  }
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(1500)));
  EXPECT_FALSE(*network.is_attached(crashing));
  EXPECT_TRUE(*network.is_attached(hosts[0]));
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(10'000)));
  EXPECT_TRUE(*network.is_attached(crashing));
  EXPECT_FALSE(*network.is_attached(gone));

  for (std::size_t receiver = 0; receiver < 4; ++receiver) {
    std::vector<std::uint64_t> expected;
    for (std::int64_t k = 0; k < 120; ++k) {
      const std::int64_t sent = 25 * k;
      const std::int64_t arrival = sent + 25;
      for (std::size_t h = 0; h < 3; ++h) {
        if (h == receiver) continue;
        if (hosts[h] == crashing && inside(sent, 1000, 2000)) continue;  // never sent
        if (hosts[receiver] == crashing && inside(arrival, 1000, 2000)) continue;
        if (hosts[receiver] == gone && arrival >= 500) continue;
        expected.push_back(h * 1000 + static_cast<std::uint64_t>(k));
      }
    }
    auto ids = received_ids(fabric.receiver(hosts[receiver]));
    std::sort(ids.begin(), ids.end(), [](std::uint64_t x, std::uint64_t y) {
      return std::pair(x % 1000, x) < std::pair(y % 1000, y);
    });
    EXPECT_EQ(ids, expected) << "receiver " << receiver;
  }
  // 40 sends refused; 2 x 40 arrivals dropped at the crashed host.
  EXPECT_EQ(network.host_counters(crashing)->dropped_while_detached, 120U);
  EXPECT_EQ(network.counters().dropped_sender_detached, 40U);
}

TEST(NetworkFaults, ValidatesFaults) {
  Fabric fabric;
  const NodeId a = fabric.add_host();
  const NodeId s = fabric.add_switch(us(1));
  const LinkId link = fabric.link(a, s, us(1), us(1));
  auto& network = fabric.network;
  ASSERT_TRUE(fabric.scheduler.run_until(at_us(1000)));
  const LinkId unknown{5};
  const auto past = at_us(999);
  const auto now = at_us(1000);
  const auto later = at_us(2000);
  const auto error = [](auto code) { return NetworkSetupError(code); };

  EXPECT_EQ(error_of(network.add_link_down(unknown, now, later)),
            error(NetworkError::kUnknownLink));
  EXPECT_EQ(error_of(network.add_link_down(link, past, later)), error(NetworkError::kTimeInPast));
  EXPECT_EQ(error_of(network.add_link_down(link, later, now)),
            error(LossConfigError::kEmptyWindow));
  EXPECT_TRUE(network.add_link_down(link, now, later));

  EXPECT_EQ(error_of(network.add_loss_burst(unknown, Direction::kAToB, now, later)),
            error(NetworkError::kUnknownLink));
  EXPECT_EQ(error_of(network.add_loss_burst(link, Direction::kAToB, past, later)),
            error(NetworkError::kTimeInPast));
  EXPECT_EQ(error_of(network.add_loss_burst(link, Direction::kAToB, now, later, 2.0)),
            error(LossConfigError::kProbabilityOutOfRange));

  EXPECT_EQ(error_of(network.add_delay_spike(unknown, Direction::kBToA, now, later, us(1))),
            error(NetworkError::kUnknownLink));
  EXPECT_EQ(error_of(network.add_delay_spike(link, Direction::kBToA, past, later, us(1))),
            error(NetworkError::kTimeInPast));
  EXPECT_EQ(error_of(network.add_delay_spike(link, Direction::kBToA, later, now, us(1))),
            error(DelayConfigError::kEmptyWindow));
  EXPECT_EQ(error_of(network.add_delay_spike(link, Direction::kBToA, now, later, us(-1))),
            error(DelayConfigError::kNegativeSpike));
  EXPECT_TRUE(network.add_delay_spike(link, Direction::kBToA, now, later, us(1)));
  EXPECT_EQ(
      error_of(network.add_delay_spike(link, Direction::kBToA, at_us(1999), at_us(3000), us(1))),
      error(NetworkError::kOverlappingSpike));
  EXPECT_TRUE(network.add_delay_spike(link, Direction::kAToB, at_us(1999), at_us(3000), us(1)));

  EXPECT_EQ(error_of(network.detach_host(s, later)), error(NetworkError::kNotAHost));
  EXPECT_EQ(error_of(network.detach_host(NodeId{9}, later)), error(NetworkError::kUnknownNode));
  EXPECT_EQ(error_of(network.reattach_host(a, past)), error(NetworkError::kTimeInPast));
  EXPECT_TRUE(network.detach_host(a, now));
}

}  // namespace
}  // namespace ptp::sim
