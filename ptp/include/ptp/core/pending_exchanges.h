// PendingExchanges: a small fixed-capacity set of half-finished message exchanges (two-step
// Syncs waiting for their Follow_Up, Follow_Ups that overtook their Sync, Delay_Reqs waiting for
// their Delay_Resp), looked up by whatever the caller matches on (sequenceId, source, timestamp
// id). It lives in the slave's per-packet path, so it never allocates; when it is full the
// oldest entry makes room and is handed back, so the caller can count what it gave up.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace ptp {

template <class Entry, std::size_t Capacity>
class PendingExchanges {
  static_assert(Capacity > 0, "a pending set must hold at least one exchange");

 public:
  static constexpr std::size_t kCapacity = Capacity;

  // Adds `entry`. When every slot is taken, the oldest entry (by insertion) is removed to make
  // room and returned.
  std::optional<Entry> insert(const Entry& entry) {
    std::optional<Entry> evicted;
    Slot* target = nullptr;
    for (auto& slot : slots_) {
      if (!slot.used) {
        target = &slot;
        break;
      }
    }
    if (target == nullptr) {
      target = &slots_.front();
      for (auto& slot : slots_) {
        if (slot.order < target->order) target = &slot;
      }
      evicted = target->entry;
    }
    *target = Slot{entry, next_order_++, true};
    return evicted;
  }

  // The entry `matches` accepts (the oldest if several do), left in place; nullptr if none.
  template <class Match>
  [[nodiscard]] Entry* find(Match matches) {
    Slot* found = nullptr;
    for (auto& slot : slots_) {
      if (slot.used && matches(slot.entry) && (found == nullptr || slot.order < found->order)) {
        found = &slot;
      }
    }
    return found == nullptr ? nullptr : &found->entry;
  }

  // Removes and returns the entry `matches` accepts (the oldest if several do).
  template <class Match>
  std::optional<Entry> take(Match matches) {
    Slot* found = nullptr;
    for (auto& slot : slots_) {
      if (slot.used && matches(slot.entry) && (found == nullptr || slot.order < found->order)) {
        found = &slot;
      }
    }
    if (found == nullptr) return std::nullopt;
    found->used = false;
    return found->entry;
  }

  // Removes every entry `expired` accepts, handing each to `on_removed` first.
  template <class Expired, class OnRemoved>
  void remove_if(Expired expired, OnRemoved on_removed) {
    for (auto& slot : slots_) {
      if (slot.used && expired(slot.entry)) {
        on_removed(slot.entry);
        slot.used = false;
      }
    }
  }

  void clear() {
    for (auto& slot : slots_) slot.used = false;
  }

  [[nodiscard]] std::size_t size() const {
    std::size_t count = 0;
    for (const auto& slot : slots_) count += slot.used ? 1U : 0U;
    return count;
  }
  [[nodiscard]] bool empty() const { return size() == 0; }

 private:
  struct Slot {
    Entry entry{};
    std::uint64_t order = 0;  // insertion order: the smallest is the oldest
    bool used = false;
  };

  std::array<Slot, Capacity> slots_{};
  std::uint64_t next_order_ = 0;
};

}  // namespace ptp
