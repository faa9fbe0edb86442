// Embeds the installed ptpstack: encodes and decodes a Sync with the wire codec, selects a
// timestamp source through the HAL, and runs the simulator's scheduler. Exits non-zero on any
// mismatch. Includes installed headers only (it is built against the install prefix).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <variant>

#include "ptp/hal/timestamp_capabilities.h"
#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/sim/scheduler.h"
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

}  // namespace

int main() {
  sync_round_trip();
  timestamp_source_selection();
  scheduler_run();
  if (failures != 0) {
    std::fprintf(stderr, "ptpstack_consumer: %d check(s) failed\n", failures);
    return 1;
  }
  std::puts("ptpstack_consumer: ok");
  return 0;
}
