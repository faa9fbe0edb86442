// OrdinaryClockAssembly: servo, clock, driver and correlation from one Host and its settings.
#include "ptp/hal/ordinary_clock_assembly.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ptp/overloaded.h"
#include "ptp/servo/servo_factory.h"

namespace ptp::hal {
namespace {

// Whether the driver can ever discipline the NIC clock; if not, the system clock is disciplined
// and a NIC clock's hardware timestamps reach it through the correlation.
bool nic_clock_adjustable(const Host& host, const PortDriverConfig& driver) {
  return driver.discipline == ClockDiscipline::kAutomatic && host.hardware_clock != nullptr &&
         host.hardware_clock->adjustable();
}

bool uses_hardware_timestamps(const Host& host) {
  const auto source = current_timestamp_source(host.timestamping, host.transport.family());
  return source.has_value() && source.value() == TimestampSource::kHardware;
}

// The servo starts from the frequency the system clock already has (what a previous run, or the
// OS, left, or this clock before its timestamps changed kind), as ptp4l starts from the clock's
// current adjustment; 0 where that is unknown (a NIC clock's), unusable, or the clock is never
// adjusted.
double initial_frequency_ppb(const Host& host, const OrdinaryClockSettings& settings,
                             bool disciplines_nic) {
  if (settings.port.free_running || disciplines_nic) return 0;
  const auto current = host.system_clock.frequency_adjustment();
  if (!current) return 0;
  const double ppb = current->value;
  const double limit = servo::effective_max_frequency_ppb(settings.servo);
  return std::isfinite(ppb) && std::fabs(ppb) <= limit ? ppb : 0;
}

servo::ServoConfig servo_config(const Host& host, const OrdinaryClockSettings& settings) {
  servo::ServoConfig config = settings.servo;
  config.clock_max_frequency_ppb = host.system_clock.max_frequency_adjustment().value;
  config.hardware_timestamps = uses_hardware_timestamps(host);
  config.sync_interval = Nanoseconds(static_cast<std::int64_t>(
      std::llround(std::ldexp(1.0, settings.port.log_sync_interval) * 1e9)));
  return config;
}

bool supports_cross_timestamps(const Host& host) {
  const auto capabilities = host.timestamping.capabilities();
  return capabilities.has_value() && capabilities->supported.supports_cross_timestamp;
}

}  // namespace

std::string to_string(const AssemblyError& error) {
  return std::visit(
      Overloaded{
          [](servo::ServoError servo) { return "servo: " + std::string(servo::to_string(servo)); },
          [](PortConfigError port) {
            return "port configuration: " + std::string(ptp::to_string(port));
          },
      },
      error);
}

void OrdinaryClockAssembly::SharedTimers::set_listener(TimerListener* listener) {
  port_ = listener;
  timers_.set_listener(listener != nullptr ? this : nullptr);
}

void OrdinaryClockAssembly::SharedTimers::on_timer(TimerId id) {
  if (id == kCrossTimestampTimer) {
    sampling_.on_timer(id);
  } else if (port_ != nullptr) {
    port_->on_timer(id);
  }
}

Result<std::unique_ptr<OrdinaryClockAssembly>, AssemblyError> OrdinaryClockAssembly::create(
    const Host& host, const OrdinaryClockSettings& settings, PortDriverObserver* observer) {
  auto servo = servo::make_servo(
      servo_config(host, settings),
      initial_frequency_ppb(host, settings, nic_clock_adjustable(host, settings.driver)));
  if (!servo) return unexpected(AssemblyError{servo.error()});
  auto clock = OrdinaryClock::create(settings.port, **servo);
  if (!clock) return unexpected(AssemblyError{clock.error()});
  return std::unique_ptr<OrdinaryClockAssembly>(new OrdinaryClockAssembly(
      host, settings, std::move(servo).value(), std::move(clock).value(), observer));
}

OrdinaryClockAssembly::OrdinaryClockAssembly(const Host& host,
                                             const OrdinaryClockSettings& settings,
                                             std::unique_ptr<servo::Servo> servo,
                                             OrdinaryClock&& clock, PortDriverObserver* observer)
    : host_{host.transport,    host.timestamping, host.hardware_clock,
            host.system_clock, host.counter,      timers_},
      settings_(settings),
      timers_(host.timers, *this),
      servo_(std::move(servo)),
      clock_(std::move(clock)),
      driver_(std::make_unique<PortDriver>(host_, clock_, settings_.driver, observer)),
      observer_(observer),
      servo_for_hardware_(uses_hardware_timestamps(host)) {
  if (host.hardware_clock != nullptr && !nic_clock_adjustable(host, settings.driver) &&
      supports_cross_timestamps(host)) {
    servo::ClockCorrelationConfig correlation;
    correlation.window_length = settings.correlation.fit_length;
    correlation.hardware_frequency_hz = host.hardware_clock->frequency_hz();
    correlation.counter_frequency_hz = host.counter.frequency_hz();
    correlation_ = std::make_unique<NicCounterCorrelation>(host.timestamping, correlation);
    driver_->set_nic_counter_mapping(correlation_.get());
  }
}

OrdinaryClockAssembly::~OrdinaryClockAssembly() { stop(); }

Result<void, HalError> OrdinaryClockAssembly::start() {
  if (auto started = driver_->start(); !started) return started;
  // An interface without change notification (kNotSupported) never changes kind.
  if (!subscription_) {
    if (auto subscription = host_.timestamping.subscribe(*this)) subscription_ = *subscription;
  }
  if (correlation_ != nullptr && !sampling_) {
    sampling_ = true;
    next_sample_ = host_.counter.now();
    sample_cross_timestamp();
  }
  return {};
}

void OrdinaryClockAssembly::stop() {
  if (subscription_) host_.timestamping.unsubscribe(*subscription_);
  subscription_.reset();
  if (sampling_) host_.timers.cancel(kCrossTimestampTimer);
  sampling_ = false;
  driver_->stop();
}

void OrdinaryClockAssembly::on_capabilities_changed() {
  // The driver restarts the clock's measurements (its own subscription); a servo built for the
  // other kind would go on with that kind's gains and the noise it learnt from it (nanoseconds
  // where the stamps now scatter by microseconds), and steer the frequency by tens of ppm on
  // noise it takes for signal. ptp4l re-initialises likewise when its timestamping changes.
  const bool hardware = uses_hardware_timestamps(host_);
  if (hardware == servo_for_hardware_) return;
  const bool disciplines_nic = hardware && nic_clock_adjustable(host_, settings_.driver);
  auto servo = servo::make_servo(servo_config(host_, settings_),
                                 initial_frequency_ppb(host_, settings_, disciplines_nic));
  // The configuration was accepted at create(); only the kind changed.
  if (!servo) return;
  clock_.replace_servo(**servo);
  servo_ = std::move(servo).value();
  servo_for_hardware_ = hardware;
}

void OrdinaryClockAssembly::on_timer(TimerId id) {
  (void)id;
  if (sampling_) sample_cross_timestamp();
}

void OrdinaryClockAssembly::sample_cross_timestamp() {
  // A rejected sample is the fit's business (counted there); a failed capture is the OS's, and
  // only the observer can make it visible.
  if (auto sampled = correlation_->sample(); !sampled && observer_ != nullptr) {
    observer_->on_cross_timestamp_capture_failed(
        sampled.error(), correlation_->counters().capture_failures, driver_->now());
  }
  // Deadlines advance from the previous one, not from now: the rate stays what was configured
  // however late the loop runs, and a loop late by whole intervals skips them.
  const double ticks_per_interval =
      static_cast<double>(settings_.correlation.cross_timestamp_interval.count()) *
      static_cast<double>(host_.counter.frequency_hz()) / 1e9;
  const auto interval = std::max<std::int64_t>(1, std::llround(ticks_per_interval));
  const std::int64_t now = host_.counter.now().count;
  next_sample_.count += interval;
  if (next_sample_.count <= now)
    next_sample_.count += ((now - next_sample_.count) / interval + 1) * interval;
  host_.timers.arm(kCrossTimestampTimer, next_sample_);
}

}  // namespace ptp::hal
