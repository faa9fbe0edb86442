// ForeignMasterTable: one PTP Port's record of the foreign masters it hears Announces from, and
// which of them are qualified to take part in the BMCA (IEEE 1588-2019 9.3.2.4 and 9.3.2.5).
// A fixed-capacity array: recording an Announce never allocates. Times are passed in; the table
// never reads a clock, so its answers depend only on its inputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ptp/core/data_set_comparison.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/time_error.h"

namespace ptp {

// 9.3.2.4 FOREIGN_MASTER_THRESHOLD: Announces needed within the window to qualify.
inline constexpr std::size_t kForeignMasterThreshold = 2;
// 9.3.2.4 FOREIGN_MASTER_TIME_WINDOW, in announce intervals (portDS.logAnnounceInterval).
inline constexpr std::int64_t kForeignMasterTimeWindowInAnnounceIntervals = 4;
inline constexpr std::size_t kDefaultForeignMasterCapacity = 16;

// FOREIGN_MASTER_TIME_WINDOW for a port's logAnnounceInterval: 4 * 2^log seconds (rounded down
// to whole nanoseconds for very short intervals). Fails with kOverflow past about 2^31 s.
[[nodiscard]] Result<Nanoseconds, TimeError> foreign_master_time_window(
    std::int8_t log_announce_interval);

// One foreign master: its most recent Announce and when the latest ones arrived.
struct ForeignMasterRecord {
  AnnounceDataSet announce;
  // Receive times of the most recent Announces, newest first; the first `receive_count` are set.
  // Only the last kForeignMasterThreshold matter for qualification, so only those are kept.
  std::array<Nanoseconds, kForeignMasterThreshold> receive_times{};
  std::size_t receive_count = 0;

  friend bool operator==(const ForeignMasterRecord&, const ForeignMasterRecord&) = default;
};

// Why an Announce was not recorded.
enum class AnnounceRejection : std::uint8_t {
  kFromOwnClock,  // sourcePortIdentity.clockIdentity is this clock's (9.3.2.5)
  kTableFull,     // a new foreign master, and every record is still within the window
};

std::string_view to_string(AnnounceRejection rejection);

struct ForeignMasterTableConfig {
  PortIdentity port_identity;  // this port (portDS.portIdentity); stamped as each receiver
  Nanoseconds time_window;     // FOREIGN_MASTER_TIME_WINDOW, see foreign_master_time_window()
  std::uint8_t max_steps_removed = kDefaultMaxStepsRemoved;  // defaultDS.maxStepsRemoved
};

struct ForeignMasterTableCounters {
  std::uint64_t rejected_from_own_clock = 0;
  std::uint64_t rejected_table_full = 0;

  friend bool operator==(const ForeignMasterTableCounters&,
                         const ForeignMasterTableCounters&) = default;
};

// The table's logic, over storage the class template below owns (one copy for every capacity).
namespace foreign_master_table_detail {
using Slot = std::optional<ForeignMasterRecord>;
Result<void, AnnounceRejection> record(std::span<Slot> slots,
                                       const ForeignMasterTableConfig& config,
                                       ForeignMasterTableCounters& counters,
                                       const AnnounceDataSet& announce, Nanoseconds received_at);
void expire(std::span<Slot> slots, const ForeignMasterTableConfig& config, Nanoseconds now);
bool is_qualified(const ForeignMasterRecord& record, const ForeignMasterTableConfig& config,
                  Nanoseconds now);
std::optional<AnnounceDataSet> best_qualified(std::span<const Slot> slots,
                                              const ForeignMasterTableConfig& config,
                                              Nanoseconds now);
}  // namespace foreign_master_table_detail

// Rules (9.3.2.5), all evaluated at a caller-given `now`:
//  * An Announce whose sender has this clock's identity is rejected (kFromOwnClock, counted).
//  * A foreign master is qualified when at least kForeignMasterThreshold of its Announces arrived
//    within the window, i.e. with now - received_at <= time_window (a closed window, as ptp4l
//    keeps them), and its most recent Announce has stepsRemoved < max_steps_removed. Announces
//    with a larger stepsRemoved are still recorded, so that master's older data cannot stay
//    qualified.
//  * A record expires (expire(), or lazily when room is needed) once its newest Announce is older
//    than the window.
//  * Full table: records outside the window are dropped first; if none is, the new master is
//    rejected (kTableFull, counted). Live masters are never evicted, so a flood of Announces from
//    made-up senders cannot push out the current parent.
template <std::size_t kCapacity = kDefaultForeignMasterCapacity>
class BasicForeignMasterTable {
 public:
  static_assert(kCapacity > 0);

  explicit BasicForeignMasterTable(const ForeignMasterTableConfig& config) : config_(config) {}

  // Records an Announce received at `received_at`; the receiver is set to this port.
  Result<void, AnnounceRejection> record(const AnnounceDataSet& announce, Nanoseconds received_at) {
    return foreign_master_table_detail::record(slots_, config_, counters_, announce, received_at);
  }
  // Drops the records with no Announce within the window at `now`.
  void expire(Nanoseconds now) { foreign_master_table_detail::expire(slots_, config_, now); }
  // Erbest of 9.3.2.3: the best qualified foreign master at `now`, by compare_data_sets().
  [[nodiscard]] std::optional<AnnounceDataSet> best_qualified(Nanoseconds now) const {
    return foreign_master_table_detail::best_qualified(slots_, config_, now);
  }
  [[nodiscard]] bool is_qualified(const PortIdentity& sender, Nanoseconds now) const {
    const ForeignMasterRecord* found = find(sender);
    return found != nullptr && foreign_master_table_detail::is_qualified(*found, config_, now);
  }
  [[nodiscard]] const ForeignMasterRecord* find(const PortIdentity& sender) const {
    for (const auto& slot : slots_) {
      if (slot && slot->announce.sender == sender) return &*slot;
    }
    return nullptr;
  }

  // When portDS.logAnnounceInterval changes; existing receive times are judged by the new window.
  void set_time_window(Nanoseconds time_window) { config_.time_window = time_window; }
  // Forgets `sender` (its master went silent); unknown senders are ignored.
  void erase(const PortIdentity& sender) {
    for (auto& slot : slots_) {
      if (slot && slot->announce.sender == sender) slot.reset();
    }
  }
  void clear() { slots_.fill(std::nullopt); }

  [[nodiscard]] std::size_t size() const {
    std::size_t count = 0;
    for (const auto& slot : slots_) count += slot.has_value() ? 1U : 0U;
    return count;
  }
  [[nodiscard]] static constexpr std::size_t capacity() { return kCapacity; }
  [[nodiscard]] const ForeignMasterTableConfig& config() const { return config_; }
  [[nodiscard]] const ForeignMasterTableCounters& counters() const { return counters_; }

 private:
  ForeignMasterTableConfig config_;
  ForeignMasterTableCounters counters_;
  std::array<foreign_master_table_detail::Slot, kCapacity> slots_{};
};

using ForeignMasterTable = BasicForeignMasterTable<>;

}  // namespace ptp
