// SimWindows: creation, the scheduler hooks (deferred "threads", the loop's post and waits), and
// IP Helper (adapters, timestamp capabilities, cross-timestamps, change notification).
#include "ptp/sim_win/sim_windows.h"

#include <cstring>
#include <utility>

#include "sim_windows_state.h"

namespace ptp::simwin {

namespace {

win::IfTimestampCapabilities to_windows(const hal::TimestampCapabilities& caps) {
  const auto b = [](bool value) { return static_cast<BOOLEAN>(value ? 1 : 0); };
  win::IfTimestampCapabilities out{};
  out.hardware_clock_frequency_hz = caps.hardware_clock_frequency_hz;
  out.supports_cross_timestamp = b(caps.supports_cross_timestamp);
  const hal::HardwareTimestampCapabilities& hw = caps.hardware;
  win::IfHardwareTimestampCapabilities& h = out.hardware_capabilities;
  h.ptp_v2_over_udp_ipv4_event_message_receive = b(hw.ptp_v2_over_udp_ipv4_event_message_receive);
  h.ptp_v2_over_udp_ipv4_all_message_receive = b(hw.ptp_v2_over_udp_ipv4_all_message_receive);
  h.ptp_v2_over_udp_ipv4_event_message_transmit = b(hw.ptp_v2_over_udp_ipv4_event_message_transmit);
  h.ptp_v2_over_udp_ipv4_all_message_transmit = b(hw.ptp_v2_over_udp_ipv4_all_message_transmit);
  h.ptp_v2_over_udp_ipv6_event_message_receive = b(hw.ptp_v2_over_udp_ipv6_event_message_receive);
  h.ptp_v2_over_udp_ipv6_all_message_receive = b(hw.ptp_v2_over_udp_ipv6_all_message_receive);
  h.ptp_v2_over_udp_ipv6_event_message_transmit = b(hw.ptp_v2_over_udp_ipv6_event_message_transmit);
  h.ptp_v2_over_udp_ipv6_all_message_transmit = b(hw.ptp_v2_over_udp_ipv6_all_message_transmit);
  h.all_receive = b(hw.all_receive);
  h.all_transmit = b(hw.all_transmit);
  h.tagged_transmit = b(hw.tagged_transmit);
  out.software_capabilities.all_receive = b(caps.software.all_receive);
  out.software_capabilities.all_transmit = b(caps.software.all_transmit);
  out.software_capabilities.tagged_transmit = b(caps.software.tagged_transmit);
  return out;
}

// Whether a NIC with these capabilities is timestamp-aware at all.
bool any_timestamping(const hal::TimestampCapabilities& caps) {
  return caps.hardware != hal::HardwareTimestampCapabilities{} ||
         caps.software != hal::SoftwareTimestampCapabilities{} || caps.supports_cross_timestamp;
}

std::u16string to_utf16(const std::string& text) {
  // Adapter names in scenarios are ASCII; anything else becomes U+FFFD.
  std::u16string out;
  for (const char c : text) {
    out.push_back(static_cast<unsigned char>(c) < 0x80 ? static_cast<char16_t>(c) : u'\uFFFD');
  }
  return out;
}

}  // namespace

SimWindows::State::State(sim::Scheduler& scheduler_in, sim::SimHost& host_in,
                         const SimWindowsConfig& config_in, sim::Random random_in)
    : scheduler(scheduler_in),
      host(host_in),
      config(config_in),
      random(random_in),
      friendly_name(to_utf16(config_in.adapter.friendly_name)),
      description(to_utf16(config_in.adapter.description)),
      adapter_name(config_in.adapter.adapter_name) {
  host.transport(hal::AddressFamily::kIpv4).set_listener(this);
  host.transport(hal::AddressFamily::kIpv6).set_listener(this);
  if (auto id = host.timestamping().subscribe(*this)) subscription = *id;
}

SimWindows::State::~State() {
  host.transport(hal::AddressFamily::kIpv4).set_listener(nullptr);
  host.transport(hal::AddressFamily::kIpv6).set_listener(nullptr);
  if (subscription) host.timestamping().unsubscribe(*subscription);
  for (auto& [key, pending] : deferred) scheduler.cancel(pending.first);
}

void SimWindows::State::defer(sim::SimDuration delay, std::function<void()> task) {
  const std::uint64_t key = next_deferred++;
  auto event = scheduler.schedule_after(delay, [this, key] { run_deferred(key); });
  if (!event) return;  // beyond the end of simulated time: it would never run anyway
  deferred.emplace(key, std::pair{*event, std::move(task)});
}

void SimWindows::State::run_deferred(std::uint64_t key) {
  const auto found = deferred.find(key);
  if (found == deferred.end()) return;
  std::function<void()> task = std::move(found->second.second);
  deferred.erase(found);
  task();
}

void SimWindows::State::on_capabilities_changed() {
  // PT:57 the application is notified through its callback; WT:45 the callback is CALLBACK on a
  // system thread: each registration's runs in an event of its own, after the change.
  for (const auto& [key, registration] : registrations) {
    defer(config.callback_thread_delay, [this, key = key] {
      const auto found = registrations.find(key);
      if (found == registrations.end()) return;  // unregistered meanwhile (PT:59)
      ++counters.config_change_callbacks;
      found->second.callback(found->second.context);
    });
  }
}

Result<std::unique_ptr<SimWindows>, SimWindowsError> SimWindows::create(
    sim::Scheduler& scheduler, sim::SimHost& host, const SimWindowsConfig& config,
    sim::Random random) {
  // Modern Windows' QPC runs at 10 MHz (WT:83 reports that figure for Wine too); software and
  // cross timestamps are in its ticks (PT:21, WT:74).
  if (host.counter().frequency_hz() != 10'000'000) {
    return unexpected(SimWindowsError::kCounterNot10MHz);
  }
  if (config.legacy_time_increment_100ns == 0 || config.adapter.mac.size() > 8 ||
      config.tx_timestamp_never_reported_probability < 0 ||
      config.cross_timestamp_failure_probability < 0) {
    return unexpected(SimWindowsError::kBadConfig);
  }
  std::unique_ptr<SimWindows> windows(new SimWindows(scheduler, host, config));
  windows->state_ = std::make_unique<State>(scheduler, host, windows->config_, random);
  windows->install_ip_helper();
  windows->install_winsock();
  windows->install_clocks();
  if (config.w32time.running) {
    State* state = windows->state_.get();
    state->defer(config.w32time.first_poll, [state] { state->w32time_poll(); });
  }
  return windows;
}

SimWindows::SimWindows(sim::Scheduler& scheduler, sim::SimHost& host,
                       const SimWindowsConfig& config)
    : scheduler_(scheduler), host_(host), config_(config) {}

SimWindows::~SimWindows() = default;

win::PostToLoop SimWindows::post_to_loop() {
  State* state = state_.get();
  return [state](std::function<void()> task) {
    state->defer(state->config.loop_wakeup_delay, std::move(task));
  };
}

SimEvent* SimWindows::State::find_event(WSAEVENT event) {
  for (auto& [key, value] : events) {
    if (static_cast<void*>(&value) == event) return &value;
  }
  return nullptr;
}

std::map<std::uint64_t, SimRegistration>::iterator SimWindows::State::find_registration(
    IfTimestampChangeHandle handle) {
  for (auto it = registrations.begin(); it != registrations.end(); ++it) {
    if (static_cast<void*>(&it->second) == static_cast<void*>(handle)) return it;
  }
  return registrations.end();
}

void SimWindows::wait_event(WSAEVENT event, std::function<void()> handler) {
  SimEvent* found = state_->find_event(event);
  if (found == nullptr) return;
  if (found->signalled) {
    // Manual-reset: the event stays signalled until the application resets it.
    state_->defer(config_.loop_wakeup_delay, std::move(handler));
    return;
  }
  found->waiter = std::move(handler);
}

void SimWindows::cancel_wait(WSAEVENT event) {
  if (SimEvent* found = state_->find_event(event)) found->waiter = nullptr;
}

void SimWindows::State::signal(WSAEVENT event) { signal(event, config.loop_wakeup_delay); }

void SimWindows::State::signal(WSAEVENT event, sim::SimDuration wake_up) {
  SimEvent* found = find_event(event);
  if (found == nullptr) return;
  found->signalled = true;
  if (!found->waiter) return;
  std::function<void()> waiter = std::move(found->waiter);
  found->waiter = nullptr;
  defer(wake_up, std::move(waiter));
}

Result<void, sim::SchedulerError> SimWindows::change_capabilities_at(
    sim::SimTime at, const hal::InterfaceTimestampCapabilities& capabilities) {
  return host_.timestamping().change_capabilities_at(at, capabilities);
}

Result<void, sim::SchedulerError> SimWindows::restart_adapter_at(
    sim::SimTime at, sim::SimDuration downtime,
    const hal::InterfaceTimestampCapabilities& capabilities) {
  // WT:55 timestamping is an advanced property of the NIC, applied on adapter restart.
  if (downtime < sim::SimDuration{} || at < scheduler_.now()) {
    return unexpected(sim::SchedulerError::kTimeInPast);
  }
  State* state = state_.get();
  const sim::SimDuration delay = at - scheduler_.now();
  state->defer(delay, [state] { state->host.set_online(false); });
  state->defer(delay + downtime, [state] { state->host.set_online(true); });
  return host_.timestamping().change_capabilities_at(at + downtime, capabilities);
}

const SimWindowsCounters& SimWindows::counters() const { return state_->counters; }
std::uint64_t SimWindows::legacy_time_adjustment() const {
  return state_->adjustment_in(config_.legacy_time_increment_100ns);
}
std::uint64_t SimWindows::precise_time_adjustment() const {
  return state_->adjustment_in(state_->precise_increment());
}
bool SimWindows::time_adjustment_disabled() const { return state_->disabled; }
std::size_t SimWindows::registered_callbacks() const { return state_->registrations.size(); }

void SimWindows::install_ip_helper() {
  State* s = state_.get();
  api_.get_adapters_addresses = [s](ULONG, ULONG, IP_ADAPTER_ADDRESSES* out, ULONG* size) -> ULONG {
    if (size == nullptr) return ERROR_INVALID_PARAMETER;
    // One adapter, its unicast addresses and their sockaddrs, laid out in the caller's buffer as
    // IP Helper does (PT:290-303: ask for the size, then read; ERROR_BUFFER_OVERFLOW in between).
    struct Layout {
      IP_ADAPTER_ADDRESSES adapter;
      IP_ADAPTER_UNICAST_ADDRESS unicast[2];
      sockaddr_in v4;
      sockaddr_in6 v6;
    };
    if (out == nullptr || *size < sizeof(Layout)) {
      *size = static_cast<ULONG>(sizeof(Layout));
      return ERROR_BUFFER_OVERFLOW;
    }
    auto* layout = reinterpret_cast<Layout*>(out);
    std::memset(layout, 0, sizeof(Layout));
    const SimAdapterConfig& a = s->config.adapter;
    IP_ADAPTER_ADDRESSES& r = layout->adapter;
    r.Length = sizeof(IP_ADAPTER_ADDRESSES);
    r.IfIndex = a.if_index;
    r.Ipv6IfIndex = a.ipv6_if_index;
    r.AdapterName = s->adapter_name.data();
    r.FriendlyName = s->friendly_name.data();
    r.Description = s->description.data();
    r.Luid.Value = a.luid;
    r.OperStatus = IfOperStatusUp;
    r.IfType = 6;  // IF_TYPE_ETHERNET_CSMACD
    r.Mtu = 1500;
    std::memcpy(r.PhysicalAddress, a.mac.data(), a.mac.size());
    r.PhysicalAddressLength = static_cast<ULONG>(a.mac.size());
    const sim::SimHostConfig& host = s->host.config();
    layout->v4.sin_family = AF_INET;
    std::memcpy(&layout->v4.sin_addr, host.ipv4.octets().data(), 4);
    layout->v6.sin6_family = AF_INET6;
    std::memcpy(&layout->v6.sin6_addr, host.ipv6.octets().data(), 16);
    layout->unicast[0].Length = sizeof(IP_ADAPTER_UNICAST_ADDRESS);
    layout->unicast[0].Address = {reinterpret_cast<sockaddr*>(&layout->v4), sizeof(sockaddr_in)};
    layout->unicast[0].Next = &layout->unicast[1];
    layout->unicast[1].Length = sizeof(IP_ADAPTER_UNICAST_ADDRESS);
    layout->unicast[1].Address = {reinterpret_cast<sockaddr*>(&layout->v6), sizeof(sockaddr_in6)};
    r.FirstUnicastAddress = &layout->unicast[0];
    return NO_ERROR;
  };
  // WT:7-8 the timestamping functions exist from build 20348 on; before (and under Wine, WT:81)
  // GetProcAddress finds none, which the table shows as empty entries.
  if (!config_.timestamping_api) return;
  const auto read = [s](const NET_LUID* luid, win::IfTimestampCapabilities* caps,
                        bool active) -> DWORD {
    if (luid == nullptr || caps == nullptr) return ERROR_INVALID_PARAMETER;
    if (luid->Value != s->config.adapter.luid) return ERROR_NOT_FOUND;
    const auto current = s->host.timestamping().capabilities();
    if (!current) return ERROR_NOT_SUPPORTED;
    // PT:39-45 supported and active sets; WT:53 ERROR_NOT_SUPPORTED for a NIC that is not
    // timestamp-aware.
    if (!any_timestamping(current->supported)) return ERROR_NOT_SUPPORTED;
    *caps = to_windows(active ? current->active : current->supported);
    return NO_ERROR;
  };
  api_.get_interface_supported_timestamp_capabilities = [read](const NET_LUID* luid,
                                                               win::IfTimestampCapabilities* caps) {
    return read(luid, caps, false);
  };
  api_.get_interface_active_timestamp_capabilities = [read](const NET_LUID* luid,
                                                            win::IfTimestampCapabilities* caps) {
    return read(luid, caps, true);
  };
  api_.capture_interface_hardware_cross_timestamp = [s](const NET_LUID* luid,
                                                        win::IfHardwareCrossTimestamp* out) {
    if (luid == nullptr || out == nullptr) return ERROR_INVALID_PARAMETER;
    if (luid->Value != s->config.adapter.luid) return ERROR_NOT_FOUND;
    const auto caps = s->host.timestamping().capabilities();
    if (!caps || !caps->active.supports_cross_timestamp) return ERROR_NOT_SUPPORTED;
    if (s->random.bernoulli(s->config.cross_timestamp_failure_probability)) {
      ++s->counters.cross_timestamp_failures;
      return kErrorGenFailure;
    }
    // PT:51-53, WT:38-41: QPC before, the NIC clock, QPC after; the window and where in it the
    // NIC is read come from the host's CrossTimestampConfig (wide when "preempted").
    const auto sample = s->host.timestamping().capture_cross_timestamp();
    if (!sample) return ERROR_NOT_SUPPORTED;
    out->system_timestamp_1 = static_cast<ULONG64>(sample->counter_before.count);
    out->hardware_clock_timestamp = sample->hardware.count;
    out->system_timestamp_2 = static_cast<ULONG64>(sample->counter_after.count);
    ++s->counters.cross_timestamps;
    return NO_ERROR;
  };
  api_.register_interface_timestamp_config_change =
      [s](win::IfTimestampConfigChangeCallback callback, PVOID context,
          win::IfTimestampChangeHandle* handle) -> DWORD {
    if (callback == nullptr || handle == nullptr) return ERROR_INVALID_PARAMETER;
    // PT:57-59: a callback and the caller's context; a handle for the unregistration.
    const auto [it, added] =
        s->registrations.emplace(s->next_registration++, SimRegistration{callback, context});
    // HIFTIMESTAMPCHANGE is opaque: the registration's address serves.
    *handle = reinterpret_cast<win::IfTimestampChangeHandle>(&it->second);
    return NO_ERROR;
  };
  api_.unregister_interface_timestamp_config_change = [s](win::IfTimestampChangeHandle handle) {
    // A callback not yet run is dropped: after this returns none reaches the caller (no callback
    // is ever in progress here, the simulation runs one event at a time).
    const auto found = s->find_registration(handle);
    if (found != s->registrations.end()) s->registrations.erase(found);
  };
}

}  // namespace ptp::simwin
