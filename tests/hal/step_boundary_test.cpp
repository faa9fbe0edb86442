// taken_before_step: telling a receive timestamp taken before a clock step from one taken after.
#include "ptp/hal/step_boundary.h"

#include <gtest/gtest.h>

namespace ptp::hal {
namespace {

constexpr Nanoseconds kBefore{1'000'000'000'000};
constexpr Nanoseconds kStepHostTime{5'000'000'000};

StepBoundary stepped_by(Nanoseconds offset) {
  return StepBoundary{kBefore, Nanoseconds(kBefore.count() + offset.count()), kStepHostTime};
}

Nanoseconds host_after(std::int64_t nanoseconds) {
  return Nanoseconds(kStepHostTime.count() + nanoseconds);
}

TEST(StepBoundaryTest, AForwardStepMarksEveryReadingUpToTheOldTime) {
  const StepBoundary step = stepped_by(Nanoseconds(100'000'000));
  // Queued 20 us before the step, handed over 5 us after it.
  EXPECT_TRUE(taken_before_step(step, Nanoseconds(kBefore.count() - 20'000), host_after(5'000)));
  EXPECT_TRUE(taken_before_step(step, kBefore, host_after(5'000)));
  // Taken 3 us after the step.
  EXPECT_FALSE(taken_before_step(step, Nanoseconds(step.after.count() + 3'000), host_after(5'000)));
}

TEST(StepBoundaryTest, ABackwardStepMarksReadingsBeyondWhatTheNewTimeCanHaveReached) {
  const StepBoundary step = stepped_by(Nanoseconds(-100'000'000));
  EXPECT_TRUE(taken_before_step(step, Nanoseconds(kBefore.count() - 20'000), host_after(5'000)));
  // Taken after the step: at most 5 us (and the frequency allowance) past the new time.
  EXPECT_FALSE(taken_before_step(step, step.after, host_after(5'000)));
  EXPECT_FALSE(taken_before_step(step, Nanoseconds(step.after.count() + 5'500), host_after(5'000)));
  EXPECT_TRUE(taken_before_step(step, Nanoseconds(step.after.count() + 7'000), host_after(5'000)));
}

TEST(StepBoundaryTest, ReadingsPastTheOldTimeAreAlwaysNew) {
  EXPECT_FALSE(taken_before_step(stepped_by(Nanoseconds(-100'000'000)),
                                 Nanoseconds(kBefore.count() + 1), host_after(5'000)));
  EXPECT_FALSE(taken_before_step(stepped_by(Nanoseconds(100'000'000)),
                                 Nanoseconds(kBefore.count() + 100'000'001), host_after(0)));
}

TEST(StepBoundaryTest, APacketQueuedAsLongAsABackwardStepCannotBeToldApart) {
  // 50 us back, the packet queued 48 us: its reading is where a new one would be; it is kept.
  const StepBoundary step = stepped_by(Nanoseconds(-50'000));
  EXPECT_FALSE(taken_before_step(step, Nanoseconds(kBefore.count() - 48'000), host_after(2'000)));
}

}  // namespace
}  // namespace ptp::hal
