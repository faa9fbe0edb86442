// The servo seam: what a clock servo is to the protocol core. A servo turns offset measurements
// into decisions (step the clock, set its frequency) and never touches a clock itself, so the
// port can run it in tests, in the simulator and on Windows alike. The implementations (PI,
// linear regression, Kalman) and their factory live beside this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ptp/nanoseconds.h"

namespace ptp::servo {

// The servo's state, as ptp4l prints it in "master offset ... sN freq ..." lines.
enum class ServoState : std::uint8_t {
  kUnlocked,      // s0: still learning; the clock is left alone
  kJump,          // s1: step the clock by `step` and set the frequency
  kLocked,        // s2: tracking; set the frequency
  kLockedStable,  // s3: locked and the frequency has settled (ptp4l's SERVO_LOCKED_STABLE)
};

// "s0", "s1", "s2", "s3" ("s?" outside the enumeration).
constexpr std::string_view to_string(ServoState state) {
  switch (state) {
    case ServoState::kUnlocked: return "s0";
    case ServoState::kJump: return "s1";
    case ServoState::kLocked: return "s2";
    case ServoState::kLockedStable: return "s3";
  }
  return "s?";
}

// What the caller does with the clock after one sample.
struct ServoDecision {
  ServoState state = ServoState::kUnlocked;
  // The absolute frequency adjustment to set, parts per billion, positive = run faster. Not
  // meaningful in kUnlocked (the clock keeps what it has).
  double frequency_ppb = 0;
  // kJump only: move the clock by this much (positive = forward), i.e. minus the offset.
  std::optional<Nanoseconds> step;

  friend bool operator==(const ServoDecision&, const ServoDecision&) = default;
};

// Where a measurement's timestamps came from: their quality, for servos that weigh by it.
enum class TimestampKind : std::uint8_t {
  kUnknown,
  kHardware,     // taken by the NIC
  kSoftware,     // taken by the OS network stack
  kApplication,  // read by the application around its socket calls
};

// One delay request-response exchange (E2E), unfiltered: when the Delay_Req left (t3, on the
// local clock) and what it measured, t4 - t3 - correction: the slave-to-master delay minus the
// offset from master.
struct DelayRequestSample {
  Nanoseconds sent;
  Nanoseconds slave_to_master;
};

// One measurement with what the port knows about it.
struct ServoSample {
  Nanoseconds offset_from_master;  // local - master (11.3)
  Nanoseconds local_time;          // when it was measured, on the local clock
  TimestampKind timestamp_kind = TimestampKind::kUnknown;  // of the Sync's receive timestamp
  Nanoseconds mean_path_delay;  // the filtered delay the offset was computed with
  // The Delay_Req exchange completed since the previous sample, if one was: offset + path delay
  // is the Sync's own t2 - t1 - correction, so with it a servo sees each direction's raw delay.
  std::optional<DelayRequestSample> delay_request;
  // How long after the Sync's arrival the port decides on the sample (the Follow_Up's arrival
  // with a two-step master; monotonic time): the decision takes effect then, not at local_time.
  Nanoseconds decision_delay{0};
};

class Servo {
 public:
  virtual ~Servo() = default;

  // One measurement: `offset_from_master` = local clock - master clock (11.3's offsetFromMaster,
  // positive when the local clock is ahead), measured at `local_time` on the local clock.
  virtual ServoDecision sample(Nanoseconds offset_from_master, Nanoseconds local_time) = 0;

  // The port's entry point: a measurement with its timestamp kind and path delay. By default
  // the servo uses offset and time only; a servo that weighs samples by quality overrides it.
  virtual ServoDecision sample_measurement(const ServoSample& measurement) {
    return sample(measurement.offset_from_master, measurement.local_time);
  }

  // The nominal interval between samples (the Sync interval), as ptp4l's servo_sync_interval.
  virtual void set_sync_interval(Nanoseconds interval) = 0;

  // The clock was stepped after a kJump decision: by `applied`, where the decision asked for
  // `requested`. A clock that can only be set coarsely lands near the request, not on it; the
  // difference is phase still to correct, which the servo must not learn as a frequency error.
  virtual void step_applied(Nanoseconds requested, Nanoseconds applied) = 0;

  // Forget the measurements (new master, timestamp source changed, clock stepped from outside);
  // the next sample starts over from kUnlocked. The frequency estimate is kept.
  virtual void reset() = 0;

  // The frequency adjustment the servo currently wants (what to hold when samples stop).
  [[nodiscard]] virtual double frequency_ppb() const = 0;

  // The name clock_servo selects it by ("pi", "linreg", "kalman").
  [[nodiscard]] virtual std::string_view name() const = 0;
};

}  // namespace ptp::servo
