// Tests of ptp/portability.h: the standard C++ checked arithmetic and Int128 (what MSVC compiles)
// against known values and, where the compiler has them, against its builtins and 128-bit integer
// (what GCC and Clang compile), on the edges where they could differ: INT64_MIN/MAX, the
// overflow boundaries, and the rounding of negative division.
#include "ptp/portability.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace ptp {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// The values where sums, differences and products start or stop overflowing: the extremes and
// their neighbours, sqrt(INT64_MAX) = 3037000499.97 and its neighbours, powers of two at the
// word and half-word boundaries, and the constants the stack multiplies by.
std::vector<std::int64_t> edge_values() {
  std::vector<std::int64_t> values = {kMin,
                                      kMin + 1,
                                      kMin / 2,
                                      -(std::int64_t{1} << 62),
                                      -4294967296,
                                      -4294967295,
                                      -3037000500,
                                      -3037000499,
                                      -1'000'000'000,
                                      -7,
                                      -3,
                                      -2,
                                      -1,
                                      0,
                                      1,
                                      2,
                                      3,
                                      7,
                                      1'000'000'000,
                                      3037000499,
                                      3037000500,
                                      4294967295,
                                      4294967296,
                                      std::int64_t{1} << 62,
                                      kMax / 2,
                                      kMax - 1,
                                      kMax,
                                      1'000'000'000'000,
                                      125'000'000,
                                      9'223'372'036,
                                      -9'223'372'036'854};
  return values;
}

// A fixed-seed generator (SplitMix64), so the sweep is the same on every run and platform.
class SplitMix64 {
 public:
  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15U;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9U;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBU;
    return z ^ (z >> 31U);
  }
  // A value of a random bit width, so small, middle and extreme magnitudes all occur.
  std::int64_t next_value() {
    const auto width = static_cast<unsigned>(next() % 64U);
    const std::uint64_t bits = next();
    const std::uint64_t masked = width == 0 ? bits : bits >> width;
    return static_cast<std::int64_t>(masked);
  }

 private:
  std::uint64_t state_ = 17;
};

portable::Int128 words(std::uint64_t high, std::uint64_t low) {
  return portable::Int128::from_words(high, low);
}

// ---- Known values: hold for every build, also one without builtins -------------------------

TEST(PortabilityTest, SelectsThePathTheBuildAsksFor) {
#if defined(PTP_PORTABLE_ARITHMETIC) || !PTP_HAS_BUILTIN_ARITHMETIC
  static_assert(std::is_same_v<Int128, portable::Int128>);
  static_assert(PTP_USES_PORTABLE_ARITHMETIC == 1);
#else
  static_assert(std::is_same_v<Int128, builtin::Int128>);
  static_assert(PTP_USES_PORTABLE_ARITHMETIC == 0);
#endif
  RecordProperty("arithmetic", PTP_USES_PORTABLE_ARITHMETIC ? "portable" : "builtin");
}

TEST(PortabilityTest, CheckedArithmeticStopsExactlyAtTheLimits) {
  EXPECT_EQ(portable::checked_add(kMax - 1, std::int64_t{1}), kMax);
  EXPECT_EQ(portable::checked_add(kMax, std::int64_t{1}), std::nullopt);
  EXPECT_EQ(portable::checked_add(kMin, std::int64_t{-1}), std::nullopt);
  EXPECT_EQ(portable::checked_add(kMin, kMax), -1);
  EXPECT_EQ(portable::checked_sub(kMin + 1, std::int64_t{1}), kMin);
  EXPECT_EQ(portable::checked_sub(kMin, std::int64_t{1}), std::nullopt);
  EXPECT_EQ(portable::checked_sub(std::int64_t{-1}, kMin), kMax);
  EXPECT_EQ(portable::checked_sub(std::int64_t{0}, kMin), std::nullopt);
  EXPECT_EQ(portable::checked_sub(std::int64_t{-1}, kMax), kMin);
  EXPECT_EQ(portable::checked_sub(std::int64_t{-2}, kMax), std::nullopt);
  EXPECT_EQ(portable::checked_mul(std::int64_t{3037000499}, std::int64_t{3037000499}),
            std::int64_t{9223372030926249001});
  EXPECT_EQ(portable::checked_mul(std::int64_t{3037000500}, std::int64_t{3037000500}),
            std::nullopt);
  EXPECT_EQ(portable::checked_mul(kMin, std::int64_t{1}), kMin);
  EXPECT_EQ(portable::checked_mul(kMin, std::int64_t{-1}), std::nullopt);
  EXPECT_EQ(portable::checked_mul(std::int64_t{-(std::int64_t{1} << 31)}, std::int64_t{1} << 32),
            kMin);
  EXPECT_EQ(portable::checked_mul(std::int32_t{46341}, std::int32_t{46341}), std::nullopt);
  EXPECT_EQ(portable::checked_mul(std::int32_t{-46340}, std::int32_t{46340}), -2147395600);
}

TEST(PortabilityTest, Int128ProductsAreExact) {
  // (2^63 - 1)^2 = 2^126 - 2^64 + 1; (-2^63)^2 = 2^126; -2^63 * (2^63 - 1) = -2^126 + 2^63.
  EXPECT_EQ(portable::Int128(kMax) * kMax, words(0x3FFF'FFFF'FFFF'FFFFU, 1));
  EXPECT_EQ(portable::Int128(kMin) * kMin, words(0x4000'0000'0000'0000U, 0));
  EXPECT_EQ(portable::Int128(kMin) * kMax, words(0xC000'0000'0000'0000U, 0x8000'0000'0000'0000U));
  EXPECT_EQ(portable::Int128(std::uint64_t{0xFFFF'FFFF'FFFF'FFFFU}) * 2,
            words(1, ~std::uint64_t{1}));
  EXPECT_EQ(portable::Int128(-1) * -1, 1);
}

TEST(PortabilityTest, Int128DivisionTruncatesTowardZeroLikeBuiltInIntegers) {
  EXPECT_EQ(portable::Int128(-7) / 2, -3);
  EXPECT_EQ(portable::Int128(-7) % 2, -1);
  EXPECT_EQ(portable::Int128(7) / -2, -3);
  EXPECT_EQ(portable::Int128(7) % -2, 1);
  EXPECT_EQ(portable::Int128(-7) / -2, 3);
  EXPECT_EQ(portable::Int128(-7) % -2, -1);
  // ticks_to_nanoseconds of -1 tick of a 3 Hz counter: -333333333, not -333333334.
  EXPECT_EQ(portable::Int128(-1) * 1'000'000'000 / 3, -333'333'333);
  // The deadline conversion's round-up test: the remainder of a negative product is negative.
  EXPECT_LT(portable::Int128(-5) * 125'000'000 % 1'000'000'000, 0);
  // 2^126 / (2^63 - 1) = 2^63 + 1 remainder 1; both operands beyond 64 bits take the long path.
  EXPECT_EQ(portable::Int128(kMin) * kMin / kMax, words(0, 0x8000'0000'0000'0001U));
  EXPECT_EQ(portable::Int128(kMin) * kMin % kMax, 1);
  EXPECT_EQ(portable::Int128(kMin) * kMin / (portable::Int128(kMin) * -2), std::int64_t{1} << 62);
  // Division by zero does not trap.
  EXPECT_EQ(portable::Int128(5) / 0, 0);
  EXPECT_EQ(portable::Int128(5) % 0, 5);
}

TEST(PortabilityTest, Int128ConvertsAndComparesLikeAnInteger) {
  const portable::Int128 big = portable::Int128(kMax) + 1;
  EXPECT_TRUE(big > kMax && big > kMin && -big == kMin && -big < kMax);
  EXPECT_EQ(static_cast<std::int64_t>(big), kMin);  // truncating, modulo 2^64
  EXPECT_EQ(static_cast<std::uint64_t>(portable::Int128(-1)), ~std::uint64_t{0});
  EXPECT_EQ(portable::Int128(std::uint64_t{1} << 63U), big);  // zero-extended
  EXPECT_TRUE(portable::Int128(-1) < portable::Int128(0));
  portable::Int128 value = 9;
  ++value;
  --value;
  --value;
  EXPECT_EQ(value, 8);
  // The checked operations are usable in constant expressions, as the builtins are.
  static_assert(portable::checked_add(kMax, std::int64_t{1}) == std::nullopt);
  static_assert(portable::checked_mul(kMin, std::int64_t{1}) == kMin);
}

// ---- The portable path against the builtins, where the compiler has them -------------------

#if PTP_HAS_BUILTIN_ARITHMETIC

portable::Int128 to_portable(builtin::Int128 value) {
  return portable::Int128::from_words(static_cast<std::uint64_t>(value >> 64),
                                      static_cast<std::uint64_t>(value));
}

void expect_same_checked(std::int64_t a, std::int64_t b) {
  EXPECT_EQ(portable::checked_add(a, b), builtin::checked_add(a, b)) << a << " + " << b;
  EXPECT_EQ(portable::checked_sub(a, b), builtin::checked_sub(a, b)) << a << " - " << b;
  EXPECT_EQ(portable::checked_mul(a, b), builtin::checked_mul(a, b)) << a << " * " << b;
  const auto a32 = static_cast<std::int32_t>(a >> 32);
  const auto b32 = static_cast<std::int32_t>(b);
  EXPECT_EQ(portable::checked_add(a32, b32), builtin::checked_add(a32, b32));
  EXPECT_EQ(portable::checked_sub(a32, b32), builtin::checked_sub(a32, b32));
  EXPECT_EQ(portable::checked_mul(a32, b32), builtin::checked_mul(a32, b32));
}

// Products of the pairs, then every quotient and remainder of such a product by a 64-bit value
// and by another product: the shapes port_driver.cpp and the simulator tests compute.
void expect_same_int128(std::int64_t a, std::int64_t b, std::int64_t c) {
  const builtin::Int128 product = builtin::Int128{a} * b;
  const portable::Int128 portable_product = portable::Int128(a) * b;
  ASSERT_EQ(portable_product, to_portable(product)) << a << " * " << b;
  EXPECT_EQ(portable_product < c, product < c);
  EXPECT_EQ(portable_product == c, product == c);
  EXPECT_EQ(static_cast<std::int64_t>(portable_product), static_cast<std::int64_t>(product));
  EXPECT_EQ(portable::Int128(a) + b, to_portable(builtin::Int128{a} + b));
  EXPECT_EQ(portable::Int128(a) - b, to_portable(builtin::Int128{a} - b));
  if (c == 0) return;
  EXPECT_EQ(portable_product / c, to_portable(product / c)) << a << " * " << b << " / " << c;
  EXPECT_EQ(portable_product % c, to_portable(product % c)) << a << " * " << b << " % " << c;
  const builtin::Int128 divisor = builtin::Int128{c} * (c < 0 ? -3 : 5);
  const portable::Int128 portable_divisor = portable::Int128(c) * (c < 0 ? -3 : 5);
  EXPECT_EQ(portable_product / portable_divisor, to_portable(product / divisor));
  EXPECT_EQ(portable_product % portable_divisor, to_portable(product % divisor));
}

TEST(PortabilityTest, PortableMatchesBuiltinsOnEveryEdgePair) {
  const std::vector<std::int64_t> values = edge_values();
  for (const std::int64_t a : values) {
    for (const std::int64_t b : values) {
      expect_same_checked(a, b);
      for (const std::int64_t c : {std::int64_t{1}, std::int64_t{-1}, std::int64_t{3}, b, a, kMin,
                                   kMax, std::int64_t{1'000'000'000}}) {
        expect_same_int128(a, b, c);
      }
    }
  }
}

TEST(PortabilityTest, PortableMatchesBuiltinsOnASweep) {
  SplitMix64 random;
  for (int i = 0; i < 50'000; ++i) {
    const std::int64_t a = random.next_value();
    const std::int64_t b = random.next_value();
    const std::int64_t c = random.next_value();
    expect_same_checked(a, b);
    expect_same_int128(a, b, c);
    if (HasFailure()) return;  // one report, not thousands
  }
}

#endif  // PTP_HAS_BUILTIN_ARITHMETIC

}  // namespace
}  // namespace ptp
