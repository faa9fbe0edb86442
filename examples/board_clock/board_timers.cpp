// BoardAlarmTimers (board_hal.h): the core's timers on one hardware alarm. The alarm is always
// set to the earliest armed deadline; when it fires, every timer due by then fires in deadline
// order, and the alarm is set again.
#include "board_hal.h"

namespace board {

BoardAlarmTimers::BoardAlarmTimers(hal::Timers& alarm, hal::MonotonicCounter& counter)
    : alarm_(alarm), counter_(counter) {
  alarm_.set_listener(this);
}

BoardAlarmTimers::~BoardAlarmTimers() {
  alarm_.cancel(kAlarm);
  alarm_.set_listener(nullptr);
}

void BoardAlarmTimers::arm(hal::TimerId id, hal::CounterTicks deadline) {
  Slot* slot = find(id);  // re-arming replaces the deadline
  if (slot == nullptr) slot = find_free();
  if (slot == nullptr) {
    ++overflows_;
    return;
  }
  *slot = Slot{id, deadline, next_arm_++};
  program_alarm();
}

void BoardAlarmTimers::cancel(hal::TimerId id) {
  if (Slot* slot = find(id)) *slot = Slot{};
  program_alarm();
}

void BoardAlarmTimers::on_timer(hal::TimerId alarm) {
  (void)alarm;
  const hal::CounterTicks now = counter_.now();
  // Only timers armed before the alarm fired run in this pass: one re-armed from its own
  // callback for a past deadline fires on the next pass (the next turn of the loop), as the
  // Timers contract says, instead of looping here.
  const std::uint64_t pass = next_arm_;
  while (Slot* due = earliest(pass)) {
    if (due->deadline > now) break;
    const hal::TimerId id = due->id;
    *due = Slot{};  // before the callback: it may arm the same id again
    if (listener_ != nullptr) listener_->on_timer(id);
  }
  program_alarm();
}

BoardAlarmTimers::Slot* BoardAlarmTimers::find(hal::TimerId id) {
  for (Slot& slot : slots_) {
    if (slot.armed_at != 0 && slot.id == id) return &slot;
  }
  return nullptr;
}

BoardAlarmTimers::Slot* BoardAlarmTimers::find_free() {
  for (Slot& slot : slots_) {
    if (slot.armed_at == 0) return &slot;
  }
  return nullptr;
}

BoardAlarmTimers::Slot* BoardAlarmTimers::earliest(std::uint64_t before) {
  Slot* best = nullptr;
  for (Slot& slot : slots_) {
    if (slot.armed_at == 0 || slot.armed_at >= before) continue;
    if (best == nullptr || slot.deadline < best->deadline) best = &slot;
  }
  return best;
}

void BoardAlarmTimers::program_alarm() {
  if (const Slot* next = earliest(next_arm_)) {
    alarm_.arm(kAlarm, next->deadline);
  } else {
    alarm_.cancel(kAlarm);
  }
}

}  // namespace board
