// Tests of the data set comparison algorithm: every box and exit of 1588-2019 Figures 34 and 35.
#include "ptp/core/data_set_comparison.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "test_data_sets.h"

namespace ptp {
namespace {

using test::announce;
using test::clock_id;
using test::port_id;
using R = ComparisonResult;

R mirrored(R result) {
  switch (result) {
    case R::kABetter: return R::kBBetter;
    case R::kBBetter: return R::kABetter;
    case R::kABetterByTopology: return R::kBBetterByTopology;
    case R::kBBetterByTopology: return R::kABetterByTopology;
    case R::kError1:
    case R::kError2: return result;
  }
  return result;
}

// Figure 34, field by field: A wins the field under test and loses every field after it, so only
// that box can decide. B's grandmaster identity is lower, so the final tie-break favours B.
struct Figure34Field {
  std::string box;
  std::function<void(AnnounceDataSet& better, AnnounceDataSet& worse)> make_a_better;
};

class Figure34 : public testing::TestWithParam<Figure34Field> {};

TEST_P(Figure34, LowerValueWinsThisBoxBeforeLaterOnes) {
  AnnounceDataSet a = announce(0x20, 0x20, 0);
  AnnounceDataSet b = announce(0x10, 0x10, 0);
  // Later boxes all favour B...
  a.grandmaster_priority1 = 100;
  b.grandmaster_priority1 = 100;
  a.grandmaster_clock_quality = {100, ClockAccuracy::kWithin1us, 100};
  b.grandmaster_clock_quality = {100, ClockAccuracy::kWithin1us, 100};
  a.grandmaster_priority2 = 100;
  b.grandmaster_priority2 = 100;
  const std::vector<std::function<void()>> later_boxes_favour_b = {
      [&] { b.grandmaster_priority1 = 99; },
      [&] { b.grandmaster_clock_quality.clock_class = 99; },
      [&] { b.grandmaster_clock_quality.clock_accuracy = ClockAccuracy::kWithin250ns; },
      [&] { b.grandmaster_clock_quality.offset_scaled_log_variance = 99; },
      [&] { b.grandmaster_priority2 = 99; },
  };
  const std::vector<std::string> boxes = {"priority1", "clockClass", "clockAccuracy",
                                          "offsetScaledLogVariance", "priority2"};
  bool after = false;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    if (after) later_boxes_favour_b[i]();
    if (boxes[i] == GetParam().box) after = true;
  }
  // ...and the box under test favours A (which overrides the value set above for that box).
  GetParam().make_a_better(a, b);
  EXPECT_EQ(compare_data_sets(a, b), R::kABetter);
  EXPECT_EQ(compare_data_sets(b, a), R::kBBetter);
}

INSTANTIATE_TEST_SUITE_P(
    Boxes, Figure34,
    testing::Values(Figure34Field{"priority1",
                                  [](AnnounceDataSet& a, AnnounceDataSet& b) {
                                    a.grandmaster_priority1 = 1;
                                    b.grandmaster_priority1 = 2;
                                  }},
                    Figure34Field{"clockClass",
                                  [](AnnounceDataSet& a, AnnounceDataSet& b) {
                                    a.grandmaster_clock_quality.clock_class = 6;
                                    b.grandmaster_clock_quality.clock_class = 7;
                                  }},
                    Figure34Field{"clockAccuracy",
                                  [](AnnounceDataSet& a, AnnounceDataSet& b) {
                                    a.grandmaster_clock_quality.clock_accuracy =
                                        ClockAccuracy::kWithin25ns;
                                    b.grandmaster_clock_quality.clock_accuracy =
                                        ClockAccuracy::kWithin100ns;
                                  }},
                    Figure34Field{"offsetScaledLogVariance",
                                  [](AnnounceDataSet& a, AnnounceDataSet& b) {
                                    a.grandmaster_clock_quality.offset_scaled_log_variance = 0x4E5D;
                                    b.grandmaster_clock_quality.offset_scaled_log_variance = 0x4E5E;
                                  }},
                    Figure34Field{"priority2",
                                  [](AnnounceDataSet& a, AnnounceDataSet& b) {
                                    a.grandmaster_priority2 = 127;
                                    b.grandmaster_priority2 = 128;
                                  }},
                    Figure34Field{"identity",
                                  [](AnnounceDataSet& a, AnnounceDataSet& b) {
                                    a.grandmaster_identity = clock_id(0x01);
                                    b.grandmaster_identity = clock_id(0x02);
                                  }}),
    [](const testing::TestParamInfo<Figure34Field>& param_info) { return param_info.param.box; });

TEST(Figure34, GrandmasterIdentityTieBreakComparesOctetsInOrder) {
  AnnounceDataSet a = announce(0x10, 0x30, 0);
  AnnounceDataSet b = announce(0x10, 0x31, 0);
  a.grandmaster_identity.octets = {0, 0, 0, 0, 0, 0, 1, 0xFF};
  b.grandmaster_identity.octets = {0, 0, 0, 0, 0, 0, 2, 0x00};
  EXPECT_EQ(compare_data_sets(a, b), R::kABetter);
  EXPECT_EQ(compare_data_sets(b, a), R::kBBetter);
}

TEST(Figure34, DifferentGrandmastersIgnoreTopology) {
  // A has the better grandmaster and a much longer path: the path does not matter.
  AnnounceDataSet a = announce(0x10, 0x90, 200);
  AnnounceDataSet b = announce(0x11, 0x01, 0);
  EXPECT_EQ(compare_data_sets(a, b), R::kABetter);
}

// ---- Figure 35: same grandmaster -----------------------------------------------------------

TEST(Figure35, StepsRemovedDifferingByMoreThanOneFewerIsBetter) {
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x20, 0), announce(0x10, 0x30, 2)), R::kABetter);
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x20, 5), announce(0x10, 0x30, 3)), R::kBBetter);
  // Extremes do not wrap around.
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x20, 0xFFFF), announce(0x10, 0x30, 0)), R::kBBetter);
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x20, 0), announce(0x10, 0x30, 0xFFFF)), R::kABetter);
  // Better, not better by topology, however the identities compare.
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x90, 1), announce(0x10, 0x01, 3)), R::kABetter);
}

TEST(Figure35, AOneStepFartherComparesReceiverOfAWithSenderOfA) {
  // A = B + 1. Receiver of A is port 0x50/1.
  const AnnounceDataSet b = announce(0x10, 0x20, 3);
  AnnounceDataSet a = announce(0x10, 0x60, 4);  // receiver 0x50 < sender 0x60
  EXPECT_EQ(compare_data_sets(a, b), R::kBBetter);
  EXPECT_EQ(compare_data_sets(b, a), R::kABetter);
  a.sender = port_id(0x40, 7);  // receiver 0x50 > sender 0x40
  EXPECT_EQ(compare_data_sets(a, b), R::kBBetterByTopology);
  EXPECT_EQ(compare_data_sets(b, a), R::kABetterByTopology);
  a.sender = a.receiver;  // receiver = sender
  EXPECT_EQ(compare_data_sets(a, b), R::kError1);
  EXPECT_EQ(compare_data_sets(b, a), R::kError1);
}

TEST(Figure35, ReceiverAndSenderComparedAsPortIdentities) {
  // Same clock identity on both ends: the port numbers decide.
  const AnnounceDataSet b = announce(0x10, 0x20, 0);
  AnnounceDataSet a = announce(0x10, 0x50, 1);
  a.receiver = port_id(0x50, 1);
  a.sender = port_id(0x50, 2);  // receiver < sender
  EXPECT_EQ(compare_data_sets(a, b), R::kBBetter);
  a.sender = port_id(0x50, 0);  // receiver > sender
  EXPECT_EQ(compare_data_sets(a, b), R::kBBetterByTopology);
}

TEST(Figure35, BOneStepFartherComparesReceiverOfBWithSenderOfB) {
  // A + 1 = B; this time it is B's receiver and sender that matter, not A's.
  AnnounceDataSet a = announce(0x10, 0x20, 3);
  a.sender = a.receiver;  // would be error-1 if A's pair were looked at
  AnnounceDataSet b = announce(0x10, 0x60, 4);
  EXPECT_EQ(compare_data_sets(a, b), R::kABetter);  // receiver of B < sender of B
  b.sender = port_id(0x40, 1);
  EXPECT_EQ(compare_data_sets(a, b), R::kABetterByTopology);  // receiver of B > sender of B
  b.sender = b.receiver;
  EXPECT_EQ(compare_data_sets(a, b), R::kError1);
}

TEST(Figure35, EqualStepsRemovedComparesSenders) {
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x20, 2), announce(0x10, 0x30, 2)),
            R::kABetterByTopology);
  EXPECT_EQ(compare_data_sets(announce(0x10, 0x30, 2), announce(0x10, 0x20, 2)),
            R::kBBetterByTopology);
  // Two ports of one sender clock: the sender port numbers decide.
  AnnounceDataSet a = announce(0x10, 0x20, 2);
  AnnounceDataSet b = announce(0x10, 0x20, 2);
  a.sender.port_number = 3;
  b.sender.port_number = 2;
  a.receiver.port_number = 1;  // receivers would favour A: not looked at
  b.receiver.port_number = 9;
  EXPECT_EQ(compare_data_sets(a, b), R::kBBetterByTopology);
}

TEST(Figure35, SameSenderComparesReceiverPortNumbersThenIsError2) {
  AnnounceDataSet a = announce(0x10, 0x20, 2);
  AnnounceDataSet b = announce(0x10, 0x20, 2);
  a.receiver.port_number = 1;
  b.receiver.port_number = 2;
  EXPECT_EQ(compare_data_sets(a, b), R::kABetterByTopology);
  EXPECT_EQ(compare_data_sets(b, a), R::kBBetterByTopology);
  b.receiver.port_number = 1;
  EXPECT_EQ(compare_data_sets(a, b), R::kError2);
  // Only the receivers' port numbers are compared, not their clock identities.
  b.receiver.clock_identity = clock_id(0x51);
  EXPECT_EQ(compare_data_sets(a, b), R::kError2);
}

TEST(Figure35, GrandmasterQualityIsNotLookedAtForTheSameGrandmaster) {
  // A copy of the grandmaster's data with a different priority1 (stale Announce) still goes by
  // topology.
  AnnounceDataSet a = announce(0x10, 0x20, 1);
  AnnounceDataSet b = announce(0x10, 0x30, 1);
  b.grandmaster_priority1 = 0;
  EXPECT_EQ(compare_data_sets(a, b), R::kABetterByTopology);
}

TEST(DataSetComparison, IsAntisymmetric) {
  std::vector<AnnounceDataSet> sets;
  const std::uint8_t grandmasters[] = {0x10, 0x11};
  const std::uint16_t steps_removed[] = {0, 1, 2, 4};
  const std::uint8_t senders[] = {0x40, 0x50, 0x60};
  const std::uint16_t receiver_ports[] = {1, 2};
  for (const std::uint8_t gm : grandmasters) {
    for (const std::uint16_t steps : steps_removed) {
      for (const std::uint8_t sender : senders) {
        AnnounceDataSet data = announce(gm, sender, steps);
        for (const std::uint16_t rx_port : receiver_ports) {
          data.receiver.port_number = rx_port;
          sets.push_back(data);
        }
      }
    }
  }
  for (const auto& a : sets) {
    for (const auto& b : sets) {
      EXPECT_EQ(compare_data_sets(b, a), mirrored(compare_data_sets(a, b)));
    }
  }
}

TEST(DataSetComparison, D0IsThisClockAsGrandmasterAtZeroSteps) {
  DefaultDataSet ds;
  ds.clock_identity = clock_id(0x42);
  ds.priority1 = 7;
  ds.priority2 = 9;
  ds.clock_quality = {6, ClockAccuracy::kWithin100ns, 0x1234};
  const AnnounceDataSet d0 = d0_data_set(ds);
  EXPECT_EQ(d0.grandmaster_identity, ds.clock_identity);
  EXPECT_EQ(d0.grandmaster_priority1, 7);
  EXPECT_EQ(d0.grandmaster_priority2, 9);
  EXPECT_EQ(d0.grandmaster_clock_quality, ds.clock_quality);
  EXPECT_EQ(d0.steps_removed, 0);
  EXPECT_EQ(d0.sender, port_id(0x42, 0));
  EXPECT_EQ(d0.receiver, port_id(0x42, 0));
}

TEST(DataSetComparison, NamesEveryResult) {
  EXPECT_EQ(to_string(R::kABetter), "A better than B");
  EXPECT_EQ(to_string(R::kBBetterByTopology), "B better by topology than A");
  EXPECT_EQ(to_string(R::kError1), "error-1");
  EXPECT_EQ(to_string(R::kError2), "error-2");
  EXPECT_TRUE(a_better_or_better_by_topology(R::kABetter));
  EXPECT_TRUE(a_better_or_better_by_topology(R::kABetterByTopology));
  for (const R r : {R::kBBetter, R::kBBetterByTopology, R::kError1, R::kError2}) {
    EXPECT_FALSE(a_better_or_better_by_topology(r));
  }
}

}  // namespace
}  // namespace ptp
