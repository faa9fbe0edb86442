// ptp4win --service without an SCM: the SERVICE_STATUS sequence a start, a run and a stop report,
// the control mapping (STOP/SHUTDOWN stop once, INTERROGATE re-reports, the rest is refused), exit
// codes, a failing SetServiceStatus, and a stop from another thread, as the SCM's handler thread
// sends it.
#include "ptp/ptp4win/service_status.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ptp/ptp4win/event_log.h"

namespace ptp::ptp4win {
namespace {

class Ptp4winService : public testing::Test {
 protected:
  ServiceStatusReporter reporter_{[this](const SERVICE_STATUS& status) {
    reported_.push_back(status);
    return set_succeeds_;
  }};
  std::vector<SERVICE_STATUS> reported_;
  bool set_succeeds_ = true;
  int stop_requests_ = 0;
  DWORD control(DWORD code) {
    return handle_service_control(code, reporter_, [this] { ++stop_requests_; });
  }
};

TEST_F(Ptp4winService, StartRunStopReportsTheScmSequence) {
  reporter_.start_pending();
  reporter_.start_pending();
  reporter_.running();
  EXPECT_EQ(control(SERVICE_CONTROL_STOP), static_cast<DWORD>(NO_ERROR));
  reporter_.stopped(0);

  ASSERT_EQ(reported_.size(), 5U);
  for (const SERVICE_STATUS& status : reported_) {
    EXPECT_EQ(status.dwServiceType, static_cast<DWORD>(SERVICE_WIN32_OWN_PROCESS));
  }
  EXPECT_EQ(reported_[0].dwCurrentState, static_cast<DWORD>(SERVICE_START_PENDING));
  EXPECT_EQ(reported_[0].dwCheckPoint, 1U);
  EXPECT_EQ(reported_[1].dwCheckPoint, 2U);  // progress, so the SCM does not call it hung
  EXPECT_EQ(reported_[1].dwWaitHint, kServiceStartWaitHintMs);
  EXPECT_EQ(reported_[1].dwControlsAccepted, 0U);

  EXPECT_EQ(reported_[2].dwCurrentState, static_cast<DWORD>(SERVICE_RUNNING));
  EXPECT_EQ(reported_[2].dwControlsAccepted,
            static_cast<DWORD>(SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN));
  EXPECT_EQ(reported_[2].dwCheckPoint, 0U);
  EXPECT_EQ(reported_[2].dwWaitHint, 0U);

  EXPECT_EQ(reported_[3].dwCurrentState, static_cast<DWORD>(SERVICE_STOP_PENDING));
  EXPECT_EQ(reported_[3].dwControlsAccepted, 0U);
  EXPECT_EQ(reported_[3].dwWaitHint, kServiceStopWaitHintMs);
  EXPECT_EQ(stop_requests_, 1);

  EXPECT_EQ(reported_[4].dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED));
  EXPECT_EQ(reported_[4].dwWin32ExitCode, static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(reported_[4].dwServiceSpecificExitCode, 0U);
}

TEST_F(Ptp4winService, ShutdownStopsLikeStop) {
  reporter_.start_pending();
  reporter_.running();
  EXPECT_EQ(control(SERVICE_CONTROL_SHUTDOWN), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(stop_requests_, 1);
  EXPECT_EQ(reporter_.current().dwCurrentState, static_cast<DWORD>(SERVICE_STOP_PENDING));
}

TEST_F(Ptp4winService, ASecondStopDoesNotStopAgain) {
  reporter_.start_pending();
  reporter_.running();
  (void)control(SERVICE_CONTROL_STOP);
  const std::size_t reports = reported_.size();
  EXPECT_EQ(control(SERVICE_CONTROL_STOP), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(control(SERVICE_CONTROL_SHUTDOWN), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(stop_requests_, 1);
  EXPECT_EQ(reported_.size(), reports);
  reporter_.stopped(0);
  EXPECT_EQ(control(SERVICE_CONTROL_STOP), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(stop_requests_, 1);
  EXPECT_EQ(reporter_.current().dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED));
}

TEST_F(Ptp4winService, InterrogateReportsTheCurrentStatusAgain) {
  reporter_.start_pending();
  reporter_.running();
  EXPECT_EQ(control(SERVICE_CONTROL_INTERROGATE), static_cast<DWORD>(NO_ERROR));
  ASSERT_EQ(reported_.size(), 3U);
  EXPECT_EQ(reported_[2].dwCurrentState, static_cast<DWORD>(SERVICE_RUNNING));
  EXPECT_EQ(stop_requests_, 0);
}

TEST_F(Ptp4winService, OtherControlsAreNotImplemented) {
  reporter_.start_pending();
  reporter_.running();
  for (const DWORD code :
       {DWORD{SERVICE_CONTROL_PAUSE}, DWORD{SERVICE_CONTROL_CONTINUE},
        DWORD{SERVICE_CONTROL_PARAMCHANGE}, DWORD{SERVICE_CONTROL_PRESHUTDOWN}, DWORD{200}}) {
    EXPECT_EQ(control(code), static_cast<DWORD>(ERROR_CALL_NOT_IMPLEMENTED)) << code;
  }
  EXPECT_EQ(stop_requests_, 0);
  EXPECT_EQ(reported_.size(), 2U);
  EXPECT_EQ(reporter_.current().dwCurrentState, static_cast<DWORD>(SERVICE_RUNNING));
}

TEST_F(Ptp4winService, AFailedStartStopsWithAServiceSpecificExitCode) {
  reporter_.start_pending();
  reporter_.stopped(1);  // the interface, configuration or HAL refused to start
  ASSERT_EQ(reported_.size(), 2U);
  EXPECT_EQ(reported_[1].dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED));
  EXPECT_EQ(reported_[1].dwWin32ExitCode, static_cast<DWORD>(ERROR_SERVICE_SPECIFIC_ERROR));
  EXPECT_EQ(reported_[1].dwServiceSpecificExitCode, 1U);
  // RUNNING can no longer be reported once stopped.
  reporter_.running();
  EXPECT_EQ(reported_.size(), 2U);
}

TEST_F(Ptp4winService, ExitCodes) {
  EXPECT_EQ(service_exit_codes(0).win32_exit_code, static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(service_exit_codes(0).service_specific_exit_code, 0U);
  EXPECT_EQ(service_exit_codes(2).win32_exit_code,
            static_cast<DWORD>(ERROR_SERVICE_SPECIFIC_ERROR));
  EXPECT_EQ(service_exit_codes(2).service_specific_exit_code, 2U);
}

TEST_F(Ptp4winService, StopBeforeRunningIsNotLostAndRunningIsNotReportedAfterIt) {
  // SHUTDOWN can race the start: the stop is requested, and the later "started" must not turn the
  // service back to RUNNING while it stops.
  reporter_.start_pending();
  EXPECT_EQ(control(SERVICE_CONTROL_SHUTDOWN), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(stop_requests_, 1);
  reporter_.running();
  EXPECT_EQ(reporter_.current().dwCurrentState, static_cast<DWORD>(SERVICE_STOP_PENDING));
}

TEST_F(Ptp4winService, FailedReportsAreCounted) {
  set_succeeds_ = false;
  reporter_.start_pending();
  reporter_.running();
  EXPECT_EQ(reporter_.failed_reports(), 2);
  EXPECT_EQ(reporter_.current().dwCurrentState, static_cast<DWORD>(SERVICE_RUNNING));
}

TEST_F(Ptp4winService, StopFromTheHandlerThreadWhileTheServiceThreadReports) {
  std::atomic<int> stops{0};
  ServiceStatusReporter reporter([](const SERVICE_STATUS&) { return true; });
  reporter.start_pending();
  reporter.running();
  std::thread handler([&] {
    for (int i = 0; i < 1000; ++i) {
      (void)handle_service_control(SERVICE_CONTROL_INTERROGATE, reporter, [] {});
    }
    (void)handle_service_control(SERVICE_CONTROL_STOP, reporter, [&] { ++stops; });
  });
  for (int i = 0; i < 1000; ++i) reporter.report_current();
  handler.join();
  reporter.stopped(0);
  EXPECT_EQ(stops.load(), 1);
  EXPECT_EQ(reporter.current().dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED));
}

TEST(Ptp4winEventLog, LevelsMapToEventTypes) {
  EXPECT_EQ(event_type_of(LogLevel::kError), EVENTLOG_ERROR_TYPE);
  EXPECT_EQ(event_type_of(LogLevel::kWarning), EVENTLOG_WARNING_TYPE);
  EXPECT_EQ(event_type_of(LogLevel::kNotice), EVENTLOG_INFORMATION_TYPE);
  EXPECT_EQ(event_type_of(LogLevel::kInfo), EVENTLOG_INFORMATION_TYPE);
  EXPECT_EQ(event_type_of(LogLevel::kDebug), EVENTLOG_INFORMATION_TYPE);
}

TEST(Ptp4winEventLog, WritesThroughTheEventLogApi) {
  // Wine implements the Event Log API (RegisterEventSource/ReportEvent); real Windows too.
  const auto log = EventLog::open(L"ptp4win-test");
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->write(LogLevel::kInfo, "ptp4win[1.000]: port 1: event log test \xc2\xb5s"));
}

}  // namespace
}  // namespace ptp::ptp4win
