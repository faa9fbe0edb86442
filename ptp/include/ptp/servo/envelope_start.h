// EnvelopeStart: the envelope servo's acquisition from its own raw points. The port's first mean
// path delays pair a Sync with a Delay_Req sent up to a sync interval later while the clock still
// runs free at its initial error f: each is off by f times half that time (microseconds at tens
// of ppm), and the inner Kalman servo would step on the offsets made with them and keep their
// frequency. Here the first samples are held back, and the joint least-squares line of both
// directions' raw delays since the start (ms = d + p(t) and sm = d - p(s): one phase line p of
// the clock as it would have run without the control, one delay d) gives the Kalman servo its
// first phase and frequency and the step. After the step the line, with the control's phase
// (the step and every frequency since) added back, steers until the envelope takes over.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "ptp/nanoseconds.h"
#include "ptp/servo/servo.h"

namespace ptp::servo {

class EnvelopeStart {
 public:
  // The joint line at a time: the clock's phase there (local - master, ns, the control's phase
  // added back), the oscillator's frequency error (ppb, at no adjustment) and the path delay.
  struct Fit {
    double phase_ns = 0;
    double frequency_error_ppb = 0;
    double delay_ns = 0;
    // 1 sigma of the phase from the points' scatter about the line; none without a degree of
    // freedom beyond the line's three.
    std::optional<double> phase_sd_ns;
  };

  // Forgets everything: the next sample is a first one again.
  void clear();
  // Whether `measurement` can start a joint line: hardware timestamps (the only ones whose raw
  // delays the envelope uses) with a Delay_Req exchange.
  [[nodiscard]] static bool can_start(const ServoSample& measurement);
  // Holds the first sample back and keeps its raw points; `applied_ppb` is the frequency the
  // clock keeps meanwhile.
  void hold(const ServoSample& first, double applied_ppb);
  [[nodiscard]] const std::optional<ServoSample>& held() const { return held_; }
  // Samples held since the start (the one held now included).
  [[nodiscard]] int held_samples() const { return held_samples_; }
  // Holds `measurement` instead (its points already added): the line is not yet good enough.
  void keep_holding(const ServoSample& measurement);
  // Releases the held sample.
  void release() { held_.reset(); }
  // Whether the points and the control are followed (from the start until stop()).
  [[nodiscard]] bool following() const { return following_; }
  // Whether the line is followed and no decision was taken on it yet.
  [[nodiscard]] bool first_decision_pending() const { return following_ && !decided_; }
  // Adds a sample's raw points (its Delay_Req's only when `request_valid`: sent on the current
  // timescale).
  void add(const ServoSample& measurement, bool request_valid);
  // The joint line at `local_time`; none when the points do not determine one.
  [[nodiscard]] std::optional<Fit> fit(Nanoseconds local_time) const;
  // `measurement` with `phase_ns` as its offset (its raw Sync delay kept: the path delay is what
  // the phase leaves of it); unchanged where the numbers do not fit.
  [[nodiscard]] static ServoSample with_phase(const ServoSample& measurement, double phase_ns);
  // A decision took effect at `time` (the current timescale): a step by `step` and the frequency
  // from then on. The first decision must be a step, and the only one: without it the clock
  // slews, and after another the line's phase is not the clock's; either ends the following.
  void decided(Nanoseconds time, std::optional<Nanoseconds> step, double frequency_ppb);
  // The start's step landed `remainder` beyond the step asked (a clock set in coarser units): the
  // line takes the step as it landed. After any other decision the following ends.
  void step_landed_off(Nanoseconds remainder);
  // Ends the following.
  void stop();

 private:
  // The most points per direction and controls followed (minutes at ptp4l's default rates).
  static constexpr std::size_t kPoints = 512;
  static constexpr std::size_t kControls = 512;
  struct Point {
    Nanoseconds time{0};  // on the first timescale
    double value_ns = 0;  // the raw delay with the control's phase removed
  };
  struct Control {
    Nanoseconds time{0};       // on the first timescale
    double phase_ns = 0;       // the control's phase by then
    double frequency_ppb = 0;  // beyond the start's, from then on
  };
  // The control's phase at `time` (first timescale).
  [[nodiscard]] double control_phase(Nanoseconds time) const;
  // `time` on the current timescale, moved back onto the first one.
  [[nodiscard]] Nanoseconds first_timescale(Nanoseconds time) const;

  std::optional<ServoSample> held_;
  int held_samples_ = 0;
  double start_frequency_ppb_ = 0;
  bool following_ = false;
  bool decided_ = false;
  Nanoseconds shift_{0};  // the step: the current timescale minus the first
  std::array<Point, kPoints> syncs_{};
  std::array<Point, kPoints> requests_{};
  std::size_t sync_count_ = 0;
  std::size_t request_count_ = 0;
  std::array<Control, kControls> controls_{};
  std::size_t control_count_ = 0;
};

}  // namespace ptp::servo
