// A test world for the Windows HAL on simulated Windows: a scheduler, a network, and hosts, each
// a SimHost with its SimWindows, on which the real WinHost is opened and pumped by the
// scheduler. Crystals are ideal unless a test says otherwise, so the truth is easy to state: the
// NIC clock (125 MHz) reads true time in 8 ns ticks, QPC in 100 ns ticks.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ptp/sim/network.h"
#include "ptp/sim/nic_capabilities.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/sim_win/sim_windows.h"
#include "ptp/sim_win/sim_winsock_pump.h"
#include "ptp/win/win_host.h"

namespace ptp::simwin::test {

inline constexpr std::uint64_t kNicHz = 125'000'000;

// What the HAL's listener hears.
struct Recorder final : hal::PacketListener {
  struct Packet {
    std::vector<std::byte> payload;
    hal::PtpUdpPort port;
    hal::UdpEndpoint source;
    hal::IpAddress destination;
    hal::PacketTimestamp timestamp;
    sim::SimTime at;
  };
  struct Tx {
    hal::TxTag tag;
    std::optional<hal::PacketTimestamp> timestamp;
    hal::TxTimestampLoss loss = hal::TxTimestampLoss::kTimedOut;
    sim::SimTime at;
  };
  explicit Recorder(sim::Scheduler& s) : scheduler(s) {}
  void on_packet(const hal::ReceivedPacket& p) override {
    packets.push_back({{p.payload.begin(), p.payload.end()},
                       p.port,
                       p.source,
                       p.destination,
                       p.timestamp,
                       scheduler.now()});
  }
  void on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& t) override {
    tx.push_back({tag, t, {}, scheduler.now()});
  }
  void on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss loss) override {
    tx.push_back({tag, std::nullopt, loss, scheduler.now()});
  }
  sim::Scheduler& scheduler;
  std::vector<Packet> packets;
  std::vector<Tx> tx;
};

struct Node {
  std::unique_ptr<sim::SimHost> host;
  std::unique_ptr<SimWindows> windows;
  std::unique_ptr<win::WinHost> win_host;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<SimWinsockPump> pump;
  std::vector<std::string> log;
  std::vector<sim::TimestampTruth> truth;
  sim::NodeId node;
};

struct NodeOptions {
  hal::InterfaceTimestampCapabilities capabilities =
      sim::nic_capabilities(sim::SimNicKind::kWindowsHardware, kNicHz);
  SimWindowsConfig windows;
  std::uint8_t address = 1;  // 192.0.2.<address>
  bool open_hal = true;
  win::WinHostConfig hal;
};

class World {
 public:
  explicit World(std::uint64_t seed) : seed_(seed), network_(scheduler_, sim::Random(seed)) {
    hub_ = *network_.add_switch(sim::DelayModelConfig{});
  }

  Node& add(const NodeOptions& options) {
    sim::SimHostConfig config;
    config.ipv4 = hal::IpAddress::v4(192, 0, 2, options.address);
    config.ipv6 = hal::IpAddress::v6(
        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, options.address});
    config.nic_clock = sim::SimHardwareClockConfig{kNicHz, false};
    config.capabilities = options.capabilities;
    config.system_clock.max_frequency_adjustment = hal::PartsPerBillion{10'000'000};
    auto node = std::make_unique<Node>();
    const std::uint64_t stream = nodes_.size() + 1;
    auto host = sim::SimHost::create(scheduler_, config, sim::Random(seed_).fork(stream));
    EXPECT_TRUE(host);
    node->host = std::move(*host);
    Node* raw = node.get();
    node->host->set_timestamp_truth_observer(
        [raw](const sim::TimestampTruth& t) { raw->truth.push_back(t); });
    node->node = *network_.add_host(*node->host, {config.ipv4, config.ipv6});
    node->host->connect(network_, node->node);
    sim::LinkDirectionConfig link;
    link.delay.propagation = sim::SimDuration::nanoseconds(500);
    EXPECT_TRUE(network_.add_link(node->node, hub_, link, link));
    SimWindowsConfig windows = options.windows;
    windows.adapter.mac.back() = options.address;
    auto created =
        SimWindows::create(scheduler_, *node->host, windows, sim::Random(seed_).fork(100 + stream));
    EXPECT_TRUE(created);
    node->windows = std::move(*created);
    node->recorder = std::make_unique<Recorder>(scheduler_);
    if (options.open_hal) open(*node, options.hal);
    nodes_.push_back(std::move(node));
    return *raw;
  }

  void open(Node& node, win::WinHostConfig config) {
    if (config.interface_name.empty()) config.interface_name = "Ethernet";
    Node* raw = &node;
    auto opened = win::WinHost::open(
        node.windows->api(), config, node.windows->post_to_loop(),
        [raw](win::LogLevel, std::string_view text) { raw->log.emplace_back(text); });
    ASSERT_TRUE(opened) << opened.error().message;
    node.win_host = std::move(*opened);
    node.win_host->transport().set_listener(node.recorder.get());
    node.pump =
        std::make_unique<SimWinsockPump>(scheduler_, *node.windows, node.win_host->transport());
    node.pump->start();
  }

  void run_for(sim::SimDuration duration) { ASSERT_TRUE(scheduler_.run_for(duration)); }
  sim::Scheduler& scheduler() { return scheduler_; }

 private:
  std::uint64_t seed_;
  sim::Scheduler scheduler_;
  sim::Network network_;
  sim::NodeId hub_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

inline std::vector<std::byte> payload_of(std::uint8_t marker, std::size_t size = 44) {
  std::vector<std::byte> bytes(size, std::byte{0});
  bytes[0] = std::byte{marker};
  return bytes;
}

}  // namespace ptp::simwin::test
