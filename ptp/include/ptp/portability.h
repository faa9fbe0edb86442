// Portability: the one place that uses compiler builtins and extensions. It provides checked
// integer arithmetic (std::nullopt on overflow) and a signed 128-bit integer for intermediates
// such as ticks x 1e9, each in two implementations:
//   ptp::portable  standard C++ only, always compiled (MSVC has neither __int128 nor
//                  __builtin_*_overflow);
//   ptp::builtin   GCC/Clang builtins and __int128, where the compiler has them.
// The names in namespace ptp pick the builtin ones when available, unless PTP_PORTABLE_ARITHMETIC
// is defined (CMake option of the same name), which forces the portable ones so that CI tests
// the path MSVC would compile. Both behave identically: division truncates toward zero and the
// remainder takes the dividend's sign, as C++ specifies for built-in integers.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace ptp::portable {

// An unsigned 128-bit value as two 64-bit words.
struct Words {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
};

// The full 128-bit product of two unsigned 64-bit values.
constexpr Words multiply_full(std::uint64_t a, std::uint64_t b) {
  constexpr std::uint64_t kLow32 = 0xFFFF'FFFFU;
  const std::uint64_t a_low = a & kLow32;
  const std::uint64_t a_high = a >> 32U;
  const std::uint64_t b_low = b & kLow32;
  const std::uint64_t b_high = b >> 32U;
  const std::uint64_t low_low = a_low * b_low;
  const std::uint64_t high_low = a_high * b_low;
  const std::uint64_t low_high = a_low * b_high;
  const std::uint64_t high_high = a_high * b_high;
  // The middle column cannot overflow: three values below 2^32 each.
  const std::uint64_t middle = (low_low >> 32U) + (high_low & kLow32) + (low_high & kLow32);
  return Words{high_high + (high_low >> 32U) + (low_high >> 32U) + (middle >> 32U),
               (middle << 32U) | (low_low & kLow32)};
}

struct WordsDivision {
  Words quotient;
  Words remainder;
};

// Unsigned 128-bit division (divisor not zero): one 64-bit division when both fit 64 bits,
// else shift-and-subtract, one quotient bit per step.
constexpr WordsDivision divide_unsigned(Words numerator, Words denominator) {
  if (numerator.high == 0 && denominator.high == 0) {
    return WordsDivision{Words{0, numerator.low / denominator.low},
                         Words{0, numerator.low % denominator.low}};
  }
  Words quotient;
  Words remainder;
  for (int bit = 127; bit >= 0; --bit) {
    const std::uint64_t next =
        bit >= 64 ? (numerator.high >> (bit - 64)) & 1U : (numerator.low >> bit) & 1U;
    remainder =
        Words{(remainder.high << 1U) | (remainder.low >> 63U), (remainder.low << 1U) | next};
    const bool fits = remainder.high != denominator.high ? remainder.high > denominator.high
                                                         : remainder.low >= denominator.low;
    if (!fits) continue;
    const std::uint64_t borrow = remainder.low < denominator.low ? 1 : 0;
    remainder = Words{remainder.high - denominator.high - borrow, remainder.low - denominator.low};
    if (bit >= 64) {
      quotient.high |= std::uint64_t{1} << (bit - 64);
    } else {
      quotient.low |= std::uint64_t{1} << bit;
    }
  }
  return WordsDivision{quotient, remainder};
}

// A signed 128-bit integer in two's complement, with the operators the stack's intermediates need.
class Int128 {
 public:
  constexpr Int128() = default;
  // Implicit from every integer type, as a built-in integer converts: sign- or zero-extended.
  template <std::integral T>
  constexpr Int128(T value)  // NOLINT(google-explicit-constructor): behaves like an integer
      : high_(sign_extension(value)), low_(static_cast<std::uint64_t>(value)) {}

  static constexpr Int128 from_words(std::uint64_t high, std::uint64_t low) {
    Int128 result;
    result.high_ = high;
    result.low_ = low;
    return result;
  }
  [[nodiscard]] constexpr std::uint64_t high_word() const { return high_; }
  [[nodiscard]] constexpr std::uint64_t low_word() const { return low_; }

  // Truncating, as a conversion between built-in integers is (modulo 2^N).
  template <std::integral T>
  constexpr explicit operator T() const {
    return static_cast<T>(low_);
  }

  friend constexpr Int128 operator+(Int128 a, Int128 b) {
    const std::uint64_t low = a.low_ + b.low_;
    const std::uint64_t carry = low < a.low_ ? 1 : 0;
    return from_words(a.high_ + b.high_ + carry, low);
  }
  friend constexpr Int128 operator-(Int128 a) { return from_words(~a.high_, ~a.low_) + 1; }
  friend constexpr Int128 operator-(Int128 a, Int128 b) { return a + -b; }
  friend constexpr Int128 operator*(Int128 a, Int128 b) {
    // Modulo 2^128 the signed product equals the unsigned one of the two's complement words.
    const Words low_product = multiply_full(a.low_, b.low_);
    return from_words(low_product.high + a.high_ * b.low_ + a.low_ * b.high_, low_product.low);
  }
  // Truncates toward zero; the remainder takes the dividend's sign. Division by zero yields
  // quotient 0 and remainder the dividend (a built-in integer's would be undefined).
  friend constexpr Int128 operator/(Int128 a, Int128 b) {
    if (b == 0) return 0;
    const WordsDivision division = divide_unsigned(a.magnitude(), b.magnitude());
    return signed_value(division.quotient, a.is_negative() != b.is_negative());
  }
  friend constexpr Int128 operator%(Int128 a, Int128 b) {
    if (b == 0) return a;
    const WordsDivision division = divide_unsigned(a.magnitude(), b.magnitude());
    return signed_value(division.remainder, a.is_negative());
  }

  constexpr Int128& operator+=(Int128 other) { return *this = *this + other; }
  constexpr Int128& operator-=(Int128 other) { return *this = *this - other; }
  constexpr Int128& operator*=(Int128 other) { return *this = *this * other; }
  constexpr Int128& operator/=(Int128 other) { return *this = *this / other; }
  constexpr Int128& operator%=(Int128 other) { return *this = *this % other; }
  constexpr Int128& operator++() { return *this += 1; }
  constexpr Int128& operator--() { return *this -= 1; }

  friend constexpr bool operator==(Int128 a, Int128 b) = default;
  friend constexpr std::strong_ordering operator<=>(Int128 a, Int128 b) {
    const auto a_high = static_cast<std::int64_t>(a.high_);
    const auto b_high = static_cast<std::int64_t>(b.high_);
    if (a_high != b_high) return a_high <=> b_high;
    return a.low_ <=> b.low_;
  }

 private:
  template <std::integral T>
  static constexpr std::uint64_t sign_extension(T value) {
    if constexpr (std::is_signed_v<T>) {
      return value < 0 ? ~std::uint64_t{0} : 0;
    } else {
      return 0;
    }
  }

  [[nodiscard]] constexpr bool is_negative() const { return (high_ >> 63U) != 0; }
  // The magnitude of the most negative value is its own bit pattern, read as unsigned.
  [[nodiscard]] constexpr Words magnitude() const {
    const Int128 positive = is_negative() ? -*this : *this;
    return Words{positive.high_, positive.low_};
  }

  static constexpr Int128 signed_value(Words magnitude, bool negative) {
    const Int128 value = from_words(magnitude.high, magnitude.low);
    return negative ? -value : value;
  }

  std::uint64_t high_ = 0;
  std::uint64_t low_ = 0;
};

template <typename T>
concept CheckedInteger = std::signed_integral<T> && sizeof(T) <= sizeof(std::int64_t);

// The exact value of a + b, a - b or a * b, or std::nullopt when it does not fit T.
template <CheckedInteger T>
constexpr std::optional<T> checked_add(T a, T b) {
  constexpr T kMax = std::numeric_limits<T>::max();
  constexpr T kMin = std::numeric_limits<T>::min();
  if (b > 0 ? a > kMax - b : a < kMin - b) return std::nullopt;
  return static_cast<T>(a + b);
}
template <CheckedInteger T>
constexpr std::optional<T> checked_sub(T a, T b) {
  constexpr T kMax = std::numeric_limits<T>::max();
  constexpr T kMin = std::numeric_limits<T>::min();
  if (b > 0 ? a < kMin + b : a > kMax + b) return std::nullopt;
  return static_cast<T>(a - b);
}
template <CheckedInteger T>
constexpr std::optional<T> checked_mul(T a, T b) {
  const Int128 product = Int128(a) * Int128(b);
  if (product > std::numeric_limits<T>::max() || product < std::numeric_limits<T>::min()) {
    return std::nullopt;
  }
  return static_cast<T>(product);
}

}  // namespace ptp::portable

#if (defined(__GNUC__) || defined(__clang__)) && defined(__SIZEOF_INT128__)
#define PTP_HAS_BUILTIN_ARITHMETIC 1

namespace ptp::builtin {

__extension__ using Int128 = __int128;

template <portable::CheckedInteger T>
constexpr std::optional<T> checked_add(T a, T b) {
  T result = 0;
  if (__builtin_add_overflow(a, b, &result)) return std::nullopt;
  return result;
}
template <portable::CheckedInteger T>
constexpr std::optional<T> checked_sub(T a, T b) {
  T result = 0;
  if (__builtin_sub_overflow(a, b, &result)) return std::nullopt;
  return result;
}
template <portable::CheckedInteger T>
constexpr std::optional<T> checked_mul(T a, T b) {
  T result = 0;
  if (__builtin_mul_overflow(a, b, &result)) return std::nullopt;
  return result;
}

}  // namespace ptp::builtin
#else
#define PTP_HAS_BUILTIN_ARITHMETIC 0
#endif

#if PTP_HAS_BUILTIN_ARITHMETIC && !defined(PTP_PORTABLE_ARITHMETIC)
#define PTP_USES_PORTABLE_ARITHMETIC 0
namespace ptp {
namespace arithmetic = builtin;
}  // namespace ptp
#else
#define PTP_USES_PORTABLE_ARITHMETIC 1
namespace ptp {
namespace arithmetic = portable;
}  // namespace ptp
#endif

namespace ptp {

// What the stack uses: the builtins where the compiler has them, else the standard C++ versions.
using Int128 = arithmetic::Int128;
using arithmetic::checked_add;
using arithmetic::checked_mul;
using arithmetic::checked_sub;

}  // namespace ptp
