// The whole path of a timestamping change on Windows, through the production glue: the IP Helper
// notification fires on an OS thread (a std::thread here), only posts to the loop; when the loop
// runs, the WinHost's interface re-reads its capabilities, the transport and the PortDriver
// re-select the timestamp source, and the driver restarts the NIC-to-QPC correlation so that no
// cross-timestamp from before the change is used after it. The clock is the one assembly's
// (hal::OrdinaryClockAssembly, as ptp4win builds it); its cross-timestamp sampling runs when the
// test fires the sampling timer.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "fake_clocks.h"
#include "fake_ip_helper.h"
#include "fake_winsock.h"
#include "manual_loop.h"
#include "ptp/hal/nic_counter_correlation.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/hal/port_driver.h"
#include "ptp/win/win_host.h"

namespace ptp::win {
namespace {

constexpr std::uint64_t kLuid = 77;
constexpr std::uint64_t kNicHz = 1'000'000'000;
constexpr std::int64_t kQpcHz = 10'000'000;

// Timers that fire only when the test says so.
class ManualTimers : public hal::Timers {
 public:
  void set_listener(hal::TimerListener* listener) override { listener_ = listener; }
  void arm(hal::TimerId, hal::CounterTicks) override {}
  void cancel(hal::TimerId) override {}
  void fire(hal::TimerId id) {
    if (listener_ != nullptr) listener_->on_timer(id);
  }

 private:
  hal::TimerListener* listener_ = nullptr;
};

IfTimestampCapabilities hardware_with_cross_timestamps() {
  IfTimestampCapabilities caps{};
  caps.hardware_clock_frequency_hz = kNicHz;
  caps.supports_cross_timestamp = 1;
  caps.hardware_capabilities.all_receive = 1;
  caps.hardware_capabilities.all_transmit = 1;
  caps.software_capabilities.all_receive = 1;
  caps.software_capabilities.all_transmit = 1;
  return caps;
}

IfTimestampCapabilities software_only() {
  IfTimestampCapabilities caps{};
  caps.software_capabilities.all_receive = 1;
  caps.software_capabilities.all_transmit = 1;
  return caps;
}

class NotificationRestartTest : public ::testing::Test {
 protected:
  NotificationRestartTest() {
    ip_helper_.adapters = {{test::wide(u"Ethernet 2"),
                            "{GUID}",
                            test::wide(u"NIC"),
                            9,
                            9,
                            kLuid,
                            {{{192, 0, 2, 10}}},
                            {0x00, 0x1B, 0x21, 0x0A, 0x0B, 0x0C}}};
    ip_helper_.supported[kLuid] = hardware_with_cross_timestamps();
    ip_helper_.active[kLuid] = hardware_with_cross_timestamps();
    ip_helper_.install(api_);
    clocks_.frequency_hz = kQpcHz;
    clocks_.install(api_, true);
    winsock_.frequency_hz = kQpcHz;
    winsock_.install(api_);
  }

  // Opens the host and starts the assembly's clock, whose first cross-timestamp is taken at
  // once: the fit has one point afterwards.
  void open() {
    WinHostConfig config;
    config.interface_name = "Ethernet 2";
    config.system_clock.read_only = true;
    auto host = WinHost::open(api_, config, loop_.hook(), {});
    ASSERT_TRUE(host) << host.error().message;
    host_ = std::move(*host);
    hal::OrdinaryClockSettings settings;
    const auto identity = host_->clock_identity();
    ASSERT_TRUE(identity);
    settings.port.clock_identity = *identity;
    settings.driver.read_only = true;
    hal_host_ = std::make_unique<hal::Host>(host_->hal_host(timers_));
    auto assembly = hal::OrdinaryClockAssembly::create(*hal_host_, settings, nullptr);
    ASSERT_TRUE(assembly) << hal::to_string(assembly.error());
    assembly_ = std::move(*assembly);
    ASSERT_NE(assembly_->correlation(), nullptr);
    next_cross_timestamp();
    ASSERT_TRUE(assembly_->start());
    ASSERT_EQ(correlation().point_count(), 1U);
  }

  hal::PortDriver& driver() { return assembly_->driver(); }
  const servo::ClockCorrelation& correlation() const {
    return assembly_->correlation()->correlation();
  }
  const hal::NicCounterCorrelationCounters& correlation_counters() const {
    return assembly_->correlation()->counters();
  }

  // The next cross-timestamp the OS gives: 1 s after the last, the NIC at exactly 100 ticks per
  // QPC tick.
  void next_cross_timestamp() {
    const auto qpc = static_cast<std::uint64_t>(next_qpc_);
    ip_helper_.cross_timestamp = IfHardwareCrossTimestamp{qpc, qpc * 100 + 50, qpc + 1};
    next_qpc_ += kQpcHz;
  }

  // `count` turns of the assembly's sampling timer; returns how many captures succeeded.
  int sample(int count) {
    const auto before = correlation_counters().samples;
    for (int i = 0; i < count; ++i) {
      next_cross_timestamp();
      timers_.fire(hal::kCrossTimestampTimer);
    }
    return static_cast<int>(correlation_counters().samples - before);
  }

  // What the OS does when the NIC's timestamping is reconfigured: the new active set, and the
  // callback on a thread of its own.
  void reconfigure_from_os_thread(const IfTimestampCapabilities& active) {
    ip_helper_.active[kLuid] = active;
    std::thread os_thread([this] { ip_helper_.fire(); });
    os_thread.join();
  }

  test::FakeIpHelper ip_helper_;
  test::FakeClocks clocks_;
  test::FakeWinsock winsock_;
  WinApi api_;
  test::ManualLoop loop_;
  ManualTimers timers_;
  std::int64_t next_qpc_ = 1'000'000;
  std::unique_ptr<WinHost> host_;
  std::unique_ptr<hal::Host> hal_host_;
  std::unique_ptr<hal::OrdinaryClockAssembly> assembly_;
};

TEST_F(NotificationRestartTest, ChangeFromAnOsThreadReselectsAndRestartsTheCorrelationOnTheLoop) {
  open();
  ASSERT_NE(host_->hardware_clock(), nullptr);
  EXPECT_EQ(driver().timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_EQ(host_->transport().timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_EQ(sample(3), 3);
  ASSERT_EQ(correlation().point_count(), 4U);  // with the one taken at start

  const servo::Servo* hardware_servo = &assembly_->servo();
  reconfigure_from_os_thread(software_only());
  // The OS thread only posted: nothing was re-read or re-selected, the fit is untouched.
  EXPECT_EQ(loop_.queued(), 1U);
  EXPECT_EQ(&assembly_->servo(), hardware_servo);
  EXPECT_EQ(driver().counters().capability_changes, 0U);
  EXPECT_EQ(driver().timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_EQ(correlation().point_count(), 4U);

  EXPECT_EQ(loop_.run_pending(), 1U);
  EXPECT_EQ(driver().counters().capability_changes, 1U);
  EXPECT_EQ(driver().timestamp_source(), hal::TimestampSource::kSoftware);
  EXPECT_EQ(host_->transport().timestamp_source(), hal::TimestampSource::kSoftware);
  EXPECT_EQ(correlation().point_count(), 0U);  // restarted
  // A servo built for software timestamps: nothing learnt from the hardware ones carries over.
  EXPECT_NE(&assembly_->servo(), hardware_servo);
  // Without cross-timestamps in the active set there is nothing to sample.
  EXPECT_EQ(sample(1), 0);
  EXPECT_EQ(correlation_counters().capture_failures, 1U);
}

TEST_F(NotificationRestartTest, BackToHardwareTheFitStartsAfreshFromTheNewSamples) {
  open();
  EXPECT_EQ(sample(3), 3);
  reconfigure_from_os_thread(software_only());
  loop_.run_pending();
  ASSERT_EQ(correlation().point_count(), 0U);

  reconfigure_from_os_thread(hardware_with_cross_timestamps());
  loop_.run_pending();
  EXPECT_EQ(driver().counters().capability_changes, 2U);
  EXPECT_EQ(driver().timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_EQ(correlation().point_count(), 0U);
  EXPECT_EQ(sample(2), 2);
  EXPECT_EQ(correlation().point_count(), 2U);
  // The fit made of the new points maps a NIC reading back to its QPC time: the midpoint of the
  // readings' continuous values (each QPC reading is a floor, half a tick below its own), one tick
  // after the first reading.
  const auto converted = assembly_->correlation()->to_counter(
      hal::NicTicks{static_cast<std::uint64_t>(next_qpc_ - kQpcHz) * 100 + 50});
  ASSERT_TRUE(converted);
  EXPECT_NEAR(static_cast<double>(converted->whole.count) + converted->fraction,
              static_cast<double>(next_qpc_ - kQpcHz) + 1.0, 0.01);
}

TEST_F(NotificationRestartTest, AChangeThatKeepsTheSourceStillRestartsTheCorrelation) {
  // The callback carries no detail (not even the interface): a NIC reset looks the same as a
  // settings change, and its clock may have jumped, so the fit must restart either way.
  open();
  EXPECT_EQ(sample(3), 3);
  const servo::Servo* servo = &assembly_->servo();
  reconfigure_from_os_thread(hardware_with_cross_timestamps());
  loop_.run_pending();
  // The same kind of stamps: the servo starts over (the driver resets it) but is not rebuilt.
  EXPECT_EQ(&assembly_->servo(), servo);
  EXPECT_EQ(driver().timestamp_source(), hal::TimestampSource::kHardware);
  EXPECT_EQ(driver().counters().capability_changes, 1U);
  EXPECT_EQ(correlation().point_count(), 0U);
}

}  // namespace
}  // namespace ptp::win
