// The HAL of "the board": what an embedder writes to run ptpstack's ordinary clock on a platform
// of their own. Each class implements one interface of ptp/hal/ (the contracts are in
// docs/hal.md); Board puts them together into the hal::Host that the library's one assembly
// (hal::OrdinaryClockAssembly) builds a clock on.
//
// The board is a small device whose Ethernet MAC time-stamps PTP event messages with its own
// adjustable clock (as many microcontrollers' MACs do), with one free-running counter and one
// hardware alarm. Every call that would touch a register or a driver on real silicon goes to a
// simulated host (ptp/sim/sim_host.h) standing in for that silicon, so the example runs
// anywhere; the code around those calls is what a real port of this HAL keeps.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ptp/hal/clocks.h"
#include "ptp/hal/host.h"
#include "ptp/hal/timers.h"
#include "ptp/hal/timestamping_interface.h"
#include "ptp/hal/transport.h"
#include "ptp/sim/sim_host.h"

namespace board {

namespace hal = ptp::hal;

// What the MAC can do, fixed in silicon: hardware receive and transmit timestamps of every PTP
// message on its own 1 GHz clock, no cross-timestamps (its clock is the one disciplined).
hal::InterfaceTimestampCapabilities mac_capabilities();
inline constexpr std::uint64_t kMacClockHz = 1'000'000'000;

// The MAC's timestamping control. Its capabilities never change (no driver restarts, no user
// switching timestamping off), so nobody is ever notified.
class BoardTimestamping final : public hal::TimestampingInterface {
 public:
  ptp::Result<hal::InterfaceTimestampCapabilities, hal::HalError> capabilities() override;
  // The MAC's clock is the PTP clock itself: nothing to correlate.
  ptp::Result<hal::CrossTimestamp, hal::HalError> capture_cross_timestamp() override;
  ptp::Result<hal::SubscriptionId, hal::HalError> subscribe(
      hal::CapabilityChangeListener& listener) override;
  void unsubscribe(hal::SubscriptionId id) override;
};

// The MAC's clock: readable, adjustable in frequency (the MAC's addend register) and steppable.
// It counts nanoseconds, on the PTP timescale once disciplined.
class BoardPtpClock final : public hal::HardwareClock {
 public:
  explicit BoardPtpClock(hal::HardwareClock& mac_clock) : mac_clock_(mac_clock) {}
  ptp::Result<hal::NicTicks, hal::HalError> now() override { return mac_clock_.now(); }
  [[nodiscard]] std::uint64_t frequency_hz() const override { return kMacClockHz; }
  [[nodiscard]] bool adjustable() const override { return true; }
  // The addend register spans +-kMaxAdjustment; a servo asking for more gets kInvalidArgument
  // rather than a silently clamped clock.
  ptp::Result<void, hal::HalError> adjust_frequency(hal::PartsPerBillion adjustment) override;
  ptp::Result<ptp::Nanoseconds, hal::HalError> step(ptp::Nanoseconds offset) override;

  static constexpr hal::PartsPerBillion kMaxAdjustment{500'000};

 private:
  hal::HardwareClock& mac_clock_;
};

// The port's timers on the board's one hardware alarm: a small table of deadlines, the alarm
// always set to the earliest (an MCU rarely has a timer per PTP timer; the core asks for up to
// kPortTimerCount of them).
class BoardAlarmTimers final : public hal::Timers, private hal::TimerListener {
 public:
  BoardAlarmTimers(hal::Timers& alarm, hal::MonotonicCounter& counter);
  ~BoardAlarmTimers() override;
  BoardAlarmTimers(const BoardAlarmTimers&) = delete;
  BoardAlarmTimers& operator=(const BoardAlarmTimers&) = delete;
  BoardAlarmTimers(BoardAlarmTimers&&) = delete;
  BoardAlarmTimers& operator=(BoardAlarmTimers&&) = delete;

  void set_listener(hal::TimerListener* listener) override { listener_ = listener; }
  void arm(hal::TimerId id, hal::CounterTicks deadline) override;
  void cancel(hal::TimerId id) override;
  // Arms refused because every slot was taken: a table too small for the core, never silent.
  [[nodiscard]] std::uint64_t overflows() const { return overflows_; }

 private:
  struct Slot {
    hal::TimerId id;
    hal::CounterTicks deadline;
    std::uint64_t armed_at = 0;  // the arm's sequence number; 0: free
  };
  static constexpr std::size_t kSlots = 12;
  static constexpr hal::TimerId kAlarm{1};

  void on_timer(hal::TimerId alarm) override;  // the hardware alarm fired
  Slot* find(hal::TimerId id);                 // the armed slot of `id`
  Slot* find_free();
  // The earliest armed slot armed before sequence number `before`.
  Slot* earliest(std::uint64_t before);
  void program_alarm();

  hal::Timers& alarm_;
  hal::MonotonicCounter& counter_;
  hal::TimerListener* listener_ = nullptr;
  std::array<Slot, kSlots> slots_{};
  std::uint64_t next_arm_ = 1;
  std::uint64_t overflows_ = 0;
};

// Sending and receiving over the MAC driver. The driver hands received frames and transmit
// timestamps over on the main loop, never from inside send(); this class only passes them on.
class BoardTransport final : public hal::Transport, private hal::PacketListener {
 public:
  explicit BoardTransport(hal::Transport& mac_driver) : mac_(mac_driver) {}
  ~BoardTransport() override { mac_.set_listener(nullptr); }
  BoardTransport(const BoardTransport&) = delete;
  BoardTransport& operator=(const BoardTransport&) = delete;
  BoardTransport(BoardTransport&&) = delete;
  BoardTransport& operator=(BoardTransport&&) = delete;

  [[nodiscard]] hal::AddressFamily family() const override { return mac_.family(); }
  [[nodiscard]] hal::TimestampSource timestamp_source() const override {
    return mac_.timestamp_source();
  }
  void set_listener(hal::PacketListener* listener) override;
  ptp::Result<std::optional<hal::TxTag>, hal::HalError> send(
      hal::PtpUdpPort port, const hal::IpAddress& destination, std::span<const std::byte> payload,
      hal::TxTimestampRequest request) override;

 private:
  void on_packet(const hal::ReceivedPacket& packet) override;
  void on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) override;
  void on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss reason) override;

  hal::Transport& mac_;
  hal::PacketListener* listener_ = nullptr;
};

// The board: its HAL pieces over the silicon, and the hal::Host made of them. The free-running
// counter and the system clock are the silicon's own (a cycle counter and the RTOS's clock
// need no code of ours); the system clock is not disciplined here, the MAC's clock is.
// The silicon must have a MAC clock (SimHostConfig::has_nic_clock).
class Board {
 public:
  explicit Board(ptp::sim::SimHost& silicon);

  hal::Host host();
  [[nodiscard]] const BoardAlarmTimers& timers() const { return timers_; }

 private:
  ptp::sim::SimHost& silicon_;
  BoardTimestamping timestamping_;
  BoardPtpClock ptp_clock_;
  BoardAlarmTimers timers_;
  BoardTransport transport_;
};

}  // namespace board
