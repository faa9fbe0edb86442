// TimeInterval: IEEE 1588's scaled nanoseconds (signed, units of 2^-16 ns), the type of the
// correctionField, meanPathDelay and offsetFromMaster on the wire.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/time_error.h"

namespace ptp {

class TimeInterval {
 public:
  static constexpr int kFractionalBits = 16;

  constexpr TimeInterval() = default;
  // From the raw wire value in units of 2^-16 ns.
  static constexpr TimeInterval from_scaled(std::int64_t scaled_nanoseconds) {
    return TimeInterval(scaled_nanoseconds);
  }
  // 1588-2019 7.7.2.1: the largest value marks "too big to be represented".
  static constexpr TimeInterval too_big() {
    return TimeInterval(std::numeric_limits<std::int64_t>::max());
  }

  // Exact: fails with kOverflow outside +-(2^47 - 1) ns.
  static constexpr Result<TimeInterval, TimeError> from_nanoseconds(Nanoseconds value) {
    constexpr std::int64_t kLimit = (std::int64_t{1} << (63 - kFractionalBits)) - 1;
    if (value.count() > kLimit || value.count() < -kLimit) return unexpected(TimeError::kOverflow);
    return TimeInterval(value.count() * (std::int64_t{1} << kFractionalBits));
  }

  [[nodiscard]] constexpr std::int64_t scaled() const { return scaled_; }
  [[nodiscard]] constexpr bool is_too_big() const { return *this == too_big(); }

  // Whole nanoseconds, rounded toward negative infinity (the sub-nanosecond part is dropped);
  // always representable.
  [[nodiscard]] constexpr Nanoseconds to_nanoseconds() const {
    return Nanoseconds(scaled_ >> kFractionalBits);
  }
  // The sub-nanosecond remainder of to_nanoseconds(), in units of 2^-16 ns, in [0, 65535].
  [[nodiscard]] constexpr std::uint16_t fractional_part() const {
    return static_cast<std::uint16_t>(scaled_ & 0xFFFF);
  }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(TimeInterval, TimeInterval) = default;

 private:
  constexpr explicit TimeInterval(std::int64_t scaled) : scaled_(scaled) {}
  std::int64_t scaled_ = 0;
};

}  // namespace ptp
