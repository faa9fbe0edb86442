// Scheduler: the discrete-event core of the simulation. Events are callables due at a SimTime;
// they run in time order, and events due at the same time run in the order they were
// scheduled, so a run depends on nothing but its inputs (never on addresses or a wall clock).
//
// Built for throughput (tens of millions of events per wall second):
//  - A callable lives inline in a slot of a slab of event records: no heap allocation per
//    event; slots are recycled through a free list.
//  - The queue exploits what a heap cannot, that simulated time never goes backwards: it is a
//    radix bucket queue (a "radix heap" with 64-way digits, akin to a hierarchical timing wheel
//    that keeps exact order). Time is cut into 1.024 ns units; an event is filed on the level
//    of the highest base-64 digit in which its unit differs from the current unit, in the
//    bucket of that digit. Filing is O(1); when the next event is in a bucket, the bucket is
//    refiled on lower levels, and the entries of the next event's unit are sorted by (time,
//    scheduling order). An event moves at most once per level, however many are pending.
//  - Cancelling is lazy: the record is released at once and its queue entry, now stale, is
//    dropped when met, or swept out when stale entries come to outnumber live ones.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ptp/result.h"
#include "ptp/sim/sim_time.h"

namespace ptp::sim {

// A caller-chosen tag for an event, reported to the trace hook (e.g. "which node, which kind of
// event"), so that tests can fingerprint a run. The scheduler never interprets it.
enum class EventLabel : std::uint64_t {};

enum class SchedulerError {
  kTimeInPast,      // an event, or the end of a run, before now()
  kTimeOutOfRange,  // now() plus the delay does not fit a SimTime
  kAlreadyRunning,  // run_until/run_for/step called from inside an event
};

std::string_view to_string(SchedulerError error);

// Names one scheduled event, for cancel(). Stays safe to use after the event has run or been
// cancelled (its slot may hold another event by then; the event number tells them apart).
class EventId {
 public:
  constexpr EventId() = default;
  friend constexpr bool operator==(EventId, EventId) = default;

 private:
  friend class Scheduler;
  constexpr EventId(std::uint64_t event_number, std::uint32_t slot)
      : event_number_(event_number), slot_(slot) {}
  std::uint64_t event_number_ = 0;  // 0: no event
  std::uint32_t slot_ = 0;
};

class Scheduler {
 public:
  // The largest callable (its captures) an event can hold. Larger state belongs elsewhere, with
  // the event capturing a pointer to it.
  static constexpr std::size_t kInlineCallableBytes = 48;

  // Called once per executed event, just before it runs, with its time and label.
  using TraceHook = std::function<void(SimTime, EventLabel)>;

  Scheduler();
  ~Scheduler();
  // Events commonly capture a pointer to their scheduler, so it stays where it is.
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  Scheduler(Scheduler&&) = delete;
  Scheduler& operator=(Scheduler&&) = delete;

  // Schedules `callable` (invocable as void()) to run at `at`, which may be now() itself (it then
  // runs after everything already due at now()).
  template <class Callable>
  Result<EventId, SchedulerError> schedule_at(SimTime at, Callable&& callable,
                                              EventLabel label = EventLabel{}) {
    using Stored = std::decay_t<Callable>;
    static_assert(std::is_invocable_r_v<void, Stored&>, "an event is invocable as void()");
    static_assert(sizeof(Stored) <= kInlineCallableBytes,
                  "event callable too large: capture a pointer to the state instead");
    static_assert(alignof(Stored) <= alignof(std::max_align_t), "over-aligned event callable");
    if (at < now_) return unexpected(SchedulerError::kTimeInPast);
    const std::uint32_t slot = acquire_slot();
    EventRecord& record = record_at(slot);
    ::new (static_cast<void*>(record.callable)) Stored(std::forward<Callable>(callable));
    record.ops = &kCallableOps<Stored>;
    return enqueue(at, slot, label);
  }

  // Schedules `callable` to run `delay` (>= 0) after now().
  template <class Callable>
  Result<EventId, SchedulerError> schedule_after(SimDuration delay, Callable&& callable,
                                                 EventLabel label = EventLabel{}) {
    if (delay < SimDuration{}) return unexpected(SchedulerError::kTimeInPast);
    if (delay > latest_time() - now_) return unexpected(SchedulerError::kTimeOutOfRange);
    return schedule_at(now_ + delay, std::forward<Callable>(callable), label);
  }

  // Stops a pending event from running and destroys its callable. False when `event` is not
  // pending (already run, already cancelled, currently running, or never scheduled).
  bool cancel(EventId event);
  [[nodiscard]] bool is_pending(EventId event) const;

  // Runs every event due at or before `end`, including those that events schedule meanwhile,
  // then leaves now() at exactly `end`.
  Result<void, SchedulerError> run_until(SimTime end);
  Result<void, SchedulerError> run_for(SimDuration duration);
  // Runs the earliest pending event, advancing now() to its time. False when none is pending.
  Result<bool, SchedulerError> step();

  [[nodiscard]] SimTime now() const { return now_; }
  [[nodiscard]] std::optional<SimTime> next_event_time() const;
  [[nodiscard]] std::size_t pending_events() const { return queued_entries_ - stale_entries_; }
  [[nodiscard]] std::uint64_t executed_events() const { return executed_events_; }

  // An empty hook turns tracing off.
  void set_trace_hook(TraceHook hook) { trace_hook_ = std::move(hook); }

 private:
  // Type-erased operations on a callable stored inline; destroy is null for trivially
  // destructible callables, the common case, which then cost nothing to release.
  struct CallableOps {
    void (*invoke)(void* callable);
    void (*destroy)(void* callable);
  };

  template <class Stored>
  static void invoke_callable(void* callable) {
    (*std::launder(static_cast<Stored*>(callable)))();
  }
  template <class Stored>
  static void destroy_callable(void* callable) {
    std::launder(static_cast<Stored*>(callable))->~Stored();
  }
  template <class Stored>
  static constexpr CallableOps kCallableOps{
      &invoke_callable<Stored>,
      std::is_trivially_destructible_v<Stored> ? nullptr : &destroy_callable<Stored>};

  struct EventRecord {
    alignas(std::max_align_t) std::byte callable[kInlineCallableBytes]{};
    const CallableOps* ops = nullptr;
    std::uint64_t event_number = 0;  // of the last event held here, for EventId
    EventLabel label{};
    std::uint32_t next_free = 0;  // while on the free list
  };

  // Scheduling order breaks ties between equal times. 32 bits keep an entry at 16 bytes; when
  // they run out, the pending entries are renumbered, which preserves their order.
  struct QueueEntry {
    SimTime time;
    std::uint32_t order = kNotQueued;
    std::uint32_t slot = 0;
  };
  static constexpr std::uint32_t kNotQueued = 0;
  static constexpr std::uint32_t kLastOrder = 0xFFFF'FFFF;
  static bool runs_before(const QueueEntry& a, const QueueEntry& b) {
    return a.time < b.time || (a.time == b.time && a.order < b.order);
  }

  // The radix queue's geometry: 2^10 ps units, 6-bit digits, and enough levels for every
  // non-negative SimTime (10 + 9 * 6 >= 63 bits).
  static constexpr unsigned kUnitShift = 10;
  static constexpr unsigned kDigitBits = 6;
  static constexpr unsigned kBucketsPerLevel = 1U << kDigitBits;
  static constexpr unsigned kLevels = 9;
  using Bucket = std::vector<QueueEntry>;
  static std::uint64_t unit_of(SimTime time) {
    return static_cast<std::uint64_t>(time.since_start().picoseconds()) >> kUnitShift;
  }
  static constexpr SimTime latest_time() {
    return SimTime::from_start(SimDuration::picoseconds(0x7FFF'FFFF'FFFF'FFFF));
  }

  // Records live in fixed-size chunks that never move, so a running callable stays put while it
  // schedules events that grow the slab.
  static constexpr unsigned kChunkShift = 8;
  static constexpr std::uint32_t kChunkRecords = 1U << kChunkShift;
  static constexpr std::uint32_t kNoFreeSlot = 0xFFFF'FFFF;

  EventRecord& record_at(std::uint32_t slot) {
    return chunks_[slot >> kChunkShift][slot & (kChunkRecords - 1)];
  }
  [[nodiscard]] const EventRecord& record_at(std::uint32_t slot) const {
    return chunks_[slot >> kChunkShift][slot & (kChunkRecords - 1)];
  }
  [[nodiscard]] bool is_stale(const QueueEntry& entry) const {
    return slot_orders_[entry.slot] != entry.order;
  }

  [[nodiscard]] Result<SimTime, SchedulerError> time_after(SimDuration delay) const;
  std::uint32_t acquire_slot();
  void release_slot(std::uint32_t slot);
  EventId enqueue(SimTime at, std::uint32_t slot, EventLabel label);
  bool bring_forward(SimTime limit);
  void run_earliest();
  void file(const QueueEntry& entry);
  void insert_into_front(const QueueEntry& entry);
  void drop_stale_front_entries();
  void sweep_stale_entries();
  void renumber_orders();
  template <class Visitor>
  void for_each_queued(Visitor&& visit);

  friend struct SchedulerTestPeer;  // tests reach the renumbering without 4 billion events

  std::vector<std::unique_ptr<EventRecord[]>> chunks_;
  // Per slot, the order of the pending event's queue entry (kNotQueued if none): apart from the
  // records, so that checking an entry for staleness touches 4 bytes, not an 80-byte record.
  std::vector<std::uint32_t> slot_orders_;
  std::uint32_t free_slot_ = kNoFreeSlot;

  // The queue. front_ (from front_head_ on) holds the entries of cursor_unit_, sorted, its head
  // never stale; the buckets hold those of later units, filed relative to cursor_unit_. The
  // cursor only moves to an event about to run, so it never passes now()'s unit: no event can
  // be scheduled before it.
  std::vector<QueueEntry> front_;
  std::size_t front_head_ = 0;
  std::uint64_t cursor_unit_ = 0;
  std::array<std::array<Bucket, kBucketsPerLevel>, kLevels> buckets_;
  std::array<std::uint64_t, kLevels> occupied_buckets_{};  // a bit per non-empty bucket
  std::size_t queued_entries_ = 0;  // in front_ and the buckets, stale ones included
  std::size_t stale_entries_ = 0;   // entries of cancelled events

  SimTime now_;
  std::uint32_t next_order_ = 1;
  std::uint64_t next_event_number_ = 1;
  std::uint64_t executed_events_ = 0;
  bool running_ = false;
  TraceHook trace_hook_;
};

}  // namespace ptp::sim
