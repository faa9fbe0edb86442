// KalmanServo: the filter bank, the noise learning and the control law (model in docs/servo.md).
#include "ptp/servo/kalman_servo.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ptp::servo {
namespace {

// The noise and score averages weigh all samples equally until they have this many, then forget
// exponentially with that weight, so they follow a change of timestamping quality or wander.
constexpr double kAveragingSamples = 256.0;
// For this many updates after a start the noise estimate is still rough: the outlier gate is
// off, the scores are not kept, and the covariances follow the noise estimate's changes.
constexpr int kWarmUpUpdates = 16;
// Past the warm-up, squared second differences and prediction errors are clipped at this many
// variances, so that a PDV spike cannot inflate the estimates.
constexpr double kClipVariances = 25.0;
// The warm-up filter's wander is at most this, ppb^2/s (1e2 ppb/sqrt(s), a poor crystal's): more
// agile filters are for the scores to choose.
constexpr double kMaxWarmUpWander = 1.0e4;
// A filter whose wander is beyond kMaxWarmUpWander steers only when its predictions are this much
// more likely (mean log-likelihood per sample, nats) than the best usual filter's: such wander is
// rare, and after a transient a far filter can look better for a while.
constexpr double kFarWanderMarginNats = 3.0;
// ... and only while the best usual filter is inconsistent with its own predictions: its mean
// squared innovation is this many times the variance it predicts (1 for a right model).
constexpr double kInconsistentNis = 4.0;
// ... after this many samples past the warm-up: the first few averages are too young to tell a
// start-up transient from wander (fewer delayed the lock in the accuracy benchmark's hw runs).
constexpr int kFarWanderMinSamples = 8;
// Sync intervals longer than this (seconds) correct the phase over at least
// kLongIntervalCorrection intervals.
constexpr double kLongSyncIntervalS = 1.0;
constexpr double kLongIntervalCorrection = 2.0;
// The measurement variance in use is at most this many robust variances. (The median of 15 is
// itself noisy, and PDV is not Gaussian: 3 cost the accuracy benchmark's hw-windows and stress
// scenarios over 10 seeds.)
constexpr double kRobustCapVariances = 8.0;
// With host timestamps, scores within this of the best (a ratio of 1.005 of the geometric mean
// square) are taken as equal (best_usual): the noise of a score averaged over kAveragingSamples
// with microseconds of timestamp noise.
constexpr double kScoreResolutionNats = 0.0049875415;  // ln(1.005)
// With host timestamps, a round trip beyond the recent ones' median by this many robust sigmas
// is a stall of a host (in_round_trip_tail), judged once there are kMinRoundTrips of the last
// kRoundTrips. (A Gaussian round trip goes beyond it once in 700.)
constexpr double kTailSigmas = 3.0;
constexpr std::size_t kMinRoundTrips = 8;
// A Gaussian's sigma over its median absolute deviation.
constexpr double kMadToSigma = 1.4826;
// The median of a chi-square variable of one degree of freedom, in units of its mean: what the
// median of squared Gaussian samples is of their variance.
constexpr double kChiSquareMedian = 0.4549;
// Gaps between samples longer than this many sync intervals count as this many for the control's
// phase horizon: a long outage is not a loss rate.
constexpr double kMaxGapIntervals = 8.0;
// A noise sample's rate needs its two measurements this fraction of their interval apart in the
// time they measure (two-way measurements measure earlier than they are taken).
constexpr double kMinMeasuredInterval = 0.25;

// Whether a filter's wander is beyond the usual range (kMaxWarmUpWander; with a tolerance: the
// bank's q are powers of ten only up to rounding).
template <class Filter>
bool is_far(const Filter& one) {
  return one.wander_ppb2_per_s > kMaxWarmUpWander * 1.01;
}

// The sample counters only matter up to the averaging length; saturating them keeps a servo that
// runs for years free of overflow.
constexpr int kCounterCeiling = 1 << 20;
// model_decision_delay: a decision delay longer than this many sync intervals is not the
// Follow_Up's (as the envelope servo's); one shorter than kMinModelledDelayIntervals (a Follow_Up
// right behind its Sync: microseconds) moves the phase by the clock's residual error over it, far
// below the timestamps' noise, and is left out.
constexpr double kMaxDecisionDelayIntervals = 4.0;
constexpr double kMinModelledDelayIntervals = 0.1;
void count(int& counter) {
  if (counter < kCounterCeiling) ++counter;
}

constexpr double seconds(Nanoseconds interval) {
  return static_cast<double>(interval.count()) / static_cast<double>(kNanosecondsPerSecond);
}

// Time update: x' = F x + B u with F = [1 dt; 0 1]; the phase runs at (error + applied frequency)
// less `late_ns`, the part of it the applied frequency was not yet in force for (late_control_ns),
// and a random-walk frequency of density q adds q * [dt^3/3, dt^2/2; dt^2/2, dt].
template <class Filter>
void predict(Filter f, double applied_frequency_ppb, double dt, double late_ns) {
  f.phase_ns += (f.frequency_error_ppb + applied_frequency_ppb) * dt - late_ns;
  const double q = f.wander_ppb2_per_s;
  const double p_phase = f.p_phase + 2 * dt * f.p_cross + dt * dt * f.p_frequency;
  const double p_cross = f.p_cross + dt * f.p_frequency;
  f.p_phase = p_phase + q * dt * dt * dt / 3.0;
  f.p_cross = p_cross + q * dt * dt / 2.0;
  f.p_frequency += q * dt;
}

// What a measurement `lag` seconds old in its frequency term predicts: z = phase - lag * f. (A
// lucky-packet estimate projects older packets with the filter's frequency, so it carries the
// frequency's error over their age; lag 0 is the plain offset.)
template <class Filter>
double predicted(const Filter& f, double lag) {
  return f.phase_ns - lag * f.frequency_error_ppb;
}
template <class Filter>
double predicted_variance(const Filter& f, double lag) {
  return f.p_phase - 2 * lag * f.p_cross + lag * lag * f.p_frequency;
}

// Measurement update with z = phase + noise of variance r (H = [1, 0]).
template <class Filter>
void update_without_lag(Filter f, double innovation_ns, double r) {
  const double s = f.p_phase + r;
  const double gain_phase = f.p_phase / s;
  const double gain_frequency = f.p_cross / s;
  f.phase_ns += gain_phase * innovation_ns;
  f.frequency_error_ppb += gain_frequency * innovation_ns;
  const double p_cross = f.p_cross;
  f.p_frequency -= gain_frequency * p_cross;
  f.p_phase *= 1 - gain_phase;
  f.p_cross *= 1 - gain_phase;
}
// Measurement update with z = phase - lag * f + noise of variance r (H = [1, -lag]).
template <class Filter>
void update(Filter f, double innovation_ns, double r, double lag) {
  if (lag == 0) {
    update_without_lag(f, innovation_ns, r);
    return;
  }
  const double hp_phase = f.p_phase - lag * f.p_cross;      // (H P)_0
  const double hp_cross = f.p_cross - lag * f.p_frequency;  // (H P)_1
  const double s = hp_phase - lag * hp_cross + r;
  const double gain_phase = hp_phase / s;
  const double gain_frequency = hp_cross / s;
  f.phase_ns += gain_phase * innovation_ns;
  f.frequency_error_ppb += gain_frequency * innovation_ns;
  f.p_phase -= gain_phase * hp_phase;
  f.p_cross -= gain_phase * hp_cross;
  f.p_frequency -= gain_frequency * hp_cross;
}

}  // namespace

KalmanServo::KalmanServo(const ServoConfig& config, double initial_frequency_ppb)
    : ServoBase(config),
      config_(config.kalman),
      sync_interval_s_(seconds(config.sync_interval)),
      applied_frequency_ppb_(initial_frequency_ppb),
      previous_applied_frequency_ppb_(initial_frequency_ppb),
      before_decision_ppb_(initial_frequency_ppb),
      measurement_variance_ns2_(config.kalman.initial_measurement_noise_ns *
                                config.kalman.initial_measurement_noise_ns),
      mean_noise_variance_ns2_(measurement_variance_ns2_) {
  const double decades =
      std::log10(config_.max_frequency_wander_ppb2_per_s / config_.min_frequency_wander_ppb2_per_s);
  // Half-decade spacing; wider if the range needs more filters than the bank holds.
  const double wanted = std::floor(2 * decades + 1e-9) + 1;
  bank_size_ = wanted >= static_cast<double>(kMaxKalmanBank) ? kMaxKalmanBank
                                                             : static_cast<std::size_t>(wanted);
  const double step_decades = bank_size_ > 1 ? decades / static_cast<double>(bank_size_ - 1) : 0.0;
  for (std::size_t i = 0; i < bank_size_; ++i) {
    auto f = filter(i);
    f.wander_ppb2_per_s = config_.min_frequency_wander_ppb2_per_s *
                          std::pow(10.0, static_cast<double>(i) * step_decades);
    f.frequency_error_ppb = -initial_frequency_ppb;
    f.p_frequency = config_.initial_frequency_sigma_ppb * config_.initial_frequency_sigma_ppb;
  }
  // The wanders grow with the index, so the far filters are the ones from the first far one on.
  first_far_ = bank_size_;
  for (std::size_t i = bank_size_; i-- > 0;) {
    if (is_far(filter(i))) first_far_ = i;
  }
  best_ = warm_up_filter();
  recent_noise_.fill(measurement_variance_ns2_);
  sorted_noise_ = recent_noise_;
  sorted_noise_valid_ = !std::isnan(measurement_variance_ns2_);
}

ServoDecision KalmanServo::sample_measurement(const ServoSample& measurement) {
  sample_path_delay_ = measurement.mean_path_delay;
  sample_raw_ = RawDelays{static_cast<double>(measurement.offset_from_master.count()) +
                              static_cast<double>(measurement.mean_path_delay.count()),
                          measurement.delay_request, measurement.timestamp_kind};
  host_stamped_ = measurement.timestamp_kind == TimestampKind::kSoftware ||
                  measurement.timestamp_kind == TimestampKind::kApplication;
  Nanoseconds offset = measurement.offset_from_master;
  // A Sync without a new exchange is measured two-way with the last one while that is recent:
  // the port's path delay, from each exchange's raw delays without the clock's run between
  // them, is off by the clock's rate times that time (nothing once the clock runs with the
  // master, but hundreds of microseconds while the control corrects milliseconds of phase).
  if (measurement.delay_request.has_value()) last_delay_request_ = measurement.delay_request;
  ServoSample with_exchange = measurement;
  with_exchange.delay_request = last_delay_request_;
  if (const std::optional<TwoWay> two_way = two_way_offset(with_exchange)) {
    offset = two_way->offset;
    two_way_lag_s_ = two_way->lag_s;
    tail_hit_ = in_round_trip_tail(two_way->round_trip_ns);
  }
  const double decision_delay_s = seconds(measurement.decision_delay);
  sample_decision_delay_s_ =
      decision_delay_s >= kMinModelledDelayIntervals * sync_interval_s_ &&
              decision_delay_s <= kMaxDecisionDelayIntervals * sync_interval_s_
          ? decision_delay_s
          : 0;
  const ServoDecision decision = sample(offset, measurement.local_time);
  sample_decision_delay_s_ = 0;
  tail_hit_ = false;
  two_way_lag_s_ = 0;
  sample_path_delay_.reset();
  sample_raw_.reset();
  return decision;
}

bool KalmanServo::in_round_trip_tail(double round_trip_ns) {
  // A host's latency is a Gaussian jitter with, now and then, a stall of the stack or the
  // application: a one-sided tail of tens of microseconds (or far more) in one direction. Half of
  // it enters the two-way offset, with either sign, and the prediction gate only catches it once
  // it is several of the offset's sigmas (never during the warm-up, when a wrong sample costs
  // most). The round trip has no clock in it, so a stall shows there on its own: judged against
  // the recent round trips' median and robust spread, before this one joins them.
  bool tail = false;
  if (round_trips_ >= kMinRoundTrips) {
    std::array<double, kRoundTrips> sorted{};
    const std::size_t count = std::min(round_trips_, kRoundTrips);
    std::copy_n(round_trip_ns_.begin(), count, sorted.begin());
    const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(count / 2);
    std::nth_element(sorted.begin(), middle, sorted.begin() + static_cast<std::ptrdiff_t>(count));
    const double median = *middle;
    for (std::size_t i = 0; i < count; ++i) sorted[i] = std::abs(sorted[i] - median);
    std::nth_element(sorted.begin(), middle, sorted.begin() + static_cast<std::ptrdiff_t>(count));
    const double sigma = kMadToSigma * *middle;
    tail = round_trip_ns > median + kTailSigmas * sigma;
  }
  round_trip_ns_[round_trips_ % kRoundTrips] = round_trip_ns;
  ++round_trips_;
  if (round_trips_ >= 2 * kRoundTrips) round_trips_ -= kRoundTrips;  // same slot, no overflow
  return tail;
}

std::optional<KalmanServo::TwoWay> KalmanServo::two_way_offset(
    const ServoSample& measurement) const {
  // A software or application timestamp's error is a host latency of microseconds, alike in both
  // directions (each is a send path's plus a receive path's). The port's offset measures one
  // direction, with the path delay's moving median subtracted: the Sync's error in full plus the
  // median's. Half the difference of the two directions of one exchange has half the Sync's
  // error variance and needs no path delay at all, and a one-sided tail of either direction
  // enters it with either sign instead of biasing the offset. Hardware timestamps' error is
  // nanoseconds against a network's one-sided queueing, left to the port's filter and the
  // lucky-packet stage.
  // Before the filters have a frequency estimate the phase run since the Delay_Req is unknown.
  if (!host_stamped_ || !measurement.delay_request.has_value() || samples_ < 2) {
    return std::nullopt;
  }
  const Nanoseconds sent = measurement.delay_request->sent;
  const std::optional<Nanoseconds> age = measurement.local_time.checked_sub(sent);
  // Older than the sample before the last, the controls in force since are not known.
  if (!age || *age < Nanoseconds(0) || seconds(*age) > 2 * sync_interval_s_) return std::nullopt;
  // The phase the clock ran from the Delay_Req to the Sync: its own error plus the controls in
  // force (the one in force now since it was set, the one before until then).
  const double error = best().frequency_error_ppb;
  const double local_since_set_s = seconds(std::clamp(
      measurement.local_time.checked_sub(applied_since_).value_or(*age), Nanoseconds(0), *age));
  const double since_set_s = oscillator_seconds(local_since_set_s, applied_frequency_ppb_);
  const double before_set_s =
      oscillator_seconds(seconds(*age), previous_applied_frequency_ppb_) -
      oscillator_seconds(local_since_set_s, previous_applied_frequency_ppb_);
  const double ran_ns = (error + applied_frequency_ppb_) * since_set_s +
                        (error + previous_applied_frequency_ppb_) * before_set_s;
  // Sync: t2 - t1 = delay + offset(now); Delay_Req: t4 - t3 = delay - offset(sent).
  const double master_to_slave = static_cast<double>(measurement.offset_from_master.count()) +
                                 static_cast<double>(measurement.mean_path_delay.count());
  const auto slave_to_master =
      static_cast<double>(measurement.delay_request->slave_to_master.count());
  // The Delay_Req's half was brought forward with the estimated frequency error, so the offset
  // is off by half the estimate's error times the age: its lag (see decide()).
  return TwoWay{Nanoseconds(std::llround((master_to_slave - slave_to_master + ran_ns) / 2)),
                master_to_slave + slave_to_master - ran_ns, (since_set_s + before_set_s) / 2};
}

DelayFloorFilter::PhaseModel KalmanServo::phase_model(Nanoseconds now) const {
  return {now, control_phase_ns_, applied_frequency_ppb_, best().frequency_error_ppb,
          std::sqrt(best().p_frequency)};
}

std::optional<DelayFloorFilter::Estimate> KalmanServo::floor_offset(Nanoseconds local_time,
                                                                    bool* repeated) {
  *repeated = false;
  // Only hardware timestamps: software ones add a stack latency that is not one-sided, and the
  // least of a few of those is no better than their mean.
  if (!config_.delay_floor || !sample_raw_.has_value() ||
      sample_raw_->timestamp_kind != TimestampKind::kHardware) {
    return std::nullopt;
  }
  const DelayFloorFilter::PhaseModel model = phase_model(local_time);
  floor_.add_sync(sample_raw_->master_to_slave_ns, model);
  if (sample_raw_->delay_request.has_value()) {
    floor_.add_delay_request(
        static_cast<double>(sample_raw_->delay_request->slave_to_master.count()),
        sample_raw_->delay_request->sent, model);
  }
  const auto estimate = floor_.estimate(model);
  if (!estimate.has_value()) return std::nullopt;
  *repeated = estimate->sync_id == used_sync_id_ && estimate->request_id == used_request_id_;
  // The floors' variance is learnt once the servo has stepped on its first frequency estimate and
  // while it does not slew: before, the projections carry a frequency still unknown (on a start
  // with 0.1 s of jitter, tens of percent off), whose errors the averaging would remember for
  // hundreds of estimates, and the filters would trust their prediction as much too long.
  if (!*repeated && samples_ >= 2 && !saturated_) floor_.note_used(*estimate);
  used_sync_id_ = estimate->sync_id;
  used_request_id_ = estimate->request_id;
  return estimate;
}

double KalmanServo::floor_variance_ns2() const {
  const double min_r = config_.min_measurement_noise_ns * config_.min_measurement_noise_ns;
  const double max_r = config_.max_measurement_noise_ns * config_.max_measurement_noise_ns;
  return std::clamp(floor_.offset_variance_ns2().value_or(measurement_variance_ns2_), min_r, max_r);
}

void KalmanServo::learn_floor_consistency(const DelayFloorFilter::Estimate& floor) {
  // The estimate was projected with the steering filter's frequency, so against its predicted
  // phase the lag terms cancel; its variance is the one the estimate is used with.
  const auto f = best();
  const double innovation = floor.offset_ns - f.phase_ns;
  const double variance = predicted_variance(f, floor.lag_s) + floor_variance_ns2();
  const double nis = std::min(innovation * innovation / variance, kClipVariances);
  count(floor_nis_samples_);
  const double weight =
      1.0 / std::min(static_cast<double>(floor_nis_samples_), static_cast<double>(kWarmUpUpdates));
  floor_nis_ += weight * (nis - floor_nis_);
}

void KalmanServo::set_sync_interval(Nanoseconds interval) {
  if (interval > Nanoseconds(0)) sync_interval_s_ = seconds(interval);
}

double KalmanServo::oscillator_seconds(double local_s, double applied_frequency_ppb) const {
  // The clock's frequency adjustment scales its oscillator's rate: over `local_s` of its own time
  // the oscillator runs local_s / (1 + u), and the phase gains (error + u) per second of that, with
  // the error (the state) expressed as the adjustment -error that cancels it. Against a plain sum
  // (error + u) * local_s a control change du is off by the clock's error times du: nothing for a
  // crystal's ppm, but 9 % of every correction for a system clock 9 % off. With hardware
  // timestamps the envelope servo steers with its own line beside this filter (assume_applied),
  // and its phase model is the plain sum: the two keep the same model there.
  if (!host_stamped_) return local_s;
  return local_s / (1.0 + applied_frequency_ppb * 1e-9);
}

void KalmanServo::remember_offset(double offset_ns, Nanoseconds local_time, double lag_s) {
  last_offset_ns_ = offset_ns;
  offset_time_ = local_time;
  offset_lag_s_ = lag_s;
  offset_control_phase_ns_ = control_phase_ns_;
}

void KalmanServo::absorb_step_remainder(double remainder_ns) {
  // The jump moved the filters' phase and the last sample's times by the step asked; the clock
  // moved by `remainder_ns` more. Phase left to correct, not a frequency error to learn.
  for (std::size_t i = 0; i < bank_size_; ++i) filter(i).phase_ns += remainder_ns;
  last_offset_ns_ += remainder_ns;
  const Nanoseconds shift(std::llround(remainder_ns));
  const auto shifted = [shift](Nanoseconds time) { return time.checked_add(shift).value_or(time); };
  if (last_local_time_) last_local_time_ = shifted(*last_local_time_);
  if (control_phase_time_) control_phase_time_ = shifted(*control_phase_time_);
  offset_time_ = shifted(offset_time_);
  last_used_time_ = shifted(last_used_time_);
}

void KalmanServo::reset() {
  samples_ = 0;
  round_trips_ = 0;  // a new master may be over another path
  last_delay_request_.reset();
  last_local_time_.reset();
  used_path_delay_.reset();
  floor_.clear();
}

double KalmanServo::frequency_ppb() const { return clamp_frequency(-best().frequency_error_ppb); }
double KalmanServo::measurement_noise_ns() const { return std::sqrt(measurement_variance_ns2_); }
double KalmanServo::frequency_wander_ppb2_per_s() const { return best().wander_ppb2_per_s; }
double KalmanServo::frequency_error_ppb() const { return best().frequency_error_ppb; }
double KalmanServo::phase_uncertainty_ns() const { return std::sqrt(best().p_phase); }
double KalmanServo::phase_ns() const { return best().phase_ns; }

void KalmanServo::assume_applied(double frequency_ppb) {
  // (It takes effect when this servo's own decision would have: steer() noted when.)
  previous_applied_frequency_ppb_ = applied_frequency_ppb_;
  applied_frequency_ppb_ = frequency_ppb;
  applied_since_ = last_local_time_.value_or(applied_since_);
  saturated_ = false;  // another estimator's control: no slew of this servo's to relearn from
}

void KalmanServo::start(double offset_ns, Nanoseconds local_time) {
  // The first sample fixes the phase; the frequency keeps its old estimate, but uncertain enough
  // that the second sample alone re-estimates it (a new master may run at another rate).
  relearn(offset_ns, local_time);
  floor_nis_ = 1.0;
  floor_nis_samples_ = 0;
  last_difference_.reset();
  last_local_time_ = local_time;
  samples_ = 1;
}

std::size_t KalmanServo::warm_up_filter() const {
  // The wander's phase over one interval, q T^3 / 3, about the measurement noise: the filter then
  // follows a transient within a few samples, yet does not chase the noise (which at long
  // intervals, with the path delay measured in between, can start an oscillation).
  const double limit =
      std::min(kMaxWarmUpWander, 3.0 * measurement_variance_ns2_ /
                                     (sync_interval_s_ * sync_interval_s_ * sync_interval_s_));
  std::size_t chosen = 0;
  for (std::size_t i = 1; i < bank_size_; ++i) {
    // (With a tolerance: the bank's q are powers of ten only up to rounding.)
    if (filter(i).wander_ppb2_per_s <= limit * 1.01) chosen = i;
  }
  return chosen;
}

double KalmanServo::robust_variance_ns2() const {
  // The prior the record starts with is a hardware timestamp's noise; a host's is microseconds,
  // and a record still mostly prior would clip its first samples to a fraction of their size
  // and leave the filters trusting the noise for seconds. With host timestamps the record's
  // median is over the samples it holds (the upper one of an even count).
  const std::size_t count =
      host_stamped_ && noise_recorded_ > 0 ? noise_recorded_ : kRecentNoiseSamples;
  // Over the whole record the sorted copy has the median in place (the same value selection
  // finds: the order statistic of the same numbers).
  if (count == kRecentNoiseSamples && sorted_noise_valid_) {
    return sorted_noise_[kRecentNoiseSamples / 2] / kChiSquareMedian;
  }
  std::array<double, kRecentNoiseSamples> sorted = recent_noise_;
  const auto end = sorted.begin() + static_cast<std::ptrdiff_t>(count);
  const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(count / 2);
  std::nth_element(sorted.begin(), middle, end);
  return *middle / kChiSquareMedian;
}

void KalmanServo::record_noise(double sample) {
  const double oldest = recent_noise_[recent_noise_next_];
  recent_noise_[recent_noise_next_] = sample;
  recent_noise_next_ = (recent_noise_next_ + 1) % kRecentNoiseSamples;
  noise_recorded_ = std::min(noise_recorded_ + 1, kRecentNoiseSamples);
  if (sorted_noise_valid_ && !std::isnan(sample)) {
    // The oldest sample's place takes the new one, which then moves to its own place: one pass
    // of an insertion sort instead of a selection per median.
    auto* const first = sorted_noise_.data();
    std::size_t at = 0;
    while (first[at] != oldest) ++at;  // present: the copy holds the same numbers
    while (at > 0 && first[at - 1] > sample) {
      first[at] = first[at - 1];
      --at;
    }
    while (at + 1 < kRecentNoiseSamples && first[at + 1] < sample) {
      first[at] = first[at + 1];
      ++at;
    }
    first[at] = sample;
    return;
  }
  // A NaN in the record (pathological input): selection over the ring until it is gone.
  sorted_noise_valid_ = std::none_of(recent_noise_.begin(), recent_noise_.end(),
                                     [](double value) { return std::isnan(value); });
  if (sorted_noise_valid_) {
    sorted_noise_ = recent_noise_;
    std::sort(sorted_noise_.begin(), sorted_noise_.end());
  }
}

std::size_t KalmanServo::best_usual() const {
  // Scores equal (none kept yet: every sample held over) favour the more agile filter, as the
  // warm-up does: the far filters must beat the usual filter hardest to beat.
  // (A running minimum without a branch on its outcome: which filter is best changes from one
  // sample to the next in no pattern a branch predictor learns.)
  std::size_t best = 0;
  double best_score = filter(0).score;
  for (std::size_t i = 1; i < first_far_; ++i) {
    const double score = filter(i).score;
    const bool better = score <= best_score;
    best = better ? i : best;
    best_score = better ? score : best_score;
  }
  if (!host_stamped_) return best;
  // Host timestamps' microseconds of noise swamp the one-step prediction error that the usual
  // wanders add, so the scores differ by less than their own noise and the best one is a random
  // pick that flips between smooth and agile filters, each flip a phase error: take the
  // smoothest filter whose score is as good within that noise.
  for (std::size_t i = 0; i < best; ++i) {
    if (filter(i).score <= filter(best).score + kScoreResolutionNats) return i;
  }
  return best;
}

void KalmanServo::learn_likelihoods(double offset_ns, double measurement_variance_ns2) {
  count(likelihood_samples_);
  const double weight = 1.0 / std::min(static_cast<double>(likelihood_samples_), kAveragingSamples);
  // The logarithms in a loop of their own (a library call each, which cannot vectorise), the
  // rest in loops that do.
  const std::size_t filters = bank_size_;
  const double lag = lag_s_;
  std::array<double, kMaxKalmanBank> variances;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<double, kMaxKalmanBank> logs;       // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (std::size_t i = 0; i < filters; ++i) {
    variances[i] = predicted_variance(filter(i), lag) + measurement_variance_ns2;
  }
  for (std::size_t i = 0; i < filters; ++i) logs[i] = std::log(variances[i]);
  for (std::size_t i = 0; i < filters; ++i) {
    auto f = filter(i);
    const double v = offset_ns - predicted(f, lag);
    // Clipped like the scores, so that one delay spike costs a filter at most that much.
    const double nis = std::min(v * v / variances[i], kClipVariances);
    f.mean_nis += weight * (nis - f.mean_nis);
    f.mean_nll += weight * (nis + logs[i] - f.mean_nll);
  }
}

void KalmanServo::set_far_wander_shown(std::optional<double> wander_ppb2_per_s) {
  shown_wander_ppb2_per_s_ = wander_ppb2_per_s;
}

std::size_t KalmanServo::shown_far_filter() const {
  if (likelihood_samples_ >= kFarWanderMinSamples) {
    std::size_t far = first_far_;
    for (std::size_t i = first_far_ + 1; i < bank_size_; ++i) {
      if (filter(i).mean_nll < filter(far).mean_nll) far = i;
    }
    return far;
  }
  // Before the likelihoods can tell, the filter whose wander is nearest the shown one's (on a
  // log scale: the bank's spacing).
  std::size_t nearest = first_far_;
  const double shown = std::log(std::max(*shown_wander_ppb2_per_s_, 1e-300));
  for (std::size_t i = first_far_ + 1; i < bank_size_; ++i) {
    if (std::abs(std::log(filter(i).wander_ppb2_per_s) - shown) <
        std::abs(std::log(filter(nearest).wander_ppb2_per_s) - shown)) {
      nearest = i;
    }
  }
  return nearest;
}

std::size_t KalmanServo::steering_filter(std::size_t best_usual) const {
  if (first_far_ >= bank_size_) return best_usual;
  if (shown_wander_ppb2_per_s_) return shown_far_filter();
  // The far filter whose predictions are most likely (the first of equals), as best_usual.
  std::size_t far = first_far_;
  double far_nll = filter(far).mean_nll;
  for (std::size_t i = first_far_ + 1; i < bank_size_; ++i) {
    const double nll = filter(i).mean_nll;
    const bool better = nll < far_nll;
    far = better ? i : far;
    far_nll = better ? nll : far_nll;
  }
  if (likelihood_samples_ >= kFarWanderMinSamples &&
      filter(best_usual).mean_nis > kInconsistentNis &&
      filter(far).mean_nll + kFarWanderMarginNats < filter(best_usual).mean_nll) {
    return far;
  }
  return best_usual;
}

void KalmanServo::relearn(double offset_ns, Nanoseconds local_time) {
  for (std::size_t i = 0; i < bank_size_; ++i) {
    auto f = filter(i);
    f.phase_ns = offset_ns;
    f.p_phase = measurement_variance_ns2_;
    f.p_cross = 0;
    // At least what two samples at the learnt noise tell: a frequency estimated early from a few
    // samples of 0.1 s jitter is off by that much, and must stay free to move.
    f.p_frequency =
        std::max(config_.initial_frequency_sigma_ppb * config_.initial_frequency_sigma_ppb,
                 2.0 * measurement_variance_ns2_ / (sync_interval_s_ * sync_interval_s_));
    f.score = 0;
    f.mean_nll = 0;
    f.mean_nis = 0;
  }
  likelihood_samples_ = 0;
  remember_offset(offset_ns, local_time);
  updates_ = 0;
  best_ = warm_up_filter();
  last_used_time_ = local_time;
  used_path_delay_ = sample_path_delay_;
  first_rejected_time_.reset();
}

bool KalmanServo::holdover_expired(Nanoseconds local_time, double gate_variance) const {
  const std::optional<Nanoseconds> held =
      local_time.checked_sub(first_rejected_time_.value_or(local_time));
  if (!held) return true;
  bool path_moved = false;
  if (sample_path_delay_.has_value() && used_path_delay_.has_value()) {
    const auto moved = static_cast<double>(sample_path_delay_->count()) -
                       static_cast<double>(used_path_delay_->count());
    path_moved = moved * moved > gate_variance;
  }
  return *held > (path_moved ? config_.path_change_holdover : config_.outlier_holdover);
}

void KalmanServo::widen_for(double offset_ns, double held_s) {
  for (std::size_t i = 0; i < bank_size_; ++i) {
    auto f = filter(i);
    const double v = offset_ns - predicted(f, lag_s_);
    f.p_phase += v * v;
    if (held_s > 0) f.p_frequency += (v / held_s) * (v / held_s);
  }
}

bool KalmanServo::is_slewing() const {
  // A control clamped at the limit is a slew unless the measurement noise alone asks for more
  // than the limit within the phase horizon (0.1 s of jitter corrected dead-beat at a 3.3 %
  // limit): relearning then would keep the filters from ever averaging the noise.
  const double variance = std::max(measurement_variance_ns2_, robust_variance_ns2());
  return std::sqrt(variance) < max_frequency_ppb() * horizon_s();
}

double KalmanServo::horizon_s() const {
  const double intervals =
      sync_interval_s_ > kLongSyncIntervalS
          ? std::max(config_.phase_correction_intervals, kLongIntervalCorrection)
          : config_.phase_correction_intervals;
  return intervals * sync_interval_s_ * (gap_mean_square_ / gap_mean_);
}

double KalmanServo::steer() {
  const double wanted = control_ppb();
  previous_applied_frequency_ppb_ = applied_frequency_ppb_;
  applied_frequency_ppb_ = clamp_frequency(wanted);
  applied_since_ = last_local_time_.value_or(applied_since_);
  saturated_ = applied_frequency_ppb_ != wanted;
  if (model_decision_delay_) decision_effect_delay_s_ = sample_decision_delay_s_;
  return applied_frequency_ppb_;
}

double KalmanServo::late_control_ns(double interval_s) const {
  if (!(interval_delay_s_ > 0)) return 0;
  const double late_s = std::min(interval_delay_s_, std::max(interval_s, 0.0));
  return (applied_frequency_ppb_ - delayed_frequency_ppb_) * late_s;
}

double KalmanServo::control_ppb() const {
  // Cancel the oscillator's error, and steer the estimated offset to zero over the chosen number
  // of intervals (1 = dead-beat: with a filtered estimate, the least-squares best). The phase
  // term stays in force until the next sample; when Syncs are lost that is k intervals, and the
  // offset there is phase * (1 - k / N'). Its mean square is least for N' = N * E[k^2] / E[k],
  // which is N when nothing is lost.
  // Beyond one second between Syncs the path delay is measured between them (Delay_Req at
  // ptp4l's default 1 Hz) while the phase term is in force, and so carries part of it into the
  // next offsets: dead-beat correction then rings (logSyncInterval 3 and 4). Spreading the
  // correction over two intervals halves that coupling.
  // A decision that takes effect later (model_decision_delay) steers the phase it will find then:
  // the one now, run on at the frequency in force until then. (Steering the phase of now, a
  // correction that lands an interval late is followed by the next one for the same phase: with
  // a large wander's agile filter, an oscillation.)
  if (model_decision_delay_ && sample_decision_delay_s_ > 0) {
    const double phase_then_ns =
        best().phase_ns +
        (best().frequency_error_ppb + before_decision_ppb_) * sample_decision_delay_s_;
    return -best().frequency_error_ppb - phase_then_ns / horizon_s();
  }
  return -best().frequency_error_ppb - best().phase_ns / horizon_s();
}

void KalmanServo::learn_gaps(double interval_s) {
  // In sync intervals, at least one; an outage longer than kMaxGapIntervals says nothing about
  // the loss rate that follows it.
  const double gap = std::clamp(interval_s / sync_interval_s_, 1.0, kMaxGapIntervals);
  count(gap_samples_);
  const double weight = 1.0 / std::min(static_cast<double>(gap_samples_), kAveragingSamples);
  gap_mean_ += weight * (gap - gap_mean_);
  gap_mean_square_ += weight * (gap * gap - gap_mean_square_);
}

std::optional<double> KalmanServo::noise_sample(double offset_ns, Nanoseconds local_time) {
  // The first difference without the applied frequency, over its interval, is the frequency
  // error plus the difference of two noise terms over the interval; differencing two such rates
  // cancels the frequency error (up to its wander over one interval, negligible against
  // timestamp noise) even when Syncs were lost between them, and leaves R times
  // 1/dt1^2 + (1/dt1 + 1/dt2)^2 + 1/dt2^2 (6 / dt^2 for equal intervals).
  // (Over the interval since the last offset used, with the phase every control in force since
  // has added: samples without a new lucky packet are decided on the prediction alone.)
  // A two-way measurement is the phase now less the clock's own frequency times its lag
  // (TwoWay::lag_s): in the clock's frequency it measures the phase `lag` earlier, so the rates
  // are over those times and cancel the frequency error without any estimate of it. (The
  // frequency estimate's projection would leave its error times the lags' differences in the
  // samples: after a start, hundreds of ppm times tenths of a second.)
  const double interval_s = seconds(local_time.checked_sub(offset_time_).value_or(Nanoseconds(0)));
  const double oscillator_s = oscillator_seconds(interval_s, applied_frequency_ppb_);
  const double moved = config_.delay_floor
                           ? control_phase_ns_ - offset_control_phase_ns_
                           : applied_frequency_ppb_ * oscillator_s - late_control_ns(oscillator_s);
  const double difference = offset_ns - last_offset_ns_ - moved;
  const double measured_interval_s = oscillator_s - two_way_lag_s_ + offset_lag_s_;
  remember_offset(offset_ns, local_time, two_way_lag_s_);
  // Two measurements of nearly the same instant say nothing about a rate.
  if (measured_interval_s < kMinMeasuredInterval * oscillator_s) {
    last_difference_.reset();
    return std::nullopt;
  }
  const Difference current{difference / measured_interval_s, measured_interval_s, slewing_};
  const std::optional<Difference> previous = last_difference_;
  last_difference_ = current;
  if (!previous.has_value()) return std::nullopt;
  const double second = current.rate_ppb - previous->rate_ppb;
  const double a = 1.0 / current.interval_s;
  const double b = 1.0 / previous->interval_s;
  const double sample = second * second / (a * a + (a + b) * (a + b) + b * b);
  const double robust = robust_variance_ns2();
  record_noise(sample);
  // A slew's samples carry the path delay measured while the clock slewed: they may tell the
  // saturation apart from noise (the recent record), but they are not the noise.
  if (current.slewing || previous->slewing) return std::nullopt;
  // From the first sample, clipped as after the warm-up but against the robust variance.
  return std::min(sample, kClipVariances * robust);
}

void KalmanServo::learn_measurement_noise(double sample) {
  if (updates_ >= kWarmUpUpdates) {
    sample = std::min(sample, kClipVariances * measurement_variance_ns2_);
  }
  count(noise_samples_);
  const double weight = 1.0 / std::min(static_cast<double>(noise_samples_), kAveragingSamples);
  const double min_r = config_.min_measurement_noise_ns * config_.min_measurement_noise_ns;
  const double max_r = config_.max_measurement_noise_ns * config_.max_measurement_noise_ns;
  const double previous = measurement_variance_ns2_;
  mean_noise_variance_ns2_ += weight * (sample - mean_noise_variance_ns2_);
  // The mean is the efficient estimate, but it remembers a transient for hundreds of samples;
  // the median of the recent ones forgets it within a few: use the mean unless it is far above.
  measurement_variance_ns2_ =
      std::clamp(std::min(mean_noise_variance_ns2_, kRobustCapVariances * robust_variance_ns2()),
                 min_r, max_r);
  if (updates_ < kWarmUpUpdates) {
    // Early on the covariances come from the measurements alone and so scale with R: keep
    // them consistent with the new estimate.
    const double ratio = measurement_variance_ns2_ / previous;
    for (std::size_t i = 0; i < bank_size_; ++i) {
      filter(i).p_phase *= ratio;
      filter(i).p_cross *= ratio;
      filter(i).p_frequency *= ratio;
    }
  }
}

ServoDecision KalmanServo::decide(Nanoseconds offset_from_master, Nanoseconds local_time) {
  // The port's offset; the measurement the filters take may be the lucky-packet estimate instead.
  const double port_offset_ns = static_cast<double>(offset_from_master.count());
  double offset_ns = port_offset_ns;
  // The last decision took effect this long into the interval now ended, with the frequency in
  // force before it until then (model_decision_delay); no later interval.
  interval_delay_s_ = std::exchange(decision_effect_delay_s_, 0.0);
  delayed_frequency_ppb_ = before_decision_ppb_;
  before_decision_ppb_ = applied_frequency_ppb_;
  ServoDecision decision;
  decision.frequency_ppb = applied_frequency_ppb_;
  // The lucky-packet stage sees every sample, so that its windows and control phase stay whole;
  // its estimate is used once the servo has stepped and while it does not slew.
  // The phase the control added since the last sample, at the frequency in force since, over the
  // oscillator's seconds (oscillator_seconds): the noise samples take it for the control's run,
  // and in the local seconds it is off by the clock's error times the control (milliseconds a
  // second for a system clock 9 % off).
  if (control_phase_time_.has_value()) {
    const double interval = oscillator_seconds(
        seconds(local_time.checked_sub(*control_phase_time_).value_or(Nanoseconds(0))),
        applied_frequency_ppb_);
    control_phase_ns_ += applied_frequency_ppb_ * interval - late_control_ns(interval);
  }
  control_phase_time_ = local_time;
  bool repeated = false;
  bool floor_used = false;
  const std::optional<DelayFloorFilter::Estimate> floor = floor_offset(local_time, &repeated);
  lag_s_ = 0;
  if (samples_ == 0 || !last_local_time_.has_value() || local_time <= *last_local_time_) {
    floor_.clear();
    start(offset_ns, local_time);
    decision.state = ServoState::kUnlocked;
    return decision;
  }
  if (samples_ >= 2 && beyond_step_threshold(offset_ns)) {
    // As ptp4l: a locked servo that sees an offset beyond step_threshold starts over.
    samples_ = 0;
    decision.state = ServoState::kUnlocked;
    return decision;
  }

  const std::optional<Nanoseconds> elapsed = local_time.checked_sub(*last_local_time_);
  if (!elapsed) {
    start(offset_ns, local_time);
    decision.state = ServoState::kUnlocked;
    return decision;
  }
  if (floor.has_value() && samples_ >= 2 && !saturated_ && floor_nis_ <= kInconsistentNis) {
    if (repeated) {
      // No new lucky packet: nothing this sample adds beyond what the filters already used.
      // They coast on their prediction, and the control steers the predicted phase.
      ++unlucky_samples_;
      const double interval = seconds(*elapsed);
      const double oscillator_interval = oscillator_seconds(interval, applied_frequency_ppb_);
      const std::size_t filters = bank_size_;  // (locals: see the predict loop below)
      const double applied = applied_frequency_ppb_;
      const double late = late_control_ns(oscillator_interval);
      for (std::size_t i = 0; i < filters; ++i) {
        predict(filter(i), applied, oscillator_interval, late);
      }
      last_local_time_ = local_time;
      decision.state = ServoState::kLocked;
      decision.frequency_ppb = steer();
      return decision;
    }
    // Un-project the frequency term: the filters weigh it with their own frequency uncertainty.
    lag_s_ = floor->lag_s;
    offset_ns = floor->offset_ns - lag_s_ * best().frequency_error_ppb;
    floor_used = true;
  }
  const double dt = seconds(*elapsed);
  last_local_time_ = local_time;
  learn_gaps(dt);
  // After a saturated decision the noise sample is taken first, so that the saturation is judged
  // against the recent noise; it joins the mean only if the sample is used.
  const bool sampled_first = saturated_;
  // The measurement without the frequency estimate's projection (the noise samples' and, for a
  // two-way measurement, the filters').
  const double measured_ns = port_offset_ns - two_way_lag_s_ * best().frequency_error_ppb;
  std::optional<double> noise;
  // The measurement noise is always the port's offsets': the lucky-packet estimates have their
  // own (floor_variance_ns2).
  if (sampled_first) noise = noise_sample(measured_ns, local_time);
  if (saturated_ && is_slewing()) {
    // At the frequency limit the offsets say little about the oscillator (the path delay is
    // measured while the clock slews), and what the filters learnt there would slow the
    // approach: start learning afresh from this sample, as at start-up.
    relearn(offset_ns, local_time);
    remember_offset(measured_ns, local_time, two_way_lag_s_);
    slewing_ = true;
    count(samples_);
    decision.state = ServoState::kLocked;
    decision.frequency_ppb = steer();
    return decision;
  }
  if (two_way_lag_s_ > 0) {
    // A two-way measurement: un-project the frequency term of its Delay_Req half, so that each
    // filter weighs it with its own frequency and that frequency's uncertainty (H = [1, -lag]).
    // After a start the estimate is still hundreds of ppm off and its projection error, large and
    // the same from one sample to the next, is then in the measurement's predicted variance and
    // moves the frequency as much as the phase, instead of entering the phase as white noise.
    lag_s_ = two_way_lag_s_;
    offset_ns = measured_ns;
  }
  const double oscillator_dt = oscillator_seconds(dt, applied_frequency_ppb_);
  // In locals: members would be reloaded at every filter (a store to the bank might alias them),
  // which keeps the loops from vectorising.
  const std::size_t filters = bank_size_;
  const double applied = applied_frequency_ppb_;
  const double late = late_control_ns(oscillator_dt);
  for (std::size_t i = 0; i < filters; ++i) predict(filter(i), applied, oscillator_dt, late);
  if (floor.has_value() && samples_ >= 2) learn_floor_consistency(*floor);
  // Far wander shown by another test: a far filter judges this sample already (the usual one
  // would hold it over as an outlier).
  if (shown_wander_ppb2_per_s_ && first_far_ < bank_size_) best_ = shown_far_filter();
  // The outlier gate looks at the steering filter: a delay spike is far outside what it predicts.
  // The prediction's variance includes the wander since the last used sample, so the gate widens
  // during a hold-over as fast as the oscillator could explain, and no faster.
  double r = floor_used ? floor_variance_ns2() : measurement_variance_ns2_;
  double innovation = offset_ns - predicted(best(), lag_s_);
  double gate_variance = config_.rejection_sigmas * config_.rejection_sigmas *
                         (predicted_variance(best(), lag_s_) + r);
  bool outlier = updates_ >= kWarmUpUpdates && innovation * innovation > gate_variance;
  if (tail_hit_) {
    // A host stall (in_round_trip_tail): coast over it, however long the hold-over has lasted.
    ++rejected_samples_;
    last_difference_.reset();
    remember_offset(best().phase_ns, local_time);
    count(samples_);
    decision.state = ServoState::kLocked;
    decision.frequency_ppb = steer();
    slewing_ = false;
    return decision;
  }
  if (outlier && floor_used) {
    // The least delayed packets are far from the prediction: all of a window delayed (a spike
    // longer than the window), or a clock the model does not follow (a frequency ramp), against
    // which the estimates' small variance makes the gate narrow. Judge the port's offset as the
    // servo does without the stage, so that the stage never holds over where that would not.
    floor_used = false;
    lag_s_ = 0;
    offset_ns = port_offset_ns;
    r = measurement_variance_ns2_;
    innovation = offset_ns - predicted(best(), lag_s_);
    gate_variance = config_.rejection_sigmas * config_.rejection_sigmas *
                    (predicted_variance(best(), lag_s_) + r);
    outlier = innovation * innovation > gate_variance;
  }
  if (updates_ >= kWarmUpUpdates) learn_likelihoods(offset_ns, r);
  if (outlier && !holdover_expired(local_time, gate_variance)) {
    // Hold over: coast on the prediction, and keep the sample out of the noise estimate.
    ++rejected_samples_;
    if (!first_rejected_time_.has_value()) first_rejected_time_ = local_time;
    last_difference_.reset();
    remember_offset(best().phase_ns, local_time);
    if (updates_ > kWarmUpUpdates) best_ = steering_filter(best_usual());
  } else {
    if (outlier) {
      // Outliers for longer than a spike lasts are a real change (a phase jump, a new path, a
      // frequency step): let the filters relearn phase and frequency from the new samples.
      widen_for(offset_ns, seconds(local_time.checked_sub(last_used_time_).value_or(*elapsed)));
      remember_offset(measured_ns, local_time, two_way_lag_s_);
      last_difference_.reset();
    } else {
      if (!sampled_first) noise = noise_sample(measured_ns, local_time);
      if (noise.has_value()) learn_measurement_noise(*noise);
    }
    // The port's offset is taken with the noise just learnt from it.
    if (!floor_used) r = measurement_variance_ns2_;
    count(updates_);
    last_used_time_ = local_time;
    used_path_delay_ = sample_path_delay_;
    first_rejected_time_.reset();
    const bool scoring = updates_ > kWarmUpUpdates && !outlier;
    const double weight =
        scoring ? 1.0 / std::min(static_cast<double>(updates_ - kWarmUpUpdates), kAveragingSamples)
                : 0.0;
    // (Each loop without a branch inside, so that they vectorise.)
    const double lag = lag_s_;
    if (scoring) {
      // Only the usual filters' scores choose (the far ones steer on their likelihood).
      const std::size_t usual = first_far_;
      std::array<double, kMaxKalmanBank> squares;  // NOLINT(cppcoreguidelines-pro-type-member-init)
      for (std::size_t i = 0; i < usual; ++i) {
        const auto f = filter(i);
        const double v = offset_ns - predicted(f, lag);
        // The filter with the smallest one-step prediction error has the wander closest to the
        // truth. R keeps a prediction that hits an integer offset exactly from scoring -infinity.
        squares[i] = std::min(v * v, kClipVariances * (predicted_variance(f, lag) + r)) + r;
      }
      // The logarithms in a loop of their own (a library call each, which cannot vectorise).
      for (std::size_t i = 0; i < usual; ++i) squares[i] = std::log(squares[i]);
      for (std::size_t i = 0; i < usual; ++i) {
        auto f = filter(i);
        f.score += weight * (squares[i] - f.score);
      }
    }
    if (lag == 0) {
      for (std::size_t i = 0; i < filters; ++i) {
        auto f = filter(i);
        update_without_lag(f, offset_ns - predicted(f, lag), r);
      }
    } else {
      for (std::size_t i = 0; i < filters; ++i) {
        auto f = filter(i);
        update(f, offset_ns - predicted(f, lag), r, lag);
      }
    }
    if (updates_ <= kWarmUpUpdates) {
      best_ = shown_wander_ppb2_per_s_ && first_far_ < bank_size_ ? shown_far_filter()
                                                                  : warm_up_filter();
    } else if (scoring) {
      best_ = steering_filter(best_usual());
    }
  }
  count(samples_);

  if (samples_ == 2 && wants_step(best().phase_ns)) {
    // The first estimate of both phase and frequency: step the phase away, keep the frequency.
    // (Clamped inside the int64 range: the phase came from int64 offsets but may have drifted.)
    const Nanoseconds step = saturated_nanoseconds(-best().phase_ns);
    const auto step_ns = static_cast<double>(step.count());
    decision.state = ServoState::kJump;
    decision.step = step;
    for (std::size_t i = 0; i < bank_size_; ++i) filter(i).phase_ns += step_ns;
    last_offset_ns_ += step_ns;
    // The packets before the step are on the old timescale, and so is the last Delay_Req's
    // departure: a two-way measurement with it would take the step for the clock's run.
    floor_.clear();
    last_delay_request_.reset();
    last_local_time_ = local_time.checked_add(step).value_or(local_time);
    // The next sample's intervals are on the stepped timescale.
    control_phase_time_ = last_local_time_;
    offset_time_ = *last_local_time_;
    last_used_time_ = *last_local_time_;
    first_rejected_time_.reset();
  } else {
    decision.state = ServoState::kLocked;
  }
  decision.frequency_ppb = steer();
  slewing_ = false;
  return decision;
}

}  // namespace ptp::servo
