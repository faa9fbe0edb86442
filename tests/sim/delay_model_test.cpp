// Tests of the delay model against its configured truth: sample moments of each distribution
// within a few standard errors of the closed forms (and the closed forms against independent
// special cases), the Pareto tail, the fixed part as a floor, spikes only inside their window,
// determinism, validation, and the in-order delivery rule.
#include "ptp/sim/delay_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace ptp::sim {
namespace {

constexpr int kSamples = 200'000;
// Tolerances are this many standard errors: with fixed seeds the tests are deterministic, and
// five standard errors keeps them meaningful rather than tuned to one seed.
constexpr double kStandardErrors = 5.0;

SimDuration us(std::int64_t count) { return SimDuration::microseconds(count); }
SimTime at_us(std::int64_t count) { return SimTime::from_start(us(count)); }

DelayModel make_model(const DelayModelConfig& config) {
  auto model = DelayModel::create(config);
  EXPECT_TRUE(model.has_value()) << to_string(model.error());
  return *model;
}

// Running mean and variance (Welford), in picoseconds.
struct SampleMoments {
  std::int64_t count = 0;
  double mean = 0;
  double sum_squared_deviations = 0;
  SimDuration minimum = kMaxModelledDelay * 2;

  void add(SimDuration sample) {
    const double value = static_cast<double>(sample.picoseconds());
    ++count;
    const double delta = value - mean;
    mean += delta / static_cast<double>(count);
    sum_squared_deviations += delta * (value - mean);
    if (sample < minimum) minimum = sample;
  }
  [[nodiscard]] double variance() const {
    return sum_squared_deviations / static_cast<double>(count - 1);
  }
  [[nodiscard]] double stddev() const { return std::sqrt(variance()); }
};

SampleMoments sample_moments(const DelayModel& model, std::uint64_t seed) {
  Random random(seed);
  SampleMoments moments;
  for (int i = 0; i < kSamples; ++i) moments.add(model.sample(random, at_us(i)));
  return moments;
}

// Checks the sample mean and standard deviation against the model's truth. `kurtosis` (the
// fourth standardised moment) sets the standard error of the sample variance:
// var * sqrt((kurtosis - 1) / n), and half that, relatively, for the standard deviation.
void expect_moments_match(const DelayModel& model, const SampleMoments& measured, double kurtosis) {
  ASSERT_TRUE(model.mean_picoseconds().has_value());
  ASSERT_TRUE(model.variance_picoseconds_squared().has_value());
  const double mean = *model.mean_picoseconds();
  const double stddev = std::sqrt(*model.variance_picoseconds_squared());
  const double n = static_cast<double>(measured.count);
  EXPECT_NEAR(measured.mean, mean, kStandardErrors * stddev / std::sqrt(n));
  EXPECT_NEAR(measured.stddev(), stddev,
              kStandardErrors * 0.5 * stddev * std::sqrt((kurtosis - 1.0) / n));
}

TEST(DelayModel, NoVariationIsExactlyTheFixedDelay) {
  const auto model = make_model({us(50), us(-3), NoDelayVariation{}});
  EXPECT_EQ(model.fixed_delay(), us(47));
  Random random(1);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(model.sample(random, at_us(i)), us(47));
  EXPECT_EQ(model.mean_picoseconds(), 47e6);
  EXPECT_EQ(model.variance_picoseconds_squared(), 0.0);
}

TEST(DelayModel, AsymmetryShiftsTheTwoDirectionsOppositely) {
  // IEEE 1588 delayAsymmetry of 2 us on a 10 us path.
  const auto master_to_slave = make_model({us(10), us(2), NoDelayVariation{}});
  const auto slave_to_master = make_model({us(10), us(-2), NoDelayVariation{}});
  EXPECT_EQ(master_to_slave.fixed_delay(), us(12));
  EXPECT_EQ(slave_to_master.fixed_delay(), us(8));
}

TEST(DelayModel, NormalMomentsMatchTheConfiguredNormal) {
  // Mean four standard deviations above zero: truncation moves the moments by under 1e-4 of
  // sigma, so the model's truth must be the plain normal's.
  const auto model = make_model({us(100), {}, NormalDelayVariation{us(20), us(5)}});
  EXPECT_NEAR(*model.mean_picoseconds(), 120e6, 1e-3 * 5e6);
  EXPECT_NEAR(std::sqrt(*model.variance_picoseconds_squared()), 5e6, 1e-3 * 5e6);
  expect_moments_match(model, sample_moments(model, 11), 3.0);
}

TEST(DelayModel, NormalWithZeroMeanIsAHalfNormal) {
  // Truncating N(0, sigma^2) at zero gives the half-normal: mean sigma sqrt(2/pi), variance
  // sigma^2 (1 - 2/pi), an independent check of the truncated-normal formulas.
  const double sigma = 4e6;
  const auto model = make_model({us(30), {}, NormalDelayVariation{us(0), us(4)}});
  EXPECT_NEAR(*model.mean_picoseconds(), 30e6 + sigma * 0.7978845608028654, 1.0);
  EXPECT_NEAR(*model.variance_picoseconds_squared(), sigma * sigma * 0.3633802276324186, 1e3);
  // The half-normal's kurtosis is about 3.87.
  const auto measured = sample_moments(model, 12);
  expect_moments_match(model, measured, 3.87);
  EXPECT_GE(measured.minimum, us(30));
}

TEST(DelayModel, ExponentialMomentsMatchTheConfiguredMean) {
  const auto model = make_model({us(5), {}, ExponentialDelayVariation{us(10)}});
  EXPECT_EQ(model.mean_picoseconds(), 15e6);
  EXPECT_EQ(model.variance_picoseconds_squared(), 1e14);
  expect_moments_match(model, sample_moments(model, 13), 9.0);
}

TEST(DelayModel, ParetoMomentsMatchTheClosedForm) {
  // shape 5, scale 2 us: mean 5 * 2 / 4 = 2.5 us; variance 2^2 * 5 / (4^2 * 3) us^2; kurtosis
  // 3 + 6 (a^3 + a^2 - 6a - 2) / (a (a - 3) (a - 4)) = 73.8.
  const auto model = make_model({us(1), {}, ParetoDelayVariation{us(2), 5.0}});
  EXPECT_NEAR(*model.mean_picoseconds(), 3.5e6, 1e-6);
  EXPECT_NEAR(*model.variance_picoseconds_squared(), 4e12 * 5.0 / 48.0, 1.0);
  expect_moments_match(model, sample_moments(model, 14), 73.8);
}

TEST(DelayModel, ParetoMomentsAreUndefinedWhereTheTailIsTooHeavy) {
  const auto mean_only = make_model({us(1), {}, ParetoDelayVariation{us(1), 1.5}});
  EXPECT_NEAR(*mean_only.mean_picoseconds(), 1e6 + 3e6, 1e-6);
  EXPECT_FALSE(mean_only.variance_picoseconds_squared().has_value());
  const auto neither = make_model({us(1), {}, ParetoDelayVariation{us(1), 1.0}});
  EXPECT_FALSE(neither.mean_picoseconds().has_value());
  EXPECT_FALSE(neither.variance_picoseconds_squared().has_value());
}

TEST(DelayModel, ParetoTailMatchesTheClosedForm) {
  // P(variation > x) = (scale / x)^shape, checked far out in a heavy tail (shape 1.5).
  const auto model = make_model({us(7), {}, ParetoDelayVariation{us(1), 1.5}});
  const std::vector<std::int64_t> thresholds_us = {2, 10, 100};
  std::vector<int> above(thresholds_us.size(), 0);
  Random random(15);
  for (int i = 0; i < kSamples; ++i) {
    const SimDuration variation = model.sample(random, at_us(i)) - us(7);
    for (std::size_t k = 0; k < thresholds_us.size(); ++k) {
      if (variation > us(thresholds_us[k])) ++above[k];
    }
  }
  for (std::size_t k = 0; k < thresholds_us.size(); ++k) {
    const double expected = std::pow(1.0 / static_cast<double>(thresholds_us[k]), 1.5);
    const double standard_error = std::sqrt(expected * (1.0 - expected) / kSamples);
    EXPECT_NEAR(above[k] / static_cast<double>(kSamples), expected,
                kStandardErrors * standard_error)
        << "threshold " << thresholds_us[k] << " us";
  }
}

TEST(DelayModel, NoDrawIsBelowTheFixedDelay) {
  const std::vector<DelayVariation> variations = {
      NormalDelayVariation{us(0), us(10)},  // half the normal's mass is below zero
      ExponentialDelayVariation{us(1)},
      ParetoDelayVariation{SimDuration::picoseconds(1), 0.5},
  };
  std::uint64_t seed = 20;
  for (const auto& variation : variations) {
    const auto model = make_model({us(40), us(-5), variation});
    EXPECT_GE(sample_moments(model, ++seed).minimum, us(35)) << "variation " << seed;
  }
}

TEST(DelayModel, HeavyTailDrawsAreClampedToTheModelledMaximum) {
  // Shape 0.05: most draws are astronomically large; none may overflow.
  const auto model = make_model({us(0), {}, ParetoDelayVariation{us(1), 0.05}});
  Random random(30);
  for (int i = 0; i < 10'000; ++i) {
    const SimDuration delay = model.sample(random, at_us(i));
    EXPECT_GE(delay, us(1));
    EXPECT_LE(delay, kMaxModelledDelay);
  }
}

TEST(DelayModel, SpikeAppliesOnlyInsideItsWindow) {
  auto spiked = make_model({us(10), {}, ExponentialDelayVariation{us(3)}});
  const auto baseline = spiked;
  ASSERT_TRUE(spiked.set_spike(at_us(100), at_us(200), us(500)));
  Random spiked_random(40);
  Random baseline_random(40);
  for (int i = 0; i < 300; ++i) {
    const SimDuration expected_extra = i >= 100 && i < 200 ? us(500) : SimDuration();
    EXPECT_EQ(spiked.sample(spiked_random, at_us(i)),
              baseline.sample(baseline_random, at_us(i)) + expected_extra)
        << "sent at " << i << " us";
  }
}

TEST(DelayModel, SpikeIsReplacedAndCleared) {
  auto model = make_model({us(10), {}, NoDelayVariation{}});
  Random random(41);
  ASSERT_TRUE(model.set_spike(at_us(0), at_us(10), us(1)));
  ASSERT_TRUE(model.set_spike(at_us(20), at_us(30), us(2)));
  EXPECT_EQ(model.sample(random, at_us(5)), us(10));
  EXPECT_EQ(model.sample(random, at_us(25)), us(12));
  model.clear_spike();
  EXPECT_EQ(model.sample(random, at_us(25)), us(10));
}

TEST(DelayModel, SameSeedSameDelaysDifferentSeedDifferentDelays) {
  const auto model = make_model({us(10), {}, NormalDelayVariation{us(5), us(5)}});
  Random first(50);
  Random second(50);
  Random other(51);
  int differing = 0;
  for (int i = 0; i < 1000; ++i) {
    const SimDuration delay = model.sample(first, at_us(i));
    EXPECT_EQ(model.sample(second, at_us(i)), delay);
    if (model.sample(other, at_us(i)) != delay) ++differing;
  }
  EXPECT_GT(differing, 990);
}

TEST(DelayModel, ValidationRejectsImpossibleConfigurations) {
  using Error = DelayConfigError;
  const auto error_of = [](const DelayModelConfig& config) {
    auto model = DelayModel::create(config);
    EXPECT_FALSE(model.has_value());
    return model.has_value() ? Error{} : model.error();
  };
  EXPECT_EQ(error_of({us(-1), {}, {}}), Error::kNegativePropagation);
  EXPECT_EQ(error_of({us(5), us(-6), {}}), Error::kNegativeFixedDelay);
  EXPECT_EQ(error_of({us(5), {}, NormalDelayVariation{us(-1), us(1)}}), Error::kNegativeMean);
  EXPECT_EQ(error_of({us(5), {}, NormalDelayVariation{us(1), us(-1)}}), Error::kNegativeStddev);
  EXPECT_EQ(error_of({us(5), {}, ExponentialDelayVariation{us(0)}}), Error::kNonPositiveMean);
  EXPECT_EQ(error_of({us(5), {}, ParetoDelayVariation{us(0), 2.0}}), Error::kNonPositiveScale);
  EXPECT_EQ(error_of({us(5), {}, ParetoDelayVariation{us(1), 0.0}}), Error::kNonPositiveShape);
  EXPECT_EQ(error_of({us(5), {}, ParetoDelayVariation{us(1), std::nan("")}}),
            Error::kNonPositiveShape);
  EXPECT_EQ(error_of({kMaxModelledDelay + us(1), {}, {}}), Error::kDelayTooLarge);
  EXPECT_EQ(error_of({us(5), {}, ExponentialDelayVariation{kMaxModelledDelay * 2}}),
            Error::kDelayTooLarge);
  EXPECT_FALSE(to_string(Error::kNonPositiveShape).empty());

  // The boundaries themselves are valid.
  EXPECT_TRUE(DelayModel::create({us(0), {}, NormalDelayVariation{us(0), us(0)}}));
  EXPECT_TRUE(DelayModel::create({us(5), us(-5), {}}));

  auto model = make_model({us(5), {}, {}});
  const auto empty_window = model.set_spike(at_us(10), at_us(10), us(1));
  ASSERT_FALSE(empty_window);
  EXPECT_EQ(empty_window.error(), Error::kEmptyWindow);
  const auto negative_spike = model.set_spike(at_us(10), at_us(20), us(-1));
  ASSERT_FALSE(negative_spike);
  EXPECT_EQ(negative_spike.error(), Error::kNegativeSpike);
}

TEST(FifoDelivery, NoPacketOvertakesTheOneBeforeIt) {
  FifoDelivery fifo;
  EXPECT_EQ(fifo.deliver(at_us(10)), at_us(10));
  EXPECT_EQ(fifo.deliver(at_us(8)), at_us(10));  // would have overtaken: waits
  EXPECT_EQ(fifo.deliver(at_us(12)), at_us(12));
  EXPECT_EQ(fifo.deliver(at_us(12)), at_us(12));
}

TEST(FifoDelivery, DeliversAtTheLaterOfItsOwnArrivalAndThePrevious) {
  const auto model = make_model({us(10), {}, ExponentialDelayVariation{us(50)}});
  Random random(60);
  FifoDelivery fifo;
  SimTime previous;
  for (int i = 0; i < 10'000; ++i) {
    const SimTime earliest = at_us(i) + model.sample(random, at_us(i));
    const SimTime delivery = fifo.deliver(earliest);
    const SimTime expected = i == 0 || earliest > previous ? earliest : previous;
    ASSERT_EQ(delivery, expected) << "packet " << i;
    previous = delivery;
  }
}

}  // namespace
}  // namespace ptp::sim
