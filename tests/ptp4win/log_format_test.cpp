// ptp4l's log lines against hand-written expected strings, the logging_level filter, the
// message_tag, and the summary statistics over summary_interval.
#include "ptp/ptp4win/log_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ptp/hal/ip_address.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/ptp4win/summary_statistics.h"

namespace ptp::ptp4win {
namespace {

const ClockIdentity kOwn{{0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55}};
const ClockIdentity kOther{{0xAA, 0xBB, 0xCC, 0xFF, 0xFE, 0xDD, 0xEE, 0x01}};

OffsetMeasured measurement(std::int64_t offset, std::int64_t delay, double frequency,
                           servo::ServoState state = servo::ServoState::kLocked) {
  OffsetMeasured result;
  result.offset_from_master = Nanoseconds(offset);
  result.mean_path_delay = Nanoseconds(delay);
  result.frequency_ppb = frequency;
  result.servo_state = state;
  return result;
}

TEST(Ptp4winLogFormat, PrefixIsProgramMonotonicSecondsAndTag) {
  EXPECT_EQ(format_log_line("ptp4win", Nanoseconds(12'345'678'901'234), "", "hello"),
            "ptp4win[12345.678]: hello");
  EXPECT_EQ(format_log_line("ptp4win", Nanoseconds(5'009'000'000), "[eth0]", "hello"),
            "ptp4win[5.009]: [eth0] hello");
  EXPECT_EQ(format_log_line("ptp4win", Nanoseconds(0), "", "x"), "ptp4win[0.000]: x");
}

TEST(Ptp4winLogFormat, StateChange) {
  EXPECT_EQ(format_state_change(1, StateChanged{PortState::kListening, PortState::kUncalibrated,
                                                PortEvent::kRsSlave}),
            "port 1: LISTENING to UNCALIBRATED on RS_SLAVE");
  EXPECT_EQ(format_state_change(1, StateChanged{PortState::kUncalibrated, PortState::kSlave,
                                                PortEvent::kMasterClockSelected}),
            "port 1: UNCALIBRATED to SLAVE on MASTER_CLOCK_SELECTED");
}

TEST(Ptp4winLogFormat, OffsetLinePaddedAsPtp4l) {
  EXPECT_EQ(format_offset(measurement(-23, 5678, 1234)),
            "master offset        -23 s2 freq   +1234 path delay      5678");
  EXPECT_EQ(format_offset(measurement(7, 0, -3.6, servo::ServoState::kUnlocked)),
            "master offset          7 s0 freq      -4 path delay         0");
  EXPECT_EQ(format_offset(measurement(1'234'567'890'123, 12, 0, servo::ServoState::kJump)),
            "master offset 1234567890123 s1 freq      +0 path delay        12");
}

TEST(Ptp4winLogFormat, BestMaster) {
  EXPECT_EQ(format_best_master(kOther, kOwn), "selected best master clock aabbcc.fffe.ddee01");
  EXPECT_EQ(format_best_master(kOwn, kOwn),
            "selected local clock 001122.fffe.334455 as best master");
}

TEST(Ptp4winLogFormat, UtcOffset) {
  TimePropertiesDataSet time;
  time.ptp_timescale = false;
  EXPECT_EQ(format_utc_offset(1, Nanoseconds(0), time),
            "port 1: no UTC offset applied to the system clock (ARB timescale)");
  time.ptp_timescale = true;
  time.current_utc_offset_valid = true;
  EXPECT_EQ(format_utc_offset(2, Nanoseconds(36 * kNanosecondsPerSecond), time),
            "port 2: UTC offset 36 s applied to the system clock (PTP timescale, "
            "currentUtcOffsetValid 1)");
  time.current_utc_offset_valid = false;
  EXPECT_EQ(format_utc_offset(1, Nanoseconds(37 * kNanosecondsPerSecond), time),
            "port 1: UTC offset 37 s applied to the system clock (PTP timescale, "
            "currentUtcOffsetValid 0)");
}

TEST(Ptp4winSummary, SampleCountFollowsPtp4l) {
  EXPECT_EQ(summary_sample_count(0, 0), 1U);
  EXPECT_EQ(summary_sample_count(0, 1), 1U);
  EXPECT_EQ(summary_sample_count(2, 0), 4U);
  EXPECT_EQ(summary_sample_count(0, -4), 16U);
  EXPECT_EQ(summary_sample_count(100, 0), 1U << 30);
}

TEST(Ptp4winSummary, StatisticsOverOneInterval) {
  SummaryAccumulator summary(4);
  EXPECT_FALSE(summary.add(measurement(10, 500, -1000)));
  EXPECT_FALSE(summary.add(measurement(-30, 510, -1010)));
  EXPECT_FALSE(summary.add(measurement(20, 490, -990)));
  const auto result = summary.add(measurement(0, 500, -1000));
  ASSERT_TRUE(result);
  EXPECT_DOUBLE_EQ(result->offset_rms_ns, std::sqrt((100.0 + 900.0 + 400.0) / 4.0));
  EXPECT_DOUBLE_EQ(result->offset_max_abs_ns, 30.0);
  EXPECT_DOUBLE_EQ(result->frequency_mean_ppb, -1000.0);
  EXPECT_NEAR(result->frequency_stddev_ppb, std::sqrt(50.0), 1e-9);
  EXPECT_DOUBLE_EQ(result->delay_mean_ns, 500.0);
  EXPECT_NEAR(result->delay_stddev_ns, std::sqrt(50.0), 1e-9);
  EXPECT_EQ(format_summary(*result), "rms   19 max   30 freq  -1000 +/-   7 delay   500 +/-   7");
  // The next interval starts from nothing.
  EXPECT_FALSE(summary.add(measurement(1, 1, 1)));
}

TEST(Ptp4winSummary, FormatMatchesPtp4l) {
  EXPECT_EQ(format_summary(SummaryStatistics{12, 30, -1234, 5, 567, 3}),
            "rms   12 max   30 freq  -1234 +/-   5 delay   567 +/-   3");
}

class Ptp4winLogger : public testing::Test {
 protected:
  Logger make(int level, std::string tag = "") {
    return Logger(
        LoggerConfig{"ptp4win", std::move(tag), level},
        [this](LogLevel, std::string_view line) { lines_.emplace_back(line); },
        [this] { return now_; });
  }
  std::vector<std::string> lines_;
  Nanoseconds now_{16'234'193'000'000};
};

TEST_F(Ptp4winLogger, LevelFilters) {
  const Logger logger = make(5);
  logger.log(LogLevel::kError, "e");
  logger.log(LogLevel::kNotice, "n");
  logger.log(LogLevel::kInfo, "i");
  logger.log(LogLevel::kDebug, "d");
  EXPECT_EQ(lines_, (std::vector<std::string>{"ptp4win[16234.193]: e", "ptp4win[16234.193]: n"}));
}

TEST_F(Ptp4winLogger, ObserverWritesPtp4lLines) {
  const Logger logger = make(6, "[lo]");
  PortLogObserver observer(logger, 1, kOwn, 1);
  observer.check_best_master(PortState::kListening, kOwn);  // no decision yet: nothing
  observer.on_state_changed(
      StateChanged{PortState::kListening, PortState::kUncalibrated, PortEvent::kRsSlave}, now_);
  observer.check_best_master(PortState::kUncalibrated, kOther);
  observer.check_best_master(PortState::kUncalibrated, kOther);  // unchanged: nothing
  observer.on_offset_measured(measurement(-23, 5678, 1234), now_);
  observer.on_state_changed(StateChanged{PortState::kListening, PortState::kMaster,
                                         PortEvent::kAnnounceReceiptTimeoutExpires},
                            now_);
  observer.check_best_master(PortState::kMaster, kOwn);
  EXPECT_EQ(lines_,
            (std::vector<std::string>{
                "ptp4win[16234.193]: [lo] port 1: LISTENING to UNCALIBRATED on RS_SLAVE",
                "ptp4win[16234.193]: [lo] selected best master clock aabbcc.fffe.ddee01",
                "ptp4win[16234.193]: [lo] master offset        -23 s2 freq   +1234 path delay "
                "     5678",
                "ptp4win[16234.193]: [lo] port 1: LISTENING to MASTER on "
                "ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES",
                "ptp4win[16234.193]: [lo] port 1: assuming the grand master role",
                "ptp4win[16234.193]: [lo] selected local clock 001122.fffe.334455 as best master",
            }));
}

TEST_F(Ptp4winLogger, ObserverPrintsSummariesWhenAsked) {
  const Logger logger = make(6);
  PortLogObserver observer(logger, 1, kOwn, 2);
  observer.on_offset_measured(measurement(10, 500, -1000), now_);
  EXPECT_TRUE(lines_.empty());
  observer.on_offset_measured(measurement(-10, 500, -1000), now_);
  EXPECT_EQ(lines_, (std::vector<std::string>{
                        "ptp4win[16234.193]: rms   10 max   10 freq  -1000 +/-   0 delay   500 "
                        "+/-   0"}));
}

TEST_F(Ptp4winLogger, ObserverLogsTheAppliedUtcOffsetAtInfo) {
  const Logger info = make(6);
  PortLogObserver observer(info, 1, kOwn, 1);
  TimePropertiesDataSet time;
  time.ptp_timescale = true;
  time.current_utc_offset_valid = true;
  observer.on_utc_offset_changed(Nanoseconds(37 * kNanosecondsPerSecond), time, now_);
  EXPECT_EQ(lines_, (std::vector<std::string>{
                        "ptp4win[16234.193]: port 1: UTC offset 37 s applied to the system clock "
                        "(PTP timescale, currentUtcOffsetValid 1)"}));
  lines_.clear();
  const Logger notice = make(5);
  PortLogObserver quiet(notice, 1, kOwn, 1);
  quiet.on_utc_offset_changed(Nanoseconds(0), TimePropertiesDataSet{}, now_);
  EXPECT_TRUE(lines_.empty());
}

TEST(Ptp4winLogFormat, PeerDelayRejected) {
  const PortIdentity peer{kOther, 2};
  EXPECT_EQ(format_peer_delay_rejected(1, {PeerDelayProblem::kSecondPeer, peer, std::nullopt}),
            "port 1: a second peer answered a peer delay request (from aabbcc.fffe.ddee01-2); "
            "further ones are counted only");
  EXPECT_EQ(format_peer_delay_rejected(
                1, {PeerDelayProblem::kNeighborDelayOutOfRange, peer, Nanoseconds(25'000'000)}),
            "port 1: neighbor delay outside min_neighbor_prop_delay..neighborPropDelayThresh "
            "(from aabbcc.fffe.ddee01-2, 25000000 ns); further ones are counted only");
}

TEST(Ptp4winLogFormat, UnicastNotice) {
  const PeerAddress master = hal::to_peer_address(hal::IpAddress::v4(10, 99, 0, 1));
  EXPECT_EQ(format_unicast_notice(
                1, {UnicastNoticeKind::kGrantRefused, master, UnicastService::kDelayResp}),
            "port 1: unicast master refused a request (peer 10.99.0.1, Delay_Resp); further ones "
            "are counted only");
  const auto v6 = hal::IpAddress::parse("fd00::2");
  ASSERT_TRUE(v6);
  EXPECT_EQ(format_unicast_notice(
                1, {UnicastNoticeKind::kGrantExpired, hal::to_peer_address(*v6), std::nullopt}),
            "port 1: unicast grant expired without renewal (peer fd00::2); further ones are "
            "counted only");
}

TEST_F(Ptp4winLogger, ObserverWarnsOfUnicastNotices) {
  const Logger warning = make(4);
  PortLogObserver observer(warning, 1, kOwn, 1);
  observer.on_unicast_notice(
      {UnicastNoticeKind::kMasterSilent, hal::to_peer_address(hal::IpAddress::v4(10, 20, 0, 11)),
       UnicastService::kAnnounce},
      now_);
  EXPECT_EQ(lines_, (std::vector<std::string>{
                        "ptp4win[16234.193]: port 1: unicast master does not grant Announce "
                        "(peer 10.20.0.11, Announce); further ones are counted only"}));
  // A warning: logging_level 3 (errors only) leaves it out.
  lines_.clear();
  const Logger errors_only = make(3);
  PortLogObserver quiet(errors_only, 1, kOwn, 1);
  quiet.on_unicast_notice({UnicastNoticeKind::kClientRefused, {}, UnicastService::kSync}, now_);
  EXPECT_TRUE(lines_.empty());
}

TEST_F(Ptp4winLogger, ObserverWarnsOfFailedCrossTimestampsAtPowersOfTwo) {
  const Logger warning = make(4);
  PortLogObserver observer(warning, 1, kOwn, 1);
  const hal::HalError gen_failure{hal::HalErrorCode::kOsError, 31};
  for (std::uint64_t failures = 1; failures <= 9; ++failures) {
    observer.on_cross_timestamp_capture_failed(gen_failure, failures, now_);
  }
  ASSERT_EQ(lines_.size(), 4U);  // the 1st, 2nd, 4th and 8th
  EXPECT_EQ(lines_[0],
            "ptp4win[16234.193]: port 1: cross-timestamp capture failed (operating system error, "
            "code 31): 1 so far; the correlation keeps its previous points");
  EXPECT_NE(lines_[1].find("): 2 so far"), std::string::npos);
  EXPECT_NE(lines_[2].find("): 4 so far"), std::string::npos);
  EXPECT_NE(lines_[3].find("): 8 so far"), std::string::npos);
  lines_.clear();
  const Logger errors_only = make(3);
  PortLogObserver quiet(errors_only, 1, kOwn, 1);
  quiet.on_cross_timestamp_capture_failed(gen_failure, 1, now_);
  EXPECT_TRUE(lines_.empty());
}

TEST_F(Ptp4winLogger, ObserverWarnsOfBadPeerDelayInput) {
  const Logger warning = make(4);
  PortLogObserver observer(warning, 1, kOwn, 1);
  observer.on_peer_delay_input_rejected(
      {PeerDelayProblem::kUnexpectedResponse, PortIdentity{kOther, 1}, std::nullopt}, now_);
  EXPECT_EQ(lines_,
            (std::vector<std::string>{
                "ptp4win[16234.193]: port 1: peer delay response for a request this port "
                "did not send (from aabbcc.fffe.ddee01-1); further ones are counted only"}));
}

TEST_F(Ptp4winLogger, InfoLinesHiddenBelowLevelSix) {
  const Logger logger = make(5);
  PortLogObserver observer(logger, 1, kOwn, 1);
  observer.on_offset_measured(measurement(1, 1, 1), now_);
  EXPECT_TRUE(lines_.empty());
}

}  // namespace
}  // namespace ptp::ptp4win
