// Tests of BracketLineFit on hand-made brackets whose best line is known exactly.
#include "ptp/servo/clock_correlation_bracket_fit.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace ptp::servo {
namespace {

TEST(BracketLineFit, CentresTheLineBetweenTheTightestEdges) {
  // Around y = 2 + 0.5 x: the brackets at x = 0 and x = 4 leave 1 on either side, the one at
  // x = 2 leaves 3 below and 1 above. The largest margin is 1 (any other line loses some of it
  // at one of the three): the line itself.
  const std::array<Bracket, 3> brackets{{{0, 1, 3}, {2, 0, 4}, {4, 3, 5}}};
  BracketLineFit fit;
  const BracketLine line = fit.fit(brackets, 0.0);
  EXPECT_NEAR(line.slope, 0.5, 1e-12);
  EXPECT_NEAR(line.intercept, 2.0, 1e-12);
  EXPECT_NEAR(line.violation, -1.0, 1e-12);
}

TEST(BracketLineFit, AFlatOptimumTakesThePreferredSlope) {
  // One bracket: every slope through its centre has the same margin, so the preferred one.
  const std::array<Bracket, 1> one{{{10, -1, 1}}};
  BracketLineFit fit;
  const BracketLine line = fit.fit(one, 0.25);
  EXPECT_NEAR(line.slope, 0.25, 1e-12);
  EXPECT_NEAR(line.intercept + 0.25 * 10, 0.0, 1e-12);
  EXPECT_NEAR(line.violation, -1.0, 1e-12);
  // A narrow bracket between two wide ones: lines pivoting on it keep its margin of 0.5 as long
  // as the wide ones (margin 10 at slope 0) keep more, up to |slope| = 10 - 0.5. A preferred
  // slope of 5 lies inside that range and is taken; 20 would leave the wide ones none, so the
  // slope is clamped to the end of the range.
  const std::array<Bracket, 3> pivot{{{-1, -10, 10}, {0, -0.5, 0.5}, {1, -10, 10}}};
  EXPECT_NEAR(fit.fit(pivot, 5.0).slope, 5.0, 1e-9);
  const BracketLine clamped = fit.fit(pivot, 20.0);
  EXPECT_NEAR(clamped.slope, 9.5, 1e-9);
  EXPECT_NEAR(clamped.intercept, 0.0, 1e-9);
  EXPECT_NEAR(clamped.violation, -0.5, 1e-9);
}

TEST(BracketLineFit, NoFeasibleLineReportsTheSmallestMiss) {
  // Three disjoint brackets on a bent path: the best line misses the middle one by 1 and the
  // outer ones by 1 the other way (a Chebyshev line through (0, 0), (1, 4), (2, 0) with
  // zero-width brackets: y = 2, miss 2; widened by 1 on each side, the miss is 1).
  const std::array<Bracket, 3> brackets{{{0, -1, 1}, {1, 3, 5}, {2, -1, 1}}};
  BracketLineFit fit;
  const BracketLine line = fit.fit(brackets, 0.0);
  EXPECT_NEAR(line.slope, 0.0, 1e-12);
  EXPECT_NEAR(line.intercept, 2.0, 1e-12);
  EXPECT_NEAR(line.violation, 1.0, 1e-12);
}

TEST(BracketLineFit, TiesAtOneAbscissaKeepTheBindingEdges) {
  // Two brackets at x = 0: only the intersection [0, 1] binds there.
  const std::array<Bracket, 3> brackets{{{0, -5, 1}, {0, 0, 5}, {1, 0, 1}}};
  BracketLineFit fit;
  const BracketLine line = fit.fit(brackets, 0.0);
  EXPECT_NEAR(line.intercept, 0.5, 1e-12);
  EXPECT_NEAR(line.slope, 0.0, 1e-12);
  EXPECT_NEAR(line.violation, -0.5, 1e-12);
}

// fit_without(brackets, i) reuses the hulls of the brackets before i from its last call: its
// line must be fit()'s on a copy without bracket i, to the bit, for increasing i, after going
// back, after forget_prefix() and on other brackets, including ties at one abscissa and a bracket
// no line reaches.
TEST(BracketLineFit, FitWithoutIsTheFitOfTheOtherBrackets) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> jitter(-0.5, 0.5);
  for (int round = 0; round < 20; ++round) {
    std::vector<Bracket> brackets;
    double x = 0;
    for (std::size_t i = 0; i < 40; ++i) {
      x += i % 7 == 3 ? 0.0 : 1.0 + jitter(rng);  // a few ties at one abscissa
      const double centre = 0.01 * x + jitter(rng);
      brackets.push_back({x, centre - 1, centre + 1});
    }
    brackets[static_cast<std::size_t>(round) % 40].low += 3;  // one bracket no line reaches
    brackets[static_cast<std::size_t>(round) % 40].high += 3;
    BracketLineFit reused;
    BracketLineFit fresh;
    const auto check = [&](std::size_t skipped) {
      std::vector<Bracket> others = brackets;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(skipped));
      const BracketLine expected = fresh.fit(others, 0.002);
      const BracketLine line = reused.fit_without(brackets, skipped, 0.002);
      EXPECT_EQ(std::bit_cast<std::uint64_t>(line.slope),
                std::bit_cast<std::uint64_t>(expected.slope))
          << round << " " << skipped;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(line.intercept),
                std::bit_cast<std::uint64_t>(expected.intercept))
          << round << " " << skipped;
      EXPECT_EQ(std::bit_cast<std::uint64_t>(line.violation),
                std::bit_cast<std::uint64_t>(expected.violation))
          << round << " " << skipped;
    };
    reused.forget_prefix();
    for (std::size_t skipped = 0; skipped < brackets.size(); skipped += 3) check(skipped);
    check(5);  // back: the prefix is rebuilt
    reused.forget_prefix();
    for (std::size_t skipped = 1; skipped < brackets.size(); skipped += 2) check(skipped);
  }
}

}  // namespace
}  // namespace ptp::servo
