// ptpsim's node log (apps/ptpsim/src/node_log.h): the UTC offset a library node applies to its
// system clock is logged as ptp4win logs it, both when called directly and in a run where the
// grandmaster announces another offset than the slave's own utc_offset; failed cross-timestamp
// captures are thinned out as ptp4win thins them.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "node_log.h"
#include "ptp/ptpsim/scenario_parser.h"
#include "run.h"

namespace ptp::ptpsim {
namespace {

TEST(PtpsimNodeLog, WritesTheUtcOffsetLineOfPtp4win) {
  sim::Scheduler scheduler;
  std::ostringstream out;
  NodeLog log(scheduler, "oc-sw", &out);
  TimePropertiesDataSet ptp;
  ptp.ptp_timescale = true;
  ptp.current_utc_offset = 38;
  ptp.current_utc_offset_valid = true;
  log.on_utc_offset_changed(Nanoseconds(38 * kNanosecondsPerSecond), ptp, Nanoseconds(0));
  log.on_utc_offset_changed(Nanoseconds(0), TimePropertiesDataSet{}, Nanoseconds(0));
  EXPECT_EQ(out.str(),
            "ptpsim[0.000]: oc-sw port 1: UTC offset 38 s applied to the system clock (PTP "
            "timescale, currentUtcOffsetValid 1)\n"
            "ptpsim[0.000]: oc-sw port 1: no UTC offset applied to the system clock (ARB "
            "timescale)\n");
}

TEST(PtpsimNodeLog, WritesFailedCrossTimestampCapturesAtPowersOfTwo) {
  sim::Scheduler scheduler;
  std::ostringstream out;
  NodeLog log(scheduler, "oc-win", &out);
  const hal::HalError unavailable{hal::HalErrorCode::kUnavailable, 0};
  for (std::uint64_t failures = 1; failures <= 5; ++failures) {
    log.on_cross_timestamp_capture_failed(unavailable, failures, Nanoseconds(0));
  }
  EXPECT_EQ(out.str(),
            "ptpsim[0.000]: oc-win port 1: cross-timestamp capture failed (unavailable, code 0): "
            "1 so far; the correlation keeps its previous points\n"
            "ptpsim[0.000]: oc-win port 1: cross-timestamp capture failed (unavailable, code 0): "
            "2 so far; the correlation keeps its previous points\n"
            "ptpsim[0.000]: oc-win port 1: cross-timestamp capture failed (unavailable, code 0): "
            "4 so far; the correlation keeps its previous points\n");
}

TEST(PtpsimNodeLog, WritesNothingWithoutAStream) {
  sim::Scheduler scheduler;
  NodeLog log(scheduler, "oc-sw", nullptr);
  log.on_utc_offset_changed(Nanoseconds(0), TimePropertiesDataSet{}, Nanoseconds(0));
  EXPECT_TRUE(log.transitions().empty());
}

// A grandmaster that announces 38 s (valid): the software-timestamp slave, configured with
// ptp4l's default 37 s, follows what is announced and says so once.
TEST(PtpsimNodeLog, ARunLogsTheOffsetTheSlaveTakesFromItsMaster) {
  const auto scenario = parse_scenario(R"(
[run]
duration = "30 s"
seed = 5

[[node]]
name = "gm"
timestamping = "hardware"
options = { priority1 = 10, utc_offset = 38 }
time_properties = { current_utc_offset_valid = true }

[[node]]
name = "oc-sw"
timestamping = "software"
options = { slaveOnly = 1 }

[[link]]
a = "gm"
b = "oc-sw"
propagation = "500 ns"
)",
                                       "utc_offset.toml");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().message();
  std::ostringstream log;
  RunOptions options;
  options.log = &log;
  const auto report = run_scenario(*scenario, options);
  ASSERT_TRUE(report.has_value()) << report.error();
  const std::string lines = log.str();
  const std::string expected =
      "oc-sw port 1: UTC offset 38 s applied to the system clock (PTP timescale, "
      "currentUtcOffsetValid 1)\n";
  const auto first = lines.find(expected);
  ASSERT_NE(first, std::string::npos) << lines.substr(0, 2000);
  EXPECT_EQ(lines.find(expected, first + 1), std::string::npos) << "logged more than once";
}

}  // namespace
}  // namespace ptp::ptpsim
