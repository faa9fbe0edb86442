// hal-sim's Network::set_general_message_delay, which the delayed Follow_Up scenarios use: on
// its direction, packets to the general port (320) arrive the extra delay later and may be
// overtaken; event packets (319) and the other direction are untouched; a negative delay and an
// unknown link are refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ptp/sim/network.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"

namespace ptp::sim {
namespace {

class Recorder final : public WireReceiver {
 public:
  explicit Recorder(Scheduler& scheduler) : scheduler_(scheduler) {}
  void on_wire_arrival(const WirePacket& packet) override {
    arrivals.push_back({packet.id, scheduler_.now()});
  }
  struct Arrival {
    std::uint64_t id = 0;
    SimTime at;
  };
  std::vector<Arrival> arrivals;

 private:
  Scheduler& scheduler_;
};

HostAddresses addresses(std::uint8_t n) {
  return HostAddresses{hal::IpAddress::v4(10, 9, 0, n),
                       hal::IpAddress::v6({0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, n})};
}

WirePacket packet(const HostAddresses& from, const HostAddresses& to, std::uint16_t port,
                  std::uint64_t id, SimTime departure) {
  WirePacket result;
  result.source = {from.ipv4, port};
  result.destination = {to.ipv4, port};
  result.id = id;
  result.departure = departure;
  result.size = 8;
  return result;
}

SimTime at_ms(std::int64_t ms) { return SimTime::from_start(SimDuration::milliseconds(ms)); }

TEST(GeneralMessageDelay, DelaysGeneralMessagesOfItsDirectionOnly) {
  Scheduler scheduler;
  Network network(scheduler, Random(1));
  Recorder a_receiver(scheduler);
  Recorder b_receiver(scheduler);
  const auto a = network.add_host(a_receiver, addresses(1));
  const auto b = network.add_host(b_receiver, addresses(2));
  ASSERT_TRUE(a && b);
  LinkDirectionConfig fixed;
  fixed.delay.propagation = SimDuration::microseconds(1);
  const auto link = network.add_link(*a, *b, fixed, fixed);
  ASSERT_TRUE(link);
  ASSERT_TRUE(
      network.set_general_message_delay(*link, Direction::kAToB, SimDuration::milliseconds(500)));

  // a -> b: a general packet (1), then an event packet (2) 100 ms later, which overtakes it;
  // b -> a: a general packet (3), not delayed.
  ASSERT_TRUE(scheduler.schedule_at(at_ms(0), [&] {
    network.transmit(*a, packet(addresses(1), addresses(2), 320, 1, at_ms(0)));
    network.transmit(*b, packet(addresses(2), addresses(1), 320, 3, at_ms(0)));
  }));
  ASSERT_TRUE(scheduler.schedule_at(at_ms(100), [&] {
    network.transmit(*a, packet(addresses(1), addresses(2), 319, 2, at_ms(100)));
  }));
  ASSERT_TRUE(scheduler.run_until(at_ms(1000)));

  ASSERT_EQ(b_receiver.arrivals.size(), 2U);
  EXPECT_EQ(b_receiver.arrivals[0].id, 2U);
  EXPECT_EQ(b_receiver.arrivals[0].at, at_ms(100) + SimDuration::microseconds(1));
  EXPECT_EQ(b_receiver.arrivals[1].id, 1U);
  EXPECT_EQ(b_receiver.arrivals[1].at, at_ms(500) + SimDuration::microseconds(1));
  ASSERT_EQ(a_receiver.arrivals.size(), 1U);
  EXPECT_EQ(a_receiver.arrivals[0].at, at_ms(0) + SimDuration::microseconds(1));
}

TEST(GeneralMessageDelay, RefusesANegativeDelayAndAnUnknownLink) {
  Scheduler scheduler;
  Network network(scheduler, Random(1));
  Recorder a_receiver(scheduler);
  Recorder b_receiver(scheduler);
  const auto a = network.add_host(a_receiver, addresses(1));
  const auto b = network.add_host(b_receiver, addresses(2));
  ASSERT_TRUE(a && b);
  const auto link = network.add_link(*a, *b, {}, {});
  ASSERT_TRUE(link);
  const auto negative =
      network.set_general_message_delay(*link, Direction::kBToA, SimDuration::nanoseconds(-1));
  ASSERT_FALSE(negative);
  EXPECT_EQ(std::get<NetworkError>(negative.error()), NetworkError::kNegativeDelay);
  const auto unknown = network.set_general_message_delay(LinkId{link->value + 1}, Direction::kAToB,
                                                         SimDuration::seconds(1));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(std::get<NetworkError>(unknown.error()), NetworkError::kUnknownLink);
}

}  // namespace
}  // namespace ptp::sim
