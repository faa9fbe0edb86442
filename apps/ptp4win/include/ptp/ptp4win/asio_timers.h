// hal::Timers on Boost.Asio steady_timers, in the monotonic counter's domain: a deadline is a
// counter reading (QPC ticks); the wait is the distance from the counter's now, and a timer that
// wakes before its deadline (steady_clock and QPC may round differently) waits the rest. A
// cancelled or re-armed timer never fires for its old deadline (generation check).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "ptp/hal/clocks.h"
#include "ptp/hal/timers.h"
#include "ptp/nanoseconds.h"
#include "ptp/ptp4win/log_format.h"  // counter_time, used with these timers

namespace ptp::ptp4win {

// The wait from `now` to `deadline` at `frequency_hz`, never negative, overflow-safe.
std::chrono::nanoseconds counter_distance(hal::CounterTicks now, hal::CounterTicks deadline,
                                          std::uint64_t frequency_hz);

class AsioTimers final : public hal::Timers {
 public:
  // `after_fire` runs after every listener call (the app polls TX timestamps there).
  AsioTimers(boost::asio::io_context& io, hal::MonotonicCounter& counter,
             std::function<void()> after_fire)
      : io_(io), counter_(counter), after_fire_(std::move(after_fire)) {}

  void set_listener(hal::TimerListener* listener) override { listener_ = listener; }
  void arm(hal::TimerId id, hal::CounterTicks deadline) override;
  void cancel(hal::TimerId id) override;
  void cancel_all();

 private:
  struct Entry {
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::uint64_t generation = 0;
    bool armed = false;
    hal::CounterTicks deadline;
  };
  void wait(std::uint32_t id, Entry& entry);

  boost::asio::io_context& io_;
  hal::MonotonicCounter& counter_;
  std::function<void()> after_fire_;
  hal::TimerListener* listener_ = nullptr;
  std::map<std::uint32_t, Entry> entries_;
};

}  // namespace ptp::ptp4win
