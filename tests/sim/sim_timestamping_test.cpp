// Unit tests of a simulated NIC's timestamping control against configured truth: capability
// changes notified at their time and not before, with the new sets already in place, to
// subscribers only; cross-timestamps whose capture windows follow the configured distribution and
// whose hardware reading, mapped through the crystals' known configuration, lies in its window.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "ptp/sim/oscillator.h"
#include "ptp/sim/random.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_clocks.h"
#include "ptp/sim/sim_time.h"
#include "ptp/sim/sim_timestamping.h"

namespace ptp::sim {
namespace {

constexpr double kPicosecondsPerSecond = 1e12;

SimTime at_microseconds(std::int64_t microseconds) {
  return SimTime::from_start(SimDuration::microseconds(microseconds));
}

// Noiseless crystals with known errors: the ground truth the checks map readings through.
struct CrystalTruth {
  SimDuration initial_phase;
  double frequency_error_ppm = 0;

  // The true time (ps since the start) at which the crystal reads `reading_ps`.
  [[nodiscard]] double true_time_ps(double reading_ps) const {
    return (reading_ps - static_cast<double>(initial_phase.picoseconds())) /
           (1.0 + frequency_error_ppm * 1e-6);
  }
};

constexpr std::uint64_t kCounterHz = 10'000'000;
constexpr std::uint64_t kNicHz = 125'000'000;
constexpr double kCounterTickPs = kPicosecondsPerSecond / static_cast<double>(kCounterHz);
constexpr double kNicTickPs = kPicosecondsPerSecond / static_cast<double>(kNicHz);
const CrystalTruth kHostCrystal{SimDuration::microseconds(40) + SimDuration::picoseconds(77), +3.5};
const CrystalTruth kNicCrystal{SimDuration::milliseconds(700) + SimDuration::picoseconds(5), -12.0};

Oscillator make_crystal(const CrystalTruth& truth) {
  OscillatorConfig config;
  config.initial_phase_offset = truth.initial_phase;
  config.initial_frequency_error_ppm = truth.frequency_error_ppm;
  auto crystal = Oscillator::create(config, Random(1));
  EXPECT_TRUE(crystal);
  return *crystal;
}

hal::InterfaceTimestampCapabilities software_only() {
  hal::InterfaceTimestampCapabilities capabilities;
  capabilities.supported.software = {true, true, true};
  capabilities.active = capabilities.supported;
  return capabilities;
}

hal::InterfaceTimestampCapabilities hardware_with_cross_timestamps() {
  hal::InterfaceTimestampCapabilities capabilities;
  capabilities.supported.hardware_clock_frequency_hz = kNicHz;
  capabilities.supported.supports_cross_timestamp = true;
  capabilities.supported.hardware.all_receive = true;
  capabilities.supported.hardware.all_transmit = true;
  capabilities.supported.software = {true, true, true};
  capabilities.active = capabilities.supported;
  return capabilities;
}

struct Rig {
  explicit Rig(const hal::InterfaceTimestampCapabilities& capabilities,
               const CrossTimestampConfig& cross_timestamps = {}, bool with_nic_clock = true,
               std::uint64_t seed = 17)
      : host_crystal(make_crystal(kHostCrystal)),
        nic_crystal(make_crystal(kNicCrystal)),
        counter(scheduler, host_crystal, kCounterHz),
        nic_clock(scheduler, nic_crystal, SimHardwareClockConfig{kNicHz, false}),
        timestamping(scheduler, host_crystal, counter, with_nic_clock ? &nic_clock : nullptr,
                     capabilities, cross_timestamps, Random(seed)) {}

  Scheduler scheduler;
  Oscillator host_crystal;
  Oscillator nic_crystal;
  SimMonotonicCounter counter;
  SimHardwareClock nic_clock;
  SimTimestampingInterface timestamping;
};

// ---- Capability changes ----------------------------------------------------------------------

struct Notification {
  SimTime at;
  hal::InterfaceTimestampCapabilities capabilities_then;
};

class RecordingCapabilityListener final : public hal::CapabilityChangeListener {
 public:
  RecordingCapabilityListener(Scheduler& scheduler, hal::TimestampingInterface& interface)
      : scheduler_(scheduler), interface_(interface) {}
  void on_capabilities_changed() override {
    const auto capabilities = interface_.capabilities();
    EXPECT_TRUE(capabilities);
    notifications.push_back(Notification{
        scheduler_.now(), capabilities ? *capabilities : hal::InterfaceTimestampCapabilities{}});
    if (on_change) on_change();
  }
  std::vector<Notification> notifications;
  std::function<void()> on_change;

 private:
  Scheduler& scheduler_;
  hal::TimestampingInterface& interface_;
};

TEST(SimTimestampingTest, CapabilityChangeNotifiesAtItsTimeWithTheNewSetsInPlace) {
  Rig rig(software_only());
  RecordingCapabilityListener first(rig.scheduler, rig.timestamping);
  RecordingCapabilityListener second(rig.scheduler, rig.timestamping);
  ASSERT_TRUE(rig.timestamping.subscribe(first));
  ASSERT_TRUE(rig.timestamping.subscribe(second));
  ASSERT_TRUE(rig.timestamping.change_capabilities_at(at_microseconds(5'000),
                                                      hardware_with_cross_timestamps()));
  ASSERT_TRUE(rig.timestamping.change_capabilities_at(at_microseconds(9'000), software_only()));

  ASSERT_TRUE(rig.scheduler.run_until(at_microseconds(5'000) - SimDuration::picoseconds(1)));
  EXPECT_TRUE(first.notifications.empty());
  EXPECT_TRUE(second.notifications.empty());
  EXPECT_EQ(*rig.timestamping.capabilities(), software_only());
  EXPECT_EQ(hal::current_timestamp_source(rig.timestamping, hal::AddressFamily::kIpv4),
            hal::TimestampSource::kSoftware);

  ASSERT_TRUE(rig.scheduler.run_until(at_microseconds(5'000)));
  for (const RecordingCapabilityListener* listener : {&first, &second}) {
    ASSERT_EQ(listener->notifications.size(), 1U);
    EXPECT_EQ(listener->notifications[0].at, at_microseconds(5'000));
    EXPECT_EQ(listener->notifications[0].capabilities_then, hardware_with_cross_timestamps());
  }
  EXPECT_EQ(hal::current_timestamp_source(rig.timestamping, hal::AddressFamily::kIpv6),
            hal::TimestampSource::kHardware);

  ASSERT_TRUE(rig.scheduler.run_until(at_microseconds(20'000)));
  for (const RecordingCapabilityListener* listener : {&first, &second}) {
    ASSERT_EQ(listener->notifications.size(), 2U);
    EXPECT_EQ(listener->notifications[1].at, at_microseconds(9'000));
    EXPECT_EQ(listener->notifications[1].capabilities_then, software_only());
  }
  // A change cannot be scheduled in the past.
  const auto past = rig.timestamping.change_capabilities_at(at_microseconds(1), software_only());
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error(), SchedulerError::kTimeInPast);
}

TEST(SimTimestampingTest, UnsubscribedListenersAreNotCalled) {
  Rig rig(software_only());
  RecordingCapabilityListener stays(rig.scheduler, rig.timestamping);
  RecordingCapabilityListener leaves_before(rig.scheduler, rig.timestamping);
  RecordingCapabilityListener leaves_itself(rig.scheduler, rig.timestamping);
  RecordingCapabilityListener removed_by_other(rig.scheduler, rig.timestamping);
  const auto stays_id = rig.timestamping.subscribe(stays);
  const auto leaves_before_id = rig.timestamping.subscribe(leaves_before);
  const auto leaves_itself_id = rig.timestamping.subscribe(leaves_itself);
  const auto removed_by_other_id = rig.timestamping.subscribe(removed_by_other);
  ASSERT_TRUE(stays_id && leaves_before_id && leaves_itself_id && removed_by_other_id);
  // Every subscription gets its own id.
  EXPECT_FALSE(*stays_id == *leaves_before_id);
  EXPECT_FALSE(*leaves_itself_id == *removed_by_other_id);

  rig.timestamping.unsubscribe(*leaves_before_id);
  rig.timestamping.unsubscribe(hal::SubscriptionId{12'345});  // unknown: ignored
  // It leaves from inside its own first callback, and removes `removed_by_other` (notified after
  // it) before that one's turn.
  leaves_itself.on_change = [&] {
    rig.timestamping.unsubscribe(*leaves_itself_id);
    rig.timestamping.unsubscribe(*removed_by_other_id);
  };
  ASSERT_TRUE(rig.timestamping.change_capabilities_at(at_microseconds(10),
                                                      hardware_with_cross_timestamps()));
  ASSERT_TRUE(rig.timestamping.change_capabilities_at(at_microseconds(20), software_only()));
  ASSERT_TRUE(rig.scheduler.run_until(at_microseconds(100)));

  EXPECT_EQ(stays.notifications.size(), 2U);
  EXPECT_TRUE(leaves_before.notifications.empty());
  EXPECT_EQ(leaves_itself.notifications.size(), 1U);
  EXPECT_TRUE(removed_by_other.notifications.empty());
  // Removing an id twice is harmless.
  rig.timestamping.unsubscribe(*leaves_itself_id);
}

TEST(SimTimestampingTest, DestroyedInterfaceLeavesNoChangeEventsBehind) {
  Scheduler scheduler;
  Oscillator crystal = make_crystal(kHostCrystal);
  SimMonotonicCounter counter(scheduler, crystal, kCounterHz);
  {
    SimTimestampingInterface timestamping(scheduler, crystal, counter, nullptr, software_only(), {},
                                          Random(1));
    ASSERT_TRUE(timestamping.change_capabilities_at(at_microseconds(10), software_only()));
  }
  // Under AddressSanitizer a change event outliving its interface would be a use after free.
  EXPECT_EQ(scheduler.pending_events(), 0U);
  ASSERT_TRUE(scheduler.run_until(at_microseconds(100)));
}

// ---- Cross-timestamps ------------------------------------------------------------------------

TEST(SimTimestampingTest, CrossTimestampNeedsTheCapabilityAndANicClock) {
  {
    Rig rig(software_only());
    const auto capture = rig.timestamping.capture_cross_timestamp();
    ASSERT_FALSE(capture);
    EXPECT_EQ(capture.error().code, hal::HalErrorCode::kNotSupported);
  }
  {
    // Supported but not active is not enough.
    hal::InterfaceTimestampCapabilities inactive = hardware_with_cross_timestamps();
    inactive.active.supports_cross_timestamp = false;
    Rig rig(inactive);
    const auto capture = rig.timestamping.capture_cross_timestamp();
    ASSERT_FALSE(capture);
    EXPECT_EQ(capture.error().code, hal::HalErrorCode::kNotSupported);
    // ...until a change switches it on.
    ASSERT_TRUE(rig.timestamping.change_capabilities_at(at_microseconds(1),
                                                        hardware_with_cross_timestamps()));
    ASSERT_TRUE(rig.scheduler.run_until(at_microseconds(1)));
    EXPECT_TRUE(rig.timestamping.capture_cross_timestamp());
  }
  {
    Rig rig(hardware_with_cross_timestamps(), {}, /*with_nic_clock=*/false);
    const auto capture = rig.timestamping.capture_cross_timestamp();
    ASSERT_FALSE(capture);
    EXPECT_EQ(capture.error().code, hal::HalErrorCode::kNotSupported);
  }
}

TEST(SimTimestampingTest, CrossTimestampWindowsFollowTheConfiguration) {
  CrossTimestampConfig config;
  config.min_window = SimDuration::nanoseconds(500);
  config.max_window = SimDuration::microseconds(2);
  config.wide_probability = 0.01;
  config.wide_window = SimDuration::microseconds(50);
  Rig rig(hardware_with_cross_timestamps(), config);

  constexpr int kCaptures = 20'000;
  const double host_rate = 1.0 + kHostCrystal.frequency_error_ppm * 1e-6;
  // A window of W true picoseconds spans W * rate of the counter's crystal, which whole ticks
  // show to within one tick either way.
  const double narrow_low = 500e3 * host_rate - kCounterTickPs;
  const double narrow_high = 2e6 * host_rate + kCounterTickPs;
  const double wide_low = 50e6 * host_rate - kCounterTickPs;
  const double wide_high = 50e6 * host_rate + kCounterTickPs;
  int wide = 0;
  double narrow_sum_ps = 0;
  int narrow = 0;
  for (int i = 0; i < kCaptures; ++i) {
    ASSERT_TRUE(rig.scheduler.run_for(SimDuration::microseconds(100) +
                                      SimDuration::picoseconds(7'919 * i % 100'000)));
    const auto capture = rig.timestamping.capture_cross_timestamp();
    ASSERT_TRUE(capture);
    const double window_ps = static_cast<double>(capture->window_ticks()) * kCounterTickPs;
    if (window_ps >= wide_low && window_ps <= wide_high) {
      ++wide;
    } else {
      ASSERT_GE(window_ps, narrow_low) << i;
      ASSERT_LE(window_ps, narrow_high) << i;
      narrow_sum_ps += window_ps;
      ++narrow;
    }

    // Map all three readings to true time through the crystals' configuration. Each reading
    // stands for the span of its tick; the NIC's tick must overlap the counter readings' span.
    const double before_true_ps = kHostCrystal.true_time_ps(
        static_cast<double>(capture->counter_before.count) * kCounterTickPs);
    const double after_true_end_ps = kHostCrystal.true_time_ps(
        static_cast<double>(capture->counter_after.count + 1) * kCounterTickPs);
    const double hardware_true_ps =
        kNicCrystal.true_time_ps(static_cast<double>(capture->hardware.count) * kNicTickPs);
    const double hardware_true_end_ps =
        kNicCrystal.true_time_ps(static_cast<double>(capture->hardware.count + 1) * kNicTickPs);
    // (Crystal readings are whole picoseconds: 1 ps of slack.)
    ASSERT_LE(hardware_true_ps, after_true_end_ps + 1.0) << i;
    ASSERT_GE(hardware_true_end_ps, before_true_ps - 1.0) << i;
    // And that is when the capture happened.
    const auto now_ps = static_cast<double>(rig.scheduler.now().since_start().picoseconds());
    ASSERT_LE(hardware_true_ps, now_ps + 1.0) << i;
    ASSERT_GT(hardware_true_end_ps, now_ps - 1.0) << i;
    ASSERT_EQ(rig.timestamping.last_capture_hardware_time(), rig.scheduler.now());
  }
  // Binomial(20000, 0.01): 200 +- 14; 4.5 sigma either way.
  EXPECT_NEAR(wide, 200, 63);
  // Narrow windows are uniform on [0.5 us, 2 us] (mean 1.25 us, sd 0.43 us, 3 ns standard error
  // of the mean over ~19800); quantization to whole ticks is unbiased.
  EXPECT_NEAR(narrow_sum_ps / narrow, 1.25e6 * host_rate, 15e3);
}

TEST(SimTimestampingTest, CrossTimestampsDependOnTheSeedOnly) {
  auto windows = [](std::uint64_t seed) {
    Rig rig(hardware_with_cross_timestamps(), {}, true, seed);
    std::vector<std::int64_t> result;
    for (int i = 0; i < 100; ++i) {
      EXPECT_TRUE(rig.scheduler.run_for(SimDuration::microseconds(10)));
      result.push_back(rig.timestamping.capture_cross_timestamp()->window_ticks());
    }
    return result;
  };
  EXPECT_EQ(windows(1), windows(1));
  EXPECT_NE(windows(1), windows(2));
}

}  // namespace
}  // namespace ptp::sim
