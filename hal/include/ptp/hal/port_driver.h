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
//     the UTC offset the parent's timescale asks for (utc_offset_rule.h: 0 for an ARB parent,
//     its currentUtcOffset for a PTP one); counter ticks go through SystemClock::at_counter; NIC
//     ticks go through a NicCounterMapping (the clock correlation of cross-timestamps) when one
//     is set.
// A timestamp that cannot be converted reaches the core as "no timestamp" (counted there).
//
// Timescale. The driver tells the core what its clock runs: a disciplined NIC clock is on the
// PTP timescale; the system clock is UTC, announced as ARB with utc_offset as currentUtcOffset
// (what ptp4l announces on CLOCK_REALTIME), so a grandmaster here sends UTC. The core tells it when
// the followed timescale changes (a TimescaleChanged action: another parent, the parent's flags
// or offset changed, a leap second passed); when the offset to apply changes while a master is
// followed, the core discards its measurements, servo and delay filter
// (handle_timestamping_changed) so that no sample of the old mapping is mixed with one of the
// new. Leap second flags are carried in timePropertiesDS; no
// leap is inserted at midnight: a PTP-timescale parent's new currentUtcOffset is followed after
// the fact (the servo, starting over, steps the second).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "ptp/core/ordinary_clock.h"
#include "ptp/hal/host.h"
#include "ptp/hal/step_boundary.h"
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
  // TAI - UTC as configured (utc_offset): announced as currentUtcOffset, and the floor for a
  // PTP-timescale parent whose offset is not valid; 37 s is the value since 2017.
  Nanoseconds utc_offset{37 * kNanosecondsPerSecond};
  // What a grandmaster on the system clock announces and sends. false (ptp4l's choice on
  // CLOCK_REALTIME): the ARB timescale and UTC. true: the PTP timescale and UTC + utc_offset
  // (for a world whose every clock, NIC or system, is meant to run TAI, as a simulation's truth).
  bool system_clock_on_ptp_timescale = false;
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
  // A unicast negotiation event worth one log line (the core gives each once per kind and peer).
  virtual void on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) {
    (void)notice;
    (void)now;
  }
  // The UTC offset added to the system clock changed (`time_properties`: what it follows).
  virtual void on_utc_offset_changed(Nanoseconds applied,
                                     const TimePropertiesDataSet& time_properties,
                                     Nanoseconds now) {
    (void)applied;
    (void)time_properties;
    (void)now;
  }
  // The first of a kind of bad peer-delay input on the port (the core reports each kind once).
  virtual void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                            Nanoseconds now) {
    (void)rejected;
    (void)now;
  }
  // A cross-timestamp capture for the NIC-to-counter correlation failed (every failure;
  // `failures_so_far` counts them from 1, so a log can thin them out: sparse_report.h).
  virtual void on_cross_timestamp_capture_failed(const HalError& error,
                                                 std::uint64_t failures_so_far, Nanoseconds now) {
    (void)error;
    (void)failures_so_far;
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
  std::uint64_t utc_offset_changes = 0;  // changes of the offset applied to the system clock
  // Event messages timestamped before a clock step and received after it (step_boundary.h):
  // they reach the core without a timestamp.
  std::uint64_t timestamps_before_step = 0;
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
  // What system time (UTC) gets added to become the parent's time; unused on a NIC clock.
  [[nodiscard]] Nanoseconds applied_utc_offset() const { return applied_utc_offset_; }
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

  // What executing one action list leaves for the core to hear afterwards (a failed send, lost
  // TX timestamps, a new UTC offset), so that it never sees an event in the middle of its list.
  struct FollowUps {
    std::array<TxTimestampId, PortActions::kCapacity> lost{};
    std::size_t lost_count = 0;
    bool fault = false;
    bool utc_offset_changed = false;
  };
  enum class TimescaleRestart : std::uint8_t {
    kIfFollowing,  // a new UTC offset restarts the core's measurements while it follows a master
    kNone,         // the event restarts them anyway
  };

  void select_discipline(PortActions& actions);
  // Runs every action (std::visit: an action without a handler does not compile), then the
  // follow-up events; the end of every event the HAL delivered.
  void execute(const PortActions& actions, Nanoseconds now,
               TimescaleRestart timescale_restart = TimescaleRestart::kIfFollowing);
  void send_message(const SendMessage& send, FollowUps& follow_ups);
  void step_clock(const StepClock& step);
  // The disciplined clock's reading now, on the same timescale as local_ptp_time.
  std::optional<Nanoseconds> disciplined_clock_now();
  void set_clock_frequency(const SetClockFrequency& frequency);
  // Returns whether the UTC offset applied to the system clock changed.
  bool apply_timescale(const TimePropertiesDataSet& time_properties, Nanoseconds now);
  void raise_follow_ups(const FollowUps& follow_ups, Nanoseconds now,
                        TimescaleRestart timescale_restart);
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
  Nanoseconds applied_utc_offset_{0};
  std::optional<StepBoundary> last_step_;  // the latest step of the disciplined clock
  std::array<PendingTag, kMaxPendingTags> pending_tags_{};
  PortDriverCounters counters_;
};

}  // namespace ptp::hal
