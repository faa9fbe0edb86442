// FrequencyDither: whole adjustment units whose mean is the asked frequency.
#include "ptp/win/frequency_dither.h"

#include <algorithm>
#include <cmath>

namespace ptp::win {

std::uint64_t FrequencyDither::adjustment_for(double asked_ppb, std::uint64_t increment,
                                              double now_s) {
  const auto nominal = static_cast<double>(increment);
  const double unit_ppb = 1e9 / nominal;
  if (!last_) {
    phase_ns_ = 0;
    interval_s_ = 0;
  } else if (const double elapsed = now_s - last_->time_s; elapsed > 0) {
    // What the last value's rounding added to the phase while it was in force.
    phase_ns_ += (last_->applied_ppb - last_->asked_ppb) * elapsed;
    interval_s_ = elapsed;
  }
  // Bounded by what one unit can repay in one interval: after a long pause (or a first call) the
  // owed phase is not worth a frequency far from the asked one.
  const double limit = unit_ppb * interval_s_;
  phase_ns_ = std::clamp(phase_ns_, -limit, limit);
  const double target = interval_s_ > 0 ? asked_ppb - phase_ns_ / interval_s_ : asked_ppb;
  const double units = std::round(nominal * (1.0 + target * 1e-9));
  const auto written = static_cast<std::uint64_t>(std::max(units, 1.0));
  last_ = Call{now_s, asked_ppb, (static_cast<double>(written) - nominal) * 1e9 / nominal};
  return written;
}

}  // namespace ptp::win
