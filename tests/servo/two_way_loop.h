// A servo in a closed loop with hardware timestamps, for servo tests: each Sync interval a
// Delay_Req half an interval before the Sync, both directions over a fixed floor plus the given
// queueing, the clock running at its frequency error plus the servo's adjustment, and every
// decision (step, frequency) applied at once.
#pragma once

#include <cmath>
#include <cstdint>

#include "ptp/servo/servo.h"
#include "queueing_model.h"

namespace ptp::servo::testing {

struct TwoWayLoop {
  static constexpr std::int64_t kSecondNs = 1'000'000'000;

  std::int64_t interval_ns = kSecondNs;  // between exchanges
  double floor_ns = 0;
  Nanoseconds mean_path_delay{0};  // what the port would report
  TimestampKind timestamps = TimestampKind::kHardware;
  double phase_ns = 0;  // local - master
  double frequency_error_ppb = 0;
  double adjustment_ppb = 0;
  // The phase when the Sync of the last exchange arrived, before its decision was applied.
  double phase_at_sync_ns = 0;

  // Exchange `i` (at i intervals): the servo's decision, applied. `queueing.next()` gives each
  // packet's delay beyond the floor, the Delay_Req's first.
  template <typename Delay>
  ServoDecision exchange(Servo& servo, std::int64_t i, Delay& queueing) {
    // ppb over the interval: ns.
    const double interval_s = static_cast<double>(interval_ns) * 1e-9;
    const double request_phase_ns =
        phase_ns + (frequency_error_ppb + adjustment_ppb) * interval_s / 2;
    const std::int64_t local = i * interval_ns + static_cast<std::int64_t>(phase_ns);
    const DelayRequestSample request{
        Nanoseconds(local - interval_ns / 2),
        Nanoseconds(std::llround(-request_phase_ns + floor_ns + queueing.next()))};
    phase_ns += (frequency_error_ppb + adjustment_ppb) * interval_s;
    phase_at_sync_ns = phase_ns;
    const double down_ns = phase_ns + floor_ns + queueing.next();
    const ServoSample sample{Nanoseconds(std::llround(down_ns) - mean_path_delay.count()),
                             Nanoseconds(local),
                             timestamps,
                             mean_path_delay,
                             request,
                             Nanoseconds(0)};
    const ServoDecision decision = servo.sample_measurement(sample);
    if (decision.step) phase_ns += static_cast<double>(decision.step->count());
    if (decision.state != ServoState::kUnlocked) adjustment_ppb = decision.frequency_ppb;
    return decision;
  }
};

}  // namespace ptp::servo::testing
