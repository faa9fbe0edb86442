// Tests of LinkDirection, the combined per-packet link model: duplication and reordering
// rates against their configured probabilities, in-order links never reordering, counters
// adding up, fault windows changing only the packets they cover, determinism, validation, and
// no heap allocation per packet.
#include "ptp/sim/link_impairments.h"
#include "heap_allocation_counter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

namespace ptp::sim {
namespace {

constexpr double kStandardErrors = 5.0;

SimDuration us(std::int64_t count) { return SimDuration::microseconds(count); }
SimTime at_us(std::int64_t count) { return SimTime::from_start(us(count)); }

LinkDirection make_link(const LinkDirectionConfig& config, std::uint64_t seed) {
  auto link = LinkDirection::create(config, Random(seed));
  EXPECT_TRUE(link.has_value()) << to_string(link.error());
  return *link;
}

// One packet per microsecond.
std::vector<Deliveries> run(LinkDirection& link, int packets) {
  std::vector<Deliveries> outcomes;
  outcomes.reserve(static_cast<std::size_t>(packets));
  for (int i = 0; i < packets; ++i) outcomes.push_back(link.transmit(at_us(i)));
  return outcomes;
}

bool same_outcome(const Deliveries& a, const Deliveries& b) {
  if (a.count != b.count || a.loss != b.loss || a.duplicated != b.duplicated ||
      a.held_back != b.held_back) {
    return false;
  }
  for (std::size_t i = 0; i < a.count; ++i) {
    if (a.times[i] != b.times[i]) return false;
  }
  return true;
}

double binomial_tolerance(double p, int trials) {
  return kStandardErrors * std::sqrt(p * (1.0 - p) / trials);
}

// A link with every impairment on, for the tests of the whole pipeline.
LinkDirectionConfig everything_config() {
  LinkDirectionConfig config;
  config.delay = {us(20), {}, ExponentialDelayVariation{us(5)}};
  config.loss = GilbertElliottLoss{0.02, 0.2, 0.01, 0.6};
  config.impairments = {0.05, 0.05, us(30)};
  config.in_order = false;
  return config;
}

TEST(LinkDirection, DuplicatesAtTheConfiguredRateEachWithItsOwnDelay) {
  const double p = 0.05;
  const int packets = 200'000;
  LinkDirectionConfig config;
  config.delay = {us(10), {}, ExponentialDelayVariation{us(2)}};
  config.impairments.duplicate_probability = p;
  config.in_order = false;  // an in-order link would hold an early copy back to its original
  auto link = make_link(config, 1);
  int duplicates_at_other_times = 0;
  for (int i = 0; i < packets; ++i) {
    const Deliveries outcome = link.transmit(at_us(i));
    ASSERT_EQ(outcome.count, outcome.duplicated ? 2U : 1U);
    for (const SimTime delivery : outcome.delivery_times()) EXPECT_GE(delivery, at_us(i + 10));
    if (outcome.duplicated && outcome.times[0] != outcome.times[1]) ++duplicates_at_other_times;
  }
  const LinkCounters& counters = link.counters();
  EXPECT_EQ(counters.sent, static_cast<std::uint64_t>(packets));
  EXPECT_EQ(counters.delivered, counters.sent + counters.duplicated);
  EXPECT_NEAR(static_cast<double>(counters.duplicated) / packets, p,
              binomial_tolerance(p, packets));
  // Own delay draws: with a continuous variation a copy practically never arrives with its
  // original.
  EXPECT_GT(static_cast<double>(duplicates_at_other_times),
            0.99 * static_cast<double>(counters.duplicated));
}

TEST(LinkDirection, HoldsBackAtTheConfiguredRateAndLaterPacketsOvertake) {
  const double p = 0.1;
  const int packets = 200'000;
  LinkDirectionConfig config;
  config.delay = {us(50), {}, NoDelayVariation{}};
  config.impairments = {0.0, p, us(10)};
  config.in_order = false;
  auto link = make_link(config, 2);
  const auto outcomes = run(link, packets);

  int overtaken = 0;
  for (int i = 0; i < packets; ++i) {
    const Deliveries& outcome = outcomes[static_cast<std::size_t>(i)];
    ASSERT_EQ(outcome.count, 1U);
    EXPECT_EQ(outcome.times[0], at_us(i + (outcome.held_back ? 60 : 50)));
    if (outcome.held_back && i + 1 < packets &&
        outcomes[static_cast<std::size_t>(i) + 1].times[0] < outcome.times[0]) {
      ++overtaken;
    }
  }
  const auto reordered = link.counters().reordered;
  EXPECT_NEAR(static_cast<double>(reordered) / packets, p, binomial_tolerance(p, packets));
  // A packet held back by 10 us is overtaken by the next one unless that is held back too.
  EXPECT_NEAR(overtaken / static_cast<double>(reordered), 1.0 - p,
              binomial_tolerance(p, static_cast<int>(reordered)));
}

TEST(LinkDirection, InOrderLinkDeliversInSendOrder) {
  // Delay variation far larger than the send interval: without the in-order rule most packets
  // would be reordered. With it, each delivery is the running maximum of the unconstrained
  // ones (the same seed gives the same draws).
  LinkDirectionConfig config;
  config.delay = {us(10), {}, ExponentialDelayVariation{us(100)}};
  config.impairments.duplicate_probability = 0.1;
  config.in_order = false;
  auto unordered_link = make_link(config, 3);
  config.in_order = true;
  auto ordered_link = make_link(config, 3);

  SimTime previous;
  SimTime running_maximum;
  int inversions_without_rule = 0;
  for (int i = 0; i < 20'000; ++i) {
    const Deliveries ordered = ordered_link.transmit(at_us(i));
    const Deliveries unordered = unordered_link.transmit(at_us(i));
    ASSERT_EQ(ordered.count, unordered.count);
    for (std::size_t k = 0; k < ordered.count; ++k) {
      if (unordered.times[k] < running_maximum) ++inversions_without_rule;
      if (unordered.times[k] > running_maximum) running_maximum = unordered.times[k];
      EXPECT_EQ(ordered.times[k], running_maximum);
      EXPECT_GE(ordered.times[k], previous);
      previous = ordered.times[k];
    }
  }
  EXPECT_GT(inversions_without_rule, 10'000);
}

TEST(LinkDirection, CountersAddUpByReason) {
  auto link = make_link(everything_config(), 4);
  ASSERT_TRUE(link.loss_model().add_link_down(at_us(1000), at_us(2000)));
  ASSERT_TRUE(link.loss_model().add_loss_burst(at_us(3000), at_us(3500)));
  const auto outcomes = run(link, 10'000);

  LinkCounters expected;
  for (const Deliveries& outcome : outcomes) {
    ++expected.sent;
    expected.delivered += outcome.count;
    if (outcome.loss == LossCause::kRandomLoss) ++expected.dropped_random_loss;
    if (outcome.loss == LossCause::kLossBurst) ++expected.dropped_loss_burst;
    if (outcome.loss == LossCause::kLinkDown) ++expected.dropped_link_down;
    if (outcome.duplicated) ++expected.duplicated;
    if (outcome.held_back) ++expected.reordered;
    EXPECT_EQ(outcome.count == 0, outcome.loss != LossCause::kNone);
  }
  const LinkCounters& counters = link.counters();
  EXPECT_EQ(counters.sent, expected.sent);
  EXPECT_EQ(counters.delivered, expected.delivered);
  EXPECT_EQ(counters.dropped_link_down, 1000U);
  EXPECT_EQ(counters.dropped_loss_burst, 500U);
  EXPECT_EQ(counters.dropped_random_loss, expected.dropped_random_loss);
  EXPECT_EQ(counters.duplicated, expected.duplicated);
  EXPECT_EQ(counters.reordered, expected.reordered);
  EXPECT_EQ(counters.dropped(), counters.sent - counters.delivered + counters.duplicated);
  // Random loss in the 8500 packets outside the windows is at the chain's long-run rate. Its
  // relative standard error, from the spread over 200 runs with other seeds, is 8.2%.
  const double rate = link.loss_model().long_run_loss_rate();
  EXPECT_NEAR(static_cast<double>(counters.dropped_random_loss) / 8500.0, rate,
              kStandardErrors * 0.082 * rate);
}

TEST(LinkDirection, FaultWindowsChangeOnlyThePacketsTheyCover) {
  auto baseline = make_link(everything_config(), 5);
  auto faulty = make_link(everything_config(), 5);
  ASSERT_TRUE(faulty.loss_model().add_link_down(at_us(2000), at_us(3000)));
  ASSERT_TRUE(faulty.delay_model().set_spike(at_us(5000), at_us(6000), us(100)));
  const auto expected = run(baseline, 10'000);
  const auto actual = run(faulty, 10'000);
  for (int i = 0; i < 10'000; ++i) {
    const auto index = static_cast<std::size_t>(i);
    if (i >= 2000 && i < 3000) {
      EXPECT_EQ(actual[index].loss, LossCause::kLinkDown) << "packet " << i;
      EXPECT_EQ(actual[index].count, 0U);
    } else if (i >= 5000 && i < 6000) {
      ASSERT_EQ(actual[index].count, expected[index].count) << "packet " << i;
      for (std::size_t k = 0; k < actual[index].count; ++k) {
        EXPECT_EQ(actual[index].times[k], expected[index].times[k] + us(100)) << "packet " << i;
      }
    } else {
      EXPECT_TRUE(same_outcome(actual[index], expected[index])) << "packet " << i;
    }
  }
}

TEST(LinkDirection, ChangingTheDelayModelLeavesTheOtherDecisionsAlone) {
  // The truncated normal makes a varying number of draws per packet; on a shared stream that
  // would shift every later loss, duplication and hold-back decision.
  auto exponential = make_link(everything_config(), 10);
  auto changed = everything_config();
  changed.delay.variation = NormalDelayVariation{us(0), us(5)};
  auto normal = make_link(changed, 10);
  int different_times = 0;
  for (int i = 0; i < 10'000; ++i) {
    const Deliveries a = exponential.transmit(at_us(i));
    const Deliveries b = normal.transmit(at_us(i));
    ASSERT_EQ(a.loss, b.loss) << "packet " << i;
    ASSERT_EQ(a.duplicated, b.duplicated) << "packet " << i;
    ASSERT_EQ(a.held_back, b.held_back) << "packet " << i;
    if (a.count > 0 && a.times[0] != b.times[0]) ++different_times;
  }
  EXPECT_GT(different_times, 8000);
}

TEST(LinkDirection, SameSeedSameOutcomesDifferentSeedDifferentOutcomes) {
  auto first = make_link(everything_config(), 6);
  auto second = make_link(everything_config(), 6);
  auto other = make_link(everything_config(), 7);
  int differing = 0;
  for (int i = 0; i < 10'000; ++i) {
    const Deliveries outcome = first.transmit(at_us(i));
    EXPECT_TRUE(same_outcome(second.transmit(at_us(i)), outcome)) << "packet " << i;
    if (!same_outcome(other.transmit(at_us(i)), outcome)) ++differing;
  }
  EXPECT_GT(differing, 9000);
}

TEST(LinkDirection, TransmittingNeverAllocates) {
  auto link = make_link(everything_config(), 8);
  ASSERT_TRUE(link.loss_model().add_link_down(at_us(100), at_us(200)));
  ASSERT_TRUE(link.delay_model().set_spike(at_us(300), at_us(400), us(5)));
  std::uint64_t delivered = 0;
  const std::uint64_t allocations_before = ptp::test::heap_allocations();
  for (int i = 0; i < 10'000; ++i) delivered += link.transmit(at_us(i)).count;
  EXPECT_EQ(ptp::test::heap_allocations(), allocations_before);
  EXPECT_GT(delivered, 0U);
}

TEST(LinkDirection, ValidationReportsTheFaultyPart) {
  const auto error_of = [](const LinkDirectionConfig& config) {
    auto link = LinkDirection::create(config, Random(9));
    EXPECT_FALSE(link.has_value());
    return link.has_value() ? LinkConfigError{} : link.error();
  };
  using Impairment = ImpairmentConfigError;
  auto config = everything_config();
  config.delay.propagation = us(-1);
  EXPECT_EQ(error_of(config), LinkConfigError(DelayConfigError::kNegativePropagation));
  config = everything_config();
  config.loss = BernoulliLoss{2.0};
  EXPECT_EQ(error_of(config), LinkConfigError(LossConfigError::kProbabilityOutOfRange));
  config = everything_config();
  config.impairments.duplicate_probability = -0.5;
  EXPECT_EQ(error_of(config), LinkConfigError(Impairment::kProbabilityOutOfRange));
  config = everything_config();
  config.impairments.reorder_probability = std::nan("");
  EXPECT_EQ(error_of(config), LinkConfigError(Impairment::kProbabilityOutOfRange));
  config = everything_config();
  config.impairments.reorder_hold_back = us(-1);
  EXPECT_EQ(error_of(config), LinkConfigError(Impairment::kNegativeHoldBack));
  config = everything_config();
  config.impairments.reorder_hold_back = kMaxModelledDelay + us(1);
  EXPECT_EQ(error_of(config), LinkConfigError(Impairment::kHoldBackTooLarge));
  config = everything_config();
  config.in_order = true;
  EXPECT_EQ(error_of(config), LinkConfigError(Impairment::kReorderOnInOrderLink));
  EXPECT_EQ(to_string(LinkConfigError(Impairment::kReorderOnInOrderLink)),
            to_string(Impairment::kReorderOnInOrderLink));

  config.impairments.reorder_probability = 0.0;
  EXPECT_TRUE(LinkDirection::create(config, Random(9)));
}

}  // namespace
}  // namespace ptp::sim
