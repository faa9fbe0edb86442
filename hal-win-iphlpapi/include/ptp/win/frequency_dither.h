// FrequencyDither: a frequency the OS sets only in whole units of its increment, right on average.
//
// SetSystemTimeAdjustmentPrecise takes whole units of 1 / increment of the nominal rate: 0.1 ppm
// where the increment is QPF at 10 MHz (WT:75), 6.4 ppm with the legacy pair. Rounding each asked
// frequency leaves up to half a unit unapplied, and a servo that sets the frequency at every
// sample sees the phase drift away by it between samples as if the oscillator wandered: it learns
// a wander the clock does not have and steers harder. The dither keeps the phase that rounding
// has gained or lost so far and folds it into the next value (first-order noise shaping, the
// expected time until the next call being the last interval), so the error never accumulates:
// the phase stays within about one unit times one interval of what the servo asked (12.5 ns at
// 0.1 ppm and 8 Hz) and the mean frequency is the asked one. Pure arithmetic: WinSystemClock
// uses it.
#pragma once

#include <cstdint>
#include <optional>

namespace ptp::win {

class FrequencyDither {
 public:
  // The adjustment (units of 1 / `increment` added to `increment`) to write for `asked_ppb`, at
  // `now_s` seconds on any steady clock.
  std::uint64_t adjustment_for(double asked_ppb, std::uint64_t increment, double now_s);
  // Forgets the phase owed (the clock was stepped, or someone else set the adjustment).
  void forget() { last_.reset(); }

  // The phase rounding gained so far, nanoseconds (positive: the clock ran ahead of the asked
  // frequency), up to the last call.
  [[nodiscard]] double phase_owed_ns() const { return phase_ns_; }

 private:
  struct Call {
    double time_s = 0;
    double asked_ppb = 0;
    double applied_ppb = 0;
  };
  std::optional<Call> last_;
  double interval_s_ = 0;  // between the last two calls
  double phase_ns_ = 0;
};

}  // namespace ptp::win
