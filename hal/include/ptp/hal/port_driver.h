// PortDriver: the one loop that connects the sans-IO OrdinaryClock to a HAL. It turns HAL
// callbacks (packets, transmit timestamps, timers, capability changes) into core events and
// executes the core's actions (send, timers, clock steps and frequency). ptp4win and the
// simulator both run exactly this code, so tests exercise the production glue.
//
// Time domains. The core's `now` is the monotonic counter in nanoseconds. Packet timestamps
// become the disciplined clock's time on the PTP timescale:
//   * NIC-clock discipline (hardware timestamps and an adjustable NIC clock, as a Linux PHC):
//     the NIC clock is the PTP clock; its ticks convert at its nominal frequency.
//   * System-clock discipline (everything else, and always on Windows): system time (UTC) plus
//     the configured UTC offset; counter ticks go through SystemClock::at_counter; NIC ticks go
//     through a NicCounterMapping (the clock correlation of cross-timestamps) when one is set.
// A timestamp that cannot be converted reaches the core as "no timestamp" (counted there).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "ptp/core/ordinary_clock.h"
#include "ptp/hal/host.h"
#include "ptp/nanoseconds.h"

namespace ptp::hal {

enum class ClockDiscipline : std::uint8_t {
  kAutomatic,    // NIC clock if hardware timestamps and it is adjustable, else system clock
  kSystemClock,  // always the system clock
};

// A counter reading with the sub-tick part a conversion knows (QPC ticks are 100 ns: dropping
// the fraction would add tens of nanoseconds of noise to every hardware timestamp).
struct PreciseCounterTicks {
  CounterTicks whole;
  double fraction = 0;  // [0, 1)
};

// NIC ticks -> counter ticks: implemented by the owner of the cross-timestamp correlation.
class NicCounterMapping {
 public:
  virtual ~NicCounterMapping() = default;
  virtual std::optional<PreciseCounterTicks> to_counter(NicTicks ticks) = 0;
  // Capabilities changed: samples before the change must not be used after it.
  virtual void restart() = 0;
};

struct PortDriverConfig {
  ClockDiscipline discipline = ClockDiscipline::kAutomatic;
  // TAI - UTC: what turns the system clock's UTC into PTP time. Both ends of a link apply it, so
  // any constant cancels; 37 s is the value since 2017.
  Nanoseconds utc_offset{37 * kNanosecondsPerSecond};
  // Never step or adjust a clock (the core's free_running also stops it; this guards the
  // driver's own restore at stop()).
  bool read_only = false;
};

// Where log lines and statistics come from; every method has a default that ignores it.
class PortDriverObserver {
 public:
  virtual ~PortDriverObserver() = default;
  virtual void on_state_changed(const StateChanged& change, Nanoseconds now) {
    (void)change;
    (void)now;
  }
  virtual void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) {
    (void)measurement;
    (void)now;
  }
};

struct PortDriverCounters {
  std::uint64_t send_failures = 0;
  std::uint64_t clock_step_failures = 0;
  std::uint64_t frequency_failures = 0;
  std::uint64_t unconvertible_timestamps = 0;
  std::uint64_t timestamp_tag_overflows = 0;  // more outstanding TX timestamps than slots
  std::uint64_t capability_changes = 0;
};

class PortDriver final : public PacketListener,
                         public TimerListener,
                         public CapabilityChangeListener {
 public:
  PortDriver(const Host& host, OrdinaryClock& clock, const PortDriverConfig& config,
             PortDriverObserver* observer = nullptr);
  ~PortDriver() override;
  PortDriver(const PortDriver&) = delete;
  PortDriver& operator=(const PortDriver&) = delete;
  PortDriver(PortDriver&&) = delete;
  PortDriver& operator=(PortDriver&&) = delete;

  // Attaches to the HAL and starts the clock (INITIALIZING -> LISTENING).
  Result<void, HalError> start();
  // Detaches from the HAL; the clock's timers are cancelled.
  void stop();

  void set_nic_counter_mapping(NicCounterMapping* mapping) { mapping_ = mapping; }

  [[nodiscard]] bool disciplines_nic_clock() const { return discipline_nic_; }
  [[nodiscard]] TimestampSource timestamp_source() const { return source_; }
  [[nodiscard]] const PortDriverCounters& counters() const { return counters_; }
  [[nodiscard]] Nanoseconds now();

  // The disciplined clock's reading on the PTP timescale (for observers comparing with truth).
  std::optional<Nanoseconds> local_ptp_time(const PacketTimestamp& timestamp);

  void on_packet(const ReceivedPacket& packet) override;
  void on_tx_timestamp(TxTag tag, const PacketTimestamp& timestamp) override;
  void on_tx_timestamp_lost(TxTag tag, TxTimestampLoss reason) override;
  void on_timer(TimerId id) override;
  void on_capabilities_changed() override;

 private:
  struct PendingTag {
    TxTag tag;
    TxTimestampId id;
    bool in_use = false;
  };
  static constexpr std::size_t kMaxPendingTags = 16;

  void select_discipline();
  void execute(const PortActions& actions, Nanoseconds now);
  std::optional<TxTimestampId> take_pending(TxTag tag);
  [[nodiscard]] CounterTicks to_counter_deadline(Nanoseconds deadline) const;

  Host host_;
  OrdinaryClock& clock_;
  PortDriverConfig config_;
  PortDriverObserver* observer_;
  NicCounterMapping* mapping_ = nullptr;
  std::optional<SubscriptionId> subscription_;
  bool started_ = false;
  bool discipline_nic_ = false;
  TimestampSource source_ = TimestampSource::kNone;
  std::array<PendingTag, kMaxPendingTags> pending_tags_{};
  PortDriverCounters counters_;
};

}  // namespace ptp::hal
