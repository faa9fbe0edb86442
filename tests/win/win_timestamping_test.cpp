// WinTimestampingInterface over a faked IP Helper: capabilities and cross-timestamps, and the
// change notification that arrives on another thread and reaches listeners only when the loop
// runs, with the new capabilities already in place; unsubscribe and destruction stop delivery.
#include "ptp/win/win_timestamping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake_ip_helper.h"
#include "manual_loop.h"

namespace ptp::win {
namespace {

constexpr std::uint64_t kLuid = 42;

class RecordingListener : public hal::CapabilityChangeListener {
 public:
  explicit RecordingListener(hal::TimestampingInterface& timestamping)
      : timestamping_(timestamping) {}
  void on_capabilities_changed() override {
    ++calls;
    thread = std::this_thread::get_id();
    const auto caps = timestamping_.capabilities();
    seen_hardware_all_receive = caps && caps->active.hardware.all_receive;
    if (on_call) on_call();
  }
  int calls = 0;
  std::thread::id thread;
  bool seen_hardware_all_receive = false;
  std::function<void()> on_call;

 private:
  hal::TimestampingInterface& timestamping_;
};

class WinTimestampingTest : public ::testing::Test {
 protected:
  WinTimestampingTest() {
    ip_helper_.install(api_);
    IfTimestampCapabilities software{};
    software.software_capabilities.all_receive = 1;
    software.software_capabilities.all_transmit = 1;
    ip_helper_.supported[kLuid] = software;
    ip_helper_.active[kLuid] = software;
  }
  std::unique_ptr<WinTimestampingInterface> make() {
    return std::make_unique<WinTimestampingInterface>(
        api_, kLuid, loop_.hook(),
        [this](LogLevel, std::string_view text) { log_.emplace_back(text); });
  }
  void switch_to_hardware() {
    IfTimestampCapabilities hardware{};
    hardware.supports_cross_timestamp = 1;
    hardware.hardware_capabilities.all_receive = 1;
    hardware.hardware_capabilities.all_transmit = 1;
    ip_helper_.active[kLuid] = hardware;
  }
  test::FakeIpHelper ip_helper_;
  WinApi api_;
  test::ManualLoop loop_;
  std::vector<std::string> log_;
};

TEST_F(WinTimestampingTest, ReadsCapabilitiesAndSelectsTheSource) {
  const auto timestamping = make();
  ASSERT_TRUE(timestamping->capabilities());
  EXPECT_TRUE(timestamping->capabilities()->active.software.all_transmit);
  EXPECT_EQ(timestamping->selected_source(hal::AddressFamily::kIpv4),
            hal::TimestampSource::kSoftware);
  EXPECT_EQ(hal::current_timestamp_source(*timestamping, hal::AddressFamily::kIpv6),
            hal::TimestampSource::kSoftware);
  EXPECT_TRUE(timestamping->notifications_registered());
}

TEST_F(WinTimestampingTest, MissingApiMeansNoTimestampingNotFailure) {
  api_ = WinApi{};
  ip_helper_.install(api_);
  api_.get_interface_supported_timestamp_capabilities = nullptr;
  api_.get_interface_active_timestamp_capabilities = nullptr;
  api_.capture_interface_hardware_cross_timestamp = nullptr;
  api_.register_interface_timestamp_config_change = nullptr;
  api_.unregister_interface_timestamp_config_change = nullptr;
  const auto timestamping = make();
  EXPECT_EQ(timestamping->capabilities().error().code, hal::HalErrorCode::kNotSupported);
  EXPECT_EQ(hal::current_timestamp_source(*timestamping, hal::AddressFamily::kIpv4),
            hal::TimestampSource::kNone);
  EXPECT_EQ(timestamping->capture_cross_timestamp().error().code, hal::HalErrorCode::kNotSupported);
  EXPECT_FALSE(timestamping->notifications_registered());
  ASSERT_EQ(log_.size(), 1U);
  EXPECT_NE(log_[0].find("not available"), std::string::npos);
}

TEST_F(WinTimestampingTest, FailedRegistrationIsLoggedNotFatal) {
  ip_helper_.register_result = ERROR_NOT_ENOUGH_MEMORY;
  const auto timestamping = make();
  EXPECT_FALSE(timestamping->notifications_registered());
  ASSERT_EQ(log_.size(), 1U);
  EXPECT_NE(log_[0].find("RegisterInterfaceTimestampConfigChange failed with 8"),
            std::string::npos);
  EXPECT_TRUE(timestamping->capabilities());
}

TEST_F(WinTimestampingTest, CrossTimestampNeedsTheActiveCapabilityAndMapsTheFields) {
  const auto timestamping = make();
  EXPECT_EQ(timestamping->capture_cross_timestamp().error().code, hal::HalErrorCode::kNotSupported);
  switch_to_hardware();
  timestamping->refresh();
  ip_helper_.cross_timestamp = IfHardwareCrossTimestamp{1000, 123456789, 1012};
  const auto sample = timestamping->capture_cross_timestamp();
  ASSERT_TRUE(sample);
  EXPECT_EQ(*sample, (hal::CrossTimestamp{hal::CounterTicks{1000}, hal::NicTicks{123456789},
                                          hal::CounterTicks{1012}}));
  ip_helper_.cross_timestamp_result = ERROR_BAD_DRIVER;
  EXPECT_EQ(timestamping->capture_cross_timestamp().error(),
            (hal::HalError{hal::HalErrorCode::kUnavailable, ERROR_BAD_DRIVER}));
}

TEST_F(WinTimestampingTest, NotificationFromAnotherThreadIsDeliveredOnlyWhenTheLoopRuns) {
  const auto timestamping = make();
  RecordingListener listener(*timestamping);
  ASSERT_TRUE(timestamping->subscribe(listener));
  const std::uint64_t generation = timestamping->generation();

  switch_to_hardware();
  std::thread os_thread([this] { ip_helper_.fire(); });
  os_thread.join();

  EXPECT_EQ(listener.calls, 0);  // nothing happened on the OS thread
  EXPECT_EQ(timestamping->selected_source(hal::AddressFamily::kIpv4),
            hal::TimestampSource::kSoftware);
  EXPECT_EQ(loop_.run_pending(), 1U);
  EXPECT_EQ(listener.calls, 1);
  EXPECT_EQ(listener.thread, std::this_thread::get_id());
  EXPECT_TRUE(listener.seen_hardware_all_receive);  // new sets visible inside the callback
  EXPECT_EQ(timestamping->selected_source(hal::AddressFamily::kIpv4),
            hal::TimestampSource::kHardware);
  EXPECT_EQ(timestamping->generation(), generation + 1);
}

TEST_F(WinTimestampingTest, ABurstOfNotificationsIsCoalescedIntoOneDelivery) {
  const auto timestamping = make();
  RecordingListener listener(*timestamping);
  ASSERT_TRUE(timestamping->subscribe(listener));
  std::thread os_thread([this] {
    for (int i = 0; i < 5; ++i) ip_helper_.fire();
  });
  os_thread.join();
  EXPECT_EQ(loop_.queued(), 1U);
  loop_.run_pending();
  EXPECT_EQ(listener.calls, 1);
  ip_helper_.fire();  // after delivery, a new change posts again
  loop_.run_pending();
  EXPECT_EQ(listener.calls, 2);
}

TEST_F(WinTimestampingTest, ConcurrentNotificationsWhileTheLoopRunsLoseNoChange) {
  const auto timestamping = make();
  RecordingListener listener(*timestamping);
  ASSERT_TRUE(timestamping->subscribe(listener));
  std::atomic<bool> done{false};
  std::vector<std::thread> os_threads;
  os_threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    os_threads.emplace_back([this] {
      for (int i = 0; i < 200; ++i) ip_helper_.fire();
    });
  }
  std::thread stopper([&] {
    for (auto& thread : os_threads) thread.join();
    done = true;
  });
  while (!done) loop_.run_pending();  // the loop turns while the OS threads fire
  stopper.join();
  loop_.run_pending();
  EXPECT_GE(listener.calls, 1);
  EXPECT_LE(listener.calls, 800);
  EXPECT_EQ(loop_.queued(), 0U);
  // Whatever the interleaving, the flag is clear again: the next change is delivered.
  const int before = listener.calls;
  ip_helper_.fire();
  loop_.run_pending();
  EXPECT_EQ(listener.calls, before + 1);
}

TEST_F(WinTimestampingTest, NoCallAfterUnsubscribeEvenWhenAlreadyPosted) {
  const auto timestamping = make();
  RecordingListener first(*timestamping);
  RecordingListener second(*timestamping);
  const auto first_id = timestamping->subscribe(first);
  const auto second_id = timestamping->subscribe(second);
  ASSERT_TRUE(first_id && second_id);
  // The first listener removes the second from inside its own callback.
  first.on_call = [&] { timestamping->unsubscribe(*second_id); };
  ip_helper_.fire();
  loop_.run_pending();
  EXPECT_EQ(first.calls, 1);
  EXPECT_EQ(second.calls, 0);

  ip_helper_.fire();  // posted before the unsubscribe below
  timestamping->unsubscribe(*first_id);
  timestamping->unsubscribe(*first_id);  // unknown ids are ignored
  loop_.run_pending();
  EXPECT_EQ(first.calls, 1);
}

TEST_F(WinTimestampingTest, DestructionUnregistersAndDropsPostedNotifications) {
  auto timestamping = make();
  RecordingListener listener(*timestamping);
  ASSERT_TRUE(timestamping->subscribe(listener));
  ip_helper_.fire();
  timestamping.reset();
  EXPECT_EQ(ip_helper_.unregistered, 1);
  const int reads = ip_helper_.capability_reads;
  EXPECT_EQ(loop_.run_pending(), 1U);  // the task runs and finds the timestamping gone
  EXPECT_EQ(listener.calls, 0);
  EXPECT_EQ(ip_helper_.capability_reads, reads);
}

TEST_F(WinTimestampingTest, ChangeToNoTimestampingSelectsNone) {
  const auto timestamping = make();
  RecordingListener listener(*timestamping);
  ASSERT_TRUE(timestamping->subscribe(listener));
  ip_helper_.capabilities_result = ERROR_NOT_SUPPORTED;  // the NIC was swapped or disabled
  ip_helper_.fire();
  loop_.run_pending();
  EXPECT_EQ(listener.calls, 1);
  EXPECT_EQ(timestamping->selected_source(hal::AddressFamily::kIpv4), hal::TimestampSource::kNone);
  EXPECT_EQ(hal::current_timestamp_source(*timestamping, hal::AddressFamily::kIpv4),
            hal::TimestampSource::kNone);
}

}  // namespace
}  // namespace ptp::win
