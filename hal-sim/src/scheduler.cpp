// The discrete-event scheduler: slab of event records, radix bucket queue, lazy cancellation.
#include "ptp/sim/scheduler.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace ptp::sim {

namespace {

// Sweeping is O(n); waiting until stale entries are the majority (and not merely a handful)
// keeps its amortised cost per cancel constant.
constexpr std::size_t kMinStaleEntriesToSweep = 64;

// front_ is consumed from its head; events scheduled into it while it is being consumed keep it
// from ever emptying, so its consumed prefix is dropped once it is the larger part.
constexpr std::size_t kMinConsumedToCompact = 32;

}  // namespace

std::string_view to_string(SchedulerError error) {
  switch (error) {
    case SchedulerError::kTimeInPast: return "time in the past";
    case SchedulerError::kTimeOutOfRange: return "time out of range";
    case SchedulerError::kAlreadyRunning: return "scheduler already running";
  }
  return "unknown scheduler error";
}

Scheduler::Scheduler() = default;

template <class Visitor>
void Scheduler::for_each_queued(Visitor&& visit) {
  for (std::size_t index = front_head_; index < front_.size(); ++index) visit(front_[index]);
  for (auto& level : buckets_) {
    for (Bucket& bucket : level) {
      for (const QueueEntry& entry : bucket) visit(entry);
    }
  }
}

Scheduler::~Scheduler() {
  for_each_queued([this](const QueueEntry& entry) {
    if (is_stale(entry)) return;
    EventRecord& record = record_at(entry.slot);
    if (record.ops->destroy != nullptr) record.ops->destroy(record.callable);
  });
}

bool Scheduler::cancel(EventId event) {
  if (!is_pending(event)) return false;
  EventRecord& record = record_at(event.slot_);
  slot_orders_[event.slot_] = kNotQueued;
  if (record.ops->destroy != nullptr) record.ops->destroy(record.callable);
  release_slot(event.slot_);
  ++stale_entries_;
  drop_stale_front_entries();
  if (stale_entries_ >= kMinStaleEntriesToSweep && stale_entries_ * 2 > queued_entries_) {
    sweep_stale_entries();
  }
  return true;
}

bool Scheduler::is_pending(EventId event) const {
  if (event.event_number_ == 0 || event.slot_ >= slot_orders_.size()) return false;
  return slot_orders_[event.slot_] != kNotQueued &&
         record_at(event.slot_).event_number == event.event_number_;
}

Result<void, SchedulerError> Scheduler::run_until(SimTime end) {
  if (running_) return unexpected(SchedulerError::kAlreadyRunning);
  if (end < now_) return unexpected(SchedulerError::kTimeInPast);
  running_ = true;
  while (bring_forward(end)) run_earliest();
  now_ = end;
  running_ = false;
  return {};
}

Result<void, SchedulerError> Scheduler::run_for(SimDuration duration) {
  auto end = time_after(duration);
  if (!end) return unexpected(end.error());
  return run_until(*end);
}

Result<bool, SchedulerError> Scheduler::step() {
  if (running_) return unexpected(SchedulerError::kAlreadyRunning);
  if (!bring_forward(latest_time())) return false;
  running_ = true;
  run_earliest();
  running_ = false;
  return true;
}

std::optional<SimTime> Scheduler::next_event_time() const {
  if (front_head_ < front_.size()) return front_[front_head_].time;
  // The earliest entry is in the first bucket, in (level, digit) order, holding a live one.
  for (unsigned level = 0; level < kLevels; ++level) {
    for (std::uint64_t occupied = occupied_buckets_[level]; occupied != 0;
         occupied &= occupied - 1) {
      const Bucket& bucket = buckets_[level][static_cast<unsigned>(std::countr_zero(occupied))];
      std::optional<SimTime> earliest;
      for (const QueueEntry& entry : bucket) {
        if (!is_stale(entry) && (!earliest || entry.time < *earliest)) earliest = entry.time;
      }
      if (earliest) return earliest;
    }
  }
  return std::nullopt;
}

Result<SimTime, SchedulerError> Scheduler::time_after(SimDuration delay) const {
  if (delay < SimDuration{}) return unexpected(SchedulerError::kTimeInPast);
  if (delay > latest_time() - now_) return unexpected(SchedulerError::kTimeOutOfRange);
  return now_ + delay;
}

std::uint32_t Scheduler::acquire_slot() {
  if (free_slot_ == kNoFreeSlot) {
    // Chain the new chunk's records in ascending order, so slots are handed out in order.
    const auto first = static_cast<std::uint32_t>(chunks_.size()) << kChunkShift;
    chunks_.push_back(std::make_unique<EventRecord[]>(kChunkRecords));
    slot_orders_.resize(slot_orders_.size() + kChunkRecords, kNotQueued);
    EventRecord* records = chunks_.back().get();
    for (std::uint32_t i = 0; i + 1 < kChunkRecords; ++i) records[i].next_free = first + i + 1;
    records[kChunkRecords - 1].next_free = kNoFreeSlot;
    free_slot_ = first;
  }
  const std::uint32_t slot = free_slot_;
  free_slot_ = record_at(slot).next_free;
  return slot;
}

void Scheduler::release_slot(std::uint32_t slot) {
  record_at(slot).next_free = free_slot_;
  free_slot_ = slot;
}

EventId Scheduler::enqueue(SimTime at, std::uint32_t slot, EventLabel label) {
  if (next_order_ == kLastOrder) renumber_orders();
  const std::uint32_t order = next_order_++;
  const std::uint64_t event_number = next_event_number_++;
  EventRecord& record = record_at(slot);
  record.event_number = event_number;
  record.label = label;
  slot_orders_[slot] = order;
  ++queued_entries_;
  file(QueueEntry{at, order, slot});
  return EventId(event_number, slot);
}

void Scheduler::run_earliest() {
  const QueueEntry earliest = front_[front_head_++];
  --queued_entries_;
  drop_stale_front_entries();
  now_ = earliest.time;
  // No longer pending: cancelling itself from inside must fail, not destroy a running callable.
  slot_orders_[earliest.slot] = kNotQueued;
  EventRecord& record = record_at(earliest.slot);
  ++executed_events_;
  if (trace_hook_) trace_hook_(now_, record.label);
  record.ops->invoke(record.callable);
  if (record.ops->destroy != nullptr) record.ops->destroy(record.callable);
  // Only now: the slot must not be handed to an event scheduled while this one ran.
  release_slot(earliest.slot);
}

void Scheduler::file(const QueueEntry& entry) {
  const std::uint64_t unit = unit_of(entry.time);
  if (unit <= cursor_unit_) {
    insert_into_front(entry);
    return;
  }
  const auto level = static_cast<unsigned>(std::bit_width(unit ^ cursor_unit_) - 1) / kDigitBits;
  const auto digit = static_cast<unsigned>(unit >> (kDigitBits * level)) & (kBucketsPerLevel - 1);
  buckets_[level][digit].push_back(entry);
  occupied_buckets_[level] |= std::uint64_t{1} << digit;
}

void Scheduler::insert_into_front(const QueueEntry& entry) {
  if (front_head_ >= kMinConsumedToCompact && front_head_ * 2 >= front_.size()) {
    front_.erase(front_.begin(), front_.begin() + static_cast<std::ptrdiff_t>(front_head_));
    front_head_ = 0;
  }
  // Newly scheduled entries mostly sort last (latest order), so search from the back.
  std::size_t index = front_.size();
  front_.push_back(entry);
  while (index > front_head_ && runs_before(entry, front_[index - 1])) {
    front_[index] = front_[index - 1];
    --index;
  }
  front_[index] = entry;
}

bool Scheduler::bring_forward(SimTime limit) {
  for (;;) {
    if (front_head_ < front_.size()) return front_[front_head_].time <= limit;
    front_.clear();
    front_head_ = 0;

    unsigned level = 0;
    while (level < kLevels && occupied_buckets_[level] == 0) ++level;
    if (level == kLevels) return false;  // nothing pending
    const auto digit = static_cast<unsigned>(std::countr_zero(occupied_buckets_[level]));
    Bucket& bucket = buckets_[level][digit];
    // The first bucket holds the earliest entries; its earliest live one is the next event.
    const QueueEntry* earliest = nullptr;
    for (const QueueEntry& entry : bucket) {
      if (!is_stale(entry) && (earliest == nullptr || runs_before(entry, *earliest))) {
        earliest = &entry;
      }
    }
    if (earliest != nullptr && earliest->time > limit) return false;

    // It runs next: move the cursor to its unit and refile the bucket from there. Every entry
    // lands in front_ (its unit) or on a lower level, never back in this bucket.
    occupied_buckets_[level] &= ~(std::uint64_t{1} << digit);
    if (earliest != nullptr) cursor_unit_ = unit_of(earliest->time);
    for (const QueueEntry& entry : bucket) {
      if (is_stale(entry)) {
        --queued_entries_;
        --stale_entries_;
      } else if (unit_of(entry.time) == cursor_unit_) {
        front_.push_back(entry);
      } else {
        file(entry);
      }
    }
    bucket.clear();
    std::sort(front_.begin(), front_.end(), runs_before);
  }
}

void Scheduler::drop_stale_front_entries() {
  while (front_head_ < front_.size() && is_stale(front_[front_head_])) {
    ++front_head_;
    --queued_entries_;
    --stale_entries_;
  }
}

void Scheduler::sweep_stale_entries() {
  auto stale = [this](const QueueEntry& entry) { return is_stale(entry); };
  front_.erase(front_.begin(), front_.begin() + static_cast<std::ptrdiff_t>(front_head_));
  front_head_ = 0;
  std::erase_if(front_, stale);
  for (unsigned level = 0; level < kLevels; ++level) {
    for (unsigned digit = 0; digit < kBucketsPerLevel; ++digit) {
      Bucket& bucket = buckets_[level][digit];
      std::erase_if(bucket, stale);
      if (bucket.empty()) occupied_buckets_[level] &= ~(std::uint64_t{1} << digit);
    }
  }
  queued_entries_ -= stale_entries_;
  stale_entries_ = 0;
}

void Scheduler::renumber_orders() {
  std::vector<QueueEntry> live;
  live.reserve(queued_entries_ - stale_entries_);
  for_each_queued([this, &live](const QueueEntry& entry) {
    if (!is_stale(entry)) live.push_back(entry);
  });
  std::sort(live.begin(), live.end(), runs_before);
  front_.clear();
  front_head_ = 0;
  for (auto& level : buckets_) {
    for (Bucket& bucket : level) bucket.clear();
  }
  occupied_buckets_.fill(0);
  // Refiled in order against the same cursor, each entry returns where it was.
  std::uint32_t order = kNotQueued + 1;
  for (QueueEntry entry : live) {
    entry.order = order++;
    slot_orders_[entry.slot] = entry.order;
    file(entry);
  }
  next_order_ = order;
  queued_entries_ = live.size();
  stale_entries_ = 0;
}

}  // namespace ptp::sim
