// The default-servo bar on made-up results: the worst slave's sync time against 1.2 x the
// baseline's, its RMS against the baseline's, and a failed check_sync above both.
#include "conformance_bar.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace ptp::conformance {
namespace {

// One run whose slaves synced at `sync_s` (nullopt: never) with `rms_ns` each.
CaseResult run(const std::string& servo, std::vector<std::optional<double>> sync_s,
               std::vector<double> rms_ns, bool failed = false) {
  CaseResult result;
  result.servo_name = servo;
  for (std::size_t i = 0; i < sync_s.size(); ++i) {
    NodeVerdict node;
    node.name = "slave-" + std::to_string(i + 1);
    node.figures.sync_time_s = sync_s[i];
    node.figures.rms_offset_ns = rms_ns[i];
    if (failed && i == 0) node.violations.emplace_back("made up");
    result.nodes.push_back(node);
  }
  return result;
}

TEST(ConformanceBar, JudgesTheWorstSlaveAgainstTheBaseline) {
  const CaseResult pi = run("pi", {20.0, 25.0}, {100, 120});
  // 1.2 x 25 s = 30 s is still in time; the worst RMS (120 ns) is the baseline's bound.
  EXPECT_EQ(judge_bar(pi, run("envelope", {30.0, 12.0}, {120, 30})), BarStatus::kMet);
  EXPECT_EQ(judge_bar(pi, run("envelope", {31.0, 12.0}, {30, 30})), BarStatus::kLaterSync);
  EXPECT_EQ(judge_bar(pi, run("envelope", {12.0, 12.0}, {30, 121})), BarStatus::kMoreRms);
  EXPECT_EQ(judge_bar(pi, run("envelope", {12.0, 40.0}, {30, 130})),
            BarStatus::kLaterSyncAndMoreRms);
  // A slave that never syncs is later than any sync time; a failed check_sync is a failure
  // whatever the figures.
  EXPECT_EQ(judge_bar(pi, run("envelope", {12.0, std::nullopt}, {30, 30})), BarStatus::kLaterSync);
  EXPECT_EQ(judge_bar(pi, run("envelope", {12.0, 12.0}, {30, 30}, true)), BarStatus::kFailed);
}

TEST(ConformanceBar, ABaselineThatNeverSyncsBoundsNoSyncTime) {
  const CaseResult pi = run("pi", {20.0, std::nullopt}, {100, 120});
  EXPECT_EQ(judge_bar(pi, run("envelope", {500.0, 900.0}, {90, 90})), BarStatus::kMet);
  EXPECT_EQ(to_string(BarStatus::kLaterSyncAndMoreRms), "s+r");
}

}  // namespace
}  // namespace ptp::conformance
