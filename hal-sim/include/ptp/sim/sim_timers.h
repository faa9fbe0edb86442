// hal::Timers on the discrete-event scheduler. Deadlines are in the host's counter domain, so a
// timer fires when the host's own (drifting) counter reaches the deadline, not at a true time.
#pragma once

#include <map>

#include "ptp/hal/timers.h"
#include "ptp/sim/scheduler.h"
#include "ptp/sim/sim_clocks.h"

namespace ptp::sim {

class SimTimers final : public hal::Timers {
 public:
  SimTimers(Scheduler& scheduler, Oscillator& host_crystal, SimMonotonicCounter& counter);
  ~SimTimers() override;
  SimTimers(const SimTimers&) = delete;
  SimTimers& operator=(const SimTimers&) = delete;
  SimTimers(SimTimers&&) = delete;
  SimTimers& operator=(SimTimers&&) = delete;

  void set_listener(hal::TimerListener* listener) override { listener_ = listener; }
  void arm(hal::TimerId id, hal::CounterTicks deadline) override;
  void cancel(hal::TimerId id) override;

 private:
  struct Armed {
    hal::CounterTicks deadline;
    EventId event;
  };
  void schedule(hal::TimerId id, Armed& armed);
  void on_event(hal::TimerId id);

  Scheduler& scheduler_;
  Oscillator& crystal_;
  SimMonotonicCounter& counter_;
  hal::TimerListener* listener_ = nullptr;
  std::map<hal::TimerId, Armed> armed_;
};

}  // namespace ptp::sim
