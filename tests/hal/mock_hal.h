// GoogleMock mocks of every HAL interface, for unit tests of code that drives a HAL (the protocol
// core's driver loop, capability handling) without a simulator or an OS.
#pragma once

#include <gmock/gmock.h>

#include "ptp/hal/clocks.h"
#include "ptp/hal/timers.h"
#include "ptp/hal/timestamping_interface.h"
#include "ptp/hal/transport.h"

namespace ptp::hal::test {

class MockTransport : public Transport {
 public:
  MOCK_METHOD(AddressFamily, family, (), (const, override));
  MOCK_METHOD(TimestampSource, timestamp_source, (), (const, override));
  MOCK_METHOD(void, set_listener, (PacketListener*), (override));
  MOCK_METHOD((Result<std::optional<TxTag>, HalError>), send,
              (PtpUdpPort, const IpAddress&, std::span<const std::byte>, TxTimestampRequest),
              (override));
};

class MockPacketListener : public PacketListener {
 public:
  MOCK_METHOD(void, on_packet, (const ReceivedPacket&), (override));
  MOCK_METHOD(void, on_tx_timestamp, (TxTag, const PacketTimestamp&), (override));
  MOCK_METHOD(void, on_tx_timestamp_lost, (TxTag, TxTimestampLoss), (override));
};

class MockTimestampingInterface : public TimestampingInterface {
 public:
  MOCK_METHOD((Result<InterfaceTimestampCapabilities, HalError>), capabilities, (), (override));
  MOCK_METHOD((Result<CrossTimestamp, HalError>), capture_cross_timestamp, (), (override));
  MOCK_METHOD((Result<SubscriptionId, HalError>), subscribe, (CapabilityChangeListener&),
              (override));
  MOCK_METHOD(void, unsubscribe, (SubscriptionId), (override));
};

class MockCapabilityChangeListener : public CapabilityChangeListener {
 public:
  MOCK_METHOD(void, on_capabilities_changed, (), (override));
};

class MockMonotonicCounter : public MonotonicCounter {
 public:
  MOCK_METHOD(CounterTicks, now, (), (override));
  MOCK_METHOD(std::uint64_t, frequency_hz, (), (const, override));
};

class MockSystemClock : public SystemClock {
 public:
  MOCK_METHOD((Result<SystemTime, HalError>), now, (), (override));
  MOCK_METHOD((Result<SystemTime, HalError>), at_counter, (CounterTicks), (override));
  MOCK_METHOD((Result<void, HalError>), adjust_frequency, (PartsPerBillion), (override));
  MOCK_METHOD((Result<PartsPerBillion, HalError>), frequency_adjustment, (), (override));
  MOCK_METHOD((Result<Nanoseconds, HalError>), step, (Nanoseconds), (override));
  MOCK_METHOD(PartsPerBillion, max_frequency_adjustment, (), (const, override));
};

class MockHardwareClock : public HardwareClock {
 public:
  MOCK_METHOD((Result<NicTicks, HalError>), now, (), (override));
  MOCK_METHOD(std::uint64_t, frequency_hz, (), (const, override));
  MOCK_METHOD(bool, adjustable, (), (const, override));
  MOCK_METHOD((Result<void, HalError>), adjust_frequency, (PartsPerBillion), (override));
  MOCK_METHOD((Result<Nanoseconds, HalError>), step, (Nanoseconds), (override));
};

class MockTimers : public Timers {
 public:
  MOCK_METHOD(void, set_listener, (TimerListener*), (override));
  MOCK_METHOD(void, arm, (TimerId, CounterTicks), (override));
  MOCK_METHOD(void, cancel, (TimerId), (override));
};

class MockTimerListener : public TimerListener {
 public:
  MOCK_METHOD(void, on_timer, (TimerId), (override));
};

}  // namespace ptp::hal::test
