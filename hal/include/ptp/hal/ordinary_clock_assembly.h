// OrdinaryClockAssembly: the one place a running ordinary clock is put together from a HAL. Given
// a hal::Host and already-mapped settings (PortConfig, ServoConfig, PortDriverConfig: the
// linuxptp options become these in apps/common), it builds the servo (with the clock's frequency
// limit and its current adjustment as the initial frequency), the OrdinaryClock, the PortDriver,
// and, where hardware timestamps come from a NIC clock that cannot be disciplined (Windows), the
// NIC-to-counter correlation and its periodic cross-timestamp sampling on the HAL's own timers.
// ptp4win, the simulator's nodes, ptpsim, the accuracy benchmark and the scenario and
// conformance tests all build their clocks here, so what is measured is what ships.
//
// The settings that decide accuracy and are not linuxptp options (the cross-timestamp rate and
// the correlation's fit length) have their one set of defaults in CorrelationSettings; the table
// they were chosen from is in docs/accuracy.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "ptp/core/ordinary_clock.h"
#include "ptp/core/port_config.h"
#include "ptp/hal/host.h"
#include "ptp/hal/nic_counter_correlation.h"
#include "ptp/hal/port_driver.h"
#include "ptp/hal/timers.h"
#include "ptp/hal/timestamping_interface.h"
#include "ptp/nanoseconds.h"
#include "ptp/result.h"
#include "ptp/servo/servo.h"
#include "ptp/servo/servo_config.h"

namespace ptp::hal {

// How the NIC clock is tied to the counter where it is not disciplined (docs/accuracy.md: every
// new point moves the fit, so fewer, sparser points add a step-like noise to every converted
// timestamp).
struct CorrelationSettings {
  Nanoseconds cross_timestamp_interval{kNanosecondsPerSecond / 32};
  std::size_t fit_length = 128;  // points of the sliding fit, 2..servo::kMaxCorrelationWindow
};

struct OrdinaryClockSettings {
  PortConfig port;
  // clock_max_frequency_ppb and hardware_timestamps are the assembly's: the system clock's
  // limit, and whether the HAL selected hardware timestamps.
  servo::ServoConfig servo;
  PortDriverConfig driver;
  CorrelationSettings correlation;
};

using AssemblyError = std::variant<servo::ServoError, PortConfigError>;
// "servo: ..." or "port configuration: ...".
std::string to_string(const AssemblyError& error);

// The timer id the cross-timestamp sampling uses on the host's Timers; the port's timers keep
// their PortTimer values, far below it.
inline constexpr TimerId kCrossTimestampTimer{0x10000};

class OrdinaryClockAssembly final : private TimerListener, private CapabilityChangeListener {
 public:
  // Builds everything; nothing runs until start(). `observer` (may be null) gets the driver's
  // state changes, measurements and UTC offset changes, and the failed cross-timestamp captures.
  static Result<std::unique_ptr<OrdinaryClockAssembly>, AssemblyError> create(
      const Host& host, const OrdinaryClockSettings& settings, PortDriverObserver* observer);
  ~OrdinaryClockAssembly() override;
  OrdinaryClockAssembly(const OrdinaryClockAssembly&) = delete;
  OrdinaryClockAssembly& operator=(const OrdinaryClockAssembly&) = delete;
  OrdinaryClockAssembly(OrdinaryClockAssembly&&) = delete;
  OrdinaryClockAssembly& operator=(OrdinaryClockAssembly&&) = delete;

  // Starts the port and, where needed, the cross-timestamp sampling (a first sample at once).
  Result<void, HalError> start();
  // Stops both; the clock's timers are cancelled.
  void stop();

  OrdinaryClock& clock() { return clock_; }
  [[nodiscard]] const OrdinaryClock& clock() const { return clock_; }
  PortDriver& driver() { return *driver_; }
  servo::Servo& servo() { return *servo_; }
  [[nodiscard]] const OrdinaryClockSettings& settings() const { return settings_; }
  // The NIC-to-counter correlation, when this clock uses one.
  NicCounterCorrelation* correlation() { return correlation_.get(); }
  [[nodiscard]] const NicCounterCorrelation* correlation() const { return correlation_.get(); }

 private:
  // The host's timers, shared: the port's timer ids go to the driver, the sampling's here.
  class SharedTimers final : public Timers, public TimerListener {
   public:
    SharedTimers(Timers& timers, TimerListener& sampling) : timers_(timers), sampling_(sampling) {}
    void set_listener(TimerListener* listener) override;
    void arm(TimerId id, CounterTicks deadline) override { timers_.arm(id, deadline); }
    void cancel(TimerId id) override { timers_.cancel(id); }
    void on_timer(TimerId id) override;

   private:
    Timers& timers_;
    TimerListener& sampling_;
    TimerListener* port_ = nullptr;
  };

  OrdinaryClockAssembly(const Host& host, const OrdinaryClockSettings& settings,
                        std::unique_ptr<servo::Servo> servo, OrdinaryClock&& clock,
                        PortDriverObserver* observer);
  void on_timer(TimerId id) override;  // the sampling's timer
  void sample_cross_timestamp();
  // Another kind of timestamps selected: the servo is built anew for it (see the .cpp).
  void on_capabilities_changed() override;

  Host host_;
  OrdinaryClockSettings settings_;
  SharedTimers timers_;
  std::unique_ptr<servo::Servo> servo_;  // on the heap: the clock borrows it
  OrdinaryClock clock_;
  std::unique_ptr<PortDriver> driver_;
  std::unique_ptr<NicCounterCorrelation> correlation_;
  PortDriverObserver* observer_;
  CounterTicks next_sample_{0};
  bool sampling_ = false;
  std::optional<SubscriptionId> subscription_;
  bool servo_for_hardware_ = false;  // the kind of timestamps the servo was built for
};

}  // namespace ptp::hal
