// The foreign master table's rules (1588-2019 9.3.2.4, 9.3.2.5), written once over a span of
// slots so every capacity of BasicForeignMasterTable shares them.
#include "ptp/core/foreign_master_table.h"

#include <algorithm>

namespace ptp {

Result<Nanoseconds, TimeError> foreign_master_time_window(std::int8_t log_announce_interval) {
  constexpr std::int64_t kWindowIntervals = kForeignMasterTimeWindowInAnnounceIntervals;
  const Nanoseconds window_at_log0(kWindowIntervals * kNanosecondsPerSecond);
  if (log_announce_interval < 0) {
    // Shifting right by 63 or more is undefined; the window is 0 ns long well before that.
    const int shift = std::min(-static_cast<int>(log_announce_interval), 62);
    return Nanoseconds(window_at_log0.count() >> shift);
  }
  if (log_announce_interval >= 62) return unexpected(TimeError::kOverflow);
  const auto window = window_at_log0.checked_mul(std::int64_t{1} << log_announce_interval);
  if (!window) return unexpected(TimeError::kOverflow);
  return *window;
}

std::string_view to_string(AnnounceRejection rejection) {
  switch (rejection) {
    case AnnounceRejection::kFromOwnClock: return "Announce from this clock";
    case AnnounceRejection::kTableFull: return "foreign master table full";
  }
  return "unknown Announce rejection";
}

namespace foreign_master_table_detail {
namespace {

// Whether an Announce received at `received_at` is within the window that ends at `now`.
// Receive times after `now` count as within; an overflowing age is far outside.
bool within_window(Nanoseconds received_at, Nanoseconds now, Nanoseconds window) {
  const auto age = now.checked_sub(received_at);
  // Compared as counts: Nanoseconds' defaulted operator<=> trips clang-tidy 14 (use-nullptr).
  return age && age->count() <= window.count();
}

std::span<const Nanoseconds> receive_times(const ForeignMasterRecord& record) {
  return std::span(record.receive_times).first(record.receive_count);
}

bool is_stale(const ForeignMasterRecord& record, const ForeignMasterTableConfig& config,
              Nanoseconds now) {
  const auto times = receive_times(record);
  return std::none_of(times.begin(), times.end(),
                      [&](Nanoseconds at) { return within_window(at, now, config.time_window); });
}

void add_receive_time(ForeignMasterRecord& record, Nanoseconds received_at) {
  std::shift_right(record.receive_times.begin(), record.receive_times.end(), 1);
  record.receive_times[0] = received_at;
  record.receive_count = std::min(record.receive_count + 1, record.receive_times.size());
}

}  // namespace

Result<void, AnnounceRejection> record(std::span<Slot> slots,
                                       const ForeignMasterTableConfig& config,
                                       ForeignMasterTableCounters& counters,
                                       const AnnounceDataSet& announce, Nanoseconds received_at) {
  // 9.3.2.5: our own Announces, looped back through the network, are not foreign masters.
  if (announce.sender.clock_identity == config.port_identity.clock_identity) {
    ++counters.rejected_from_own_clock;
    return unexpected(AnnounceRejection::kFromOwnClock);
  }
  ForeignMasterRecord* target = nullptr;
  for (auto& slot : slots) {
    if (slot && slot->announce.sender == announce.sender) {
      target = &*slot;
      break;
    }
  }
  if (target == nullptr) {
    auto free_slot = std::find(slots.begin(), slots.end(), std::nullopt);
    if (free_slot == slots.end()) {
      expire(slots, config, received_at);
      free_slot = std::find(slots.begin(), slots.end(), std::nullopt);
    }
    if (free_slot == slots.end()) {
      ++counters.rejected_table_full;
      return unexpected(AnnounceRejection::kTableFull);
    }
    target = &free_slot->emplace();
  }
  target->announce = announce;
  target->announce.receiver = config.port_identity;
  add_receive_time(*target, received_at);
  return {};
}

void expire(std::span<Slot> slots, const ForeignMasterTableConfig& config, Nanoseconds now) {
  for (auto& slot : slots) {
    if (slot && is_stale(*slot, config, now)) slot.reset();
  }
}

bool is_qualified(const ForeignMasterRecord& record, const ForeignMasterTableConfig& config,
                  Nanoseconds now) {
  // 9.3.2.5: stepsRemoved at or above defaultDS.maxStepsRemoved (255 by default) disqualifies.
  if (record.announce.steps_removed >= config.max_steps_removed) return false;
  // 9.3.2.5: at least FOREIGN_MASTER_THRESHOLD Announces within FOREIGN_MASTER_TIME_WINDOW.
  const auto times = receive_times(record);
  const auto recent = std::count_if(times.begin(), times.end(), [&](Nanoseconds received_at) {
    return within_window(received_at, now, config.time_window);
  });
  return static_cast<std::size_t>(recent) >= kForeignMasterThreshold;
}

std::optional<AnnounceDataSet> best_qualified(std::span<const Slot> slots,
                                              const ForeignMasterTableConfig& config,
                                              Nanoseconds now) {
  std::optional<AnnounceDataSet> best;
  for (const auto& slot : slots) {
    if (!slot || !is_qualified(*slot, config, now)) continue;
    // Ties (error-1, error-2) keep the earlier slot: the answer depends only on the inputs.
    if (!best || a_better_or_better_by_topology(compare_data_sets(slot->announce, *best))) {
      best = slot->announce;
    }
  }
  return best;
}

}  // namespace foreign_master_table_detail
}  // namespace ptp
