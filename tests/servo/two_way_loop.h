// A servo in a closed loop at 1 Hz with hardware timestamps, for servo tests: each second a
// Delay_Req half a second before the Sync, both directions over a fixed floor plus the given
// queueing, the clock running at its frequency error plus the servo's adjustment, and every
// decision (step, frequency) applied at once.
#pragma once

#include <cmath>
#include <cstdint>

#include "ptp/servo/servo.h"
#include "queueing_model.h"

namespace ptp::servo::testing {

struct OneHertzLoop {
  static constexpr std::int64_t kSecondNs = 1'000'000'000;

  double floor_ns = 0;
  Nanoseconds mean_path_delay{0};  // what the port would report
  double phase_ns = 0;             // local - master
  double frequency_error_ppb = 0;
  double adjustment_ppb = 0;
  // The phase when the Sync of the last exchange arrived, before its decision was applied.
  double phase_at_sync_ns = 0;

  // Exchange `i` (at i seconds): the servo's decision, applied.
  ServoDecision exchange(Servo& servo, std::int64_t i, Queueing& queueing) {
    // ppb over half a second: ns.
    const double request_phase_ns = phase_ns + (frequency_error_ppb + adjustment_ppb) / 2;
    const std::int64_t local = i * kSecondNs + static_cast<std::int64_t>(phase_ns);
    const DelayRequestSample request{
        Nanoseconds(local - kSecondNs / 2),
        Nanoseconds(std::llround(-request_phase_ns + floor_ns + queueing.next()))};
    phase_ns += frequency_error_ppb + adjustment_ppb;  // ppb over one second: ns
    phase_at_sync_ns = phase_ns;
    const double down_ns = phase_ns + floor_ns + queueing.next();
    const ServoSample sample{Nanoseconds(std::llround(down_ns) - mean_path_delay.count()),
                             Nanoseconds(local),
                             TimestampKind::kHardware,
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
