// KalmanServo ("kalman"): our default servo. A two-state Kalman filter over the clock's phase
// offset and free-running frequency error, with the applied frequency as a known control input.
// Its measurement noise is learnt from the offsets' second differences, capped by their recent
// median so that a transient (the path delay settling after a step) cannot inflate it; the
// oscillator wander is chosen by running a small bank of such filters, half a decade of wander
// apart, and steering with the one whose one-step predictions have been best. The control removes
// the estimated frequency error and the estimated offset within `phase_correction_intervals`
// samples (at least two beyond 1 s between Syncs). The model is described in docs/servo.md.
// Samples far outside the prediction are held over rather than followed, for as long as a delay
// spike plausibly lasts (longer while the path delay shows one).
// A control clamped at the frequency limit by a slew makes the next sample start the learning
// over; clamped by noise alone (jitter beyond what the limit corrects in one horizon), it does not.
// With each direction's raw delay (E2E: the port passes every Delay_Req exchange) and
// kalman.delay_floor, the filter's measurement is the lucky-packet estimate of DelayFloorFilter,
// with its own variance, when it brings a new pair of packets and is consistent with the
// prediction; otherwise, and for a sample where it is beyond the outlier gate, the port's offset.
// With software or application timestamps, a sample that brings a Delay_Req exchange is measured
// two-way instead: half the difference of the two directions' raw delays (two_way_offset); one
// whose round trip is in the recent ones' tail (a host stall) is coasted over; the bank takes the
// smoothest filter whose score is within the scores' resolution of the best; and the robust noise
// record's median is over the samples it holds, not the hardware prior it starts with.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ptp/nanoseconds.h"
#include "ptp/servo/delay_floor_filter.h"
#include "ptp/servo/servo_base.h"
#include "ptp/servo/servo_config.h"

namespace ptp::servo {

class KalmanServo final : public ServoBase {
 public:
  // Precondition: validate(config) succeeded; `initial_frequency_ppb` within the limit.
  KalmanServo(const ServoConfig& config, double initial_frequency_ppb);

  // Keeps the measurement's path delay for the outlier gate and its raw delays for the
  // lucky-packet stage, then runs sample().
  ServoDecision sample_measurement(const ServoSample& measurement) override;
  void set_sync_interval(Nanoseconds interval) override;
  void reset() override;
  // Hold-over: the frequency that cancels the estimated oscillator error, without the phase term.
  [[nodiscard]] double frequency_ppb() const override;
  [[nodiscard]] std::string_view name() const override { return "kalman"; }

  // The steering filter's adapted noise terms and estimate, for diagnostics and tests.
  [[nodiscard]] double measurement_noise_ns() const;
  [[nodiscard]] double frequency_wander_ppb2_per_s() const;
  // The estimated free-running frequency error of the clock, ppb (positive = the clock runs fast).
  [[nodiscard]] double frequency_error_ppb() const;
  // The steering filter's phase estimate after the last sample, ns (local - master).
  [[nodiscard]] double phase_ns() const;
  // The clock was given `frequency_ppb` instead of this servo's last decision (a servo that runs
  // this one beside another estimator and steers with that one): the model's control input.
  void assume_applied(double frequency_ppb);
  // From now on, a decision takes effect when the port decides (ServoSample::decision_delay after
  // the Sync: a late Follow_Up's arrival), not at the Sync: the model's control input and the
  // control law follow. (The envelope servo's inner filter: its own control steers the phase at
  // that time, and the filter's control must agree with it.)
  void model_decision_delay() { model_decision_delay_ = true; }
  // Over how long the control removes the estimated phase, s.
  [[nodiscard]] double horizon_s() const;
  // Wander beyond the usual range shown by another test of the samples (`wander_ppb2_per_s`, its
  // estimate), or no longer shown (nullopt): while shown, a far filter judges and steers every
  // sample, during the warm-up too (the one nearest the estimate until the likelihoods have
  // kFarWanderMinSamples samples, then the most likely one).
  void set_far_wander_shown(std::optional<double> wander_ppb2_per_s);
  // 1 sigma of the steering filter's phase estimate after the last sample, ns.
  [[nodiscard]] double phase_uncertainty_ns() const;
  // Samples not used because they were far outside the prediction, since construction.
  [[nodiscard]] std::uint64_t rejected_samples() const { return rejected_samples_; }
  // Samples that brought no new lucky pair (left to the prediction), since construction.
  [[nodiscard]] std::uint64_t unlucky_samples() const { return unlucky_samples_; }

 protected:
  ServoDecision decide(Nanoseconds offset_from_master, Nanoseconds local_time) override;
  void absorb_step_remainder(double remainder_ns) override;

 private:
  // One filter of the bank. State: phase offset (ns, local - master, at the last sample) and the
  // clock's free-running frequency error (ppb); covariance in ns^2, ns * ppb, ppb^2.
  // The bank, one array per field (so that the loops over the filters vectorise), and one filter
  // of it: references to its fields, read and written as a struct's. A filter's state: phase
  // offset (ns, local - master, at the last sample) and the clock's free-running frequency error
  // (ppb); covariance in ns^2, ns * ppb, ppb^2.
  template <class Value>
  struct FilterRef {
    Value& wander_ppb2_per_s;  // this filter's process noise, fixed
    Value& phase_ns;
    Value& frequency_error_ppb;
    Value& p_phase;
    Value& p_cross;
    Value& p_frequency;
    // Smoothed log of the squared one-step prediction error (usual filters only), ln(ns^2): a
    // transient's errors count by their log ratio to the others, not by their square.
    Value& score;
    // Smoothed negative log-likelihood of the one-step predictions (clipped), nats: unlike the
    // score it penalises a filter whose predictions are too confident, which is what tells a
    // wander beyond the usual range from the usual filters.
    Value& mean_nll;
    Value& mean_nis;  // smoothed squared innovation over its predicted variance (clipped)
  };
  struct Bank {
    using Values = std::array<double, kMaxKalmanBank>;
    Values wander_ppb2_per_s{};
    Values phase_ns{};
    Values frequency_error_ppb{};
    Values p_phase{};
    Values p_cross{};
    Values p_frequency{};
    Values score{};
    Values mean_nll{};
    Values mean_nis{};
  };
  // Filter i's fields in `bank` (const or not): one list of the fields for both overloads.
  template <class Value, class BankType>
  [[nodiscard]] static FilterRef<Value> filter_in(BankType& bank, std::size_t i) {
    return {bank.wander_ppb2_per_s[i],
            bank.phase_ns[i],
            bank.frequency_error_ppb[i],
            bank.p_phase[i],
            bank.p_cross[i],
            bank.p_frequency[i],
            bank.score[i],
            bank.mean_nll[i],
            bank.mean_nis[i]};
  }
  [[nodiscard]] FilterRef<double> filter(std::size_t i) { return filter_in<double>(bank_, i); }
  [[nodiscard]] FilterRef<const double> filter(std::size_t i) const {
    return filter_in<const double>(bank_, i);
  }

  void start(double offset_ns, Nanoseconds local_time);
  // The offset of a software or application timestamped sample from both directions of its
  // exchange: the Sync's raw delay and the Delay_Req's, the latter brought forward to the Sync's
  // time with the phase the clock has run since; nothing without a recent exchange.
  struct TwoWay {
    Nanoseconds offset;
    double round_trip_ns = 0;  // both raw delays with the clock's run between them removed
    // The measurement is offset(now) - lag_s * frequency error (the Delay_Req's half of it is
    // `age` old in the clock's own frequency): the filters' measurement matrix [1, -lag_s].
    double lag_s = 0;
  };
  [[nodiscard]] std::optional<TwoWay> two_way_offset(const ServoSample& measurement) const;
  // Whether a round trip is in the tail of the recent ones (a host stall); then keeps it.
  bool in_round_trip_tail(double round_trip_ns);
  // The lucky-packet stage: feeds this sample's raw delays to the floor filter and returns its
  // offset estimate, or nothing when it has none (then the port's offset is used). `repeated`
  // is set when the estimate comes from the same pair of packets as the last one used.
  std::optional<DelayFloorFilter::Estimate> floor_offset(Nanoseconds local_time, bool* repeated);
  [[nodiscard]] DelayFloorFilter::PhaseModel phase_model(Nanoseconds now) const;
  // Scores the lucky-packet estimate against the steering filter's prediction (used or not): its
  // mean squared innovation over the variance it would be used with. Beyond kInconsistentNis the
  // estimate is not what the filter takes it for (its projection does not hold: a delayed
  // Follow_Up, wander beyond the model, timestamps whose noise is not one-sided), and the port's
  // offset is used until it is consistent again.
  void learn_floor_consistency(const DelayFloorFilter::Estimate& floor);
  // The frequency the control wants, before the clock's limit is applied.
  [[nodiscard]] double control_ppb() const;
  // Applies the control law, clamped to the frequency limit: sets applied_frequency_ppb_ and
  // saturated_ and returns the applied frequency.
  double steer();
  // Over the `interval_s` since the last sample, the phase the applied frequency did not add
  // because the one before it was still in force until the last decision took effect
  // (model_decision_delay; 0 without).
  [[nodiscard]] double late_control_ns(double interval_s) const;
  void learn_gaps(double interval_s);
  // A measurement noise sample from the offsets' second differences (the applied control
  // removed), which needs no filter and so is right from the start; none until there are two
  // differences. It enters the recent record at once.
  std::optional<double> noise_sample(double offset_ns, Nanoseconds local_time);
  // The oscillator's time over `local_s` of the clock's own under adjustment `u` (with host
  // timestamps local_s / (1 + u); see the definition).
  [[nodiscard]] double oscillator_seconds(double local_s, double applied_frequency_ppb) const;
  // The offset the next noise sample differences against, with its time and control phase.
  void remember_offset(double offset_ns, Nanoseconds local_time, double lag_s = 0);
  // Adds a noise sample to the mean and updates the measurement noise in use.
  void learn_measurement_noise(double sample);
  // Whether a control clamped at the frequency limit is a slew rather than noise: the noise
  // alone would not ask for the limit.
  [[nodiscard]] bool is_slewing() const;
  // A robust measurement variance: the median of the recent second-difference samples, scaled to
  // a variance. A transient (the path delay settling after a step, a slew) moves only a minority
  // of them, so it cannot inflate the estimate the way it inflates a mean.
  [[nodiscard]] double robust_variance_ns2() const;
  // Writes a noise sample over the oldest one of the recent record, keeping the sorted copy.
  void record_noise(double sample);
  // Forgets everything learnt from samples but the phase, frequency and noise level: the next
  // samples re-estimate the frequency and relearn the wander, as after a start. Used while the
  // control is saturated, where the frequency model does not hold.
  void relearn(double offset_ns, Nanoseconds local_time);
  // The filter that steers until the scores say which wander is right: the most agile one whose
  // wander over one sync interval stays within the measurement noise.
  [[nodiscard]] std::size_t warm_up_filter() const;
  [[nodiscard]] FilterRef<const double> best() const { return filter(best_); }
  // The usual filter (q <= kMaxWarmUpWander) whose predictions have been best (with host
  // timestamps: the smoothest one as good within the scores' resolution).
  [[nodiscard]] std::size_t best_usual() const;
  // Every filter's likelihood of this sample, held over or not: a bank whose steering filter
  // rejects every sample must still see which filter explains them.
  void learn_likelihoods(double offset_ns, double measurement_variance_ns2);
  // The variance the lucky-packet estimates are used with: their floors' (DelayFloorFilter), the
  // port's offsets' until enough estimates were used.
  [[nodiscard]] double floor_variance_ns2() const;
  // `best_usual`, unless a far filter explains the samples by kFarWanderMarginNats better (or far
  // wander is shown: shown_far_filter).
  [[nodiscard]] std::size_t steering_filter(std::size_t best_usual) const;
  // The far filter that steers while far wander is shown (set_far_wander_shown).
  [[nodiscard]] std::size_t shown_far_filter() const;
  // Whether outliers have been held over long enough to be believed: for longer than
  // outlier_holdover since the first of them, or path_change_holdover while the path delay has
  // moved as well.
  [[nodiscard]] bool holdover_expired(Nanoseconds local_time, double gate_variance) const;
  // Makes the filters believe an innovation held over for `held_s`: their phase uncertainty
  // covers it, and their frequency uncertainty covers it as a frequency change over that time.
  void widen_for(double offset_ns, double held_s);

  KalmanConfig config_;
  double sync_interval_s_;
  Bank bank_;
  std::size_t bank_size_ = 0;
  std::size_t first_far_ = 0;  // the first filter beyond the usual wander (is_far), or bank_size_
  std::size_t best_ = 0;
  std::optional<double> shown_wander_ppb2_per_s_;  // set_far_wander_shown
  // The frequency adjustment in force (the control input), since when (local time), and the one in
  // force before it.
  double applied_frequency_ppb_;
  Nanoseconds applied_since_{0};
  double previous_applied_frequency_ppb_;
  // model_decision_delay: the frequency in force when the last sample came (before its
  // decision); how long after that sample the decision takes effect (s); over the interval
  // decide() is on, how long the frequency `delayed_frequency_ppb_` stayed in force
  // (late_control_ns); the sample's decision delay while sample_measurement runs.
  bool model_decision_delay_ = false;
  double before_decision_ppb_;
  double decision_effect_delay_s_ = 0;
  double interval_delay_s_ = 0;
  double delayed_frequency_ppb_ = 0;
  double sample_decision_delay_s_ = 0;
  // The shared measurement noise (ns^2) and what it is learnt from: the last used offset and the
  // last first difference with the control removed, as a rate over its interval.
  struct Difference {
    double rate_ppb = 0;
    double interval_s = 0;
    bool slewing = false;  // the control in force over the interval was a slew's
  };
  double measurement_variance_ns2_;
  double mean_noise_variance_ns2_;  // the plain average of the samples, before the robust cap
  int noise_samples_ = 0;
  // The last kRecentNoiseSamples noise samples (ns^2), a ring, filled with the initial variance.
  static constexpr std::size_t kRecentNoiseSamples = 15;
  std::array<double, kRecentNoiseSamples> recent_noise_{};
  std::size_t recent_noise_next_ = 0;
  std::size_t noise_recorded_ = 0;  // samples written to it, up to its size
  // The same samples in ascending order (kept as each one replaces the oldest, so that the
  // median costs no selection per call), while none is NaN: NaN has no place in an order.
  std::array<double, kRecentNoiseSamples> sorted_noise_{};
  bool sorted_noise_valid_ = false;
  // Whether the last decision's control was clamped at the frequency limit.
  bool saturated_ = false;
  // Whether the last decision was taken as a slew (is_slewing), with the filters relearning.
  bool slewing_ = false;
  double last_offset_ns_ = 0;
  Nanoseconds offset_time_{0};
  double offset_lag_s_ = 0;  // its lag (TwoWay::lag_s): it measured the phase that much earlier
  double offset_control_phase_ns_ = 0;
  std::optional<Difference> last_difference_;
  // The intervals between samples in sync intervals (lost Syncs make them longer): their mean
  // and mean square, which set how gently the control removes the phase.
  double gap_mean_ = 1;
  double gap_mean_square_ = 1;
  int gap_samples_ = 0;
  std::optional<Nanoseconds> last_local_time_;
  int samples_ = 0;  // since the last start-over
  int updates_ = 0;  // measurement updates since the last start-over, for the averaging weights
  int likelihood_samples_ = 0;  // samples in the filters' mean_nll since the last start-over
  // The local time and path delay of the last sample used, and the path delay given with the
  // sample being decided (sample_measurement; none through plain sample()).
  Nanoseconds last_used_time_{0};
  std::optional<Nanoseconds> used_path_delay_;
  std::optional<Nanoseconds> sample_path_delay_;
  // When the current run of rejected samples began (none while samples are being used).
  std::optional<Nanoseconds> first_rejected_time_;
  std::uint64_t rejected_samples_ = 0;
  // The lucky-packet stage: this sample's raw delays (sample_measurement), the phase the control
  // has added since the last clear of the floor filter and when it was last brought up to date,
  // and the pair of packets of the last estimate used.
  struct RawDelays {
    double master_to_slave_ns = 0;
    std::optional<DelayRequestSample> delay_request;
    TimestampKind timestamp_kind = TimestampKind::kUnknown;
  };
  std::optional<RawDelays> sample_raw_;
  // Whether the samples come with software or application timestamps (the last sample's kind).
  bool host_stamped_ = false;
  // The recent two-way round trips (a ring), how many were kept, and whether this sample's is in
  // their tail.
  static constexpr std::size_t kRoundTrips = 31;
  std::array<double, kRoundTrips> round_trip_ns_{};
  std::size_t round_trips_ = 0;
  bool tail_hit_ = false;
  // The last Delay_Req exchange (ServoSample::delay_request), for the Syncs after it.
  std::optional<DelayRequestSample> last_delay_request_;
  DelayFloorFilter floor_;
  double control_phase_ns_ = 0;
  std::optional<Nanoseconds> control_phase_time_;
  std::uint64_t used_sync_id_ = 0;
  std::uint64_t used_request_id_ = 0;
  std::uint64_t unlucky_samples_ = 0;
  // The frequency lag of this sample's measurement (DelayFloorFilter::Estimate::lag_s, or
  // TwoWay::lag_s for a two-way measurement; 0 for the port's offset).
  double lag_s_ = 0;
  double two_way_lag_s_ = 0;  // this sample's TwoWay::lag_s while it is being decided
  // The lucky-packet estimates' smoothed normalised squared innovation (learn_floor_consistency).
  double floor_nis_ = 1.0;
  int floor_nis_samples_ = 0;
};

}  // namespace ptp::servo
