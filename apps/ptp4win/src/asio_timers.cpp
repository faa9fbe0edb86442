// hal::Timers on Boost.Asio.
#include "ptp/ptp4win/asio_timers.h"

namespace ptp::ptp4win {

std::chrono::nanoseconds counter_distance(hal::CounterTicks now, hal::CounterTicks deadline,
                                          std::uint64_t frequency_hz) {
  if (deadline <= now || frequency_hz == 0) return std::chrono::nanoseconds(0);
  const auto ticks = static_cast<std::uint64_t>(deadline.count - now.count);
  const std::uint64_t whole_seconds = ticks / frequency_hz;
  const std::uint64_t rest = ticks % frequency_hz;
  // Rounded up, so that the wait never ends before the deadline's tick.
  const std::uint64_t rest_ns = (rest * 1'000'000'000ULL + frequency_hz - 1) / frequency_hz;
  return std::chrono::seconds(whole_seconds) +
         std::chrono::nanoseconds(static_cast<std::int64_t>(rest_ns));
}

void AsioTimers::arm(hal::TimerId id, hal::CounterTicks deadline) {
  Entry& entry = entries_[id.value];
  if (!entry.timer) entry.timer = std::make_unique<boost::asio::steady_timer>(io_);
  ++entry.generation;
  entry.armed = true;
  entry.deadline = deadline;
  wait(id.value, entry);
}

void AsioTimers::wait(std::uint32_t id, Entry& entry) {
  entry.timer->expires_after(
      counter_distance(counter_.now(), entry.deadline, counter_.frequency_hz()));
  entry.timer->async_wait(
      [this, id, generation = entry.generation](const boost::system::error_code& error) {
        if (error) return;
        auto found = entries_.find(id);
        if (found == entries_.end()) return;
        Entry& current = found->second;
        if (!current.armed || current.generation != generation) return;
        if (counter_.now() < current.deadline) {
          wait(id, current);  // woke early in the counter's domain
          return;
        }
        current.armed = false;
        if (listener_ != nullptr) listener_->on_timer(hal::TimerId{id});
        if (after_fire_) after_fire_();
      });
}

void AsioTimers::cancel(hal::TimerId id) {
  auto found = entries_.find(id.value);
  if (found == entries_.end()) return;
  found->second.armed = false;
  ++found->second.generation;
  found->second.timer->cancel();
}

void AsioTimers::cancel_all() {
  for (auto& [id, entry] : entries_) cancel(hal::TimerId{id});
}

}  // namespace ptp::ptp4win
