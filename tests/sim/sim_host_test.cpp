// Unit tests of the simulated host against configured truth, two hosts on a test wire: packets
// delivered intact to the right transport; hardware, software and application timestamps whose
// errors (against the true wire time mapped through the crystals' known configuration) match the
// configured NIC tick, jitter and stack latencies; one transmit-timestamp report per tag, with
// the configured loss; capability changes, offline hosts, oversize payloads, listeners that send
// from inside callbacks, teardown with packets in flight, and one run per seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "ptp/hal/timestamping_interface.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/sim/sim_time.h"
#include "ptp/sim/wire.h"

namespace ptp::sim {
namespace {

using hal::AddressFamily;
using hal::TimestampSource;

constexpr double kPicosecondsPerSecond = 1e12;
constexpr std::uint64_t kCounterHz = 10'000'000;
constexpr std::uint64_t kNicHz = 125'000'000;
constexpr double kCounterTickPs = kPicosecondsPerSecond / static_cast<double>(kCounterHz);
constexpr double kNicTickPs = kPicosecondsPerSecond / static_cast<double>(kNicHz);
const SimDuration kWireDelay = SimDuration::nanoseconds(1'234);

// ---- The test wire ---------------------------------------------------------------------------

// Every transmitted packet reaches every other attached host kWireDelay later, from a scheduler
// event at the arrival time.
class TestWire final : public Wire {
 public:
  explicit TestWire(Scheduler& scheduler) : scheduler_(scheduler) {}

  void attach(SimHost& host, NodeId node) {
    host.connect(*this, node);
    attached_.push_back(Attachment{node, &host});
  }
  void detach(NodeId node) {
    std::erase_if(attached_, [node](const Attachment& a) { return a.node == node; });
  }

  void transmit(NodeId from, const WirePacket& packet) override {
    EXPECT_EQ(packet.departure, scheduler_.now());
    // A deque keeps every stored packet where it is while the arrival events point at it.
    transmitted_.push_back(Transmission{from, packet});
    const WirePacket* stored = &transmitted_.back().packet;
    for (const Attachment& attachment : attached_) {
      if (attachment.node == from) continue;
      WireReceiver* receiver = attachment.receiver;
      EXPECT_TRUE(scheduler_.schedule_after(
          kWireDelay, [receiver, stored] { receiver->on_wire_arrival(*stored); }));
    }
  }

  struct Transmission {
    NodeId from;
    WirePacket packet;
  };
  [[nodiscard]] const std::deque<Transmission>& transmitted() const { return transmitted_; }

 private:
  struct Attachment {
    NodeId node;
    WireReceiver* receiver;
  };
  Scheduler& scheduler_;
  std::vector<Attachment> attached_;
  std::deque<Transmission> transmitted_;
};

// ---- Hosts and their configured truth --------------------------------------------------------

// A noiseless crystal's reading is initial_phase + t * (1 + ppm * 1e-6): the ground truth every
// timestamp is checked against.
struct CrystalTruth {
  SimDuration initial_phase;
  double frequency_error_ppm = 0;

  [[nodiscard]] double reading_ps(SimTime at) const {
    const auto t = static_cast<double>(at.since_start().picoseconds());
    return static_cast<double>(initial_phase.picoseconds()) + t + t * frequency_error_ppm * 1e-6;
  }
  [[nodiscard]] double true_time_ps(double reading) const {
    return (reading - static_cast<double>(initial_phase.picoseconds())) /
           (1.0 + frequency_error_ppm * 1e-6);
  }
  [[nodiscard]] OscillatorConfig config() const {
    OscillatorConfig oscillator;
    oscillator.initial_phase_offset = initial_phase;
    oscillator.initial_frequency_error_ppm = frequency_error_ppm;
    return oscillator;
  }
};

struct HostTruth {
  std::uint8_t address_suffix = 0;
  CrystalTruth host_crystal;
  CrystalTruth nic_crystal;
};

const HostTruth kHostA{1,
                       {SimDuration::microseconds(3), +12.0},
                       {SimDuration::milliseconds(500) + SimDuration::picoseconds(3), -7.0}};
const HostTruth kHostB{2,
                       {SimDuration::milliseconds(1) + SimDuration::picoseconds(11), -20.0},
                       {SimDuration::milliseconds(1'200), +15.0}};

hal::IpAddress ipv4_of(std::uint8_t suffix) { return hal::IpAddress::v4(192, 0, 2, suffix); }
hal::IpAddress ipv6_of(std::uint8_t suffix) {
  return hal::IpAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, suffix});
}

hal::InterfaceTimestampCapabilities hardware_capabilities() {
  hal::InterfaceTimestampCapabilities capabilities;
  capabilities.supported.hardware_clock_frequency_hz = kNicHz;
  capabilities.supported.supports_cross_timestamp = true;
  capabilities.supported.hardware.all_receive = true;
  capabilities.supported.hardware.all_transmit = true;
  capabilities.supported.software = {true, true, true};
  capabilities.active = capabilities.supported;
  return capabilities;
}

hal::InterfaceTimestampCapabilities software_capabilities() {
  hal::InterfaceTimestampCapabilities capabilities;
  capabilities.supported.software = {true, true, true};
  capabilities.active = capabilities.supported;
  return capabilities;
}

hal::InterfaceTimestampCapabilities no_capabilities() { return {}; }

// Gaussian latencies without tails, so that means and deviations are the configured ones.
TimestampPathConfig clean_paths() {
  TimestampPathConfig paths;
  paths.receive_stack = LatencyModel{SimDuration::microseconds(20), SimDuration::microseconds(5)};
  paths.receive_application =
      LatencyModel{SimDuration::microseconds(30), SimDuration::microseconds(3)};
  paths.transmit_stack = LatencyModel{SimDuration::microseconds(15), SimDuration::microseconds(4)};
  paths.transmit_driver = LatencyModel{SimDuration::microseconds(5), SimDuration::microseconds(1)};
  paths.transmit_report =
      LatencyModel{SimDuration::microseconds(50), SimDuration::microseconds(10)};
  paths.hardware_jitter_stddev = SimDuration::picoseconds(2'000);
  paths.transmit_timestamp_loss_probability = 0;
  return paths;
}

SimHostConfig make_config(const HostTruth& truth,
                          const hal::InterfaceTimestampCapabilities& capabilities,
                          const TimestampPathConfig& paths = clean_paths()) {
  SimHostConfig config;
  config.ipv4 = ipv4_of(truth.address_suffix);
  config.ipv6 = ipv6_of(truth.address_suffix);
  config.host_crystal = truth.host_crystal.config();
  config.counter_frequency_hz = kCounterHz;
  config.nic_crystal = truth.nic_crystal.config();
  config.nic_clock = SimHardwareClockConfig{kNicHz, false};
  config.capabilities = capabilities;
  config.paths = paths;
  return config;
}

std::unique_ptr<SimHost> make_host(Scheduler& scheduler, const SimHostConfig& config,
                                   std::uint64_t seed) {
  auto host = SimHost::create(scheduler, config, Random(seed));
  EXPECT_TRUE(host);
  return host ? std::move(host).value() : nullptr;
}

std::vector<std::byte> make_payload(std::size_t size, std::uint32_t salt) {
  std::vector<std::byte> payload(size);
  for (std::size_t i = 0; i < size; ++i) {
    payload[i] = static_cast<std::byte>((i * 31 + std::size_t{salt} * 7 + 3) & 0xFFU);
  }
  return payload;
}

// ---- What the listeners see ------------------------------------------------------------------

struct Delivery {
  std::vector<std::byte> payload;
  hal::PtpUdpPort port;
  hal::UdpEndpoint source;
  hal::IpAddress destination;
  hal::PacketTimestamp timestamp;
  SimTime at;
};

struct TxReport {
  hal::TxTag tag;
  std::optional<hal::PacketTimestamp> timestamp;  // none: lost
  std::optional<hal::TxTimestampLoss> loss;
  SimTime at;
};

class RecordingListener final : public hal::PacketListener {
 public:
  explicit RecordingListener(Scheduler& scheduler) : scheduler_(scheduler) {}

  void on_packet(const hal::ReceivedPacket& packet) override {
    deliveries.push_back(Delivery{{packet.payload.begin(), packet.payload.end()},
                                  packet.port,
                                  packet.source,
                                  packet.destination,
                                  packet.timestamp,
                                  scheduler_.now()});
    if (on_packet_hook) on_packet_hook(packet);
  }
  void on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) override {
    reports.push_back(TxReport{tag, timestamp, std::nullopt, scheduler_.now()});
    if (on_tx_hook) on_tx_hook(tag);
  }
  void on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss reason) override {
    reports.push_back(TxReport{tag, std::nullopt, reason, scheduler_.now()});
  }

  std::vector<Delivery> deliveries;
  std::vector<TxReport> reports;
  std::function<void(const hal::ReceivedPacket&)> on_packet_hook;
  std::function<void(hal::TxTag)> on_tx_hook;

 private:
  Scheduler& scheduler_;
};

// Two hosts on a test wire, each with listeners on both transports and its timestamp truths.
struct TwoHosts {
  TwoHosts(const SimHostConfig& a_config, const SimHostConfig& b_config, std::uint64_t seed = 1)
      : wire(scheduler),
        a(make_host(scheduler, a_config, seed)),
        b(make_host(scheduler, b_config, seed + 1000)) {
    wire.attach(*a, NodeId{1});
    wire.attach(*b, NodeId{2});
    a->transport(AddressFamily::kIpv4).set_listener(&a_listener);
    b->transport(AddressFamily::kIpv4).set_listener(&b_listener);
    a->transport(AddressFamily::kIpv6).set_listener(&a_listener_v6);
    b->transport(AddressFamily::kIpv6).set_listener(&b_listener_v6);
    a->set_timestamp_truth_observer([this](const TimestampTruth& t) { a_truths.push_back(t); });
    b->set_timestamp_truth_observer([this](const TimestampTruth& t) { b_truths.push_back(t); });
  }

  void run_for(SimDuration duration) { ASSERT_TRUE(scheduler.run_for(duration)); }

  Scheduler scheduler;
  TestWire wire;
  std::unique_ptr<SimHost> a;
  std::unique_ptr<SimHost> b;
  RecordingListener a_listener{scheduler};
  RecordingListener b_listener{scheduler};
  RecordingListener a_listener_v6{scheduler};
  RecordingListener b_listener_v6{scheduler};
  std::vector<TimestampTruth> a_truths;
  std::vector<TimestampTruth> b_truths;
};

Result<std::optional<hal::TxTag>, hal::HalError> send(SimHost& host, AddressFamily family,
                                                      hal::PtpUdpPort port,
                                                      const hal::IpAddress& destination,
                                                      std::span<const std::byte> payload,
                                                      bool tagged) {
  return host.transport(family).send(
      port, destination, payload,
      tagged ? hal::TxTimestampRequest::kRequested : hal::TxTimestampRequest::kNone);
}

// ---- Error statistics against the truth ------------------------------------------------------

struct Statistics {
  double mean = 0;
  double stddev = 0;
  double min = 0;
  double max = 0;
  std::size_t count = 0;
};

Statistics statistics_of(const std::vector<double>& values) {
  Statistics result;
  result.count = values.size();
  if (values.empty()) return result;
  double sum = 0;
  result.min = values.front();
  result.max = values.front();
  for (const double value : values) {
    sum += value;
    result.min = std::min(result.min, value);
    result.max = std::max(result.max, value);
  }
  result.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (const double value : values) squares += (value - result.mean) * (value - result.mean);
  result.stddev = std::sqrt(squares / static_cast<double>(values.size() - 1));
  return result;
}

// A timestamp's error in picoseconds of true time: hardware stamps against the NIC crystal's
// reading at the wire time; counter stamps mapped to true time through the host crystal.
double error_ps(const TimestampTruth& truth, const HostTruth& host) {
  if (const auto* nic = std::get_if<hal::NicTicks>(&truth.timestamp.reading)) {
    const double stamp_reading = static_cast<double>(nic->count) * kNicTickPs;
    return stamp_reading - host.nic_crystal.reading_ps(truth.wire_time);
  }
  if (const auto* counter = std::get_if<hal::CounterTicks>(&truth.timestamp.reading)) {
    const double stamp_true =
        host.host_crystal.true_time_ps(static_cast<double>(counter->count) * kCounterTickPs);
    return stamp_true - static_cast<double>(truth.wire_time.since_start().picoseconds());
  }
  ADD_FAILURE() << "a simulated host stamps in NIC or counter ticks only";
  return 0;
}

struct MeasuredErrors {
  std::vector<double> receive_ps;   // on B, of A's packets
  std::vector<double> transmit_ps;  // on A
};

// A sends `count` tagged packets to B, one per millisecond; the errors of the timestamps B's
// receive path and A's transmit reports carried, each checked to come from `expected_source`.
MeasuredErrors measure(const hal::InterfaceTimestampCapabilities& capabilities,
                       TimestampSource expected_source, int count) {
  TwoHosts hosts(make_config(kHostA, capabilities), make_config(kHostB, capabilities));
  EXPECT_EQ(hosts.a->transport(AddressFamily::kIpv4).timestamp_source(), expected_source);
  const std::vector<std::byte> payload = make_payload(44, 0);
  for (int i = 0; i < count; ++i) {
    EXPECT_TRUE(
        send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, true));
    hosts.run_for(SimDuration::milliseconds(1));
  }
  hosts.run_for(SimDuration::milliseconds(10));

  // The truth observers saw exactly what the listeners got.
  EXPECT_EQ(hosts.b_truths.size(), static_cast<std::size_t>(count));
  EXPECT_EQ(hosts.b_listener.deliveries.size(), hosts.b_truths.size());
  EXPECT_EQ(hosts.a_truths.size(), static_cast<std::size_t>(count));
  EXPECT_EQ(hosts.a_listener.reports.size(), hosts.a_truths.size());
  // Departures as the wire saw them, to check the truth's wire times against.
  std::map<std::uint64_t, SimTime> departures;
  for (const auto& transmission : hosts.wire.transmitted()) {
    departures[transmission.packet.id] = transmission.packet.departure;
  }

  MeasuredErrors errors;
  for (std::size_t i = 0; i < hosts.b_truths.size(); ++i) {
    const TimestampTruth& truth = hosts.b_truths[i];
    EXPECT_FALSE(truth.transmit);
    EXPECT_EQ(truth.timestamp.source, expected_source);
    EXPECT_EQ(truth.wire_time, departures.at(truth.packet_id) + kWireDelay);
    if (i < hosts.b_listener.deliveries.size()) {
      EXPECT_EQ(hosts.b_listener.deliveries[i].timestamp, truth.timestamp);
    }
    errors.receive_ps.push_back(error_ps(truth, kHostB));
  }
  for (std::size_t i = 0; i < hosts.a_truths.size(); ++i) {
    const TimestampTruth& truth = hosts.a_truths[i];
    EXPECT_TRUE(truth.transmit);
    EXPECT_EQ(truth.timestamp.source, expected_source);
    EXPECT_EQ(truth.wire_time, departures.at(truth.packet_id));
    if (i < hosts.a_listener.reports.size()) {
      EXPECT_EQ(hosts.a_listener.reports[i].timestamp, truth.timestamp);
    }
    errors.transmit_ps.push_back(error_ps(truth, kHostA));
  }
  return errors;
}

// ---- Delivery --------------------------------------------------------------------------------

TEST(SimHostTest, PacketReachesThePeerIntact) {
  TwoHosts hosts(make_config(kHostA, software_capabilities()),
                 make_config(kHostB, software_capabilities()));
  const std::vector<std::byte> unicast = make_payload(100, 1);
  const std::vector<std::byte> multicast = make_payload(64, 2);
  const std::vector<std::byte> over_ipv6 = make_payload(90, 3);
  ASSERT_TRUE(
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), unicast, false));
  ASSERT_TRUE(send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kGeneral, hal::kPtpPrimaryIpv4,
                   multicast, false));
  ASSERT_TRUE(send(*hosts.a, AddressFamily::kIpv6, hal::PtpUdpPort::kEvent, hal::kPtpPdelayIpv6,
                   over_ipv6, false));
  // Another host's unicast address: B's NIC sees it and drops it.
  ASSERT_TRUE(
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(99), unicast, false));
  // An address of the other family is refused.
  const auto wrong_family =
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv6_of(2), unicast, false);
  ASSERT_FALSE(wrong_family);
  EXPECT_EQ(wrong_family.error().code, hal::HalErrorCode::kInvalidArgument);
  hosts.run_for(SimDuration::milliseconds(10));

  EXPECT_EQ(hosts.wire.transmitted().size(), 4U);
  ASSERT_EQ(hosts.b_listener.deliveries.size(), 2U);
  // Delivery order depends on the random latencies: find each by its port.
  for (const Delivery& delivery : hosts.b_listener.deliveries) {
    EXPECT_EQ(delivery.source.address, ipv4_of(1));
    EXPECT_EQ(delivery.timestamp.source, TimestampSource::kSoftware);
    if (delivery.port == hal::PtpUdpPort::kEvent) {
      EXPECT_EQ(delivery.payload, unicast);
      EXPECT_EQ(delivery.source.port, 319);
      EXPECT_EQ(delivery.destination, ipv4_of(2));
    } else {
      EXPECT_EQ(delivery.payload, multicast);
      EXPECT_EQ(delivery.source.port, 320);
      EXPECT_EQ(delivery.destination, hal::kPtpPrimaryIpv4);
    }
  }
  ASSERT_EQ(hosts.b_listener_v6.deliveries.size(), 1U);
  const Delivery& v6 = hosts.b_listener_v6.deliveries[0];
  EXPECT_EQ(v6.payload, over_ipv6);
  EXPECT_EQ(v6.port, hal::PtpUdpPort::kEvent);
  EXPECT_EQ(v6.source, (hal::UdpEndpoint{ipv6_of(1), 319}));
  EXPECT_EQ(v6.destination, hal::kPtpPdelayIpv6);
  // Nothing came back to A, and B's counters add up.
  EXPECT_TRUE(hosts.a_listener.deliveries.empty());
  EXPECT_TRUE(hosts.a_listener_v6.deliveries.empty());
  EXPECT_EQ(hosts.a->counters().sent, 4U);
  EXPECT_EQ(hosts.a->counters().send_refused, 1U);
  EXPECT_EQ(hosts.b->counters().received, 3U);
  EXPECT_EQ(hosts.b->counters().dropped_not_for_us, 1U);

  // The HAL view of the host hands out its parts.
  const hal::Host view = hosts.b->hal_host(AddressFamily::kIpv6);
  EXPECT_EQ(&view.transport, &hosts.b->transport(AddressFamily::kIpv6));
  EXPECT_EQ(view.transport.family(), AddressFamily::kIpv6);
  EXPECT_EQ(view.hardware_clock, hosts.b->hardware_clock());
  EXPECT_EQ(&view.counter, &hosts.b->counter());
  EXPECT_EQ(view.counter.frequency_hz(), kCounterHz);
}

TEST(SimHostTest, PacketsWithoutAListenerAreCountedAndDropped) {
  TwoHosts hosts(make_config(kHostA, software_capabilities()),
                 make_config(kHostB, software_capabilities()));
  hosts.b->transport(AddressFamily::kIpv4).set_listener(nullptr);
  ASSERT_TRUE(send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2),
                   make_payload(10, 0), false));
  hosts.run_for(SimDuration::milliseconds(1));
  EXPECT_TRUE(hosts.b_listener.deliveries.empty());
  EXPECT_EQ(hosts.b->counters().dropped_no_listener, 1U);
  EXPECT_EQ(hosts.b->counters().received, 0U);
}

// ---- Timestamps ------------------------------------------------------------------------------

TEST(SimHostTest, HardwareTimestampsAreWithinATickAndTheJitter) {
  const MeasuredErrors errors = measure(hardware_capabilities(), TimestampSource::kHardware, 2'000);
  // Whole 8 ns ticks of the latched time (floor), plus 2 ns of Gaussian jitter: the error lies in
  // [-8 ns - 5 sigma, 5 sigma], averages -4 ns and has sqrt(8^2 / 12 + 2^2) = 3.06 ns deviation.
  const double jitter_ps = 2'000;
  const double expected_stddev = std::sqrt(kNicTickPs * kNicTickPs / 12 + jitter_ps * jitter_ps);
  for (const auto& [name, values] :
       {std::pair{"receive", errors.receive_ps}, std::pair{"transmit", errors.transmit_ps}}) {
    SCOPED_TRACE(name);
    const Statistics s = statistics_of(values);
    ASSERT_EQ(s.count, 2'000U);
    EXPECT_GE(s.min, -kNicTickPs - 5 * jitter_ps);
    EXPECT_LE(s.max, 5 * jitter_ps);
    // Standard error of the mean: 3.06 ns / sqrt(2000) = 68 ps.
    EXPECT_NEAR(s.mean, -kNicTickPs / 2, 300);
    EXPECT_NEAR(s.stddev, expected_stddev, 0.1 * expected_stddev);
    std::printf("hardware %s error: mean %.0f ps, stddev %.0f ps (expected -4000, %.0f)\n", name,
                s.mean, s.stddev, expected_stddev);
  }
}

TEST(SimHostTest, SoftwareTimestampErrorsMatchTheConfiguredLatencies) {
  const MeasuredErrors errors = measure(software_capabilities(), TimestampSource::kSoftware, 2'000);
  // The counter reading is the start of its 100 ns tick: half a tick early on average.
  const double quantization_ps = -kCounterTickPs / 2;
  const Statistics receive = statistics_of(errors.receive_ps);
  // Received: stamped in the OS after the receive-stack latency (20 +- 5 us).
  EXPECT_NEAR(receive.mean, 20e6 + quantization_ps, 4 * 5e6 / std::sqrt(2'000.0));
  EXPECT_NEAR(receive.stddev, 5e6, 0.08 * 5e6);
  // Transmitted: stamped in the OS, before the driver latency (5 +- 1 us) to the wire.
  const Statistics transmit = statistics_of(errors.transmit_ps);
  EXPECT_NEAR(transmit.mean, -5e6 + quantization_ps, 4 * 1e6 / std::sqrt(2'000.0));
  EXPECT_NEAR(transmit.stddev, 1e6, 0.08 * 1e6);
  std::printf("software receive error: mean %.3f us, stddev %.3f us (configured 20, 5)\n",
              receive.mean * 1e-6, receive.stddev * 1e-6);
  std::printf("software transmit error: mean %.3f us, stddev %.3f us (configured -5, 1)\n",
              transmit.mean * 1e-6, transmit.stddev * 1e-6);
}

TEST(SimHostTest, ApplicationTimestampsAreLaterStill) {
  const MeasuredErrors errors = measure(no_capabilities(), TimestampSource::kNone, 2'000);
  const double quantization_ps = -kCounterTickPs / 2;
  // Received: after the stack (20 +- 5 us) and the hand-over to the application (30 +- 3 us).
  const Statistics receive = statistics_of(errors.receive_ps);
  const double receive_stddev = std::sqrt(5e6 * 5e6 + 3e6 * 3e6);
  EXPECT_NEAR(receive.mean, 50e6 + quantization_ps, 4 * receive_stddev / std::sqrt(2'000.0));
  EXPECT_NEAR(receive.stddev, receive_stddev, 0.08 * receive_stddev);
  // Transmitted: read when the application handed the packet over, before the stack (15 +- 4
  // us) and the driver (5 +- 1 us).
  const Statistics transmit = statistics_of(errors.transmit_ps);
  const double transmit_stddev = std::sqrt(4e6 * 4e6 + 1e6 * 1e6);
  EXPECT_NEAR(transmit.mean, -20e6 + quantization_ps, 4 * transmit_stddev / std::sqrt(2'000.0));
  EXPECT_NEAR(transmit.stddev, transmit_stddev, 0.08 * transmit_stddev);
  std::printf("application receive error: mean %.3f us, stddev %.3f us (configured 50, %.3f)\n",
              receive.mean * 1e-6, receive.stddev * 1e-6, receive_stddev * 1e-6);
  std::printf("application transmit error: mean %.3f us, stddev %.3f us (configured -20, %.3f)\n",
              transmit.mean * 1e-6, transmit.stddev * 1e-6, transmit_stddev * 1e-6);
}

TEST(SimHostTest, EveryTaggedSendGetsExactlyOneTransmitReport) {
  TimestampPathConfig paths = clean_paths();
  paths.transmit_timestamp_loss_probability = 0.25;
  TwoHosts hosts(make_config(kHostA, hardware_capabilities(), paths),
                 make_config(kHostB, hardware_capabilities(), paths));
  std::map<std::uint32_t, int> reports_per_tag;
  const std::vector<std::byte> payload = make_payload(44, 0);
  constexpr int kTagged = 2'000;
  for (int i = 0; i < kTagged + kTagged / 4; ++i) {
    const bool tagged = i % 5 != 4;  // every fifth send asks for no timestamp
    const auto sent = send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent,
                           hal::kPtpPrimaryIpv4, payload, tagged);
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->has_value(), tagged);
    if (tagged) {
      ASSERT_EQ(reports_per_tag.count((*sent)->value), 0U) << "tags are unique";
      reports_per_tag[(*sent)->value] = 0;
    }
    hosts.run_for(SimDuration::microseconds(200));  // several sends in flight at once
  }
  hosts.run_for(SimDuration::milliseconds(10));

  ASSERT_EQ(reports_per_tag.size(), static_cast<std::size_t>(kTagged));
  int lost = 0;
  for (const TxReport& report : hosts.a_listener.reports) {
    const auto found = reports_per_tag.find(report.tag.value);
    ASSERT_NE(found, reports_per_tag.end()) << "a report for a tag never handed out";
    ++found->second;
    if (report.loss) {
      ++lost;
      EXPECT_EQ(*report.loss, hal::TxTimestampLoss::kTimedOut);
    } else {
      EXPECT_EQ(report.timestamp->source, TimestampSource::kHardware);
    }
  }
  for (const auto& [tag, reports] : reports_per_tag) EXPECT_EQ(reports, 1) << tag;
  // Binomial(2000, 0.25): 500 +- 19.4; 4.5 sigma either way.
  EXPECT_NEAR(lost, 500, 87);
  EXPECT_EQ(hosts.a->counters().tx_timestamps_lost, static_cast<std::uint64_t>(lost));
  EXPECT_EQ(hosts.a->counters().tx_timestamps, static_cast<std::uint64_t>(kTagged - lost));
  EXPECT_EQ(hosts.a->counters().sent, static_cast<std::uint64_t>(kTagged + kTagged / 4));
  std::printf("transmit timestamps lost: %d of %d (configured 25%%)\n", lost, kTagged);
}

TEST(SimHostTest, CapabilityChangeSwitchesTheSourceOfLaterPackets) {
  TwoHosts hosts(make_config(kHostA, hardware_capabilities()),
                 make_config(kHostB, hardware_capabilities()));
  // 40 us after the send at 500 ms: that packet is then in B's stack, past B's NIC, and A's
  // report of its transmit timestamp is still to come.
  const SimTime change = SimTime::from_start(SimDuration::microseconds(500'040));
  ASSERT_TRUE(hosts.a->timestamping().change_capabilities_at(change, software_capabilities()));
  ASSERT_TRUE(hosts.b->timestamping().change_capabilities_at(change, software_capabilities()));
  std::map<std::uint32_t, SimTime> send_time_of_tag;
  const std::vector<std::byte> payload = make_payload(44, 0);
  for (int i = 0; i < 1'000; ++i) {
    const auto sent =
        send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, true);
    ASSERT_TRUE(sent && sent->has_value());
    send_time_of_tag[(*sent)->value] = hosts.scheduler.now();
    EXPECT_EQ(
        hosts.a->transport(AddressFamily::kIpv4).timestamp_source(),
        hosts.scheduler.now() < change ? TimestampSource::kHardware : TimestampSource::kSoftware);
    hosts.run_for(SimDuration::milliseconds(1));
  }
  hosts.run_for(SimDuration::milliseconds(10));

  // Transmit: the source active when the packet was handed over.
  ASSERT_EQ(hosts.a_listener.reports.size(), 1'000U);
  int hardware = 0;
  int reported_after_change = 0;
  for (const TxReport& report : hosts.a_listener.reports) {
    ASSERT_TRUE(report.timestamp);
    const bool before = send_time_of_tag.at(report.tag.value) < change;
    reported_after_change += before && report.at >= change ? 1 : 0;
    EXPECT_EQ(report.timestamp->source,
              before ? TimestampSource::kHardware : TimestampSource::kSoftware);
    EXPECT_EQ(std::holds_alternative<hal::NicTicks>(report.timestamp->reading), before);
    hardware += before ? 1 : 0;
  }
  EXPECT_EQ(hardware, 501);
  EXPECT_EQ(reported_after_change, 1);
  // Receive: the source active when the packet reached the NIC.
  ASSERT_EQ(hosts.b_truths.size(), 1'000U);
  ASSERT_EQ(hosts.b_listener.deliveries.size(), 1'000U);
  int delivered_after_change = 0;
  for (std::size_t i = 0; i < hosts.b_truths.size(); ++i) {
    const TimestampTruth& truth = hosts.b_truths[i];
    const bool before = truth.wire_time < change;
    delivered_after_change += before && hosts.b_listener.deliveries[i].at >= change ? 1 : 0;
    EXPECT_EQ(truth.timestamp.source,
              before ? TimestampSource::kHardware : TimestampSource::kSoftware);
    // And whichever it is, it is a good one of its kind.
    const double error = error_ps(truth, kHostB);
    if (before) {
      EXPECT_NEAR(error, -kNicTickPs / 2, kNicTickPs / 2 + 5 * 2'000.0);
    } else {
      EXPECT_NEAR(error, 20e6, 6 * 5e6);
    }
  }
  EXPECT_EQ(delivered_after_change, 1);
}

// ---- Offline hosts, refused sends ------------------------------------------------------------

TEST(SimHostTest, OfflineHostNeitherReceivesNorSends) {
  TwoHosts hosts(make_config(kHostA, software_capabilities()),
                 make_config(kHostB, software_capabilities()));
  const std::vector<std::byte> payload = make_payload(20, 0);
  hosts.b->set_online(false);
  EXPECT_FALSE(hosts.b->online());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, false));
  }
  const auto refused =
      send(*hosts.b, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(1), payload, true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, hal::HalErrorCode::kUnavailable);
  hosts.run_for(SimDuration::milliseconds(1));
  EXPECT_EQ(hosts.wire.transmitted().size(), 5U);
  EXPECT_TRUE(hosts.b_listener.deliveries.empty());
  EXPECT_TRUE(hosts.a_listener.deliveries.empty());
  EXPECT_EQ(hosts.b->counters().dropped_offline, 5U);
  EXPECT_EQ(hosts.b->counters().received, 0U);
  EXPECT_EQ(hosts.b->counters().sent, 0U);
  EXPECT_EQ(hosts.b->counters().send_refused, 1U);

  // Back online, it receives again.
  hosts.b->set_online(true);
  ASSERT_TRUE(
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, false));
  hosts.run_for(SimDuration::milliseconds(1));
  EXPECT_EQ(hosts.b_listener.deliveries.size(), 1U);

  // A packet already in B's stack when B goes down is not handed over.
  ASSERT_TRUE(
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, false));
  while (hosts.wire.transmitted().size() < 7) ASSERT_TRUE(*hosts.scheduler.step());
  hosts.run_for(kWireDelay);  // now at B's NIC, not yet in its application
  hosts.b->set_online(false);
  hosts.run_for(SimDuration::milliseconds(1));
  EXPECT_EQ(hosts.b_listener.deliveries.size(), 1U);
  EXPECT_EQ(hosts.b->counters().dropped_offline, 6U);
  EXPECT_EQ(hosts.b->counters().received, 1U);

  // A packet handed over just before its host goes down never reaches the wire, and its
  // transmit timestamp is reported lost as such.
  const auto sent =
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, true);
  ASSERT_TRUE(sent && sent->has_value());
  hosts.a->set_online(false);
  hosts.run_for(SimDuration::milliseconds(1));
  EXPECT_EQ(hosts.wire.transmitted().size(), 7U);
  EXPECT_EQ(hosts.a->counters().sent, 7U);
  ASSERT_EQ(hosts.a_listener.reports.size(), 1U);
  EXPECT_EQ(hosts.a_listener.reports[0].tag, **sent);
  EXPECT_EQ(hosts.a_listener.reports[0].loss, hal::TxTimestampLoss::kSendFailed);
}

TEST(SimHostTest, UnconnectedHostRefusesToSend) {
  Scheduler scheduler;
  auto host = make_host(scheduler, make_config(kHostA, software_capabilities()), 1);
  ASSERT_TRUE(host);
  const auto refused = send(*host, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2),
                            make_payload(10, 0), false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, hal::HalErrorCode::kUnavailable);
  EXPECT_EQ(host->counters().send_refused, 1U);
}

TEST(SimHostTest, OversizePayloadIsRefused) {
  TwoHosts hosts(make_config(kHostA, software_capabilities()),
                 make_config(kHostB, software_capabilities()));
  const std::vector<std::byte> too_big = make_payload(WirePacket::kMaxPayload + 1, 0);
  const auto refused =
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), too_big, true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, hal::HalErrorCode::kBufferTooSmall);
  EXPECT_EQ(hosts.a->counters().send_refused, 1U);
  // The largest allowed payload, and an empty one, go through intact.
  const std::vector<std::byte> largest = make_payload(WirePacket::kMaxPayload, 1);
  ASSERT_TRUE(
      send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), largest, false));
  hosts.run_for(SimDuration::milliseconds(1));
  ASSERT_TRUE(send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), {}, false));
  hosts.run_for(SimDuration::milliseconds(1));
  EXPECT_EQ(hosts.wire.transmitted().size(), 2U);
  EXPECT_TRUE(hosts.a_listener.reports.empty());  // the refused send's tag was never handed out
  ASSERT_EQ(hosts.b_listener.deliveries.size(), 2U);
  EXPECT_EQ(hosts.b_listener.deliveries[0].payload, largest);
  EXPECT_TRUE(hosts.b_listener.deliveries[1].payload.empty());
}

// ---- Re-entrancy and teardown ----------------------------------------------------------------

TEST(SimHostTest, ListenersMaySendFromInsideTheirCallbacks) {
  TwoHosts hosts(make_config(kHostA, hardware_capabilities()),
                 make_config(kHostB, hardware_capabilities()));
  // B echoes every packet, reversed, from inside on_packet; A answers each transmit timestamp
  // with a general message from inside on_tx_timestamp. Both grow their hosts' in-flight
  // storage while a delivery is under way.
  hosts.b_listener.on_packet_hook = [&](const hal::ReceivedPacket& packet) {
    std::vector<std::byte> reversed(packet.payload.rbegin(), packet.payload.rend());
    for (int copy = 0; copy < 3; ++copy) {
      EXPECT_TRUE(send(*hosts.b, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent,
                       packet.source.address, reversed, copy == 0));
    }
    // The packet handed over is still intact after the sends.
    EXPECT_EQ(std::vector<std::byte>(packet.payload.rbegin(), packet.payload.rend()), reversed);
  };
  int follow_ups = 0;
  hosts.a_listener.on_tx_hook = [&](hal::TxTag) {
    ++follow_ups;
    EXPECT_TRUE(send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kGeneral, ipv4_of(99),
                     make_payload(30, 9), false));
  };
  constexpr int kBurst = 300;
  std::vector<std::vector<std::byte>> sent_payloads;
  for (int i = 0; i < kBurst; ++i) {
    sent_payloads.push_back(
        make_payload(40 + static_cast<std::size_t>(i % 50), static_cast<std::uint32_t>(i)));
    ASSERT_TRUE(send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2),
                     sent_payloads.back(), true));
  }
  hosts.run_for(SimDuration::milliseconds(20));

  EXPECT_EQ(follow_ups, kBurst);
  ASSERT_EQ(hosts.b_listener.deliveries.size(), static_cast<std::size_t>(kBurst));
  ASSERT_EQ(hosts.a_listener.deliveries.size(), static_cast<std::size_t>(3 * kBurst));
  // Every echo is the reverse of a payload A sent (all distinct), three echoes each.
  std::vector<int> echoes_of_send(sent_payloads.size(), 0);
  for (const Delivery& echo : hosts.a_listener.deliveries) {
    const std::vector<std::byte> original(echo.payload.rbegin(), echo.payload.rend());
    const auto found = std::find(sent_payloads.begin(), sent_payloads.end(), original);
    ASSERT_NE(found, sent_payloads.end());
    ++echoes_of_send[static_cast<std::size_t>(found - sent_payloads.begin())];
  }
  for (const int echoes : echoes_of_send) EXPECT_EQ(echoes, 3);
  EXPECT_EQ(hosts.b_listener.reports.size(), static_cast<std::size_t>(kBurst));
}

TEST(SimHostTest, DestroyedHostLeavesNoEventsBehind) {
  Scheduler scheduler;
  TestWire wire(scheduler);
  auto a = make_host(scheduler, make_config(kHostA, hardware_capabilities()), 1);
  auto b = make_host(scheduler, make_config(kHostB, hardware_capabilities()), 2);
  ASSERT_TRUE(a && b);
  wire.attach(*a, NodeId{1});
  wire.attach(*b, NodeId{2});
  RecordingListener a_listener(scheduler);
  RecordingListener b_listener(scheduler);
  a->transport(AddressFamily::kIpv4).set_listener(&a_listener);
  b->transport(AddressFamily::kIpv4).set_listener(&b_listener);
  const std::vector<std::byte> payload = make_payload(44, 0);
  // Packets at every stage: in A's stack, on the wire, in B's stack, awaiting A's report.
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(send(*a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, true));
    ASSERT_TRUE(scheduler.run_for(SimDuration::microseconds(3)));
  }
  ASSERT_TRUE(b->timestamping().change_capabilities_at(scheduler.now() + SimDuration::seconds(1),
                                                       software_capabilities()));
  b->timers().arm(hal::TimerId{1}, hal::CounterTicks{1'000'000'000});
  // B leaves first (its NIC off the wire, then the host), then A.
  wire.detach(NodeId{2});
  ASSERT_TRUE(scheduler.run_for(kWireDelay));  // what was already on its way to B has arrived
  b.reset();
  ASSERT_TRUE(scheduler.run_for(SimDuration::microseconds(30)));
  a.reset();
  // Under AddressSanitizer an event of a destroyed host would be a use after free.
  EXPECT_EQ(scheduler.pending_events(), 0U);
  ASSERT_TRUE(scheduler.run_for(SimDuration::seconds(2)));
  EXPECT_LT(b_listener.deliveries.size(), 50U);
  EXPECT_LT(a_listener.reports.size(), 50U);
}

// ---- Construction ----------------------------------------------------------------------------

TEST(SimHostTest, CreationChecksItsConfiguration) {
  Scheduler scheduler;
  SimHostConfig no_nic = make_config(kHostA, hardware_capabilities());
  no_nic.has_nic_clock = false;
  const auto refused = SimHost::create(scheduler, no_nic, Random(1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), SimHostError::kNoNicClockForHardwareCapabilities);

  SimHostConfig bad_crystal = make_config(kHostA, software_capabilities());
  bad_crystal.host_crystal.white_fm_adev_at_1s = -1;
  const auto bad = SimHost::create(scheduler, bad_crystal, Random(1));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), SimHostError::kBadOscillator);

  // Without a NIC clock and hardware capabilities, a host works on software timestamps.
  SimHostConfig software_only = make_config(kHostA, software_capabilities());
  software_only.has_nic_clock = false;
  auto host = make_host(scheduler, software_only, 1);
  ASSERT_TRUE(host);
  EXPECT_EQ(host->hardware_clock(), nullptr);
  EXPECT_EQ(host->hal_host(AddressFamily::kIpv4).hardware_clock, nullptr);
  EXPECT_FALSE(host->timestamping().capture_cross_timestamp());
}

TEST(SimHostTest, HardwareSwitchedOnWithoutANicClockIsIgnored) {
  Scheduler scheduler;
  SimHostConfig software_only = make_config(kHostA, software_capabilities());
  software_only.has_nic_clock = false;
  auto host = make_host(scheduler, software_only, 1);
  ASSERT_TRUE(host);
  ASSERT_TRUE(host->timestamping().change_capabilities_at(
      SimTime::from_start(SimDuration::milliseconds(1)), hardware_capabilities()));
  ASSERT_TRUE(scheduler.run_for(SimDuration::milliseconds(2)));
  EXPECT_TRUE(host->timestamping().capabilities()->active.hardware.all_receive);
  EXPECT_NE(host->transport(AddressFamily::kIpv4).timestamp_source(),
            hal::TimestampSource::kHardware);
}

// ---- Determinism -----------------------------------------------------------------------------

// A run with every source of randomness switched on: noisy crystals, heavy-tailed latencies,
// lost transmit timestamps, hardware on one host and software on the other; its fingerprint is
// a hash of every timestamp delivered, in delivery order.
std::uint64_t raw_reading(const hal::PacketTimestamp& timestamp) {
  if (const auto* nic = std::get_if<hal::NicTicks>(&timestamp.reading)) return nic->count;
  if (const auto* counter = std::get_if<hal::CounterTicks>(&timestamp.reading)) {
    return static_cast<std::uint64_t>(counter->count);
  }
  ADD_FAILURE() << "a simulated host stamps in NIC or counter ticks only";
  return 0;
}

std::uint64_t fingerprint_of_run(std::uint64_t seed) {
  TimestampPathConfig paths;  // the defaults, tails included
  paths.transmit_timestamp_loss_probability = 0.1;
  SimHostConfig a_config = make_config(kHostA, hardware_capabilities(), paths);
  SimHostConfig b_config = make_config(kHostB, software_capabilities(), paths);
  for (SimHostConfig* config : {&a_config, &b_config}) {
    config->host_crystal.white_fm_adev_at_1s = 1e-9;
    config->host_crystal.random_walk_fm_adev_at_1s = 1e-10;
    config->nic_crystal.white_fm_adev_at_1s = 1e-9;
  }
  TwoHosts hosts(a_config, b_config, seed);
  hosts.b_listener.on_packet_hook = [&](const hal::ReceivedPacket& packet) {
    EXPECT_TRUE(send(*hosts.b, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, packet.source.address,
                     packet.payload, true));
  };
  const std::vector<std::byte> payload = make_payload(44, 0);
  for (int i = 0; i < 300; ++i) {
    EXPECT_TRUE(
        send(*hosts.a, AddressFamily::kIpv4, hal::PtpUdpPort::kEvent, ipv4_of(2), payload, true));
    hosts.run_for(SimDuration::microseconds(700));
  }
  hosts.run_for(SimDuration::milliseconds(100));

  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a, 64 bits
  auto mix = [&hash](std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (value >> (8 * byte)) & 0xFFU;
      hash *= 0x100000001b3ULL;
    }
  };
  std::size_t timestamps = 0;
  for (const RecordingListener* listener : {&hosts.a_listener, &hosts.b_listener}) {
    for (const Delivery& delivery : listener->deliveries) {
      mix(static_cast<std::uint64_t>(delivery.at.since_start().picoseconds()));
      mix(raw_reading(delivery.timestamp));
      ++timestamps;
    }
    for (const TxReport& report : listener->reports) {
      mix(report.tag.value);
      if (report.timestamp) mix(raw_reading(*report.timestamp));
      ++timestamps;
    }
  }
  // Hundreds of timestamps of each kind went into it.
  EXPECT_GT(timestamps, 1'000U);
  return hash;
}

TEST(SimHostTest, SameSeedSameTimestamps) {
  const std::uint64_t first = fingerprint_of_run(42);
  EXPECT_EQ(fingerprint_of_run(42), first);
  EXPECT_NE(fingerprint_of_run(43), first);
}

}  // namespace
}  // namespace ptp::sim
