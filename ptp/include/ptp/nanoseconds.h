// Nanoseconds: a signed count of nanoseconds whose arithmetic never overflows silently.
// It is the one currency the core uses for durations and offsets; the wire types (Timestamp,
// TimeInterval) convert to and from it through checked functions.
#pragma once

#include <algorithm>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <optional>

#include "ptp/portability.h"

namespace ptp {

class Nanoseconds {
 public:
  constexpr Nanoseconds() = default;
  constexpr explicit Nanoseconds(std::int64_t count) : count_(count) {}

  [[nodiscard]] constexpr std::int64_t count() const { return count_; }

  static constexpr Nanoseconds max() {
    return Nanoseconds(std::numeric_limits<std::int64_t>::max());
  }
  static constexpr Nanoseconds min() {
    return Nanoseconds(std::numeric_limits<std::int64_t>::min());
  }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(Nanoseconds, Nanoseconds) = default;

  // Checked arithmetic: std::nullopt on overflow.
  [[nodiscard]] constexpr std::optional<Nanoseconds> checked_add(Nanoseconds other) const {
    const auto sum = ptp::checked_add(count_, other.count_);
    if (!sum) return std::nullopt;
    return Nanoseconds(*sum);
  }
  [[nodiscard]] constexpr std::optional<Nanoseconds> checked_sub(Nanoseconds other) const {
    const auto difference = ptp::checked_sub(count_, other.count_);
    if (!difference) return std::nullopt;
    return Nanoseconds(*difference);
  }
  [[nodiscard]] constexpr std::optional<Nanoseconds> checked_mul(std::int64_t factor) const {
    const auto product = ptp::checked_mul(count_, factor);
    if (!product) return std::nullopt;
    return Nanoseconds(*product);
  }
  [[nodiscard]] constexpr std::optional<Nanoseconds> checked_negate() const {
    if (count_ == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    return Nanoseconds(-count_);
  }

 private:
  std::int64_t count_ = 0;
};

inline constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

// Estimates in double nanoseconds (phases, steps, uncertainties) become Nanoseconds only within
// this magnitude: inside the int64 range with room for the rounding.
inline constexpr double kMaxRoundedNanoseconds = 9e18;

// The nearest whole nanoseconds to `ns`; std::nullopt for NaN or beyond kMaxRoundedNanoseconds.
[[nodiscard]] inline std::optional<Nanoseconds> rounded_nanoseconds(double ns) {
  if (!(std::abs(ns) <= kMaxRoundedNanoseconds)) return std::nullopt;
  return Nanoseconds(std::llround(ns));
}

// The nearest whole nanoseconds to `ns` clamped into +-kMaxRoundedNanoseconds; 0 for NaN.
[[nodiscard]] inline Nanoseconds saturated_nanoseconds(double ns) {
  if (std::isnan(ns)) return Nanoseconds(0);
  return Nanoseconds(std::llround(std::clamp(ns, -kMaxRoundedNanoseconds, kMaxRoundedNanoseconds)));
}

}  // namespace ptp
