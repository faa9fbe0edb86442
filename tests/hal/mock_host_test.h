// MockHostTest: the fixture base of the tests that run a driver or a clock assembly over the
// GoogleMock HAL. It owns one mock of each Host interface and gives them the behaviour every such
// test starts from: an IPv4 transport, the capabilities in capabilities_, a counter that reads
// now_ at one tick per nanosecond, a system clock reading utc_at_counter_zero + counter, and
// frequency adjustments that succeed. A test adds what it is about (sends, timers, steps).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

#include "mock_hal.h"
#include "ptp/hal/host.h"

namespace ptp::hal::test {

inline constexpr std::uint64_t kCounterHz = 1'000'000'000;  // one tick per nanosecond

class MockHostTest : public testing::Test {
 protected:
  explicit MockHostTest(Nanoseconds utc_at_counter_zero) {
    using testing::_;
    using testing::Return;
    ON_CALL(transport_, family()).WillByDefault(Return(AddressFamily::kIpv4));
    ON_CALL(timestamping_, capabilities()).WillByDefault([this] { return capabilities_; });
    ON_CALL(timestamping_, subscribe(_)).WillByDefault(Return(SubscriptionId{7}));
    ON_CALL(counter_, now()).WillByDefault([this] { return CounterTicks{now_.count()}; });
    ON_CALL(counter_, frequency_hz()).WillByDefault(Return(kCounterHz));
    ON_CALL(system_clock_, at_counter(_)).WillByDefault([utc_at_counter_zero](CounterTicks ticks) {
      return Result<SystemTime, HalError>(
          SystemTime{Nanoseconds(utc_at_counter_zero.count() + ticks.count)});
    });
    // Readings of the clocks themselves (taken before a step): the system clock at UTC, the NIC
    // clock one tick per counter tick.
    ON_CALL(system_clock_, now()).WillByDefault([this, utc_at_counter_zero] {
      return Result<SystemTime, HalError>(
          SystemTime{Nanoseconds(utc_at_counter_zero.count() + now_.count())});
    });
    ON_CALL(system_clock_, adjust_frequency(_)).WillByDefault(Return(Result<void, HalError>{}));
    ON_CALL(hardware_clock_, frequency_hz()).WillByDefault(Return(kCounterHz));
    ON_CALL(hardware_clock_, now()).WillByDefault([this] {
      return Result<NicTicks, HalError>(NicTicks{static_cast<std::uint64_t>(now_.count())});
    });
  }

  // The Host over the mocks, with or without the NIC clock.
  [[nodiscard]] Host mock_host(bool with_hardware_clock) {
    return Host{transport_,    timestamping_, with_hardware_clock ? &hardware_clock_ : nullptr,
                system_clock_, counter_,      timers_};
  }

  InterfaceTimestampCapabilities capabilities_;
  Nanoseconds now_{0};
  testing::NiceMock<MockTransport> transport_;
  testing::NiceMock<MockTimestampingInterface> timestamping_;
  testing::NiceMock<MockHardwareClock> hardware_clock_;
  testing::NiceMock<MockSystemClock> system_clock_;
  testing::NiceMock<MockMonotonicCounter> counter_;
  testing::NiceMock<MockTimers> timers_;
};

}  // namespace ptp::hal::test
