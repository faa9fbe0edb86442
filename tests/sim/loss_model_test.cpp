// Tests of the loss model against its configured truth: Bernoulli and Gilbert-Elliott long-run
// loss rates and mean burst lengths (closed forms worked out independently of the code), the
// stationary start, forced loss windows that act only inside themselves, determinism and
// validation.
#include "ptp/sim/loss_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace ptp::sim {
namespace {

constexpr double kStandardErrors = 5.0;

SimTime at_us(std::int64_t count) { return SimTime::from_start(SimDuration::microseconds(count)); }

LossModel make_model(const RandomLoss& random_loss) {
  auto model = LossModel::create(random_loss);
  EXPECT_TRUE(model.has_value()) << to_string(model.error());
  return *model;
}

// The fate of `packets` packets sent 1 us apart.
std::vector<LossCause> run(LossModel model, std::uint64_t seed, int packets) {
  Random random(seed);
  std::vector<LossCause> causes;
  causes.reserve(static_cast<std::size_t>(packets));
  for (int i = 0; i < packets; ++i) causes.push_back(model.decide(random, at_us(i)));
  return causes;
}

struct LossStatistics {
  double loss_rate = 0;
  double mean_burst_length = 0;
  std::int64_t bursts = 0;
};

LossStatistics measure(const std::vector<LossCause>& causes) {
  std::int64_t lost = 0;
  std::int64_t bursts = 0;
  bool previous_lost = false;
  for (const LossCause cause : causes) {
    const bool is_lost = cause != LossCause::kNone;
    if (is_lost) ++lost;
    if (is_lost && !previous_lost) ++bursts;
    previous_lost = is_lost;
  }
  return {static_cast<double>(lost) / static_cast<double>(causes.size()),
          bursts > 0 ? static_cast<double>(lost) / static_cast<double>(bursts) : 0.0, bursts};
}

TEST(LossModel, NoRandomLossLosesNothing) {
  const auto model = make_model(NoRandomLoss{});
  EXPECT_EQ(model.long_run_loss_rate(), 0.0);
  EXPECT_FALSE(model.mean_loss_burst_length().has_value());
  EXPECT_EQ(measure(run(model, 1, 10'000)).loss_rate, 0.0);
}

TEST(LossModel, BernoulliRateAndBurstLengthMatchTheConfiguredProbability) {
  const double p = 0.1;
  const int packets = 200'000;
  const auto model = make_model(BernoulliLoss{p});
  EXPECT_EQ(model.long_run_loss_rate(), p);
  // Runs of independent losses are geometric: mean 1 / (1 - p).
  EXPECT_NEAR(*model.mean_loss_burst_length(), 1.0 / (1.0 - p), 1e-12);

  const auto measured = measure(run(model, 2, packets));
  EXPECT_NEAR(measured.loss_rate, p, kStandardErrors * std::sqrt(p * (1 - p) / packets));
  // Run lengths have standard deviation sqrt(p) / (1 - p).
  EXPECT_NEAR(
      measured.mean_burst_length, 1.0 / (1.0 - p),
      kStandardErrors * std::sqrt(p) / (1.0 - p) / std::sqrt(static_cast<double>(measured.bursts)));
}

TEST(LossModel, GilbertRateAndBurstLengthMatchTheClosedForm) {
  // Gilbert's model (lose all in Bad, none in Good): the loss rate is the stationary
  // probability of Bad, g / (g + b), and bursts are the Bad sojourns, geometric with mean 1 / b.
  const double g = 0.01;
  const double b = 0.25;
  const int packets = 1'000'000;
  const auto model = make_model(GilbertElliottLoss{g, b, 0.0, 1.0});
  const double rate = g / (g + b);
  EXPECT_NEAR(model.long_run_loss_rate(), rate, 1e-15);
  EXPECT_NEAR(*model.mean_loss_burst_length(), 1.0 / b, 1e-12);

  const auto measured = measure(run(model, 3, packets));
  // Successive packets are correlated: the variance of the mean of a two-state chain's
  // indicator is pi_bad pi_good (1 + lambda) / (1 - lambda) / n with lambda = 1 - g - b.
  const double lambda = 1.0 - g - b;
  EXPECT_NEAR(
      measured.loss_rate, rate,
      kStandardErrors * std::sqrt(rate * (1 - rate) * (1 + lambda) / (1 - lambda) / packets));
  // Geometric sojourns with mean 1/b have standard deviation sqrt(1 - b) / b.
  EXPECT_NEAR(
      measured.mean_burst_length, 1.0 / b,
      kStandardErrors * std::sqrt(1.0 - b) / b / std::sqrt(static_cast<double>(measured.bursts)));
}

TEST(LossModel, GilbertElliottRateAndBurstLengthMatchTheClosedForm) {
  // Loss in both states. The truth was computed outside this code by iterating the joint
  // (state, lost) Markov chain to its stationary distribution: rate 0.0916667, mean burst
  // 1.7001020. By hand, the rate is (5/6) 0.01 + (1/6) 0.5.
  const int packets = 1'000'000;
  const auto model = make_model(GilbertElliottLoss{0.02, 0.1, 0.01, 0.5});
  EXPECT_NEAR(model.long_run_loss_rate(), 0.09166666666666667, 1e-12);
  EXPECT_NEAR(*model.mean_loss_burst_length(), 1.700102006120367, 1e-9);

  const auto measured = measure(run(model, 4, packets));
  // Tolerances of 5 standard errors, the standard errors (0.85% and 0.31% of the values) being
  // the spread of these estimates over 200 runs with other seeds.
  EXPECT_NEAR(measured.loss_rate, 0.09166666666666667,
              kStandardErrors * 0.0085 * 0.09166666666666667);
  EXPECT_NEAR(measured.mean_burst_length, 1.700102006120367,
              kStandardErrors * 0.0031 * 1.700102006120367);
}

TEST(LossModel, ChainStartsInItsStationaryDistribution) {
  // The first packet of many independent runs is lost at the long-run rate (a chain started in
  // Good would lose none of them).
  const auto model = make_model(GilbertElliottLoss{0.01, 0.25, 0.0, 1.0});
  const int runs = 20'000;
  int first_lost = 0;
  for (int seed = 0; seed < runs; ++seed) {
    auto fresh = model;
    Random random(static_cast<std::uint64_t>(seed));
    if (fresh.decide(random, at_us(0)) != LossCause::kNone) ++first_lost;
  }
  const double rate = model.long_run_loss_rate();
  EXPECT_NEAR(first_lost / static_cast<double>(runs), rate,
              kStandardErrors * std::sqrt(rate * (1 - rate) / runs));
}

TEST(LossModel, MeanBurstLengthIsUndefinedWhenEverythingIsLost) {
  EXPECT_FALSE(make_model(BernoulliLoss{1.0}).mean_loss_burst_length().has_value());
  EXPECT_FALSE(
      make_model(GilbertElliottLoss{0.3, 0.2, 1.0, 1.0}).mean_loss_burst_length().has_value());
  EXPECT_EQ(make_model(GilbertElliottLoss{0.3, 0.2, 1.0, 1.0}).long_run_loss_rate(), 1.0);
}

TEST(LossModel, LinkDownDropsEverythingOnlyInsideTheWindow) {
  const auto baseline = make_model(GilbertElliottLoss{0.02, 0.1, 0.01, 0.5});
  auto faulty = baseline;
  ASSERT_TRUE(faulty.add_link_down(at_us(1000), at_us(2000)));
  ASSERT_TRUE(faulty.add_link_down(at_us(5000), at_us(5001)));
  const auto expected = run(baseline, 5, 10'000);
  const auto actual = run(faulty, 5, 10'000);
  for (int i = 0; i < 10'000; ++i) {
    const bool down = (i >= 1000 && i < 2000) || i == 5000;
    const auto index = static_cast<std::size_t>(i);
    // Outside the windows the fate is what it would have been without them.
    EXPECT_EQ(actual[index], down ? LossCause::kLinkDown : expected[index]) << "packet " << i;
  }
}

TEST(LossModel, LossBurstActsOnlyInsideTheWindowAtItsProbability) {
  const auto baseline = make_model(BernoulliLoss{0.01});
  auto faulty = baseline;
  ASSERT_TRUE(faulty.add_loss_burst(at_us(10'000), at_us(20'000)));  // loses all
  ASSERT_TRUE(faulty.add_loss_burst(at_us(50'000), at_us(90'000), 0.5));
  const auto expected = run(baseline, 6, 100'000);
  const auto actual = run(faulty, 6, 100'000);
  int half_window_lost = 0;
  for (int i = 0; i < 100'000; ++i) {
    const auto index = static_cast<std::size_t>(i);
    if (i >= 10'000 && i < 20'000) {
      EXPECT_EQ(actual[index], LossCause::kLossBurst) << "packet " << i;
    } else if (i >= 50'000 && i < 90'000) {
      if (actual[index] == LossCause::kLossBurst) {
        ++half_window_lost;
      } else {
        // A packet the burst spares keeps its random fate.
        EXPECT_EQ(actual[index], expected[index]) << "packet " << i;
      }
    } else {
      EXPECT_EQ(actual[index], expected[index]) << "packet " << i;
    }
  }
  EXPECT_NEAR(half_window_lost / 40'000.0, 0.5, kStandardErrors * std::sqrt(0.25 / 40'000));
}

TEST(LossModel, LinkDownTakesPrecedenceOverALossBurst) {
  auto model = make_model(BernoulliLoss{1.0});
  ASSERT_TRUE(model.add_loss_burst(at_us(0), at_us(20)));
  ASSERT_TRUE(model.add_link_down(at_us(10), at_us(30)));
  Random random(7);
  EXPECT_EQ(model.decide(random, at_us(5)), LossCause::kLossBurst);
  EXPECT_EQ(model.decide(random, at_us(15)), LossCause::kLinkDown);
  EXPECT_EQ(model.decide(random, at_us(25)), LossCause::kLinkDown);
  EXPECT_EQ(model.decide(random, at_us(30)), LossCause::kRandomLoss);
}

TEST(LossModel, SameSeedSameFateDifferentSeedDifferentFate) {
  const auto model = make_model(GilbertElliottLoss{0.05, 0.2, 0.05, 0.7});
  const auto first = run(model, 8, 5000);
  EXPECT_EQ(run(model, 8, 5000), first);
  EXPECT_NE(run(model, 9, 5000), first);
}

TEST(LossModel, ValidationRejectsImpossibleConfigurations) {
  using Error = LossConfigError;
  const auto error_of = [](const RandomLoss& random_loss) {
    auto model = LossModel::create(random_loss);
    EXPECT_FALSE(model.has_value());
    return model.has_value() ? Error{} : model.error();
  };
  EXPECT_EQ(error_of(BernoulliLoss{-0.1}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(BernoulliLoss{1.1}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(BernoulliLoss{std::nan("")}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(GilbertElliottLoss{1.5, 0.1, 0.0, 1.0}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(GilbertElliottLoss{0.1, -0.1, 0.0, 1.0}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(GilbertElliottLoss{0.1, 0.1, 2.0, 1.0}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(GilbertElliottLoss{0.1, 0.1, 0.0, -1.0}), Error::kProbabilityOutOfRange);
  EXPECT_EQ(error_of(GilbertElliottLoss{0.0, 0.0, 0.0, 1.0}), Error::kFrozenChain);
  EXPECT_FALSE(to_string(Error::kFrozenChain).empty());
  EXPECT_TRUE(LossModel::create(GilbertElliottLoss{0.0, 1.0, 0.0, 1.0}));

  auto model = make_model(NoRandomLoss{});
  const auto empty_burst = model.add_loss_burst(at_us(5), at_us(5));
  ASSERT_FALSE(empty_burst);
  EXPECT_EQ(empty_burst.error(), Error::kEmptyWindow);
  const auto bad_probability = model.add_loss_burst(at_us(5), at_us(6), 1.5);
  ASSERT_FALSE(bad_probability);
  EXPECT_EQ(bad_probability.error(), Error::kProbabilityOutOfRange);
  const auto empty_down = model.add_link_down(at_us(9), at_us(8));
  ASSERT_FALSE(empty_down);
  EXPECT_EQ(empty_down.error(), Error::kEmptyWindow);
}

}  // namespace
}  // namespace ptp::sim
