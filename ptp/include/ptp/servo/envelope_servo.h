// EnvelopeServo ("envelope"): steers with the maximum-likelihood phase and frequency under the
// delay's lower envelopes (EnvelopeFit) instead of an average of the port's offsets. It removes
// the phase its own control added from every raw one-way measurement, so the points describe the
// free-running clock, a line up to its wander; the fit's window is the one whose one-step
// predictions of the next exchange have been best (a wandering clock wants a short window, a
// stable one a long window with luckier packets). Where the queueing is a sum of several tails
// (its shape beyond 2: lucky packets are rare), the gamma likelihood's line (GammaLineFit) over
// the longest window, or twice as long where that predicts no worse, is a candidate beside the
// windows, chosen by the same scores or where a paired comparison cannot show it worse. The control
// is dead-beat on the fit's phase.
// It needs each direction's raw delay (E2E: the port passes every Delay_Req exchange). Until the
// window holds enough of both, and whenever the envelope stops explaining the packets (a phase
// jump of the master, a step), an inner Kalman servo acquires and steers; without Delay_Req
// exchanges (P2P) the Kalman servo steers throughout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

#include "ptp/nanoseconds.h"
#include "ptp/servo/envelope_fit.h"
#include "ptp/servo/envelope_servo_line_filter.h"
#include "ptp/servo/envelope_start.h"
#include "ptp/servo/excess_shape.h"
#include "ptp/servo/gamma_line_fit.h"
#include "ptp/servo/kalman_servo.h"
#include "ptp/servo/paired_difference.h"
#include "ptp/servo/score_difference.h"
#include "ptp/servo/servo_base.h"
#include "ptp/servo/servo_config.h"
#include "ptp/servo/wander_test.h"

namespace ptp::servo {

class EnvelopeServo final : public ServoBase {
 public:
  // Precondition: validate(config) succeeded; `initial_frequency_ppb` within the limit.
  EnvelopeServo(const ServoConfig& config, double initial_frequency_ppb);

  // Keeps the measurement's raw delays, then runs sample().
  ServoDecision sample_measurement(const ServoSample& measurement) override;
  void set_sync_interval(Nanoseconds interval) override;
  void reset() override;
  [[nodiscard]] double frequency_ppb() const override;
  [[nodiscard]] std::string_view name() const override { return "envelope"; }

  // Whether the envelope steers (false: the inner Kalman servo does).
  [[nodiscard]] bool envelope_steering() const { return steering_; }
  // The window the envelope steers with, in sync intervals (0 while it does not steer; the gamma
  // line's: the longest window or twice it).
  [[nodiscard]] double window_intervals() const;
  // The learnt scale of the queueing: the exchanges' mean excess over the steering line's floor,
  // ns (0 before the envelope has a line).
  [[nodiscard]] double queueing_scale_ns() const { return excess_mean_ns_; }
  // Whether the gamma line has at least half the steering weight.
  [[nodiscard]] bool gamma_steering() const;
  // How often the points fell below the envelope and the window started over, since
  // construction.
  [[nodiscard]] std::uint64_t fallbacks() const { return fallbacks_; }

 protected:
  ServoDecision decide(Nanoseconds offset_from_master, Nanoseconds local_time) override;
  void absorb_step_remainder(double remainder_ns) override;

 private:
  // The candidate lines, scored alike: the envelope's windows, then the gamma likelihood's line
  // over the longest window or twice it (valid only where the queueing's shape says a sum of
  // tails).
  static constexpr std::size_t kGammaSource = EnvelopeFit::kWindows;
  static constexpr std::size_t kCandidates = EnvelopeFit::kWindows + 1;

  // The phase the control has added by `time` (ns), from the recent decisions.
  [[nodiscard]] double control_phase_at(Nanoseconds time) const;
  // A decision takes effect at `time`: the frequency in force from then, and a step's phase.
  void note_decision(const ServoDecision& decision, Nanoseconds time);
  // Adds this sample's raw points (control removed) and scores every window's last fit on them.
  void add_points(Nanoseconds local_time);
  void score_windows(double sync_value_ns, Nanoseconds sync_time, double request_value_ns,
                     Nanoseconds request_time);
  // The exchanges' mean excess over the steering line's floor (both directions averaged, so
  // that the line's phase cancels): the queueing's scale.
  void learn_excess(double sync_value_ns, Nanoseconds sync_time, double request_value_ns,
                    Nanoseconds request_time);
  // The candidates after a fit: the windows' lines and, where the shape says so, the gamma line.
  void fit_candidates(Nanoseconds local_time);
  // Whether this sample's points lie below the steering line by more than queueing can explain
  // (their excess over the floor is never negative): counts such samples in a row.
  [[nodiscard]] bool below_envelope(double value_ns, Nanoseconds time, double sign) const;
  [[nodiscard]] std::size_t steering_window() const;
  // Whether the gamma line's paired errors show it predicting no worse than window `window`'s
  // (see kGammaConfidence).
  [[nodiscard]] bool gamma_not_worse_than(std::size_t window) const;
  // Accumulates the gamma line's squared paired error minus each window's (`squares_ns2`: this
  // exchange's squared errors of every candidate).
  void compare_gamma_with_windows(const std::array<double, kCandidates>& squares_ns2);
  // Accumulates the long gamma line's squared paired error minus the short one's (`measured_ns`:
  // the exchange's paired value; errors clipped at `clip_ns` where given).
  void compare_long_gamma(double measured_ns, Nanoseconds sync_time, Nanoseconds request_time,
                          std::optional<double> clip_ns);
  void forget_gamma_comparison();
  // The gamma candidate after fitting the short line `short_line`: the long window's line
  // (refitted every kLongGammaRefit samples) where the comparison cannot show it worse.
  [[nodiscard]] EnvelopeFit::Line choose_gamma_line(Nanoseconds local_time,
                                                    const EnvelopeFit::Line& short_line);
  // When the decision takes effect: the port's decision time when it is plausible.
  [[nodiscard]] Nanoseconds decision_time(Nanoseconds local_time) const;
  // Whether the envelope steers this sample: the Kalman servo has locked (it acquires and
  // steps), both directions have enough points, the window predicts better than the Kalman
  // filter does, the settled comparison does not show the Kalman filter better, and before the
  // scores decide, the scored exchanges span at most kEarlySpanS.
  [[nodiscard]] bool envelope_usable(const ServoDecision& kalman_decision, double phase_ns) const;
  // The Kalman servo's estimate after this sample as a line of the free-running phase, for
  // scoring its next prediction beside the windows'.
  void remember_kalman(Nanoseconds local_time);
  // Forgets the points, fits and window scores.
  void clear_envelope();
  // Moves the blend's weights toward `source` (a window, or kKalmanSource: at once) over the
  // shortest window's span, or at once where a change is not the scores' noise (see there).
  void update_blend(std::size_t source, Nanoseconds local_time);
  // The windows fit_candidates refits whatever the schedule (shape_due: the shape is measured
  // on the longest line at this sample).
  [[nodiscard]] EnvelopeFit::Windows fresh_windows(bool shape_due) const;
  // Whether the Kalman servo steers (alone: the envelope's lines are never blended with it).
  [[nodiscard]] bool kalman_alone() const;
  // The blend of the windows' lines (free-running phase) at `at`.
  [[nodiscard]] EnvelopeFit::Line blended_line(Nanoseconds at) const;
  // All weight on `source`.
  void blend_only(std::size_t source);
  void learn_gap(Nanoseconds local_time);
  // Whether `local_time` lies within the shortest window's span after a gap without samples
  // longer than it (the Kalman servo steers there).
  [[nodiscard]] bool after_gap(Nanoseconds local_time) const;
  // How far before a step a point may lie and still be reported after it.
  [[nodiscard]] Nanoseconds late_report_span() const;
  // Whether a point at `time` belongs to the timescale a step ended (dropped).
  [[nodiscard]] bool before_epoch(Nanoseconds time) const;
  [[nodiscard]] double horizon_s() const;
  // The inner Kalman servo's decision on this sample. From the start, with hardware timestamps
  // and Delay_Req exchanges, its samples are held back until the joint line of both directions'
  // raw delays is good enough (EnvelopeStart); then it is given the line's phases (start_kalman).
  ServoDecision sample_kalman(Nanoseconds offset_from_master, Nanoseconds local_time);
  ServoDecision start_kalman(const ServoSample& held);
  // The decision from the start's line (none when it has none).
  std::optional<ServoDecision> steer_by_start_line(Nanoseconds local_time, Nanoseconds decided);
  // Whether the queueing's shape, as far as measured, is a single tail's beyond its own standard
  // error (the lower envelope's domain).
  [[nodiscard]] bool single_tail() const;
  // `line` (free-running phase) averaged with the start's line at `decided` (see
  // kStartLineShare); `line` itself where the start's points give no line.
  [[nodiscard]] EnvelopeFit::Line with_start_line(const EnvelopeFit::Line& line,
                                                  Nanoseconds decided) const;
  // The wander the line filter assumes at `local_time` (the Kalman servo's, with a floor after the
  // start).
  double line_wander_ppb2_per_s(Nanoseconds local_time);
  // Keeps the steered line's free-running phase at `time` (the envelope steered this sample).
  void track_phase(Nanoseconds time, double phase_ns);
  // The free-running frequency at the newest tracked phase, ppb (positive: the clock runs fast),
  // from the quadratic through the tracked phases of the last kHoldSpanS; none while they are
  // too few or, short of a full ring, span less than half of it.
  [[nodiscard]] std::optional<double> phase_track_slope_ppb() const;
  // Whether the comparison since the scores started deciding shows the Kalman servo predicting
  // better than the steering candidate beyond the comparison's own noise (see there).
  [[nodiscard]] bool settled_kalman_better() const;
  // The wander test's estimate where it shows wander beyond a usual crystal's (kMaxEnvelopeWander)
  // and the start's line does not steer; nullopt otherwise.
  [[nodiscard]] std::optional<double> far_wander_shown() const;
  // Whether the scores settle within kEarlySpanS (kMinScored exchanges at up to 1 s between
  // Syncs): the envelope then steers unless shown worse; otherwise only once shown better.
  [[nodiscard]] bool scores_settle_early() const;

  ServoConfig config_;
  double sync_interval_s_;
  Nanoseconds sync_interval_;
  std::optional<KalmanServo> kalman_;
  EnvelopeStart start_;
  // The free-running phase at the Syncs (control removed): far wander shown there keeps the
  // envelope from steering and has the Kalman servo steer with a far filter.
  WanderTest wander_;
  int wander_samples_left_ = 0;  // samples for which the wander test still acts
  bool first_sample_ = true;     // the next sample is the first since construction or reset()
  // The start's line steers: alone until the envelope does, then averaged with the envelope's
  // line until the envelope's scores are settled (unless the shape shows a single tail).
  bool line_start_ = false;
  bool early_line_wander_ = false;   // the line filter's wander has a floor (after the start)
  Nanoseconds early_line_since_{0};  // from the start's first decision
  bool steering_ = false;
  EnvelopeFit fit_;
  EnvelopeFit::Lines windows_{};
  EnvelopeFit::Windows fitted_;  // the windows refitted at this sample
  // The candidates' lines, the last one the gamma line.
  std::array<EnvelopeFit::Line, kCandidates> lines_{};
  std::size_t steering_window_ = 0;
  std::array<double, kCandidates> scores_{};
  // Per candidate, its squared paired error minus the Kalman line's on the same exchange, from
  // the exchange at which the scores start deciding: the comparison without the Kalman servo's
  // acquisition, which scores_ and kalman_score_ns2_ keep for kScoreSamples exchanges.
  std::array<ScoreDifference, kCandidates> settled_;
  // The settled comparison had the Kalman servo steer at the last sample.
  bool settled_kalman_ = false;
  // The candidate the settled comparison let steer at the last sample (kCandidates: none).
  std::size_t earned_source_ = kCandidates;
  // Each candidate's and the Kalman line's paired errors smoothed over the Kalman servo's phase
  // horizon (what its control leaves of them): the settled comparison's values.
  std::array<double, kCandidates> smoothed_errors_ns_{};
  double smoothed_kalman_error_ns_ = 0;
  int scored_ = 0;
  double noise_scale_ns_ = 0;  // mean |paired one-step error| of the steering window, ns
  int below_run_ = 0;
  EnvelopeFit::Line kalman_line_;
  double kalman_score_ns2_ = 0;
  double excess_mean_ns_ = 0;
  // The gamma likelihood's points (both lines' fits share them), and its line over the longest
  // window (the fit's own warm start).
  GammaLineFit gamma_;
  double shape_k_ = 0;             // the queueing's shape (excess_shape.h)
  int shape_age_ = 0;              // samples since the shape was computed
  bool shape_known_ = false;       // computed from enough points since the last reset()
  bool gamma_line_valid_ = false;  // the gamma line was a candidate at the last sample
  int excess_samples_ = 0;
  // The gamma line's squared paired error minus each window's, since it became a candidate.
  std::array<PairedDifference, EnvelopeFit::kWindows> gamma_difference_{};
  // The gamma line over twice the longest window: its fit's warm start, its last line and the
  // short line's (both as fitted, for the comparison), the long line's squared paired error minus
  // the short one's, and the samples since the long line was refitted.
  GammaLineFit::Warm gamma_long_warm_;
  EnvelopeFit::Line gamma_long_line_;
  EnvelopeFit::Line gamma_short_line_;
  PairedDifference long_difference_;
  int long_age_ = 0;
  bool gamma_long_steers_ = false;  // the gamma candidate is the long line
  double shape_error_ = 0;  // the shape's standard error, from the excesses it was computed from
  // The shape has shown a sum of tails (beyond kMinGammaShape by a standard error) and no reading
  // since has ruled it out (fit_candidates).
  bool gamma_shape_holds_ = false;
  // The decisions of the recent past: from `time` on, frequency `frequency_ppb` was in force,
  // and the control had added `phase_ns` by then.
  struct Control {
    Nanoseconds time{0};
    double phase_ns = 0;
    double frequency_ppb = 0;
  };
  static constexpr std::size_t kControlHistory = 32;
  std::array<Control, kControlHistory> controls_{};
  std::size_t control_count_ = 0;
  std::size_t control_next_ = 0;
  double applied_frequency_ppb_;
  double frequency_estimate_ppb_;
  // Points at or before this time and after epoch_floor_ belong to a timescale that ended (a
  // step): dropped.
  Nanoseconds epoch_{std::numeric_limits<std::int64_t>::min()};
  Nanoseconds epoch_floor_{std::numeric_limits<std::int64_t>::min()};
  // This sample's raw delays (sample_measurement).
  struct RawDelays {
    double master_to_slave_ns = 0;
    std::optional<DelayRequestSample> delay_request;
  };
  std::optional<RawDelays> raw_;
  std::optional<ServoSample> measurement_;
  std::optional<Nanoseconds> last_time_;
  // The first sample after the last gap after_gap counts, and whether a step decision came
  // since the last sample (its move of the local time is no gap).
  std::optional<Nanoseconds> gap_end_;
  bool stepped_since_last_ = false;
  double gap_mean_ = 1;
  double gap_mean_square_ = 1;
  int gap_samples_ = 0;
  std::uint64_t fallbacks_ = 0;
  // The weights with which the windows' lines steer, or 1 at kKalmanSource while the Kalman
  // servo does: they sum to 1 and move toward the chosen window over the shortest window's
  // span, so that a change of window on noisy scores is no jump of the frequency.
  static constexpr std::size_t kKalmanSource = kCandidates;
  std::array<double, kCandidates + 1> blend_{};
  std::optional<Nanoseconds> last_blend_time_;
  // Between the blended line and the control: smooths the line's own jitter (vertex changes).
  EnvelopeLineFilter line_filter_;
  // The steered line's free-running phase at each sample the envelope steered since it last
  // took over (a ring of the newest kPhaseTrack): what the hold-over frequency is fitted to.
  struct PhasePoint {
    Nanoseconds time{0};
    double phase_ns = 0;
  };
  static constexpr std::size_t kPhaseTrack = 128;  // the hold-over span (16 s) at 8 Syncs a second
  std::array<PhasePoint, kPhaseTrack> phase_track_{};
  std::size_t phase_track_count_ = 0;
  std::size_t phase_track_next_ = 0;
};

}  // namespace ptp::servo
