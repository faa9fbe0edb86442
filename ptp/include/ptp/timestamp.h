// Timestamp: IEEE 1588's wire timestamp (48-bit unsigned seconds + 32-bit nanoseconds), with
// checked conversions to and from Nanoseconds since the PTP epoch.
#pragma once

#include <compare>
#include <cstdint>

#include "ptp/nanoseconds.h"
#include "ptp/portability.h"
#include "ptp/result.h"
#include "ptp/time_error.h"

namespace ptp {

struct Timestamp {
  static constexpr std::uint64_t kMaxSeconds = (std::uint64_t{1} << 48) - 1;

  std::uint64_t seconds = 0;      // only the low 48 bits exist on the wire
  std::uint32_t nanoseconds = 0;  // valid values are below 1e9

  [[nodiscard]] constexpr bool is_valid() const {
    return seconds <= kMaxSeconds && nanoseconds < kNanosecondsPerSecond;
  }

  // Fails with kNegative for negative values (the PTP epoch is the earliest Timestamp).
  static constexpr Result<Timestamp, TimeError> from_nanoseconds(Nanoseconds since_epoch) {
    if (since_epoch.count() < 0) return unexpected(TimeError::kNegative);
    const auto count = static_cast<std::uint64_t>(since_epoch.count());
    constexpr auto kPerSecond = static_cast<std::uint64_t>(kNanosecondsPerSecond);
    return Timestamp{count / kPerSecond, static_cast<std::uint32_t>(count % kPerSecond)};
  }

  // Fails with kInvalidNanoseconds for a nanoseconds field of 1e9 or more, and with kOverflow for
  // times past 2262 (which a 48-bit seconds field can hold and an int64 of nanoseconds cannot).
  [[nodiscard]] constexpr Result<Nanoseconds, TimeError> to_nanoseconds() const {
    if (nanoseconds >= kNanosecondsPerSecond) return unexpected(TimeError::kInvalidNanoseconds);
    constexpr auto kMaxWholeSeconds =
        static_cast<std::uint64_t>(INT64_MAX / kNanosecondsPerSecond);  // 9223372036
    if (seconds > kMaxWholeSeconds) return unexpected(TimeError::kOverflow);
    const auto total = ptp::checked_add(static_cast<std::int64_t>(seconds) * kNanosecondsPerSecond,
                                        static_cast<std::int64_t>(nanoseconds));
    if (!total) return unexpected(TimeError::kOverflow);
    return Nanoseconds(*total);
  }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

}  // namespace ptp
