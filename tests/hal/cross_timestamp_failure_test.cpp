// The clock assembly's cross-timestamp sampling over mocks: a timestamping interface whose
// captures fail reaches the driver's observer once per failure, with the error and the running
// count, and the correlation's counters agree; successful captures are counted and fed to the fit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "mock_host_test.h"
#include "ordinary_clock_test_support.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/hal/sparse_report.h"

namespace ptp::hal {
namespace {

using testing::_;
using testing::Return;

struct CaptureFailure {
  HalError error;
  std::uint64_t failures_so_far = 0;
  Nanoseconds now{0};
};

class FailureRecorder final : public PortDriverObserver {
 public:
  void on_cross_timestamp_capture_failed(const HalError& error, std::uint64_t failures_so_far,
                                         Nanoseconds now) override {
    failures.push_back(CaptureFailure{error, failures_so_far, now});
  }
  std::vector<CaptureFailure> failures;
};

// A Windows-like host over mocks: hardware timestamps from a NIC clock that cannot be adjusted
// and that offers cross-timestamps, so the assembly samples a correlation. The counter is the
// test's time; the sampling timer's listener is captured so the test can fire it.
class CrossTimestampFailureTest : public test::MockHostTest {
 protected:
  CrossTimestampFailureTest() : MockHostTest(Nanoseconds{0}) {
    now_ = Nanoseconds(1'000'000'000);
    capabilities_.supported.supports_cross_timestamp = true;
    capabilities_.active.supports_cross_timestamp = true;
    ON_CALL(timestamping_, capture_cross_timestamp())
        .WillByDefault([this]() -> Result<CrossTimestamp, HalError> {
          if (fail_) return unexpected(kError);
          const std::int64_t now = now_.count();
          return CrossTimestamp{CounterTicks{now}, NicTicks{static_cast<std::uint64_t>(now) + 5},
                                CounterTicks{now + 10}};
        });
    ON_CALL(system_clock_, max_frequency_adjustment()).WillByDefault(Return(PartsPerBillion{5e5}));
    ON_CALL(system_clock_, frequency_adjustment())
        .WillByDefault(Return(Result<PartsPerBillion, HalError>(PartsPerBillion{0})));
    ON_CALL(transport_, send(_, _, _, _))
        .WillByDefault(Return(Result<std::optional<TxTag>, HalError>(std::nullopt)));
    ON_CALL(hardware_clock_, adjustable()).WillByDefault(Return(false));
    ON_CALL(timers_, set_listener(_)).WillByDefault([this](TimerListener* listener) {
      listener_ = listener;
    });
  }

  void start() {
    OrdinaryClockSettings settings;
    settings.port = clock_test::base_config();
    auto assembly = OrdinaryClockAssembly::create(host_, settings, &observer_);
    ASSERT_TRUE(assembly.has_value());
    assembly_ = std::move(assembly).value();
    ASSERT_NE(assembly_->correlation(), nullptr);
    ASSERT_TRUE(assembly_->start().has_value());  // takes the first sample at once
    ASSERT_NE(listener_, nullptr);
  }

  // The sampling timer fires `count` times, one interval apart.
  void sample(int count) {
    for (int i = 0; i < count; ++i) {
      now_ = Nanoseconds(now_.count() +
                         assembly_->settings().correlation.cross_timestamp_interval.count());
      listener_->on_timer(kCrossTimestampTimer);
    }
  }

  static constexpr HalError kError{HalErrorCode::kOsError, 31};
  bool fail_ = true;
  Host host_ = mock_host(true);
  TimerListener* listener_ = nullptr;
  FailureRecorder observer_;
  std::unique_ptr<OrdinaryClockAssembly> assembly_;
};

TEST_F(CrossTimestampFailureTest, EveryFailedCaptureReachesTheObserverWithItsCount) {
  start();
  sample(8);
  ASSERT_EQ(observer_.failures.size(), 9U);
  for (std::size_t i = 0; i < observer_.failures.size(); ++i) {
    EXPECT_EQ(observer_.failures[i].error, kError);
    EXPECT_EQ(observer_.failures[i].failures_so_far, i + 1);
  }
  EXPECT_EQ(observer_.failures.front().now, Nanoseconds(1'000'000'000));
  const Nanoseconds interval = assembly_->settings().correlation.cross_timestamp_interval;
  EXPECT_EQ(observer_.failures.back().now, Nanoseconds(1'000'000'000 + 8 * interval.count()));
  EXPECT_EQ(assembly_->correlation()->counters().capture_failures, 9U);
  EXPECT_EQ(assembly_->correlation()->counters().samples, 0U);
}

TEST_F(CrossTimestampFailureTest, TheReportedCountsThinOutAsPowersOfTwo) {
  start();
  sample(19);
  std::vector<std::uint64_t> reported;
  for (const CaptureFailure& failure : observer_.failures) {
    if (worth_reporting(failure.failures_so_far)) reported.push_back(failure.failures_so_far);
  }
  EXPECT_EQ(reported, (std::vector<std::uint64_t>{1, 2, 4, 8, 16}));
}

TEST_F(CrossTimestampFailureTest, SuccessfulCapturesAreCountedAndReportNothing) {
  fail_ = false;
  start();
  sample(3);
  fail_ = true;
  sample(2);
  EXPECT_EQ(assembly_->correlation()->counters().samples, 4U);
  EXPECT_EQ(assembly_->correlation()->correlation().counters().accepted, 4U);
  ASSERT_EQ(observer_.failures.size(), 2U);
  EXPECT_EQ(observer_.failures[1].failures_so_far, 2U);
}

TEST(SparseReport, ReportsTheFirstAndEveryPowerOfTwo) {
  EXPECT_FALSE(worth_reporting(0));
  EXPECT_TRUE(worth_reporting(1));
  EXPECT_TRUE(worth_reporting(2));
  EXPECT_FALSE(worth_reporting(3));
  EXPECT_TRUE(worth_reporting(4));
  EXPECT_FALSE(worth_reporting(7));
  EXPECT_TRUE(worth_reporting(std::uint64_t{1} << 63));
}

}  // namespace
}  // namespace ptp::hal
