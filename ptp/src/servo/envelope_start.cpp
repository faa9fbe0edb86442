// EnvelopeStart: the joint line of the raw delays since the start, and the control's phase that
// turns it into the clock's (model in docs/servo.md, "envelope").
#include "ptp/servo/envelope_start.h"

#include <cmath>

#include "seconds_between.h"

namespace ptp::servo {
namespace {

using detail::seconds_between;

// Below this determinant (s^2 units) the points do not separate phase, rate and delay: Syncs all
// at one time, or no Delay_Req at all.
constexpr double kMinDeterminant = 1e-6;

double raw_sync_delay_ns(const ServoSample& measurement) {
  return static_cast<double>(measurement.offset_from_master.count()) +
         static_cast<double>(measurement.mean_path_delay.count());
}

using Matrix = std::array<std::array<double, 3>, 3>;

double determinant(const Matrix& m) {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
         m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
         m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

}  // namespace

void EnvelopeStart::clear() { *this = EnvelopeStart{}; }

bool EnvelopeStart::can_start(const ServoSample& measurement) {
  return measurement.timestamp_kind == TimestampKind::kHardware &&
         measurement.delay_request.has_value();
}

void EnvelopeStart::hold(const ServoSample& first, double applied_ppb) {
  clear();
  held_ = first;
  held_samples_ = 1;
  start_frequency_ppb_ = applied_ppb;
  following_ = true;
  add(first, true);
}

void EnvelopeStart::keep_holding(const ServoSample& measurement) {
  held_ = measurement;
  ++held_samples_;
}

Nanoseconds EnvelopeStart::first_timescale(Nanoseconds time) const {
  return time.checked_sub(shift_).value_or(time);
}

double EnvelopeStart::control_phase(Nanoseconds time) const {
  // The newest control in force at `time`; none before the first decision.
  for (std::size_t i = control_count_; i > 0; --i) {
    const Control& c = controls_[i - 1];
    if (c.time <= time) return c.phase_ns + c.frequency_ppb * seconds_between(time, c.time);
  }
  return 0;
}

void EnvelopeStart::add(const ServoSample& measurement, bool request_valid) {
  if (!following_) return;
  if (sync_count_ == kPoints || request_count_ == kPoints) {
    stop();
    return;
  }
  const Nanoseconds sync_time = first_timescale(measurement.local_time);
  syncs_[sync_count_++] =
      Point{sync_time, raw_sync_delay_ns(measurement) - control_phase(sync_time)};
  if (measurement.delay_request && request_valid) {
    const Nanoseconds sent = first_timescale(measurement.delay_request->sent);
    requests_[request_count_++] =
        Point{sent, static_cast<double>(measurement.delay_request->slave_to_master.count()) +
                        control_phase(sent)};
  }
}

std::optional<EnvelopeStart::Fit> EnvelopeStart::fit(Nanoseconds local_time) const {
  // Least squares over (d, p(at), rate): a Sync's row is [1, 1, tau], a Delay_Req's
  // [1, -1, -tau] (its delay holds minus the phase), tau in seconds from `at`. Both directions
  // share the rate, so each one's queueing counts once in it rather than the Syncs' alone.
  const Nanoseconds at = first_timescale(local_time);
  Matrix normal{};
  std::array<double, 3> right{};
  const auto add_row = [&](const std::array<double, 3>& row, double value) {
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 3; ++j) normal[i][j] += row[i] * row[j];
      right[i] += row[i] * value;
    }
  };
  for (std::size_t i = 0; i < sync_count_; ++i) {
    add_row({1, 1, seconds_between(syncs_[i].time, at)}, syncs_[i].value_ns);
  }
  for (std::size_t i = 0; i < request_count_; ++i) {
    add_row({1, -1, -seconds_between(requests_[i].time, at)}, requests_[i].value_ns);
  }
  const double det = determinant(normal);
  if (!(std::abs(det) > kMinDeterminant)) return std::nullopt;
  // Cramer's rule: the system is 3 x 3.
  std::array<double, 3> solution{};
  for (std::size_t k = 0; k < 3; ++k) {
    Matrix replaced = normal;
    for (std::size_t i = 0; i < 3; ++i) replaced[i][k] = right[i];
    solution[k] = determinant(replaced) / det;
  }
  // The line's rate is the clock's at the start's adjustment.
  Fit result{solution[1] + control_phase(at), solution[2] - start_frequency_ppb_, solution[0], {}};
  const std::size_t points = sync_count_ + request_count_;
  if (points > 3) {
    double residuals = 0;
    for (std::size_t i = 0; i < sync_count_; ++i) {
      const double r = syncs_[i].value_ns - solution[0] - solution[1] -
                       solution[2] * seconds_between(syncs_[i].time, at);
      residuals += r * r;
    }
    for (std::size_t i = 0; i < request_count_; ++i) {
      const double r = requests_[i].value_ns - solution[0] + solution[1] +
                       solution[2] * seconds_between(requests_[i].time, at);
      residuals += r * r;
    }
    // The phase's variance: the scatter's times the (1, 1) element of the normal matrix's inverse.
    const double cofactor = normal[0][0] * normal[2][2] - normal[0][2] * normal[2][0];
    result.phase_sd_ns = std::sqrt(residuals / static_cast<double>(points - 3) * cofactor / det);
  }
  return result;
}

ServoSample EnvelopeStart::with_phase(const ServoSample& measurement, double phase_ns) {
  const auto raw = measurement.offset_from_master.checked_add(measurement.mean_path_delay);
  const std::optional<Nanoseconds> phase = rounded_nanoseconds(phase_ns);
  if (!raw || !phase) return measurement;
  ServoSample out = measurement;
  out.offset_from_master = *phase;
  const auto delay = raw->checked_sub(out.offset_from_master);
  if (!delay) return measurement;
  out.mean_path_delay = *delay;
  return out;
}

void EnvelopeStart::decided(Nanoseconds time, std::optional<Nanoseconds> step,
                            double frequency_ppb) {
  if (!following_) return;
  if (step && decided_) {
    // A new phase the line does not know of.
    stop();
    return;
  }
  if (control_count_ == kControls || (!decided_ && !step)) {
    stop();
    return;
  }
  const Nanoseconds at = first_timescale(time);
  double phase = control_phase(at);
  if (step) {
    // Raw delays measured after the step hold it (p = local - master moved by it), and their
    // times are on its timescale.
    phase += static_cast<double>(step->count());
    shift_ = *step;
  }
  decided_ = true;
  controls_[control_count_++] = Control{at, phase, frequency_ppb - start_frequency_ppb_};
}

void EnvelopeStart::step_landed_off(Nanoseconds remainder) {
  if (!following_) return;
  if (!decided_ || control_count_ != 1) {
    // Not the start's own step (the line's phase would not hold it).
    stop();
    return;
  }
  const std::optional<Nanoseconds> shift = shift_.checked_add(remainder);
  if (!shift) {
    stop();
    return;
  }
  // The clock moved by the step asked plus `remainder`: so did every raw delay measured since,
  // and the timescale the times are on.
  shift_ = *shift;
  controls_[0].phase_ns += static_cast<double>(remainder.count());
}

void EnvelopeStart::stop() {
  following_ = false;
  held_.reset();
}

}  // namespace ptp::servo
