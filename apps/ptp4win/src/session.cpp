// ptp4win's Session: the Windows HAL, the clock assembly and the log, on a LoopShell.
#include "ptp/ptp4win/session.h"

#include <optional>
#include <string>
#include <utility>

#include "ptp/hal/port_driver.h"
#include "ptp/ptp4win/config_mapping.h"
#include "ptp/ptp4win/summary_statistics.h"

namespace ptp::ptp4win {
namespace {

LogLevel to_log_level(win::LogLevel level) {
  switch (level) {
    case win::LogLevel::kInfo: return LogLevel::kInfo;
    case win::LogLevel::kWarning: return LogLevel::kWarning;
    case win::LogLevel::kError: return LogLevel::kError;
  }
  return LogLevel::kError;
}

std::string_view source_name(hal::TimestampSource source) {
  switch (source) {
    case hal::TimestampSource::kHardware: return "hardware";
    case hal::TimestampSource::kSoftware: return "software";
    case hal::TimestampSource::kNone: return "application-level (no OS timestamps)";
  }
  return "unknown";
}

}  // namespace

// The loop's timers, with Session::after_event after every firing: a timer that sends (Sync,
// Delay_Req) leaves a TX timestamp to poll for, exactly as a received packet may.
class Session::AfterFireTimers final : public hal::Timers, public hal::TimerListener {
 public:
  AfterFireTimers(hal::Timers& timers, Session& session) : timers_(timers), session_(session) {
    timers_.set_listener(this);
  }
  AfterFireTimers(const AfterFireTimers&) = delete;
  AfterFireTimers& operator=(const AfterFireTimers&) = delete;
  AfterFireTimers(AfterFireTimers&&) = delete;
  AfterFireTimers& operator=(AfterFireTimers&&) = delete;
  ~AfterFireTimers() override { timers_.set_listener(nullptr); }

  void set_listener(hal::TimerListener* listener) override { listener_ = listener; }
  void arm(hal::TimerId id, hal::CounterTicks deadline) override { timers_.arm(id, deadline); }
  void cancel(hal::TimerId id) override { timers_.cancel(id); }
  void on_timer(hal::TimerId id) override {
    if (listener_ != nullptr) listener_->on_timer(id);
    session_.after_event();
  }

 private:
  hal::Timers& timers_;
  Session& session_;
  hal::TimerListener* listener_ = nullptr;
};

// ptp4win's log observer, then the embedder's.
class Session::ObserverPair final : public hal::PortDriverObserver {
 public:
  ObserverPair(PortLogObserver& log, hal::PortDriverObserver* also) : log_(log), also_(also) {}
  void on_state_changed(const StateChanged& change, Nanoseconds now) override {
    log_.on_state_changed(change, now);
    if (also_ != nullptr) also_->on_state_changed(change, now);
  }
  void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) override {
    log_.on_offset_measured(measurement, now);
    if (also_ != nullptr) also_->on_offset_measured(measurement, now);
  }
  void on_utc_offset_changed(Nanoseconds applied, const TimePropertiesDataSet& time_properties,
                             Nanoseconds now) override {
    log_.on_utc_offset_changed(applied, time_properties, now);
    if (also_ != nullptr) also_->on_utc_offset_changed(applied, time_properties, now);
  }
  void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                    Nanoseconds now) override {
    log_.on_peer_delay_input_rejected(rejected, now);
    if (also_ != nullptr) also_->on_peer_delay_input_rejected(rejected, now);
  }
  void on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) override {
    log_.on_unicast_notice(notice, now);
    if (also_ != nullptr) also_->on_unicast_notice(notice, now);
  }
  void on_cross_timestamp_capture_failed(const hal::HalError& error, std::uint64_t failures_so_far,
                                         Nanoseconds now) override {
    log_.on_cross_timestamp_capture_failed(error, failures_so_far, now);
    if (also_ != nullptr) also_->on_cross_timestamp_capture_failed(error, failures_so_far, now);
  }

 private:
  PortLogObserver& log_;
  hal::PortDriverObserver* also_;
};

// Tells the user what a change of the adapter's timestamp configuration (its advanced properties
// applied, a driver restart) made ptp4win select: nothing else in the log shows it, and the port's
// fresh start after it would otherwise look unexplained.
class Session::TimestampingLog final : public hal::CapabilityChangeListener {
 public:
  TimestampingLog(win::WinHost& host, const Logger& logger)
      : host_(host), logger_(logger), source_(host.transport().timestamp_source()) {
    if (auto id = host_.timestamping().subscribe(*this)) subscription_ = *id;
  }
  TimestampingLog(const TimestampingLog&) = delete;
  TimestampingLog& operator=(const TimestampingLog&) = delete;
  TimestampingLog(TimestampingLog&&) = delete;
  TimestampingLog& operator=(TimestampingLog&&) = delete;
  ~TimestampingLog() override {
    if (subscription_) host_.timestamping().unsubscribe(*subscription_);
  }

  void on_capabilities_changed() override {
    const hal::TimestampSource now = host_.transport().timestamp_source();
    std::string line = "interface " + host_.adapter().friendly_name +
                       ": timestamp configuration changed: " + std::string(source_name(now)) +
                       " timestamps";
    if (now != source_) {
      line += " (were " + std::string(source_name(source_)) + "); the clock starts over";
    }
    logger_.log(now == source_ ? LogLevel::kInfo : LogLevel::kWarning, line);
    source_ = now;
  }

 private:
  win::WinHost& host_;
  const Logger& logger_;
  hal::TimestampSource source_;
  std::optional<hal::SubscriptionId> subscription_;
};

Session::Session(LoopShell& loop, const Logger& logger, hal::PortDriverObserver* also_observe)
    : loop_(loop), logger_(logger), also_observe_(also_observe) {}

Session::~Session() {
  shutdown();
  // The clock goes before the HAL it runs on, and both before the timers' shell.
  timestamping_log_.reset();
  assembly_.reset();
  observers_.reset();
  observer_.reset();
  host_.reset();
  timers_.reset();
}

int Session::fail(std::string_view message) const {
  logger_.log(LogLevel::kError, message);
  return 1;
}

int Session::start(const win::WinApi& api, const app::LinuxPtpConfig& config,
                   const std::string& interface_name) {
  const bool free_running = config.clock.free_running.value;
  win::WinHostConfig host_config;
  host_config.interface_name = interface_name;
  host_config.family = address_family(config, interface_name);
  host_config.system_clock.read_only = free_running;
  auto host = win::WinHost::open(api, host_config, loop_.post_to_loop(),
                                 [this](win::LogLevel level, std::string_view text) {
                                   logger_.log(to_log_level(level), text);
                                 });
  if (!host) return fail(host.error().message);
  host_ = std::move(host.value());

  timers_ = std::make_unique<AfterFireTimers>(loop_.timers(), *this);
  const hal::Host hal_host = host_->hal_host(*timers_);
  const hal::TimestampSource source = host_->transport().timestamp_source();
  const app::TimeStamping requested = requested_time_stamping(config);
  if (const std::string warning = time_stamping_warning(requested, source); !warning.empty()) {
    logger_.log(LogLevel::kWarning, warning);
  }
  logger_.log(LogLevel::kInfo, "interface " + host_->adapter().friendly_name + ": " +
                                   std::string(source_name(source)) + " timestamps");

  // The MAC's EUI-64, as ptp4l; an adapter without a 6- or 8-byte address (a tunnel, loopback)
  // gets one derived from its GUID, so the identity is still stable across runs.
  ClockIdentity identity{};
  if (auto from_mac = host_->clock_identity()) {
    identity = *from_mac;
  } else {
    identity = clock_identity_from_key(host_->adapter().adapter_name);
    logger_.log(LogLevel::kInfo, "interface " + host_->adapter().friendly_name +
                                     " has no usable MAC address: clock identity from its GUID");
  }
  auto port_config = to_port_config(config, interface_name, identity);
  if (!port_config) return fail(port_config.error().message);
  win::WinSystemClock& system_clock = host_->system_clock();
  auto servo_config =
      to_servo_config(config, interface_name, uses_hardware_timestamps(requested, source),
                      system_clock.max_frequency_adjustment().value);
  if (!servo_config) return fail(servo_config.error().message);

  observer_ = std::make_unique<PortLogObserver>(
      logger_, port_config->port_number, identity,
      summary_sample_count(config.clock.summary_interval_log2_seconds.value,
                           port_config->log_sync_interval));
  observers_ = std::make_unique<ObserverPair>(*observer_, also_observe_);
  hal::PortDriverConfig driver_config;
  driver_config.discipline = hal::ClockDiscipline::kSystemClock;
  driver_config.utc_offset =
      Nanoseconds(std::int64_t{config.clock.utc_offset_seconds.value} * kNanosecondsPerSecond);
  driver_config.read_only = free_running;
  // The servo, the clock, the driver and, with hardware timestamps, the NIC-to-QPC correlation
  // and its cross-timestamp sampling: the one assembly the simulator measures.
  auto assembly = hal::OrdinaryClockAssembly::create(
      hal_host, hal::OrdinaryClockSettings{*port_config, *servo_config, driver_config, {}},
      observers_.get());
  if (!assembly) return fail(hal::to_string(assembly.error()));
  assembly_ = std::move(assembly).value();
  timestamping_log_ = std::make_unique<TimestampingLog>(*host_, logger_);
  logger_.log(LogLevel::kInfo,
              "clock identity " + format_clock_identity(identity) +
                  (free_running ? ", free running (the clock is never adjusted)" : ""));
  if (auto started = assembly_->start(); !started) {
    return fail("cannot start the port: " + std::string(hal::to_string(started.error().code)));
  }
  running_ = true;
  if (!wait_for_packets()) return fail("cannot wait on the receive event");
  // Anything the receive event signalled before the wait started is picked up here.
  (void)host_->transport().poll_receive();
  after_event();
  return 0;
}

bool Session::wait_for_packets() {
  return loop_.wait_for_signal(host_->transport().receive_event(), [this] {
    if (!running_) return;
    (void)host_->transport().poll_receive();
    after_event();
    if (!wait_for_packets()) (void)fail("cannot wait on the receive event");
  });
}

void Session::after_event() {
  if (!running_) return;
  const OrdinaryClock& clock = assembly_->clock();
  observer_->check_best_master(clock.state(),
                               clock.parent_data_set().parent_port_identity.clock_identity);
  schedule_tx_poll();
}

void Session::schedule_tx_poll() {
  const auto next = host_->transport().next_tx_poll();
  if (!next) return;
  loop_.arm_tx_poll(*next, [this] {
    if (!running_) return;
    host_->transport().poll_tx_timestamps();
    after_event();
  });
}

const std::optional<OffsetMeasured>& Session::last_measurement() const {
  return observer_->last_measurement();
}

app::MetricsSnapshot Session::metrics_snapshot() const {
  return app::take_metrics_snapshot(assembly_->clock(), assembly_->driver(),
                                    observer_->last_measurement(), assembly_->correlation());
}

void Session::shutdown() {
  if (!running_) return;
  running_ = false;
  assembly_->stop();
  loop_.cancel_waits();
}

}  // namespace ptp::ptp4win
