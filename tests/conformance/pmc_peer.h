// PmcPeer: a pmc on the simulated segment. A raw host of its own, linked to a switch, sends
// MANAGEMENT GETs to all clocks (as `pmc -b 1 'GET ...'` does) at given times, and SETs (as
// `pmc -b 1 'SET PRIORITY2 100'`) at others, and records every RESPONSE addressed to it, decoded,
// for a test to compare with the clocks' real data sets.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ptp/hal/timers.h"
#include "ptp/hal/transport.h"
#include "ptp/identity.h"
#include "ptp/sim/sim_host.h"
#include "ptp/wire/management_tlv.h"
#include "world.h"

namespace ptp::conformance {

// One SET to all clocks: a one-octet data set (PRIORITY1, PRIORITY2, DOMAIN) and its value.
struct PmcSet {
  double at_s = 0;
  wire::ManagementId id = wire::ManagementId::kPriority2;
  std::uint8_t value = 0;
};

struct PmcResponse {
  double time_s = 0;
  std::uint16_t sequence_id = 0;
  PortIdentity from;  // the responding port
  wire::ManagementId id = wire::ManagementId::kNullManagement;
  wire::ManagementData data;   // typed data sets; RawManagementData points into `raw`
  std::vector<std::byte> raw;  // the dataField, for the ids the codec does not type
};

// What the peer saw; outlives the peer (the run releases the peer before the world).
struct PmcLog {
  std::uint64_t requests_sent = 0;              // GETs
  std::vector<std::uint16_t> set_sequence_ids;  // of the SETs sent, to tell their answers apart
  std::vector<PmcResponse> responses;
};

class PmcPeer final : public hal::PacketListener, public hal::TimerListener {
 public:
  // Attaches a host to `world`'s switch `switch_name`; it sends every id of `queries` at each of
  // `at_seconds`, and each of `sets` at its time. nullptr when the host cannot be made or linked.
  static std::shared_ptr<PmcPeer> attach(ptpsim::SimulatedWorld& world,
                                         const std::string& switch_name,
                                         std::vector<double> at_seconds,
                                         std::vector<wire::ManagementId> queries,
                                         std::vector<PmcSet> sets, PmcLog& log);
  ~PmcPeer() override = default;
  PmcPeer(const PmcPeer&) = delete;
  PmcPeer& operator=(const PmcPeer&) = delete;
  PmcPeer(PmcPeer&&) = delete;
  PmcPeer& operator=(PmcPeer&&) = delete;

  static constexpr ClockIdentity kIdentity{{0x02, 0x00, 0x00, 0xFF, 0xFE, 0xEE, 0xEE, 0x01}};

  void on_packet(const hal::ReceivedPacket& packet) override;
  void on_tx_timestamp(hal::TxTag, const hal::PacketTimestamp&) override {}
  void on_tx_timestamp_lost(hal::TxTag, hal::TxTimestampLoss) override {}
  void on_timer(hal::TimerId timer) override;

 private:
  PmcPeer(ptpsim::SimulatedWorld& world, std::unique_ptr<sim::SimHost> host,
          std::vector<double> at_seconds, std::vector<wire::ManagementId> queries,
          std::vector<PmcSet> sets, PmcLog& log);
  void arm_next();
  // Sends a GET (`data` empty) or a SET of `id` to all clocks; false if it could not be sent.
  bool send(wire::ManagementAction action, wire::ManagementId id, std::span<const std::byte> data);

  ptpsim::SimulatedWorld& world_;
  std::unique_ptr<sim::SimHost> host_;
  std::vector<double> at_seconds_;
  std::size_t next_round_ = 0;
  std::vector<wire::ManagementId> queries_;
  std::vector<PmcSet> sets_;  // by time
  std::size_t next_set_ = 0;
  PmcLog& log_;
  std::uint16_t sequence_id_ = 0;
};

}  // namespace ptp::conformance
