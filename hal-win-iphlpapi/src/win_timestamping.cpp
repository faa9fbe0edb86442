// IP Helper timestamping of one interface, with the hand-over of the OS's change notification
// from its system thread to the application's loop.
#include "ptp/win/win_timestamping.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <utility>

#include "ptp/win/capability_mapping.h"

namespace ptp::win {

// Everything the loop thread owns. Posted tasks reach it through a weak_ptr, so a task that runs
// after the interface is gone finds nothing to do.
struct WinTimestampingInterface::State {
  const WinApi& api;
  std::uint64_t luid;
  LogSink log;
  std::optional<hal::InterfaceTimestampCapabilities> capabilities;
  hal::HalError error;
  std::uint64_t generation = 0;
  struct Subscription {
    std::uint32_t id;
    hal::CapabilityChangeListener* listener;
  };
  std::vector<Subscription> subscriptions;
  std::uint32_t next_subscription = 1;

  void read() {
    auto result = read_interface_capabilities(api, luid);
    if (result) {
      capabilities = *result;
    } else {
      capabilities.reset();
      error = result.error();
    }
  }

  void handle_change() {
    read();
    ++generation;
    // A listener may unsubscribe (itself or another) from its callback: walk a copy, and skip
    // whoever left meanwhile, so that no call reaches a listener after its unsubscribe.
    const std::vector<Subscription> listeners = subscriptions;
    for (const Subscription& s : listeners) {
      const bool still = std::any_of(subscriptions.begin(), subscriptions.end(),
                                     [&](const Subscription& x) { return x.id == s.id; });
      if (still) s.listener->on_capabilities_changed();
    }
  }
};

// What the OS callback sees (its context pointer). It only posts: no HAL state is touched off the
// loop thread. `pending` coalesces a burst of notifications into one posted task.
struct WinTimestampingInterface::Relay : std::enable_shared_from_this<Relay> {
  PostToLoop post;
  std::weak_ptr<State> state;
  std::atomic<bool> pending{false};

  void notify() {
    if (pending.exchange(true)) return;
    post([relay = shared_from_this()] {
      // Cleared before the re-read, so a change during it posts again rather than being lost.
      relay->pending.store(false);
      if (const auto s = relay->state.lock()) s->handle_change();
    });
  }
};

void CALLBACK WinTimestampingInterface::on_config_change(PVOID context) {
  static_cast<Relay*>(context)->notify();
}

WinTimestampingInterface::WinTimestampingInterface(const WinApi& api, std::uint64_t luid,
                                                   PostToLoop post, LogSink log)
    : api_(api),
      state_(std::make_shared<State>(State{api, luid, std::move(log), std::nullopt, {}, 0, {}, 1})),
      relay_(std::make_shared<Relay>()) {
  relay_->post = std::move(post);
  relay_->state = state_;
  state_->read();
  auto say = [this](LogLevel level, const std::string& text) {
    if (state_->log) state_->log(level, text);
  };
  if (!api_.register_interface_timestamp_config_change) {
    say(LogLevel::kInfo,
        "timestamp configuration change notification not available on this Windows");
    return;
  }
  const DWORD result =
      api_.register_interface_timestamp_config_change(&on_config_change, relay_.get(), &handle_);
  if (result != NO_ERROR) {
    handle_ = nullptr;
    say(LogLevel::kWarning, "RegisterInterfaceTimestampConfigChange failed with " +
                                std::to_string(result) +
                                ": timestamp configuration changes will go unnoticed");
  }
}

WinTimestampingInterface::~WinTimestampingInterface() {
  // Unregistering waits for a callback in progress (as IP Helper's other Cancel/Unregister
  // functions do), so the relay is not used by the OS after this line.
  if (handle_ != nullptr) api_.unregister_interface_timestamp_config_change(handle_);
}

Result<hal::InterfaceTimestampCapabilities, hal::HalError>
WinTimestampingInterface::capabilities() {
  if (state_->capabilities) return *state_->capabilities;
  return unexpected(state_->error);
}

Result<hal::CrossTimestamp, hal::HalError> WinTimestampingInterface::capture_cross_timestamp() {
  if (!api_.capture_interface_hardware_cross_timestamp || !state_->capabilities ||
      !state_->capabilities->active.supports_cross_timestamp) {
    return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, 0});
  }
  NET_LUID luid{};
  luid.Value = state_->luid;
  IfHardwareCrossTimestamp sample{};
  const DWORD result = api_.capture_interface_hardware_cross_timestamp(&luid, &sample);
  if (result != NO_ERROR) return unexpected(ip_helper_error(result));
  return hal::CrossTimestamp{
      hal::CounterTicks{static_cast<std::int64_t>(sample.system_timestamp_1)},
      hal::NicTicks{sample.hardware_clock_timestamp},
      hal::CounterTicks{static_cast<std::int64_t>(sample.system_timestamp_2)}};
}

Result<hal::SubscriptionId, hal::HalError> WinTimestampingInterface::subscribe(
    hal::CapabilityChangeListener& listener) {
  const std::uint32_t id = state_->next_subscription++;
  state_->subscriptions.push_back(State::Subscription{id, &listener});
  return hal::SubscriptionId{id};
}

void WinTimestampingInterface::unsubscribe(hal::SubscriptionId id) {
  std::erase_if(state_->subscriptions,
                [&](const State::Subscription& s) { return s.id == id.value; });
}

hal::TimestampSource WinTimestampingInterface::selected_source(hal::AddressFamily family) const {
  if (!state_->capabilities) return hal::TimestampSource::kNone;
  return hal::select_timestamp_source(state_->capabilities->active, family);
}

std::uint64_t WinTimestampingInterface::generation() const { return state_->generation; }

void WinTimestampingInterface::refresh() { state_->handle_change(); }

}  // namespace ptp::win
