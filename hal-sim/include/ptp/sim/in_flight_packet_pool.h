// InFlightPacketPool: where the simulated network keeps the packets it is carrying, so that a
// scheduler event needs to hold only a small slot index, not a packet. Slots live in fixed-size
// chunks that never move (a receiver may transmit, growing the pool, while it still holds a
// reference to the packet being delivered to it) and are recycled through a free list, so once
// the pool has grown to the traffic's peak, carrying a packet allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ptp/sim/wire.h"

namespace ptp::sim {

struct InFlightPacket {
  // destination_host for a packet flooded to every host but its sender (multicast).
  static constexpr std::uint32_t kFlooded = 0xFFFF'FFFF;

  WirePacket packet;
  NodeId sender;
  std::uint32_t destination_host = kFlooded;  // the network's index of the unicast destination
  // Scheduled events that still refer to this packet; the slot is free again when none does.
  std::uint32_t references = 0;
};

class InFlightPacketPool {
 public:
  // A free slot, its packet in an unspecified state. Allocates only when every slot is taken.
  std::uint32_t acquire() {
    if (free_slot_ == kNoFreeSlot) grow();
    const std::uint32_t slot = free_slot_;
    free_slot_ = entry_at(slot).next_free;
    ++in_use_;
    return slot;
  }

  void release(std::uint32_t slot) {
    entry_at(slot).next_free = free_slot_;
    free_slot_ = slot;
    --in_use_;
  }

  InFlightPacket& at(std::uint32_t slot) { return entry_at(slot).packet; }

  [[nodiscard]] std::size_t in_use() const { return in_use_; }
  [[nodiscard]] std::size_t capacity() const { return chunks_.size() * kChunkSlots; }

 private:
  struct Entry {
    InFlightPacket packet;
    std::uint32_t next_free = 0;  // while on the free list
  };

  static constexpr unsigned kChunkShift = 6;
  static constexpr std::uint32_t kChunkSlots = 1U << kChunkShift;
  static constexpr std::uint32_t kNoFreeSlot = 0xFFFF'FFFF;

  Entry& entry_at(std::uint32_t slot) {
    return chunks_[slot >> kChunkShift][slot & (kChunkSlots - 1)];
  }

  void grow() {
    const auto first = static_cast<std::uint32_t>(chunks_.size()) << kChunkShift;
    chunks_.push_back(std::make_unique<Entry[]>(kChunkSlots));
    // Threaded so that the lowest slot is handed out first, which keeps runs easy to follow.
    for (std::uint32_t i = kChunkSlots; i-- > 0;) {
      chunks_.back()[i].next_free = free_slot_;
      free_slot_ = first + i;
    }
  }

  std::vector<std::unique_ptr<Entry[]>> chunks_;
  std::uint32_t free_slot_ = kNoFreeSlot;
  std::size_t in_use_ = 0;
};

}  // namespace ptp::sim
