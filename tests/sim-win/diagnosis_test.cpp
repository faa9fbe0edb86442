// win::diagnose() (what `ptp4win --diagnose` reports) on the simulated Windows, against what the
// scenario set: the capabilities, SIO_TIMESTAMPING, the self-addressed exchange (the NIC's cable
// looped back to itself, so the datagram leaves and re-enters through the NIC and is stamped both
// ways), the TX timestamp latency of the simulated stack, the cross-timestamp windows, the NIC-vs-
// QPC ratio of the two simulated crystals, QPC at 10 MHz and the adjustment increment's units.
#include "ptp/win/diagnosis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <iomanip>
#include <iostream>
#include <memory>

#include "ptp/sim/nic_capabilities.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_host.h"
#include "ptp/sim_win/sim_windows.h"
#include "ptp/win/interface_lookup.h"

namespace ptp::simwin {
namespace {

constexpr std::uint64_t kNicHz = 125'000'000;
constexpr double kNicPpm = 35;
constexpr double kHostPpm = -12;  // the crystal QPC counts

// A loopback plug in the NIC's port: every frame sent comes back to the same NIC `delay` later.
class LoopbackPlug final : public sim::Wire {
 public:
  LoopbackPlug(sim::Scheduler& scheduler, sim::SimHost& host, sim::SimDuration delay)
      : scheduler_(scheduler), host_(host), delay_(delay) {}
  void transmit(sim::NodeId, const sim::WirePacket& packet) override {
    in_cable_.push_back(packet);
    // Constant delay: frames come back in the order they left.
    EXPECT_TRUE(scheduler_.schedule_after(delay_, [this] {
      const sim::WirePacket arrived = in_cable_.front();
      in_cable_.pop_front();
      host_.on_wire_arrival(arrived);
    }));
  }

 private:
  sim::Scheduler& scheduler_;
  sim::SimHost& host_;
  sim::SimDuration delay_;
  std::deque<sim::WirePacket> in_cable_;
};

sim::LatencyModel fixed(sim::SimDuration latency) { return sim::LatencyModel{latency, {}}; }

struct Machine {
  explicit Machine(sim::SimNicKind kind, const SimWindowsConfig& windows_config = {}) {
    config.nic_clock = sim::SimHardwareClockConfig{kNicHz, false};
    config.capabilities = sim::nic_capabilities(kind, kNicHz);
    config.nic_crystal.initial_frequency_error_ppm = kNicPpm;
    config.host_crystal.initial_frequency_error_ppm = kHostPpm;
    config.cross_timestamps.min_window = sim::SimDuration::microseconds(1);
    config.cross_timestamps.max_window = sim::SimDuration::microseconds(3);
    config.cross_timestamps.wide_probability = 0.05;
    config.cross_timestamps.wide_window = sim::SimDuration::microseconds(40);
    // Fixed stack latencies, so the TX timestamp's delay is known exactly.
    config.paths.transmit_stack = fixed(sim::SimDuration::microseconds(15));
    config.paths.transmit_driver = fixed(sim::SimDuration::microseconds(5));
    config.paths.transmit_report = fixed(sim::SimDuration::microseconds(50));
    auto created = sim::SimHost::create(scheduler, config, sim::Random(7));
    EXPECT_TRUE(created);
    host = std::move(*created);
    plug = std::make_unique<LoopbackPlug>(scheduler, *host, sim::SimDuration::nanoseconds(50));
    host->connect(*plug, sim::NodeId{0});
    auto made = SimWindows::create(scheduler, *host, windows_config, sim::Random(8));
    EXPECT_TRUE(made);
    windows = std::move(*made);
  }

  win::Diagnosis diagnose() {
    auto adapters = win::enumerate_adapters(windows->api());
    EXPECT_TRUE(adapters && adapters->size() == 1);
    win::DiagnosisOptions options;
    options.pass_time = [this](Nanoseconds at_most) {
      EXPECT_TRUE(scheduler.run_for(sim::SimDuration::nanoseconds(at_most.count())));
    };
    return win::diagnose(windows->api(), adapters->front(), options);
  }

  // What the simulated stack takes from WSASendMsg to the TX timestamp's report.
  [[nodiscard]] double tx_latency_ns() const {
    const auto& p = config.paths;
    return static_cast<double>(
               (p.transmit_stack.mean + p.transmit_driver.mean + p.transmit_report.mean)
                   .picoseconds()) /
           1e3;
  }

  sim::Scheduler scheduler;
  sim::SimHostConfig config;
  std::unique_ptr<sim::SimHost> host;
  std::unique_ptr<LoopbackPlug> plug;
  std::unique_ptr<SimWindows> windows;
};

// The diagnosis's poll step while it waits for a TX timestamp, and one QPC tick (10 MHz).
constexpr double kPollStepNs = 1'000;
constexpr double kQpcTickNs = 100;

void print(const win::SelfExchangeFacts& f, const char* family) {
  std::cout << family << ": sent " << f.sent << " received " << f.received << " (hardware "
            << f.rx_hardware << ") tx delivered " << f.tx_delivered << " would_block "
            << f.would_block->min << "/" << f.would_block->median << "/" << f.would_block->max
            << " latency us " << static_cast<double>(f.tx_latency->min.count()) / 1e3 << "/"
            << static_cast<double>(f.tx_latency->median.count()) / 1e3 << "/"
            << static_cast<double>(f.tx_latency->max.count()) / 1e3 << "\n";
}

TEST(SimWindowsDiagnosis, HardwareNicAnswersAsTheScenarioSetIt) {
  Machine machine(sim::SimNicKind::kWindowsHardware);
  const win::Diagnosis d = machine.diagnose();

  EXPECT_EQ(d.qpc_hz, 10'000'000U);
  ASSERT_TRUE(d.timestamps) << d.timestamps.error();
  ASSERT_TRUE(d.timestamps->capabilities);
  EXPECT_EQ(*d.timestamps->capabilities, machine.config.capabilities);
  EXPECT_EQ(d.timestamps->ipv4_source, hal::TimestampSource::kHardware);
  EXPECT_EQ(d.timestamps->ipv6_source, hal::TimestampSource::kHardware);
  ASSERT_TRUE(d.winsock) << d.winsock.error();
  EXPECT_TRUE(d.winsock->accepted);

  ASSERT_EQ(d.exchanges.size(), 2U);
  std::uint64_t would_block_total = 0;
  for (const win::SelfExchangeCheck& check : d.exchanges) {
    ASSERT_TRUE(check.result) << check.result.error();
    const win::SelfExchangeFacts& f = *check.result;
    print(f, check.family == hal::AddressFamily::kIpv4 ? "IPv4" : "IPv6");
    EXPECT_EQ(f.destination, check.family == hal::AddressFamily::kIpv4 ? machine.config.ipv4
                                                                       : machine.config.ipv6);
    EXPECT_EQ(f.sent, 5);
    EXPECT_EQ(f.received, 5);
    EXPECT_EQ(f.rx_hardware, 5);
    EXPECT_EQ(f.tx_source, hal::TimestampSource::kHardware);
    EXPECT_EQ(f.tx_delivered, 5);
    EXPECT_EQ(f.tx_not_delivered, 0);
    // The timestamp exists tx_latency_ns() after the send; the diagnosis sees it at its first
    // poll from then on (polls 1 us apart, read on a 100 ns QPC).
    ASSERT_TRUE(f.tx_latency);
    const double truth = machine.tx_latency_ns();
    for (const Nanoseconds latency : {f.tx_latency->min, f.tx_latency->median, f.tx_latency->max}) {
      EXPECT_GE(static_cast<double>(latency.count()), truth - kQpcTickNs);
      EXPECT_LE(static_cast<double>(latency.count()), truth + kPollStepNs + kQpcTickNs);
    }
    // One WSAEWOULDBLOCK per poll before it existed.
    const double polls = truth / kPollStepNs;
    ASSERT_TRUE(f.would_block);
    EXPECT_NEAR(static_cast<double>(f.would_block->median), polls, 2);
    would_block_total += f.would_block_total;
  }
  EXPECT_EQ(would_block_total, machine.windows->counters().tx_timestamp_would_block);

  ASSERT_TRUE(d.cross_timestamps) << d.cross_timestamps.error();
  const win::CrossTimestampStatistics& x = *d.cross_timestamps;
  const auto& windows = machine.config.cross_timestamps;
  const auto ns = [](sim::SimDuration duration) {
    return static_cast<double>(duration.picoseconds()) / 1e3;
  };
  EXPECT_EQ(x.samples, 1000U);
  // Windows are drawn in [min, max], 5% of them preempted to the wide window; each end of a
  // window is read on QPC, so a window is known to one tick.
  EXPECT_GE(x.window_min_ns, ns(windows.min_window) - kQpcTickNs);
  EXPECT_GE(x.window_median_ns, ns(windows.min_window) - kQpcTickNs);
  EXPECT_LE(x.window_median_ns, ns(windows.max_window) + kQpcTickNs);
  EXPECT_NEAR(x.window_p99_ns, ns(windows.wide_window), kQpcTickNs);
  EXPECT_NEAR(x.window_max_ns, ns(windows.wide_window), kQpcTickNs);
  EXPECT_LT(x.samples_in_rate, x.samples);
  EXPECT_GT(x.samples_in_rate, 900U);
  // The NIC clock counts its crystal, QPC the host's; scaled by the nominal frequencies the ratio
  // is the crystals' ratio. Its error: the NIC reading sits uniformly in a window of at most
  // max_window (sd max_window/sqrt(12)); the least-squares slope over N samples spread evenly
  // over T has sd sigma / (T sqrt(N/12)). Six of those bound it.
  ASSERT_TRUE(x.nic_per_qpc_ratio);
  EXPECT_TRUE(x.ratio_scaled_by_nominal_frequencies);
  const double expected = (1 + kNicPpm * 1e-6) / (1 + kHostPpm * 1e-6);
  const double sigma_s = ns(windows.max_window) * 1e-9 / std::sqrt(12.0);
  const double span_s = 1e-3 * static_cast<double>(x.samples - 1);
  const double n = static_cast<double>(x.samples_in_rate);
  const double slope_sd = sigma_s / (span_s * std::sqrt(n / 12));
  EXPECT_NEAR(*x.nic_per_qpc_ratio, expected, 6 * slope_sd);
  // Constant crystals: no drift beyond what the two halves' own errors allow (each half's sd is
  // 2*sqrt(2) times the whole's, their difference's sqrt(2) times that).
  EXPECT_NEAR(x.ratio_drift_ppb, 0, 6 * 4 * slope_sd * 1e9);
  std::cout << std::setprecision(10) << "cross: window ns " << x.window_min_ns << "/"
            << x.window_median_ns << "/" << x.window_p99_ns << "/" << x.window_max_ns << " ratio "
            << *x.nic_per_qpc_ratio << " (truth " << expected << ", bound " << 6 * slope_sd
            << ") drift " << x.ratio_drift_ppb << " ppb\n";

  // The precise pair's increment is QPF: one adjustment unit is 1e9 / 10 MHz = 100 ppb.
  ASSERT_TRUE(d.clocks) << d.clocks.error();
  EXPECT_EQ(d.clocks->api, win::AdjustmentApi::kPrecise);
  EXPECT_EQ(d.clocks->time_increment, d.qpc_hz);
  EXPECT_DOUBLE_EQ(*d.clocks->adjustment_granularity_ppb(), 100);
  EXPECT_EQ(d.system.w32time_running, false);
  EXPECT_EQ(d.system.system_time_privilege, 0U);
}

TEST(SimWindowsDiagnosis, SoftwareNicStampsTheExchangeInSoftware) {
  Machine machine(sim::SimNicKind::kSoftware);
  const win::Diagnosis d = machine.diagnose();
  ASSERT_EQ(d.exchanges.size(), 2U);
  for (const win::SelfExchangeCheck& check : d.exchanges) {
    ASSERT_TRUE(check.result) << check.result.error();
    EXPECT_EQ(check.result->rx_software, 5);
    EXPECT_EQ(check.result->tx_source, hal::TimestampSource::kSoftware);
    EXPECT_EQ(check.result->tx_delivered, 5);
  }
  // A software-only NIC has no cross-timestamps.
  ASSERT_FALSE(d.cross_timestamps);
  EXPECT_NE(d.cross_timestamps.error().find("failed"), std::string::npos)
      << d.cross_timestamps.error();
}

// The Wine-like machine: no IP Helper timestamping, no Winsock timestamping, the legacy pair.
TEST(SimWindowsDiagnosis, WithoutTimestampingEveryCheckSaysWhy) {
  SimWindowsConfig windows;
  windows.timestamping_api = false;
  windows.socket_timestamping = false;
  windows.precise_adjustment_api = false;
  windows.system_time_privilege = 1300;  // ERROR_NOT_ALL_ASSIGNED
  windows.w32time.running = true;
  Machine machine(sim::SimNicKind::kNone, windows);
  const win::Diagnosis d = machine.diagnose();
  ASSERT_TRUE(d.timestamps);
  EXPECT_FALSE(d.timestamps->capabilities);
  EXPECT_EQ(d.timestamps->ipv4_source, hal::TimestampSource::kNone);
  ASSERT_TRUE(d.winsock);
  EXPECT_FALSE(d.winsock->accepted);
  EXPECT_EQ(d.winsock->error, win::WSAEOPNOTSUPP);
  for (const win::SelfExchangeCheck& check : d.exchanges) {
    ASSERT_FALSE(check.result);
    EXPECT_NE(check.result.error().find("refused"), std::string::npos);
  }
  ASSERT_FALSE(d.cross_timestamps);
  EXPECT_NE(d.cross_timestamps.error().find("not available"), std::string::npos);
  // The legacy pair: 100 ns units per 15.625 ms interrupt, one unit = 6.4 ppm.
  ASSERT_TRUE(d.clocks);
  EXPECT_EQ(d.clocks->api, win::AdjustmentApi::kLegacy);
  EXPECT_EQ(d.clocks->time_increment, windows.legacy_time_increment_100ns);
  EXPECT_DOUBLE_EQ(*d.clocks->adjustment_granularity_ppb(), 6400);
  EXPECT_EQ(d.system.w32time_running, true);
  EXPECT_EQ(d.system.system_time_privilege, 1300U);
}

}  // namespace
}  // namespace ptp::simwin
