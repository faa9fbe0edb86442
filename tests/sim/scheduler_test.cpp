// Unit tests of the discrete-event scheduler: time order across the whole SimTime range,
// insertion order among equal times (also across the renumbering of scheduling orders),
// cancellation (including of stale handles and from inside events), run_until's exact stop,
// errors for the past and for re-entry, callable lifetimes, and a long randomised workload run
// against a naive reference scheduler and fingerprinted for determinism.
#include "ptp/sim/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "ptp/sim/random.h"

namespace ptp::sim {

// Reaches the renumbering of 32-bit scheduling orders without scheduling 4 billion events.
struct SchedulerTestPeer {
  static void set_next_order(Scheduler& scheduler, std::uint32_t order) {
    scheduler.next_order_ = order;
  }
};

namespace {

SimTime at_ns(std::int64_t nanoseconds) {
  return SimTime::from_start(SimDuration::nanoseconds(nanoseconds));
}

struct Executed {
  SimTime time;
  int label;
  friend bool operator==(const Executed&, const Executed&) = default;
};

TEST(SchedulerTest, RunsEventsInTimeOrderAtTheirTimes) {
  Scheduler scheduler;
  std::vector<Executed> executed;
  for (int time_ns : {30, 10, 20}) {
    ASSERT_TRUE(scheduler.schedule_at(at_ns(time_ns), [&scheduler, &executed, time_ns] {
      executed.push_back({scheduler.now(), time_ns});
    }));
  }
  EXPECT_EQ(scheduler.pending_events(), 3U);
  ASSERT_TRUE(scheduler.run_until(at_ns(100)));
  EXPECT_EQ(executed, (std::vector<Executed>{{at_ns(10), 10}, {at_ns(20), 20}, {at_ns(30), 30}}));
  EXPECT_EQ(scheduler.executed_events(), 3U);
  EXPECT_EQ(scheduler.pending_events(), 0U);
}

TEST(SchedulerTest, EqualTimesRunInInsertionOrder) {
  Scheduler scheduler;
  std::vector<int> order;
  // Interleave two times so that ties are not simply contiguous insertions.
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        scheduler.schedule_at(at_ns(i % 2 == 0 ? 5 : 7), [&order, i] { order.push_back(i); }));
  }
  // An event scheduled at the current time from inside an event runs after everything already
  // due then.
  ASSERT_TRUE(scheduler.schedule_at(at_ns(5), [&scheduler, &order] {
    order.push_back(1000);
    ASSERT_TRUE(scheduler.schedule_at(scheduler.now(), [&order] { order.push_back(1001); }));
  }));
  ASSERT_TRUE(scheduler.run_until(at_ns(10)));

  std::vector<int> expected;
  for (int i = 0; i < 200; i += 2) expected.push_back(i);
  expected.push_back(1000);
  expected.push_back(1001);
  for (int i = 1; i < 200; i += 2) expected.push_back(i);
  EXPECT_EQ(order, expected);
}

TEST(SchedulerTest, OrdersTimesAcrossTheWholeRange) {
  Scheduler scheduler;
  const std::int64_t max_ps = std::numeric_limits<std::int64_t>::max();
  // Picosecond neighbours, unit (1024 ps) and digit (64-unit) boundaries, and the far ends.
  std::vector<std::int64_t> times_ps = {0,          1,         1023,
                                        1024,       1025,      65'535,
                                        65'536,     1'048'576, (1LL << 40) - 1,
                                        1LL << 40,  1LL << 52, (1LL << 62) + 7,
                                        max_ps - 1, max_ps};
  std::vector<std::int64_t> expected = times_ps;
  Random random(3);
  for (std::size_t i = times_ps.size(); i > 1; --i) {
    std::swap(times_ps[i - 1], times_ps[static_cast<std::size_t>(random.below(i))]);
  }
  std::vector<std::int64_t> ran_at_ps;
  for (std::int64_t time_ps : times_ps) {
    ASSERT_TRUE(scheduler.schedule_at(
        SimTime::from_start(SimDuration::picoseconds(time_ps)), [&scheduler, &ran_at_ps] {
          ran_at_ps.push_back(scheduler.now().since_start().picoseconds());
        }));
  }
  ASSERT_TRUE(scheduler.run_until(SimTime::from_start(SimDuration::picoseconds(max_ps))));
  EXPECT_EQ(ran_at_ps, expected);
}

TEST(SchedulerTest, EventsScheduledWhileTheNextIsFarAheadStillRunInOrder) {
  Scheduler scheduler;
  std::vector<int> order;
  auto push = [&order](int label) { return [&order, label] { order.push_back(label); }; };
  ASSERT_TRUE(scheduler.schedule_at(at_ns(1'000'000'000), push(1)));
  // Stopping short of the only event, which the scheduler has already looked ahead to.
  ASSERT_TRUE(scheduler.run_until(at_ns(1'000'000)));
  EXPECT_EQ(scheduler.next_event_time(), at_ns(1'000'000'000));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(2'000'000), push(2)));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(1'500'000), push(3)));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(1'000'000'000), push(4)));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(500'000'000), push(5)));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(1'000'000), push(6)));
  EXPECT_EQ(scheduler.next_event_time(), at_ns(1'000'000));
  ASSERT_TRUE(scheduler.run_until(at_ns(2'000'000'000)));
  EXPECT_EQ(order, (std::vector<int>{6, 3, 2, 5, 1, 4}));
}

TEST(SchedulerTest, KeepsInsertionOrderAcrossOrderRenumbering) {
  Scheduler scheduler;
  std::vector<int> order;
  std::vector<EventId> ids;
  ASSERT_TRUE(scheduler.schedule_at(at_ns(3), [&order] { order.push_back(-1); }));
  // The next orders are the last four of 32 bits: the tenth event below forces a renumbering.
  SchedulerTestPeer::set_next_order(scheduler, 0xFFFF'FFFF - 4);
  for (int i = 0; i < 20; ++i) {
    auto id = scheduler.schedule_at(at_ns(i % 2 == 0 ? 3 : 2), [&order, i] { order.push_back(i); });
    ASSERT_TRUE(id);
    ids.push_back(*id);
    // A stale entry to be dropped by the renumbering.
    if (i == 1) {
      ASSERT_TRUE(scheduler.cancel(*id));
    }
  }
  EXPECT_TRUE(scheduler.cancel(ids[2]));   // before the renumbering
  EXPECT_TRUE(scheduler.cancel(ids[19]));  // after it
  EXPECT_EQ(scheduler.pending_events(), 18U);
  ASSERT_TRUE(scheduler.run_until(at_ns(3)));
  EXPECT_EQ(order,
            (std::vector<int>{3, 5, 7, 9, 11, 13, 15, 17, -1, 0, 4, 6, 8, 10, 12, 14, 16, 18}));
}

TEST(SchedulerTest, ScheduleAfterCountsFromNow) {
  Scheduler scheduler;
  ASSERT_TRUE(scheduler.run_until(at_ns(1000)));
  std::optional<SimTime> ran_at;
  ASSERT_TRUE(
      scheduler.schedule_after(SimDuration::nanoseconds(250), [&] { ran_at = scheduler.now(); }));
  EXPECT_EQ(scheduler.next_event_time(), at_ns(1250));
  ASSERT_TRUE(scheduler.run_for(SimDuration::microseconds(1)));
  EXPECT_EQ(ran_at, at_ns(1250));
  EXPECT_EQ(scheduler.now(), at_ns(2000));
}

TEST(SchedulerTest, RunUntilStopsExactlyAtEnd) {
  Scheduler scheduler;
  std::vector<Executed> executed;
  auto record = [&scheduler, &executed](int label) {
    return [&scheduler, &executed, label] { executed.push_back({scheduler.now(), label}); };
  };
  ASSERT_TRUE(scheduler.schedule_at(at_ns(10), [&] {
    record(10)();
    // Scheduled while running, and still due before the end: runs in this call.
    ASSERT_TRUE(scheduler.schedule_at(at_ns(15), record(15)));
  }));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(20), [&] {
    record(20)();
    ASSERT_TRUE(scheduler.schedule_at(at_ns(20), record(2020)));  // due exactly at the end
  }));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(20) + SimDuration::picoseconds(1), record(21)));

  ASSERT_TRUE(scheduler.run_until(at_ns(20)));
  EXPECT_EQ(executed, (std::vector<Executed>{
                          {at_ns(10), 10}, {at_ns(15), 15}, {at_ns(20), 20}, {at_ns(20), 2020}}));
  EXPECT_EQ(scheduler.now(), at_ns(20));
  EXPECT_EQ(scheduler.pending_events(), 1U);
  EXPECT_EQ(scheduler.next_event_time(), at_ns(20) + SimDuration::picoseconds(1));

  // Running to the present again does nothing; with nothing due, time still advances to the end.
  ASSERT_TRUE(scheduler.run_until(at_ns(20)));
  EXPECT_EQ(executed.size(), 4U);
  ASSERT_TRUE(scheduler.run_for(SimDuration::seconds(1)));
  EXPECT_EQ(executed.size(), 5U);
  EXPECT_EQ(scheduler.now(), at_ns(20) + SimDuration::seconds(1));
  EXPECT_FALSE(scheduler.next_event_time().has_value());
}

TEST(SchedulerTest, StepRunsOneEventAtATime) {
  Scheduler scheduler;
  int runs = 0;
  ASSERT_TRUE(scheduler.schedule_at(at_ns(3), [&runs] { ++runs; }));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(8), [&runs] { ++runs; }));

  EXPECT_EQ(scheduler.step(), true);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(scheduler.now(), at_ns(3));
  EXPECT_EQ(scheduler.step(), true);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(scheduler.now(), at_ns(8));
  EXPECT_EQ(scheduler.step(), false);
  EXPECT_EQ(scheduler.now(), at_ns(8));
  EXPECT_EQ(scheduler.executed_events(), 2U);
}

TEST(SchedulerTest, RejectsThePastAndOutOfRangeTimes) {
  Scheduler scheduler;
  ASSERT_TRUE(scheduler.run_until(at_ns(100)));
  bool ran = false;
  auto mark = [&ran] { ran = true; };

  auto before_now = scheduler.schedule_at(at_ns(100) - SimDuration::picoseconds(1), mark);
  ASSERT_FALSE(before_now);
  EXPECT_EQ(before_now.error(), SchedulerError::kTimeInPast);
  auto negative_delay = scheduler.schedule_after(SimDuration::picoseconds(-1), mark);
  ASSERT_FALSE(negative_delay);
  EXPECT_EQ(negative_delay.error(), SchedulerError::kTimeInPast);
  auto too_far = scheduler.schedule_after(
      SimDuration::picoseconds(std::numeric_limits<std::int64_t>::max()), mark);
  ASSERT_FALSE(too_far);
  EXPECT_EQ(too_far.error(), SchedulerError::kTimeOutOfRange);
  EXPECT_EQ(scheduler.pending_events(), 0U);

  auto backwards = scheduler.run_until(at_ns(99));
  ASSERT_FALSE(backwards);
  EXPECT_EQ(backwards.error(), SchedulerError::kTimeInPast);
  auto backwards_for = scheduler.run_for(SimDuration::picoseconds(-1));
  ASSERT_FALSE(backwards_for);
  EXPECT_EQ(backwards_for.error(), SchedulerError::kTimeInPast);
  EXPECT_EQ(scheduler.now(), at_ns(100));

  // From inside an event too, and the present itself is fine.
  std::optional<SchedulerError> inner_error;
  ASSERT_TRUE(scheduler.schedule_at(at_ns(200), [&] {
    auto past = scheduler.schedule_at(at_ns(150), mark);
    if (!past) inner_error = past.error();
    ASSERT_TRUE(scheduler.schedule_at(scheduler.now(), [] {}));
  }));
  ASSERT_TRUE(scheduler.run_until(at_ns(300)));
  EXPECT_EQ(inner_error, SchedulerError::kTimeInPast);
  EXPECT_FALSE(ran);
  EXPECT_EQ(scheduler.executed_events(), 2U);
}

TEST(SchedulerTest, RejectsRunningFromInsideAnEvent) {
  Scheduler scheduler;
  std::optional<SchedulerError> run_error;
  std::optional<SchedulerError> step_error;
  ASSERT_TRUE(scheduler.schedule_at(at_ns(1), [&] {
    auto run = scheduler.run_until(at_ns(5));
    if (!run) run_error = run.error();
    auto step = scheduler.step();
    if (!step) step_error = step.error();
  }));
  ASSERT_TRUE(scheduler.schedule_at(at_ns(2), [] {}));
  ASSERT_TRUE(scheduler.run_until(at_ns(1)));
  EXPECT_EQ(run_error, SchedulerError::kAlreadyRunning);
  EXPECT_EQ(step_error, SchedulerError::kAlreadyRunning);
  EXPECT_EQ(scheduler.executed_events(), 1U);
  EXPECT_EQ(scheduler.now(), at_ns(1));
}

TEST(SchedulerTest, CancelledEventsDoNotRun) {
  Scheduler scheduler;
  std::vector<int> order;
  auto first = scheduler.schedule_at(at_ns(1), [&order] { order.push_back(1); });
  auto second = scheduler.schedule_at(at_ns(2), [&order] { order.push_back(2); });
  auto third = scheduler.schedule_at(at_ns(3), [&order] { order.push_back(3); });
  ASSERT_TRUE(first && second && third);

  EXPECT_TRUE(scheduler.is_pending(*first));
  EXPECT_TRUE(scheduler.cancel(*first));  // the earliest: the queue's front
  EXPECT_TRUE(scheduler.cancel(*second));
  EXPECT_FALSE(scheduler.is_pending(*first));
  EXPECT_FALSE(scheduler.cancel(*first));
  EXPECT_FALSE(scheduler.cancel(EventId{}));
  EXPECT_EQ(scheduler.pending_events(), 1U);
  EXPECT_EQ(scheduler.next_event_time(), at_ns(3));

  ASSERT_TRUE(scheduler.run_until(at_ns(10)));
  EXPECT_EQ(order, std::vector<int>{3});
  EXPECT_FALSE(scheduler.cancel(*third));  // already ran
}

TEST(SchedulerTest, NextEventTimeSkipsCancelledEvents) {
  Scheduler scheduler;
  auto soon = scheduler.schedule_at(at_ns(1'000), [] {});
  auto later = scheduler.schedule_at(at_ns(5'000), [] {});
  auto much_later = scheduler.schedule_at(at_ns(2'000'000'000), [] {});
  ASSERT_TRUE(soon && later && much_later);
  EXPECT_EQ(scheduler.next_event_time(), at_ns(1'000));
  ASSERT_TRUE(scheduler.cancel(*soon));
  EXPECT_EQ(scheduler.next_event_time(), at_ns(5'000));
  ASSERT_TRUE(scheduler.cancel(*later));
  EXPECT_EQ(scheduler.next_event_time(), at_ns(2'000'000'000));
  ASSERT_TRUE(scheduler.cancel(*much_later));
  EXPECT_EQ(scheduler.next_event_time(), std::nullopt);
  EXPECT_EQ(scheduler.pending_events(), 0U);
  EXPECT_EQ(scheduler.step(), false);
}

TEST(SchedulerTest, StaleIdDoesNotCancelTheEventReusingItsSlot) {
  Scheduler scheduler;
  bool reused_ran = false;
  auto cancelled = scheduler.schedule_at(at_ns(1), [] {});
  ASSERT_TRUE(cancelled);
  ASSERT_TRUE(scheduler.cancel(*cancelled));
  auto reused = scheduler.schedule_at(at_ns(1), [&reused_ran] { reused_ran = true; });
  ASSERT_TRUE(reused);
  EXPECT_NE(*reused, *cancelled);
  EXPECT_FALSE(scheduler.cancel(*cancelled));
  EXPECT_TRUE(scheduler.is_pending(*reused));
  ASSERT_TRUE(scheduler.run_until(at_ns(1)));
  EXPECT_TRUE(reused_ran);
}

TEST(SchedulerTest, EventsCanCancelOthersButNotThemselves) {
  Scheduler scheduler;
  std::vector<int> order;
  EventId victim;
  EventId self;
  std::optional<bool> cancelled_victim;
  std::optional<bool> cancelled_self;
  auto canceller = scheduler.schedule_at(at_ns(5), [&] {
    order.push_back(1);
    cancelled_victim = scheduler.cancel(victim);
    cancelled_self = scheduler.cancel(self);
  });
  auto scheduled_victim = scheduler.schedule_at(at_ns(5), [&order] { order.push_back(2); });
  ASSERT_TRUE(canceller && scheduled_victim);
  victim = *scheduled_victim;
  self = *canceller;
  ASSERT_TRUE(scheduler.run_until(at_ns(5)));
  EXPECT_EQ(order, std::vector<int>{1});
  EXPECT_EQ(cancelled_victim, true);
  EXPECT_EQ(cancelled_self, false);
}

TEST(SchedulerTest, MassCancellationKeepsExactlyTheSurvivorsInOrder) {
  Scheduler scheduler;
  Random random(7);
  constexpr int kEvents = 10'000;
  std::vector<EventId> ids;
  std::vector<SimTime> times;
  std::vector<int> executed;
  for (int i = 0; i < kEvents; ++i) {
    times.push_back(at_ns(static_cast<std::int64_t>(random.below(500))));
    auto id = scheduler.schedule_at(times.back(), [&executed, i] { executed.push_back(i); });
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  // Cancel all but every tenth, in a scrambled order (enough stale entries to force sweeps).
  std::vector<int> doomed;
  for (int i = 0; i < kEvents; ++i) {
    if (i % 10 != 0) doomed.push_back(i);
  }
  for (std::size_t i = doomed.size(); i > 1; --i) {
    std::swap(doomed[i - 1], doomed[static_cast<std::size_t>(random.below(i))]);
  }
  for (int i : doomed) ASSERT_TRUE(scheduler.cancel(ids[static_cast<std::size_t>(i)]));
  EXPECT_EQ(scheduler.pending_events(), static_cast<std::size_t>(kEvents / 10));

  ASSERT_TRUE(scheduler.run_until(at_ns(1000)));
  std::vector<int> expected;
  for (int i = 0; i < kEvents; i += 10) expected.push_back(i);
  std::stable_sort(expected.begin(), expected.end(), [&times](int a, int b) {
    return times[static_cast<std::size_t>(a)] < times[static_cast<std::size_t>(b)];
  });
  EXPECT_EQ(executed, expected);
}

// A callable with a non-trivial destructor: the token's use count shows live copies.
TEST(SchedulerTest, DestroysEachCallableExactlyOnce) {
  auto token = std::make_shared<int>(0);
  {
    Scheduler scheduler;
    ASSERT_TRUE(scheduler.schedule_at(at_ns(1), [token] { ++*token; }));
    auto cancelled = scheduler.schedule_at(at_ns(2), [token] { ++*token; });
    ASSERT_TRUE(cancelled);
    ASSERT_TRUE(scheduler.schedule_at(at_ns(3), [token] { ++*token; }));
    EXPECT_EQ(token.use_count(), 4);
    ASSERT_TRUE(scheduler.cancel(*cancelled));
    EXPECT_EQ(token.use_count(), 3);
    ASSERT_TRUE(scheduler.run_until(at_ns(1)));
    EXPECT_EQ(token.use_count(), 2);
    EXPECT_EQ(*token, 1);
  }  // the scheduler takes its last pending event with it
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_EQ(*token, 1);
}

TEST(SchedulerTest, TraceHookSeesEveryEventWithItsLabel) {
  Scheduler scheduler;
  std::vector<std::pair<SimTime, EventLabel>> trace;
  scheduler.set_trace_hook(
      [&trace](SimTime time, EventLabel label) { trace.emplace_back(time, label); });
  ASSERT_TRUE(scheduler.schedule_at(
      at_ns(2), [] {}, EventLabel{22}));
  ASSERT_TRUE(scheduler.schedule_at(
      at_ns(1), [] {}, EventLabel{11}));
  ASSERT_TRUE(scheduler.run_until(at_ns(2)));
  EXPECT_EQ(trace, (std::vector<std::pair<SimTime, EventLabel>>{{at_ns(1), EventLabel{11}},
                                                                {at_ns(2), EventLabel{22}}}));
  scheduler.set_trace_hook({});
  ASSERT_TRUE(scheduler.schedule_at(
      at_ns(3), [] {}, EventLabel{33}));
  ASSERT_TRUE(scheduler.run_until(at_ns(3)));
  EXPECT_EQ(trace.size(), 2U);
}

// --- A randomised workload, run on the real scheduler and on a naive reference. ---

// The obvious O(n) scheduler: the semantics the real one must reproduce.
class ReferenceScheduler {
 public:
  using Handle = std::uint64_t;
  static constexpr Handle kNoHandle = 0;

  template <class Workload>
  Handle schedule_at(SimTime at, std::uint64_t label, Workload* /*workload*/) {
    pending_.push_back(Pending{at, next_order_, label});
    return next_order_++;
  }
  bool cancel(Handle handle) {
    auto found = std::find_if(pending_.begin(), pending_.end(),
                              [handle](const Pending& p) { return p.order == handle; });
    if (found == pending_.end()) return false;
    pending_.erase(found);
    return true;
  }
  [[nodiscard]] SimTime now() const { return now_; }

  template <class Workload>
  void run_until(SimTime end, Workload* workload) {
    for (;;) {
      auto earliest = std::min_element(pending_.begin(), pending_.end(),
                                       [](const Pending& a, const Pending& b) {
                                         return a.at < b.at || (a.at == b.at && a.order < b.order);
                                       });
      if (earliest == pending_.end() || earliest->at > end) break;
      const Pending next = *earliest;
      pending_.erase(earliest);
      now_ = next.at;
      workload->on_event(next.label);
    }
    now_ = end;
  }

 private:
  struct Pending {
    SimTime at;
    std::uint64_t order;
    std::uint64_t label;
  };
  std::vector<Pending> pending_;
  std::uint64_t next_order_ = 1;
  SimTime now_;
};

// The real scheduler behind the same interface.
class RealScheduler {
 public:
  using Handle = EventId;
  static constexpr Handle kNoHandle{};

  template <class Workload>
  Handle schedule_at(SimTime at, std::uint64_t label, Workload* workload) {
    auto id = scheduler.schedule_at(
        at, [workload, label] { workload->on_event(label); }, EventLabel{label});
    EXPECT_TRUE(id);
    return id ? *id : EventId{};
  }
  bool cancel(Handle handle) { return scheduler.cancel(handle); }
  [[nodiscard]] SimTime now() const { return scheduler.now(); }
  template <class Workload>
  void run_until(SimTime end, Workload* /*workload*/) {
    ASSERT_TRUE(scheduler.run_until(end));
  }

  Scheduler scheduler;
};

// Nodes that tick at random intervals (mostly whole microseconds, zero included, so equal times
// are common; sometimes picoseconds or milliseconds apart), keep re-arming a long timeout
// (cancelling the previous one, as protocol timers do, which piles up stale entries) and send
// each other messages.
template <class Engine>
class Workload {
 public:
  enum Kind : std::uint64_t { kTick, kTimeout, kMessage, kKinds };
  static constexpr std::uint64_t kCancelRecord = 1ULL << 63U;

  Workload(Engine& engine, std::uint64_t seed, std::size_t nodes)
      : engine_(engine), random_(seed), timeouts_(nodes, Engine::kNoHandle) {}

  void start() {
    for (std::uint64_t node = 0; node < timeouts_.size(); ++node) {
      engine_.schedule_at(after_microseconds(random_.below(4)), label(node, kTick), this);
    }
  }

  void on_event(std::uint64_t event_label) {
    trace.emplace_back(engine_.now(), event_label);
    const std::uint64_t node = event_label / kKinds;
    if (event_label % kKinds != kTick) return;
    engine_.schedule_at(next_tick_time(), event_label, this);
    if (random_.bernoulli(0.5)) {
      Handle& timeout = timeouts_[static_cast<std::size_t>(node)];
      trace.emplace_back(engine_.now(), kCancelRecord | (engine_.cancel(timeout) ? 1U : 0U));
      timeout = engine_.schedule_at(after_microseconds(50 + random_.below(8)),
                                    label(node, kTimeout), this);
    }
    if (random_.bernoulli(0.25)) {
      engine_.schedule_at(after_microseconds(random_.below(3)),
                          label(random_.below(timeouts_.size()), kMessage), this);
    }
  }

  std::vector<std::pair<SimTime, std::uint64_t>> trace;

 private:
  using Handle = typename Engine::Handle;
  static std::uint64_t label(std::uint64_t node, Kind kind) { return node * kKinds + kind; }
  SimTime after_microseconds(std::uint64_t count) {
    return engine_.now() + SimDuration::microseconds(static_cast<std::int64_t>(count));
  }
  SimTime next_tick_time() {
    const std::uint64_t scale = random_.below(50);
    if (scale == 0) {
      return engine_.now() +
             SimDuration::picoseconds(static_cast<std::int64_t>(random_.below(3000)));
    }
    if (scale == 1) return after_microseconds(random_.below(100));
    return after_microseconds(random_.below(4));
  }

  Engine& engine_;
  Random random_;
  std::vector<Handle> timeouts_;
};

// Runs to `end` in uneven steps, so that runs often stop between events.
template <class Engine, class Workload>
void run_in_steps(Engine& engine, Workload& workload, SimTime end) {
  constexpr std::int64_t kSteps = 40;
  const std::int64_t end_ps = end.since_start().picoseconds();
  for (std::int64_t step = 1; step <= kSteps; ++step) {
    engine.run_until(
        SimTime::from_start(SimDuration::picoseconds(end_ps / (kSteps * kSteps) * step * step)),
        &workload);
  }
  engine.run_until(end, &workload);
}

TEST(SchedulerTest, MatchesTheReferenceOnARandomisedWorkload) {
  const SimTime end = at_ns(2'500'000);  // about 60k events
  RealScheduler real;
  Workload<RealScheduler> on_real(real, 42, 48);
  on_real.start();
  run_in_steps(real, on_real, end);

  ReferenceScheduler reference;
  Workload<ReferenceScheduler> on_reference(reference, 42, 48);
  on_reference.start();
  run_in_steps(reference, on_reference, end);

  ASSERT_GT(on_reference.trace.size(), 40'000U);
  const std::size_t common = std::min(on_real.trace.size(), on_reference.trace.size());
  for (std::size_t i = 0; i < common; ++i) {
    ASSERT_EQ(on_real.trace[i], on_reference.trace[i]) << "first divergence at entry " << i;
  }
  EXPECT_EQ(on_real.trace.size(), on_reference.trace.size());
  EXPECT_EQ(real.now(), end);
}

// FNV-1a over the trace hook's (time, label) stream.
std::uint64_t fingerprint_run(std::uint64_t seed) {
  RealScheduler real;
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  auto mix = [&hash](std::uint64_t word) {
    for (unsigned shift = 0; shift < 64; shift += 8) {
      hash = (hash ^ ((word >> shift) & 0xFFU)) * 0x100000001B3ULL;
    }
  };
  real.scheduler.set_trace_hook([&mix](SimTime time, EventLabel label) {
    mix(static_cast<std::uint64_t>(time.since_start().picoseconds()));
    mix(static_cast<std::uint64_t>(label));
  });
  Workload<RealScheduler> workload(real, seed, 64);
  workload.start();
  real.run_until(at_ns(1'000'000), &workload);
  mix(real.scheduler.executed_events());
  return hash;
}

TEST(SchedulerTest, SameSeedSameTraceDifferentSeedDifferentTrace) {
  const std::uint64_t first = fingerprint_run(1);
  EXPECT_EQ(fingerprint_run(1), first);
  EXPECT_NE(fingerprint_run(2), first);
}

}  // namespace
}  // namespace ptp::sim
