// Embeds the installed ptpstack: encodes and decodes a Sync with the wire codec, selects a
// timestamp source through the HAL, runs the simulator's scheduler, and runs an ordinary clock
// (the simulator's node, built by the one assembly) that follows a grandmaster to a lock. Exits
// non-zero on any mismatch. Includes installed headers only (it is built against the install
// prefix).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <variant>
#include <vector>

#include "ptp/core/port_state.h"
#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/sim/lock_statistics.h"
#include "ptp/sim/network.h"
#include "ptp/sim/nic_capabilities.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_ptp_node.h"
#include "ptp/sim/sim_time.h"
#include "ptp/time_interval.h"
#include "ptp/timestamp.h"
#include "ptp/wire/header.h"
#include "ptp/wire/message.h"
#include "ptp/wire/message_bodies.h"

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

void sync_round_trip() {
  ptp::wire::Message sync;
  sync.header.message_type = ptp::wire::MessageType::kSync;
  sync.header.domain_number = 24;
  sync.header.sequence_id = 0x1234;
  sync.header.flags.set(ptp::wire::HeaderFlags::kTwoStep);
  sync.header.correction_field = ptp::TimeInterval::from_scaled(std::int64_t{5} << 16);
  sync.header.source_port_identity.clock_identity.octets = {0x00, 0x1b, 0x21, 0xff,
                                                            0xfe, 0x01, 0x02, 0x03};
  sync.header.source_port_identity.port_number = 1;
  sync.header.control_field = ptp::wire::default_control_field(ptp::wire::MessageType::kSync);
  sync.body = ptp::wire::Sync{ptp::Timestamp{1'700'000'000, 123'456'789}};

  std::array<std::byte, 128> buffer{};
  const auto encoded = ptp::wire::encode_message(sync, buffer);
  check(encoded.has_value(), "encode_message(Sync) succeeds");
  if (!encoded) return;
  check(*encoded == ptp::wire::fixed_message_length(ptp::wire::MessageType::kSync),
        "a Sync without TLVs is 44 octets");

  const auto decoded = ptp::wire::decode_message(std::span(buffer).first(*encoded));
  check(decoded.has_value(), "decode_message(encoded Sync) succeeds");
  if (!decoded) return;
  check(decoded->type() == ptp::wire::MessageType::kSync, "decodes as a Sync");
  check(decoded->header.sequence_id == 0x1234, "sequenceId survives");
  check(decoded->header.domain_number == 24, "domainNumber survives");
  check(decoded->header.flags.two_step(), "twoStepFlag survives");
  check(decoded->header.source_port_identity == sync.header.source_port_identity,
        "sourcePortIdentity survives");
  const auto* body = std::get_if<ptp::wire::Sync>(&decoded->body);
  check(body != nullptr && body->origin_timestamp == ptp::Timestamp{1'700'000'000, 123'456'789},
        "originTimestamp survives");
  check(decoded->body == sync.body, "the body compares equal");
}

void timestamp_source_selection() {
  using ptp::hal::AddressFamily;
  using ptp::hal::TimestampSource;
  ptp::hal::TimestampCapabilities active;
  check(ptp::hal::select_timestamp_source(active, AddressFamily::kIpv4) == TimestampSource::kNone,
        "no capabilities: no source");
  active.software.all_receive = true;
  active.software.all_transmit = true;
  check(
      ptp::hal::select_timestamp_source(active, AddressFamily::kIpv4) == TimestampSource::kSoftware,
      "software both ways: software");
  active.hardware.ptp_v2_over_udp_ipv4_event_message_receive = true;
  active.hardware.ptp_v2_over_udp_ipv4_event_message_transmit = true;
  check(
      ptp::hal::select_timestamp_source(active, AddressFamily::kIpv4) == TimestampSource::kHardware,
      "IPv4 hardware both ways: hardware on IPv4");
  check(
      ptp::hal::select_timestamp_source(active, AddressFamily::kIpv6) == TimestampSource::kSoftware,
      "IPv4-only hardware: software on IPv6");
}

void scheduler_run() {
  using ptp::sim::SimDuration;
  using ptp::sim::SimTime;
  ptp::sim::Scheduler scheduler;
  std::array<int, 3> order{};
  int next = 0;
  int* next_ptr = &next;
  std::array<int, 3>* order_ptr = &order;
  check(scheduler
            .schedule_after(SimDuration::milliseconds(3),
                            [=] { (*order_ptr)[static_cast<std::size_t>((*next_ptr)++)] = 3; })
            .has_value(),
        "schedule at 3 ms");
  check(scheduler
            .schedule_after(SimDuration::milliseconds(1),
                            [=] { (*order_ptr)[static_cast<std::size_t>((*next_ptr)++)] = 1; })
            .has_value(),
        "schedule at 1 ms");
  check(scheduler
            .schedule_after(SimDuration::milliseconds(2),
                            [=] { (*order_ptr)[static_cast<std::size_t>((*next_ptr)++)] = 2; })
            .has_value(),
        "schedule at 2 ms");
  const auto end = SimTime::from_start(SimDuration::milliseconds(10));
  check(scheduler.run_until(end).has_value(), "run_until(10 ms) succeeds");
  check(next == 3, "all three events ran");
  check(order == std::array<int, 3>{1, 2, 3}, "events ran in time order");
  check(scheduler.now() == end, "the clock stands at the end of the run");
  check(scheduler.executed_events() == 3, "executed_events() counts them");
  check(scheduler.pending_events() == 0, "nothing is left pending");
}

// A clock with software timestamps on a crystal 20 ppm fast, cabled to a grandmaster.
ptp::sim::SimPtpNodeConfig software_clock(std::uint8_t index, std::uint8_t priority1,
                                          double frequency_error_ppm) {
  ptp::sim::SimPtpNodeConfig config;
  config.host.ipv4 = ptp::hal::IpAddress::v4(10, 1, 0, index);
  config.host.ipv6 =
      ptp::hal::IpAddress::v6({0xFD, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, index});
  config.host.has_nic_clock = false;
  config.host.host_crystal.initial_frequency_error_ppm = frequency_error_ppm;
  config.host.capabilities = ptp::sim::nic_capabilities(ptp::sim::SimNicKind::kSoftware, 0);
  config.port.clock_identity.octets = {0x02, 0x01, 0x00, 0xFF, 0xFE, 0x00, 0x00, index};
  config.port.priority1 = priority1;
  return config;
}

void ordinary_clock_run() {
  using ptp::sim::SimDuration;
  ptp::sim::Scheduler scheduler;
  ptp::sim::Random random(7);
  ptp::sim::Network network(scheduler, random.fork(1));
  auto master =
      ptp::sim::SimPtpNode::create(scheduler, network, software_clock(1, 100, 0), random.fork(2));
  auto slave =
      ptp::sim::SimPtpNode::create(scheduler, network, software_clock(2, 128, 20), random.fork(3));
  check(master.has_value() && slave.has_value(), "SimPtpNode::create builds both clocks");
  if (!master || !slave) return;
  ptp::sim::LinkDirectionConfig cable;
  cable.delay.propagation = SimDuration::nanoseconds(500);
  check(network.add_link((*master)->node_id(), (*slave)->node_id(), cable, cable).has_value(),
        "the network links the two clocks");
  check((*master)->start().has_value() && (*slave)->start().has_value(), "both clocks start");

  std::vector<ptp::sim::TruthSample> truth;
  for (int step = 1; step <= 60 * 4; ++step) {
    check(scheduler.run_for(SimDuration::milliseconds(250)).has_value(), "the world runs");
    truth.push_back({step * 0.25, (*slave)->true_offset_ns() - (*master)->true_offset_ns()});
  }
  check((*master)->clock().state() == ptp::PortState::kMaster, "the grandmaster is MASTER");
  check((*slave)->clock().state() == ptp::PortState::kSlave, "the other clock is SLAVE");
  // Software timestamps: locked within 10 us (the project's lock rule, docs/accuracy.md).
  const auto stats = ptp::sim::lock_statistics(truth, ptp::sim::LockRule{10'000});
  check(stats.lock_time_s.has_value(), "the slave locks within 10 us");
  check(std::abs(truth.back().offset_ns) < 10'000, "and is within 10 us at the end");
  std::printf("ptpstack_consumer: slave locked at %.2f s, true offset at 60 s %.0f ns\n",
              stats.lock_time_s.value_or(-1), truth.back().offset_ns);
}

}  // namespace

int main() {
  sync_round_trip();
  timestamp_source_selection();
  scheduler_run();
  ordinary_clock_run();
  if (failures != 0) {
    std::fprintf(stderr, "ptpstack_consumer: %d check(s) failed\n", failures);
    return 1;
  }
  std::puts("ptpstack_consumer: ok");
  return 0;
}
