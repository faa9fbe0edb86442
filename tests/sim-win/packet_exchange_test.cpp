// Two simulated Windows hosts exchanging PTP datagrams through the real WinsockTransport: the
// receive and transmit timestamps the HAL reports are the ones the simulator's truth recorded,
// hardware ones in NIC ticks of the packet's true wire time, software ones in QPC ticks after it;
// TX timestamps come after WSAEWOULDBLOCK; the buffered-TX limit and never-reported TX
// timestamps end as losses; the host's draws for a packet do not depend on whether the socket
// asked for its TX timestamp; and the same seed gives the same run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ptp/win/control_messages.h"
#include "ptp/win/winsock_timestamp_types.h"

#include "sim_windows_world.h"

namespace ptp::simwin::test {
namespace {

constexpr std::int64_t kNicTickPs = 8'000;
constexpr std::int64_t kQpcTickPs = 100'000;

const sim::TimestampTruth* truth_of(const Node& node, bool transmit, std::size_t nth = 0) {
  for (const auto& t : node.truth) {
    if (t.transmit == transmit && nth-- == 0) return &t;
  }
  return nullptr;
}

void send_event(World& world, Node& from, std::uint8_t marker) {
  auto tag =
      from.win_host->transport().send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4,
                                      payload_of(marker), hal::TxTimestampRequest::kRequested);
  ASSERT_TRUE(tag);
  ASSERT_TRUE(*tag);
  from.pump->schedule_tx_poll();
  (void)world;
}

TEST(SimWindowsExchange, HardwareTimestampsMatchTheWireTimes) {
  World world(11);
  Node& a = world.add({});
  NodeOptions b_options;
  b_options.address = 2;
  Node& b = world.add(b_options);
  world.run_for(sim::SimDuration::milliseconds(10));
  send_event(world, a, 0x42);
  world.run_for(sim::SimDuration::milliseconds(20));

  ASSERT_EQ(b.recorder->packets.size(), 1U);
  const auto& received = b.recorder->packets[0];
  EXPECT_EQ(received.payload, payload_of(0x42));
  EXPECT_EQ(received.port, hal::PtpUdpPort::kEvent);
  EXPECT_EQ(received.destination, hal::kPtpPrimaryIpv4);  // from IP_PKTINFO
  EXPECT_EQ(received.source.address, hal::IpAddress::v4(192, 0, 2, 1));
  const sim::TimestampTruth* rx_truth = truth_of(b, false);
  ASSERT_NE(rx_truth, nullptr);
  EXPECT_EQ(received.timestamp, rx_truth->timestamp);  // SO_TIMESTAMP carried the NIC's stamp
  ASSERT_EQ(received.timestamp.source, hal::TimestampSource::kHardware);
  const auto rx_ticks = std::get<hal::NicTicks>(received.timestamp.reading).count;
  // Ideal crystals: the NIC clock reads true time; a stamp is whole 8 ns ticks, 2 ns jitter.
  EXPECT_LE(std::llabs(static_cast<long long>(rx_ticks) * kNicTickPs -
                       rx_truth->wire_time.since_start().picoseconds()),
            kNicTickPs + 10'000);

  ASSERT_EQ(a.recorder->tx.size(), 1U);
  const auto& tx = a.recorder->tx[0];
  ASSERT_TRUE(tx.timestamp);
  const sim::TimestampTruth* tx_truth = truth_of(a, true);
  ASSERT_NE(tx_truth, nullptr);
  EXPECT_EQ(*tx.timestamp, tx_truth->timestamp);
  // The packet left A before it reached B, by the path's 1 us (two 500 ns links, no residence).
  EXPECT_EQ((rx_truth->wire_time - tx_truth->wire_time).picoseconds(), 1'000'000);
  // The first SIO_GET_TX_TIMESTAMP came before the NIC reported: WSAEWOULDBLOCK, then success.
  EXPECT_GE(a.windows->counters().tx_timestamp_would_block, 1U);
  EXPECT_EQ(a.windows->counters().tx_timestamps_retrieved, 1U);
  EXPECT_GT(tx.at, tx_truth->wire_time + sim::SimDuration::milliseconds(1) -
                       sim::SimDuration::microseconds(100));
  EXPECT_EQ(a.win_host->transport().counters().tx_timestamps, 1U);
}

TEST(SimWindowsExchange, SoftwareTimestampsAreQpcTicksAfterTheWireTime) {
  World world(12);
  NodeOptions options;
  options.capabilities = sim::nic_capabilities(sim::SimNicKind::kSoftware, 0);
  Node& a = world.add(options);
  options.address = 2;
  Node& b = world.add(options);
  world.run_for(sim::SimDuration::milliseconds(10));
  send_event(world, a, 0x43);
  world.run_for(sim::SimDuration::milliseconds(20));

  ASSERT_EQ(b.recorder->packets.size(), 1U);
  const auto& received = b.recorder->packets[0];
  const sim::TimestampTruth* rx_truth = truth_of(b, false);
  ASSERT_NE(rx_truth, nullptr);
  EXPECT_EQ(received.timestamp, rx_truth->timestamp);
  ASSERT_EQ(received.timestamp.source, hal::TimestampSource::kSoftware);
  const std::int64_t rx_ps =
      std::get<hal::CounterTicks>(received.timestamp.reading).count * kQpcTickPs;
  const std::int64_t rx_latency = rx_ps - rx_truth->wire_time.since_start().picoseconds();
  EXPECT_GT(rx_latency, -kQpcTickPs);  // stamped in the stack, after the wire
  EXPECT_LT(rx_latency, sim::SimDuration::milliseconds(1).picoseconds());

  ASSERT_EQ(a.recorder->tx.size(), 1U);
  ASSERT_TRUE(a.recorder->tx[0].timestamp);
  const sim::TimestampTruth* tx_truth = truth_of(a, true);
  ASSERT_NE(tx_truth, nullptr);
  EXPECT_EQ(*a.recorder->tx[0].timestamp, tx_truth->timestamp);
  const std::int64_t tx_ps =
      std::get<hal::CounterTicks>(a.recorder->tx[0].timestamp->reading).count * kQpcTickPs;
  EXPECT_LT(tx_ps, tx_truth->wire_time.since_start().picoseconds());  // stamped before the wire
}

TEST(SimWindowsExchange, Ipv6HardwareExchangeOverBothGroups) {
  World world(15);
  NodeOptions options;
  options.hal.family = hal::AddressFamily::kIpv6;
  Node& a = world.add(options);
  options.address = 2;
  Node& b = world.add(options);
  ASSERT_EQ(a.win_host->transport().family(), hal::AddressFamily::kIpv6);
  ASSERT_EQ(a.win_host->transport().timestamp_source(), hal::TimestampSource::kHardware);
  world.run_for(sim::SimDuration::milliseconds(1));
  auto tag = a.win_host->transport().send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv6,
                                          payload_of(6), hal::TxTimestampRequest::kRequested);
  ASSERT_TRUE(tag);
  a.pump->schedule_tx_poll();
  // A unicast general message back, to the sender's own address.
  ASSERT_TRUE(b.win_host->transport().send(hal::PtpUdpPort::kGeneral, a.host->config().ipv6,
                                           payload_of(7), hal::TxTimestampRequest::kNone));
  world.run_for(sim::SimDuration::milliseconds(20));
  ASSERT_EQ(b.recorder->packets.size(), 1U);
  EXPECT_EQ(b.recorder->packets[0].destination, hal::kPtpPrimaryIpv6);
  EXPECT_EQ(b.recorder->packets[0].timestamp, truth_of(b, false)->timestamp);
  ASSERT_EQ(a.recorder->packets.size(), 1U);
  EXPECT_EQ(a.recorder->packets[0].port, hal::PtpUdpPort::kGeneral);
  EXPECT_EQ(a.recorder->packets[0].source.address, b.host->config().ipv6);
  ASSERT_EQ(a.recorder->tx.size(), 1U);
  ASSERT_TRUE(a.recorder->tx[0].timestamp);
  EXPECT_EQ(*a.recorder->tx[0].timestamp, truth_of(a, true)->timestamp);
}

TEST(SimWindowsExchange, NeverReportedTxTimestampsEndAsLossesAfterTheRetries) {
  World world(13);
  NodeOptions options;
  options.windows.tx_timestamp_never_reported_probability = 1.0;
  Node& a = world.add(options);
  world.run_for(sim::SimDuration::milliseconds(1));
  send_event(world, a, 1);
  world.run_for(sim::SimDuration::milliseconds(400));
  ASSERT_EQ(a.recorder->tx.size(), 1U);
  EXPECT_FALSE(a.recorder->tx[0].timestamp);
  EXPECT_EQ(a.recorder->tx[0].loss, hal::TxTimestampLoss::kTimedOut);
  EXPECT_EQ(a.windows->counters().tx_timestamps_never_reported, 1U);
  // 1 ms doubling, 8 tries: given up about 127 ms after the send.
  EXPECT_GT(a.recorder->tx[0].at, sim::SimTime::from_start(sim::SimDuration::milliseconds(120)));
  EXPECT_EQ(a.windows->counters().tx_timestamp_would_block, 8U);
}

TEST(SimWindowsExchange, TheBufferedTxTimestampLimitDropsTheOverflow) {
  // Straight on the API: TxTimestampsBuffered 2, four sends before any query.
  World world(14);
  NodeOptions options;
  options.open_hal = false;
  Node& a = world.add(options);
  const win::WinApi& api = a.windows->api();
  win::WSADATA data{};
  ASSERT_EQ(api.wsa_startup(win::MAKEWORD(2, 2), &data), 0);
  const win::SOCKET s = api.socket(win::AF_INET, win::SOCK_DGRAM, win::IPPROTO_UDP);
  win::sockaddr_in local{};
  local.sin_family = win::AF_INET;
  local.sin_port = win::htons(319);
  ASSERT_EQ(api.bind(s, reinterpret_cast<const win::sockaddr*>(&local), sizeof(local)), 0);
  win::TimestampingConfig config{win::kTimestampingFlagTx, 2};
  win::DWORD returned = 0;
  ASSERT_EQ(api.wsa_ioctl(s, win::kSioTimestamping, &config, sizeof(config), nullptr, 0, &returned),
            0);
  win::sockaddr_in to = local;
  std::memcpy(&to.sin_addr, hal::kPtpPrimaryIpv4.octets().data(), 4);
  for (std::uint32_t id = 1; id <= 4; ++id) {
    std::vector<std::byte> bytes = payload_of(static_cast<std::uint8_t>(id));
    win::WSABUF buffer{static_cast<win::ULONG>(bytes.size()),
                       reinterpret_cast<char*>(bytes.data())};
    std::array<std::uint64_t, 4> control{};
    const auto end =
        win::append_control_message(std::as_writable_bytes(std::span(control)), 0, win::SOL_SOCKET,
                                    win::kSoTimestampId, std::as_bytes(std::span(&id, 1)));
    win::WSAMSG message{};
    message.name = reinterpret_cast<win::sockaddr*>(&to);
    message.namelen = sizeof(to);
    message.lpBuffers = &buffer;
    message.dwBufferCount = 1;
    message.Control.len = static_cast<win::ULONG>(*end);
    message.Control.buf = reinterpret_cast<char*>(control.data());
    win::DWORD sent = 0;
    ASSERT_EQ(api.wsa_send_msg(s, &message, &sent), 0);
    // Before the NIC reports, the answer is "not yet".
    std::uint64_t value = 0;
    EXPECT_EQ(api.wsa_ioctl(s, win::kSioGetTxTimestamp, &id, sizeof(id), &value, sizeof(value),
                            &returned),
              win::SOCKET_ERROR);
    EXPECT_EQ(api.wsa_get_last_error(), win::WSAEWOULDBLOCK);
  }
  world.run_for(sim::SimDuration::milliseconds(5));
  EXPECT_EQ(a.windows->counters().tx_timestamps_reported, 2U);
  EXPECT_EQ(a.windows->counters().tx_timestamps_buffer_overflow, 2U);
  // The first two reported (the stack's latencies decide which) are kept; the others are gone.
  std::vector<std::uint64_t> retrieved;
  for (std::uint32_t id = 1; id <= 4; ++id) {
    std::uint64_t value = 0;
    if (api.wsa_ioctl(s, win::kSioGetTxTimestamp, &id, sizeof(id), &value, sizeof(value),
                      &returned) == 0) {
      retrieved.push_back(value);
    } else {
      EXPECT_EQ(api.wsa_get_last_error(), win::WSAEWOULDBLOCK);
    }
  }
  ASSERT_EQ(retrieved.size(), 2U);
  std::vector<std::uint64_t> first_two;
  for (std::size_t k = 0; k < 2; ++k) {
    first_two.push_back(std::get<hal::NicTicks>(truth_of(a, true, k)->timestamp.reading).count);
  }
  std::sort(retrieved.begin(), retrieved.end());
  std::sort(first_two.begin(), first_two.end());
  EXPECT_EQ(retrieved, first_two);
  EXPECT_EQ(api.closesocket(s), 0);
  EXPECT_EQ(api.wsa_cleanup(), 0);
}

std::uint64_t run_and_hash(std::uint64_t seed) {
  World world(seed);
  Node& a = world.add({});
  NodeOptions b_options;
  b_options.address = 2;
  Node& b = world.add(b_options);
  std::uint64_t hash = 1469598103934665603ULL;
  const auto mix = [&hash](std::uint64_t v) { hash = (hash ^ v) * 1099511628211ULL; };
  world.scheduler().set_trace_hook([&](sim::SimTime t, sim::EventLabel label) {
    mix(static_cast<std::uint64_t>(t.since_start().picoseconds()));
    mix(static_cast<std::uint64_t>(label));
  });
  for (int i = 0; i < 20; ++i) {
    send_event(world, a, static_cast<std::uint8_t>(i));
    send_event(world, b, static_cast<std::uint8_t>(100 + i));
    world.run_for(sim::SimDuration::milliseconds(50));
  }
  for (const auto& p : b.recorder->packets) {
    mix(std::get<hal::NicTicks>(p.timestamp.reading).count);
  }
  for (const auto& t : a.recorder->tx)
    mix(t.timestamp ? std::get<hal::NicTicks>(t.timestamp->reading).count : 0);
  EXPECT_EQ(b.recorder->packets.size(), 20U);
  EXPECT_EQ(a.recorder->tx.size(), 20U);
  return hash;
}

TEST(SimWindowsExchange, SameSeedSameTrace) {
  const std::uint64_t first = run_and_hash(21);
  EXPECT_EQ(first, run_and_hash(21));
  EXPECT_NE(first, run_and_hash(22));
}

// The arrival times at B of five event datagrams A sends 10 ms apart, without timestamping: as
// ptp4win sends them (the Windows HAL, no SO_TIMESTAMP_ID) or as a PTP stack on the host's own HAL
// does (asking the host for the TX timestamp).
std::vector<std::int64_t> arrivals_of_untimestamped_sends(std::uint64_t seed,
                                                          bool through_windows) {
  World world(seed);
  NodeOptions options;
  options.capabilities = sim::nic_capabilities(sim::SimNicKind::kNone, 0);
  Node& a = world.add(options);
  options.address = 2;
  Node& b = world.add(options);
  world.run_for(sim::SimDuration::milliseconds(10));
  for (std::uint8_t i = 0; i < 5; ++i) {
    if (through_windows) {
      EXPECT_TRUE(a.win_host->transport().send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4,
                                               payload_of(i), hal::TxTimestampRequest::kRequested));
      a.pump->schedule_tx_poll();
    } else {
      EXPECT_TRUE(a.host->transport(hal::AddressFamily::kIpv4)
                      .send(hal::PtpUdpPort::kEvent, hal::kPtpPrimaryIpv4, payload_of(i),
                            hal::TxTimestampRequest::kRequested));
    }
    world.run_for(sim::SimDuration::milliseconds(10));
  }
  // No socket asked for a TX timestamp: the simulated Windows reports none.
  EXPECT_EQ(a.windows->counters().tx_timestamps_reported, 0U);
  std::vector<std::int64_t> arrivals_ps;
  for (const auto& t : b.truth) {
    if (!t.transmit) arrivals_ps.push_back(t.wire_time.since_start().picoseconds());
  }
  EXPECT_EQ(arrivals_ps.size(), 5U);
  return arrivals_ps;
}

// The same seed gives the same transmit-path delays whichever program sends: the comparison of
// ptp4win with the library's assembly on one seed is paired (docs/simulated-windows.md).
TEST(SimWindowsExchange, UntimestampedEventSendsDrawTheHostsTransmitPathAsTheLibrarys) {
  for (const std::uint64_t seed : {31U, 32U, 33U}) {
    const auto windows = arrivals_of_untimestamped_sends(seed, true);
    EXPECT_EQ(windows, arrivals_of_untimestamped_sends(seed, false)) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ptp::simwin::test
