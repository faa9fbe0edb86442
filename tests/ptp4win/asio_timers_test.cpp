// AsioTimers on a real io_context with a scripted counter: past deadlines fire on the next turn,
// a cancelled or re-armed timer never fires for its old deadline, a wake-up before the deadline
// in the counter's domain waits again, and the after-fire hook runs after each listener call.
#include "ptp/ptp4win/asio_timers.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <vector>

namespace ptp::ptp4win {
namespace {

class ScriptedCounter final : public hal::MonotonicCounter {
 public:
  hal::CounterTicks now() override {
    const hal::CounterTicks result{value};
    value += step;
    return result;
  }
  [[nodiscard]] std::uint64_t frequency_hz() const override { return 10'000'000; }
  std::int64_t value = 0;
  std::int64_t step = 0;
};

class Recorder final : public hal::TimerListener {
 public:
  void on_timer(hal::TimerId id) override { fired.push_back(id.value); }
  std::vector<std::uint32_t> fired;
};

TEST(Ptp4winAsioTimers, FiresCancelsAndReplaces) {
  boost::asio::io_context io;
  ScriptedCounter counter;
  counter.value = 1'000;
  Recorder recorder;
  int after = 0;
  AsioTimers timers(io, counter, [&after] { ++after; });
  timers.set_listener(&recorder);
  timers.arm(hal::TimerId{1}, hal::CounterTicks{10});
  timers.arm(hal::TimerId{2}, hal::CounterTicks{10});
  timers.cancel(hal::TimerId{2});
  timers.arm(hal::TimerId{3}, hal::CounterTicks{20});
  timers.arm(hal::TimerId{3}, hal::CounterTicks{30});  // replaces: fires once
  timers.cancel(hal::TimerId{4});                      // never armed: nothing
  (void)io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(recorder.fired, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(after, 2);
}

TEST(Ptp4winAsioTimers, WaitsAgainWhenWokenBeforeTheCounterDeadline) {
  boost::asio::io_context io;
  ScriptedCounter counter;
  counter.step = 1;  // each reading one tick (100 ns) later
  Recorder recorder;
  AsioTimers timers(io, counter, {});
  timers.set_listener(&recorder);
  timers.arm(hal::TimerId{7}, hal::CounterTicks{2});  // read at 0: wait 200 ns
  (void)io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(recorder.fired, (std::vector<std::uint32_t>{7}));
  EXPECT_GE(counter.value, 3);  // the handler read 1 (< 2: waited again), then at least 2
}

TEST(Ptp4winAsioTimers, CancelAllStopsEverything) {
  boost::asio::io_context io;
  ScriptedCounter counter;
  Recorder recorder;
  AsioTimers timers(io, counter, {});
  timers.set_listener(&recorder);
  timers.arm(hal::TimerId{1}, hal::CounterTicks{10'000'000'000});  // 1000 s ahead
  timers.arm(hal::TimerId{2}, hal::CounterTicks{0});
  timers.cancel_all();
  (void)io.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(recorder.fired.empty());
}

}  // namespace
}  // namespace ptp::ptp4win
