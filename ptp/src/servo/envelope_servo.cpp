// EnvelopeServo: the control bookkeeping that turns raw one-way delays into points of the
// free-running clock, the window choice by one-step prediction, the dead-beat control and the
// hand-over to and from the inner Kalman servo (model in docs/servo.md).
#include "ptp/servo/envelope_servo.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "ptp/servo/forgetting_moments.h"
#include "seconds_between.h"

namespace ptp::servo {
namespace {

using detail::seconds_between;

constexpr double kNanosecondsPerSecondD = 1e9;

double seconds(Nanoseconds interval) {
  return static_cast<double>(interval.count()) / kNanosecondsPerSecondD;
}

// The envelope takes over once both directions have this many points since the last clear.
constexpr std::size_t kHandOverPoints = 4;
// Window scores average equally over their first samples, then forget with this weight: a
// paired comparison whose common queueing noise is far larger than the differences it resolves.
constexpr double kScoreSamples = 256.0;
// The scores decide (which window, envelope or Kalman) after this many scored samples; before,
// the envelope steers with all its points while they span at most kEarlySpanS (seconds at 1 s
// Syncs, over which any usual wander is small). Past it, the envelope steers only while its
// window's score is below the Kalman servo's (on the same paired errors): wander beyond what 8
// intervals follow leaves the Kalman servo steering.
constexpr int kMinScored = 16;
// The envelope steers while its score exceeds the Kalman servo's by less than this many squared
// mean queueing excesses: the common queueing noise (a variance of about half that square)
// makes small score differences unresolvable, and where they are small the envelope is the
// better estimator of one-sided queueing (its lucky minima are what the score's raw pairs cannot
// show). Wander beyond the shortest window, or Gaussian noise, make the difference large
// against the queueing.
constexpr double kKalmanMargin = 0.1;
// The Kalman servo's usual wander range (its far filters are beyond), ppb^2/s.
constexpr double kMaxEnvelopeWander = 1.0e4;
// The wander test (WanderTest) acts for this many samples after a start or a step: far wander
// shown there keeps the envelope from steering and has the Kalman servo steer with a far filter,
// long before the Kalman bank's own likelihood test can tell (its warm-up and kFarWanderMinSamples
// after it), by when such wander has run the clock a millisecond off. Later the bank's own test
// and the envelope's scores judge, as they do after a slew (whose end leaves the control's record
// off the clock by more than the points' noise: the test is off then).
constexpr int kWanderTestSamples = 64;
// Before the scores are settled, only a gross difference counts (none before 4 scored samples:
// the envelope steers as soon as it has points, which makes the lock early).
constexpr int kFirstScored = 4;
constexpr double kEarlyKalmanMargin = 1.0;
// Before the scores are settled, a shorter window steers in the longest one's place where its
// score is below the longest's by more than this many squared mean queueing excesses: about the
// variance of one exchange's common queueing noise, so that a few exchanges' noise does not move
// the choice away from the longest line, which rests on the most lucky packets.
constexpr double kEarlyWindowMargin = 0.5;
// Before the scores are settled, the envelope steers only while the scored exchanges span at
// most this long: kMinScored exchanges at 1 s Syncs, over which any usual wander is small. At
// longer intervals the same count spans minutes (256 s at 16 s between Syncs), over which the
// wander bends the unscored line by more than the queueing it filters: the Kalman servo steers
// there until the scores are settled.
constexpr double kEarlySpanS = 16.0;
// The settled comparison hands over to the Kalman servo beyond this many standard errors (on
// noise alone, once in about 40 comparisons of independent exchanges).
constexpr double kSettledStandardErrors = 2.0;
// The start holds its samples back while the joint line's phase is uncertain by more than this
// fraction of first_step_threshold (2 us at ptp4l's 20 us: a step that far off leaves the clock
// microseconds from the master, to be slewed away over the next seconds), for at most
// kMaxStartSamples samples (seconds at ptp4l's default rate: the lock stays as early as pi's on a
// loaded switch chain, whose line needs them).
constexpr double kStartPhaseFraction = 0.1;
// The start runs at sync intervals up to this. Beyond it (2-16 s between Syncs) its line moved the
// RMS long after the start by -5 to +30 % from seed to seed (`sync_interval_4`, statistics from
// 320 s: 153 against 120 ns on seed 8, 148 against 155 ns on seed 3) for no lock or RMS gain the
// conformance suite's bar shows, for a cause not found.
constexpr Nanoseconds kMaxStartInterval{1'000'000'000};
constexpr double kMaxStartSamples = 8;
// Where the second sample brings no Delay_Req (Syncs faster than the exchanges), the line's three
// points just determine it, and the port's offsets, the fallback, hold path delays measured while
// the clock ran free (off by its error times half the time between Sync and Delay_Req), which the
// Kalman servo settles out over seconds (on them `sync_interval_m3` seed 4 and `_m4` seed 15 sync
// 4 s after pi). The start holds one more sample for the line's scatter at Sync intervals up to
// this. At 1 s between Syncs the wait keeps the clock free-running for another second, and under a
// large wander (`large_wander`'s 1e-4/s) bends the line the more.
constexpr Nanoseconds kMaxScatterWait{500'000'000};
// The start's line slews at most this fraction of the frequency limit (any fraction from 0.8 to
// 0.99 keeps ptp4win's Windows clock, set to the millisecond, within 1.1 x the library's RMS).
constexpr double kStartSlewFraction = 0.9;
// While the envelope steers before its scores are settled (kMinScored), the start's line (the
// joint least-squares line of every exchange since the start) steers beside it with this share
// of the phase and frequency, unless the queueing's shape already shows a single tail. The two
// estimate one line from the same packets in two ways: the lower envelope is the better one
// where the queueing has a single tail (lucky packets are frequent: ptp_accuracy's hw), the mean
// where it is a sum of tails (they are rare: on ptp_accuracy's chain the start's line alone
// leaves 0.9 us RMS 10-30 s after the lock, the envelope alone 1.3 us). Over so few exchanges
// the paired scores cannot tell which is better (their difference is far below the queueing
// noise common to both), nor can the shape but where it is clearly a single tail; and two
// estimates of comparable error, not fully correlated, average to less than the worse one.
constexpr double kStartLineShare = 0.5;
// After the start, the line filter assumes at least this wander (ppb^2/s: a usual crystal's,
// the Kalman bank's middle) until the envelope's scores have averaged this many exchanges, or
// for this many seconds (the same at ptp4l's default rates).
constexpr double kEarlyLineWander = 100.0;
constexpr int kEarlyLineScores = 64;
constexpr double kEarlyLineSeconds = 64.0;
// A decision time later than this many sync intervals after the Sync is not the Follow_Up's.
constexpr double kMaxDecisionDelayIntervals = 4.0;
// A paired one-step error beyond this many mean errors is clipped in the scores: a delay spike
// in one direction would otherwise decide them.
constexpr double kClipScales = 4.0;
// A point this many mean errors (and at least kBelowFloorNs) below the steering line cannot be
// queueing (its excess is never negative); this many such samples in a row mean the line no
// longer holds (the master's time jumped, the path got shorter), and the Kalman servo takes
// over while the envelope refills.
constexpr double kBelowScales = 8.0;
constexpr double kBelowFloorNs = 50.0;
constexpr int kBelowRun = 3;
// A change of the applied frequency beyond this (ppb) is a slew's or its end's: see note_decision.
constexpr double kMaxTrustedChangePpb = 1.0e6;
// A Sync or Delay_Req from before a step is reported after it within this many sync intervals
// (a late Follow_Up or Delay_Resp; the port expires its pending exchanges well within it).
constexpr std::int64_t kLateReportIntervals = 8;
constexpr Nanoseconds kNoEpoch{std::numeric_limits<std::int64_t>::min()};
// The gamma line is a candidate while the queueing's shape is beyond kMinGammaShape: the gamma
// location likelihood is regular only beyond 2, and a tail whose density at the floor is not
// zero but whose bulk is gamma-like reads near 2 in the shape's noise (a half-normal: 1.7-2.0,
// rarely up to 2.3), where the envelope is the better estimator.
constexpr double kMinGammaShape = 2.2;
// The shape is known once computed from this many points per direction (its estimate settles
// within a few tens: ptp_accuracy's hw reads 1.0-1.3 there, chain 2-3.6); from then on a clear of
// the points keeps it until they are as many again.
constexpr std::size_t kShapeKnownPoints = 32;
// The shape is recomputed every this many samples while the longest window fills, and every
// kFullShapeInterval (its span) once it is full.
constexpr int kShapeInterval = 16;
constexpr int kFullShapeInterval = 256;
// Once the gamma line has been compared with the windows on kMinScored exchanges of its own, it
// steers unless its squared paired error exceeds the best window's by more than this many
// standard errors of the mean difference. The two differ by their prediction errors under a
// common queueing noise that is far larger, so the scores alone choose the gamma line only after
// hundreds of exchanges; where they cannot tell the two apart, the gamma likelihood is the
// better estimator of a sum of tails (its location variance theta^2 (k - 2) / n against the
// mean's k theta^2 / n), and a line that predicts worse (wander bending its long window, a burst
// the shape has not yet seen) is soon shown worse by more than the comparison's noise.
constexpr double kGammaConfidence = 2.0;
// The gamma line is also fitted over twice the longest window, which steers in place of the
// longest window's gamma line unless the same paired comparison shows it worse: where the
// crystal wanders little (chain from 300 s after lock: 154 ns against the short line's 177 on
// seeds 1-10), the longer line's frequency is the better one; where it wanders more, the
// comparison keeps the shorter.
constexpr double kLongGammaWindows = 2.0;
// The long line rests on up to 1024 points, of which a sample adds 2: refitted every this many
// samples (carried on as a line in between) it costs a quarter as much and predicts as well.
constexpr int kLongGammaRefit = 4;
// Gaps between samples count as at most this many sync intervals for the phase horizon.
constexpr double kMaxGapIntervals = 8.0;
constexpr double kGapSamples = 256.0;
// Once the scores are settled, the blend moves to a new source with this time constant, in
// sync intervals: the shortest window's span, over which each estimate's own noise is averaged.
constexpr double kBlendIntervals = EnvelopeFit::kWindowIntervals[0];
// A window whose blend weight is at least this is refitted at every sample (fit_candidates): a
// smaller weight scales a line's few samples of age down to nothing in the blend.
constexpr double kSteeringBlend = 0.01;

// The hold-over frequency (frequency_ppb) is the slope at the newest sample of a quadratic through
// the steered line's phases of this span. The line's own frequency is its window's mean: on
// ptp_accuracy's stress (a 1 ppm/min ramp, hold-overs of 2-10 s when three Announces in a row are
// lost) it is 42 ppb RMS off the clock's at the start of the 35 hold-overs of seeds 1-40 that
// follow the envelope, and a 10 s hold-over, which the ramp alone moves by 833 ns, leaves the
// 1 us bound (seed 12: 1031 ns); the quadratic over 16 s is 17 ppb RMS off there, seed 12 910 ns
// (over 8 s: 25 ppb, the jitter of fewer lucky packets; 32 s: 16 ppb).
constexpr double kHoldSpanS = 16.0;
// At least this many phases (beyond the quadratic's three parameters, so that their jitter
// averages).
constexpr std::size_t kMinHoldPoints = 8;

// Lines' phases at one time, as phase_at gives them. The candidates' lines share a few fit
// times (every refitted window's is the last fit's), so the time's distance from the last fit
// time seen is kept: the same arithmetic, without the same quotient for every line.
class PhaseAt {
 public:
  explicit PhaseAt(Nanoseconds time) : time_(time) {}

  double operator()(const EnvelopeFit::Line& line) {
    if (!known_ || line.at != at_) {
      at_ = line.at;
      seconds_ = detail::seconds_between(time_, at_);
      known_ = true;
    }
    return line.phase_ns + line.frequency_ppb * seconds_;
  }

 private:
  Nanoseconds time_;
  bool known_ = false;
  Nanoseconds at_{0};
  double seconds_ = 0;
};

// Half the sum of a line's phases at an exchange's two times.
class PairedPhase {
 public:
  PairedPhase(Nanoseconds sync_time, Nanoseconds request_time)
      : sync_(sync_time), request_(request_time) {}

  double operator()(const EnvelopeFit::Line& line) { return (sync_(line) + request_(line)) / 2; }

 private:
  PhaseAt sync_;
  PhaseAt request_;
};

// A line's paired one-step error on an exchange: the exchange's paired value `measured_ns` (half
// the difference of the two directions' values) minus the line's paired phase, clipped at
// `clip_ns` where given.
double paired_error(PairedPhase& paired_phase, const EnvelopeFit::Line& line, double measured_ns,
                    std::optional<double> clip_ns) {
  const double error = measured_ns - paired_phase(line);
  return clip_ns ? std::clamp(error, -*clip_ns, *clip_ns) : error;
}

}  // namespace

EnvelopeServo::EnvelopeServo(const ServoConfig& config, double initial_frequency_ppb)
    : ServoBase(config),
      config_(config),
      sync_interval_s_(seconds(config.sync_interval)),
      sync_interval_(config.sync_interval),
      applied_frequency_ppb_(initial_frequency_ppb),
      frequency_estimate_ppb_(initial_frequency_ppb) {
  config_.kind = ServoKind::kKalman;
  kalman_.emplace(config_, initial_frequency_ppb);
  wander_samples_left_ = kWanderTestSamples;
  // Its decisions take effect when the port decides, as this servo's own (decision_time).
  kalman_->model_decision_delay();
  settled_.fill(ScoreDifference(kScoreSamples));
  blend_only(kKalmanSource);
}

ServoDecision EnvelopeServo::sample_measurement(const ServoSample& measurement) {
  raw_ = RawDelays{static_cast<double>(measurement.offset_from_master.count()) +
                       static_cast<double>(measurement.mean_path_delay.count()),
                   measurement.delay_request};
  measurement_ = measurement;
  const ServoDecision decision = sample(measurement.offset_from_master, measurement.local_time);
  raw_.reset();
  measurement_.reset();
  return decision;
}

void EnvelopeServo::set_sync_interval(Nanoseconds interval) {
  if (interval <= Nanoseconds(0)) return;
  sync_interval_ = interval;
  sync_interval_s_ = seconds(interval);
  kalman_->set_sync_interval(interval);
}

void EnvelopeServo::reset() {
  // A new master or an outside step: the points and the control's record describe a timescale
  // that is gone. The Kalman servo starts from the frequency in force.
  kalman_->reset();
  start_.clear();
  wander_.clear();
  wander_samples_left_ = kWanderTestSamples;
  first_sample_ = true;
  line_start_ = false;
  early_line_wander_ = false;
  clear_envelope();
  // A new master may be behind another network: its queueing's shape is learnt anew.
  shape_k_ = 0;
  shape_age_ = 0;
  shape_known_ = false;
  kalman_line_ = EnvelopeFit::Line{};
  steering_ = false;
  control_count_ = 0;
  last_time_.reset();
  gap_end_.reset();
  blend_only(kKalmanSource);
}

void EnvelopeServo::absorb_step_remainder(double remainder_ns) {
  // The step started a new timescale whose control phase is arbitrary and whose envelope is
  // empty: only the Kalman servo steering until the envelope takes over holds the phase, and the
  // start's line, which takes the step as it landed (a clock set to the millisecond lands up to
  // half a millisecond off the step asked).
  const auto remainder = Nanoseconds(std::llround(remainder_ns));
  start_.step_landed_off(remainder);
  if (!start_.following()) line_start_ = false;
  kalman_->step_applied(Nanoseconds(0), remainder);
}

double EnvelopeServo::frequency_ppb() const {
  if (kalman_alone()) return kalman_->frequency_ppb();
  // A hold-over runs on this frequency for seconds: the slope at the newest sample of the
  // steered phases' quadratic (phase_track_slope) where they span enough; the line's frequency
  // is its window's mean and lags a ramp of the clock's frequency.
  const std::optional<double> slope_ppb = phase_track_slope_ppb();
  return clamp_frequency(slope_ppb ? -*slope_ppb : frequency_estimate_ppb_);
}

void EnvelopeServo::track_phase(Nanoseconds time, double phase_ns) {
  phase_track_[phase_track_next_] = PhasePoint{time, phase_ns};
  phase_track_next_ = (phase_track_next_ + 1) % kPhaseTrack;
  if (phase_track_count_ < kPhaseTrack) ++phase_track_count_;
}

std::optional<double> EnvelopeServo::phase_track_slope_ppb() const {
  // Least squares of x(tau) = a + b tau + c tau^2 over the steered phases of the last
  // kHoldSpanS, tau in seconds from the newest (so b is the frequency there, ppb) and x from the
  // newest phase (the numbers stay small). The quadratic term takes up a ramp of the frequency
  // over the span; a line through the same phases would give the span's mean frequency, which
  // lags a ramp by half the span.
  if (phase_track_count_ < kMinHoldPoints) return std::nullopt;
  const PhasePoint& newest = phase_track_[(phase_track_next_ + kPhaseTrack - 1) % kPhaseTrack];
  std::array<double, 5> moments{};  // sums of tau^k
  std::array<double, 3> right{};    // sums of tau^k x
  double oldest_s = 0;
  std::size_t points = 0;
  for (std::size_t i = 0; i < phase_track_count_; ++i) {
    const PhasePoint& point = phase_track_[(phase_track_next_ + kPhaseTrack - 1 - i) % kPhaseTrack];
    const double tau = seconds_between(point.time, newest.time);
    if (tau < -kHoldSpanS) break;
    const double x = point.phase_ns - newest.phase_ns;
    double power = 1;
    for (std::size_t k = 0; k < moments.size(); ++k) {
      moments[k] += power;
      if (k < right.size()) right[k] += power * x;
      power *= tau;
    }
    oldest_s = tau;
    ++points;
  }
  // (At more than 8 Syncs a second the ring's phases span less than kHoldSpanS, and as many of
  // them do.)
  if (points < kMinHoldPoints || (oldest_s > -kHoldSpanS / 2 && points < kPhaseTrack)) {
    return std::nullopt;
  }
  // Cramer's rule for b: the normal matrix [m_{i+j}] with its middle column replaced.
  const auto det3 = [](const std::array<std::array<double, 3>, 3>& m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
           m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  std::array<std::array<double, 3>, 3> normal{};
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) normal[r][c] = moments[r + c];
  }
  const double det = det3(normal);
  if (!(std::abs(det) > 0)) return std::nullopt;
  for (std::size_t r = 0; r < 3; ++r) normal[r][1] = right[r];
  return det3(normal) / det;
}

double EnvelopeServo::window_intervals() const {
  if (!steering_) return 0.0;
  const double longest = EnvelopeFit::kWindowIntervals.back();
  if (steering_window_ == kGammaSource)
    return gamma_long_steers_ ? kLongGammaWindows * longest : longest;
  return EnvelopeFit::kWindowIntervals[std::min(steering_window_, EnvelopeFit::kWindows - 1)];
}

double EnvelopeServo::control_phase_at(Nanoseconds time) const {
  if (control_count_ == 0) return 0;
  // The newest decision taken at or before `time`; before them all, the oldest, extrapolated.
  const Control* in_force = nullptr;
  for (std::size_t i = 0; i < control_count_; ++i) {
    const Control& c = controls_[(control_next_ + kControlHistory - 1 - i) % kControlHistory];
    in_force = &c;
    if (c.time <= time) break;
  }
  return in_force->phase_ns + in_force->frequency_ppb * seconds_between(time, in_force->time);
}

void EnvelopeServo::note_decision(const ServoDecision& decision, Nanoseconds time) {
  if (decision.state == ServoState::kUnlocked) return;  // the clock keeps its frequency
  if (start_.first_decision_pending()) {
    early_line_wander_ = true;
    early_line_since_ = time;
  }
  start_.decided(time, decision.state == ServoState::kJump ? decision.step : std::nullopt,
                 decision.frequency_ppb);
  if (std::abs(decision.frequency_ppb) >= max_frequency_ppb()) {
    // A control at the frequency limit: a slew, whose phase the start's line does not follow
    // (a slight error in when it takes effect is microseconds), and whose end the line filter's
    // usual wander would not follow either.
    start_.stop();
    early_line_wander_ = false;
    wander_samples_left_ = 0;
  }
  const double applied_before = applied_frequency_ppb_;
  applied_frequency_ppb_ = decision.frequency_ppb;
  if (decision.state == ServoState::kJump && decision.step) {
    // The step starts a new timescale: its origin of control phase is arbitrary.
    const Nanoseconds after =
        time.checked_add(std::min(*decision.step, Nanoseconds(0))).value_or(time);
    control_count_ = 0;
    controls_[0] = Control{after, 0, decision.frequency_ppb};
    control_count_ = 1;
    control_next_ = 1;
    // A Sync received, or a Delay_Req sent, before the step may be reported after it (a late
    // Follow_Up or Delay_Resp), with its time on the old timescale: the points before the step's
    // moment are dropped. After a backward step the new timescale starts |step| before that
    // moment; only the old timescale's last kLateReportIntervals can still be reported, so only
    // those are dropped, and the new timescale's points below them are kept (a step of 1e6 s
    // back would otherwise drop every point for 1e6 s).
    wander_.clear();
    wander_samples_left_ = kWanderTestSamples;
    stepped_since_last_ = true;
    epoch_ = time;
    epoch_floor_ = *decision.step < Nanoseconds(0)
                       ? time.checked_sub(late_report_span()).value_or(kNoEpoch)
                       : kNoEpoch;
    clear_envelope();
    blend_only(kKalmanSource);
    return;
  }
  if (std::abs(decision.frequency_ppb - applied_before) > kMaxTrustedChangePpb) {
    // The start or end of a slew (a step forbidden, a new master far off): a slight error in
    // when the decision takes effect is microseconds of control phase at such a change, so the
    // points before it are not trusted; the window starts after it.
    epoch_ = time;
    epoch_floor_ = kNoEpoch;
    // (The wander test's differences do not span the change; what they showed before it holds.)
    wander_.restart();
    clear_envelope();
  }
  controls_[control_next_] = Control{time, control_phase_at(time), decision.frequency_ppb};
  control_next_ = (control_next_ + 1) % kControlHistory;
  if (control_count_ < kControlHistory) ++control_count_;
}

Nanoseconds EnvelopeServo::late_report_span() const {
  return Nanoseconds(sync_interval_.count() * kLateReportIntervals);
}

bool EnvelopeServo::before_epoch(Nanoseconds time) const {
  return time <= epoch_ && time > epoch_floor_;
}

void EnvelopeServo::learn_gap(Nanoseconds local_time) {
  if (last_time_ && local_time > *last_time_) {
    // A gap no lost Syncs explain (a hold-over, an outage; a step moves the local time too):
    // see after_gap.
    const double gap_s = seconds_between(local_time, *last_time_);
    if (!stepped_since_last_ && gap_s > kBlendIntervals * sync_interval_s_) {
      gap_end_ = local_time;
    }
    const double k = std::min(gap_s / sync_interval_s_, kMaxGapIntervals);
    ++gap_samples_;
    const double w = forgetting_weight(gap_samples_, kGapSamples);
    gap_mean_ += w * (k - gap_mean_);
    gap_mean_square_ += w * (k * k - gap_mean_square_);
  }
  last_time_ = local_time;
  stepped_since_last_ = false;
}

bool EnvelopeServo::after_gap(Nanoseconds local_time) const {
  // After a gap without samples longer than the shortest window's span, every window's line
  // rests on the points before it, carried across it, and the clock may have run on another
  // frequency than the last decision meanwhile (the port holds frequency_ppb() while it follows
  // no master): ptp_accuracy's stress seed 40, a 2.4 s hold-over, had the 32-interval window's
  // line steer 650 ns off at once, 1.4 us at worst. The Kalman servo, whose prediction's
  // variance grows with the gap, steers until the shortest window has refilled.
  return gap_end_ && seconds_between(local_time, *gap_end_) < kBlendIntervals * sync_interval_s_;
}

double EnvelopeServo::horizon_s() const {
  // The decision stays in force until the next sample; after k lost Syncs the phase term has
  // acted k times. The horizon whose mean square residual over the observed gaps is least.
  const double n = config_.kalman.phase_correction_intervals;
  return std::max(1.0, n * gap_mean_square_ / gap_mean_) * sync_interval_s_;
}

void EnvelopeServo::add_points(Nanoseconds local_time) {
  if (!raw_) return;
  const double sync_value = raw_->master_to_slave_ns - control_phase_at(local_time);
  std::optional<double> request_value;
  Nanoseconds request_time{0};
  if (raw_->delay_request && !before_epoch(raw_->delay_request->sent)) {
    request_time = raw_->delay_request->sent;
    request_value = static_cast<double>(raw_->delay_request->slave_to_master.count()) +
                    control_phase_at(request_time);
  }
  if (before_epoch(local_time)) return;
  // (Only while it can act: it costs nothing in the steady state.)
  if (wander_samples_left_ > 0) wander_.add(local_time, sync_value, sync_interval_);
  if (request_value) score_windows(sync_value, local_time, *request_value, request_time);
  if (request_value) learn_excess(sync_value, local_time, *request_value, request_time);
  if (steering_) {
    const bool below = below_envelope(sync_value, local_time, 1.0) ||
                       (request_value && below_envelope(*request_value, request_time, -1.0));
    below_run_ = below ? below_run_ + 1 : 0;
  }
  fit_.add_sync(local_time, sync_value);
  gamma_.add_sync(local_time, sync_value);
  if (request_value) {
    fit_.add_request(request_time, *request_value);
    gamma_.add_request(request_time, *request_value);
  }
}

void EnvelopeServo::score_windows(double sync_value_ns, Nanoseconds sync_time,
                                  double request_value_ns, Nanoseconds request_time) {
  // The paired error: half the difference of the two directions' values is the phase plus half
  // the difference of their excesses, whose distribution is the same for every window, so the
  // windows' mean squares differ by their prediction errors alone.
  const double measured_ns = (sync_value_ns - request_value_ns) / 2;
  const bool clipping = scored_ >= kMinScored;
  const std::optional<double> clip_ns =
      clipping ? std::optional<double>(kClipScales * std::max(noise_scale_ns_, 1.0)) : std::nullopt;
  if (!lines_[steering_window_].valid) return;
  const double w = forgetting_weight(scored_ + 1, kScoreSamples);
  std::array<double, kCandidates> squares_ns2{};
  // The settled comparison's values: both lines' errors smoothed as the Kalman servo's control
  // smooths its own: it removes its estimated phase over its horizon, two intervals beyond 1 s
  // between Syncs, so what stays in the clock is about an average of its last errors with
  // weight 1 / horizon (with a one-interval horizon, the plain errors). Errors that alternate
  // from one exchange to the next then count for what they leave in the clock, errors that run
  // in stretches (a line bent by the wander over its window) for their whole size; the common
  // queueing noise is smoothed alike in both, so the comparison stays paired.
  const double smoothing = 1.0 / std::max(1.0, kalman_->horizon_s() / sync_interval_s_);
  PairedPhase paired_phase(sync_time, request_time);
  if (scored_ == kMinScored && clip_ns && kalman_score_ns2_ > *clip_ns * *clip_ns) {
    // The Kalman line's score holds errors beyond any the clip lets in from here on: its
    // acquisition's (an E2E start's path delay is off by microseconds for a few exchanges, where
    // the delay noise is nanoseconds through transparent clocks). Kept, they would stand against
    // it for hundreds of exchanges; it starts level with the steering window instead, and the
    // clipped exchanges from here on decide.
    kalman_score_ns2_ = scores_[steering_window_];
  }
  if (kalman_line_.valid) {
    const double error = paired_error(paired_phase, kalman_line_, measured_ns, clip_ns);
    const double kalman_square_ns2 = error * error;
    kalman_score_ns2_ += w * (kalman_square_ns2 - kalman_score_ns2_);
    smoothed_kalman_error_ns_ = smoothing * error + (1 - smoothing) * smoothed_kalman_error_ns_;
  }
  for (std::size_t k = 0; k < kCandidates; ++k) {
    const EnvelopeFit::Line& line = lines_[k];
    if (!line.valid) continue;
    const double error = paired_error(paired_phase, line, measured_ns, clip_ns);
    squares_ns2[k] = error * error;
    scores_[k] += w * (squares_ns2[k] - scores_[k]);
    // The settled comparison starts with the clip: both lines' errors on the same exchange.
    smoothed_errors_ns_[k] = smoothing * error + (1 - smoothing) * smoothed_errors_ns_[k];
    if (clipping && kalman_line_.valid) {
      settled_[k].add(smoothed_errors_ns_[k] * smoothed_errors_ns_[k] -
                      smoothed_kalman_error_ns_ * smoothed_kalman_error_ns_);
    }
    if (k == steering_window_) noise_scale_ns_ += w * (std::abs(error) - noise_scale_ns_);
  }
  if (lines_[kGammaSource].valid) compare_gamma_with_windows(squares_ns2);
  compare_long_gamma(measured_ns, sync_time, request_time, clip_ns);
  ++scored_;
}

void EnvelopeServo::compare_gamma_with_windows(const std::array<double, kCandidates>& squares_ns2) {
  for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
    // A window without a line (too few points in it: lost Syncs) has no error to compare with.
    if (!lines_[k].valid) continue;
    gamma_difference_[k].add(squares_ns2[kGammaSource] - squares_ns2[k], kScoreSamples);
  }
}

void EnvelopeServo::compare_long_gamma(double measured_ns, Nanoseconds sync_time,
                                       Nanoseconds request_time, std::optional<double> clip_ns) {
  if (!gamma_short_line_.valid || !gamma_long_line_.valid) return;
  PairedPhase paired_phase(sync_time, request_time);
  const auto squared_error = [&](const EnvelopeFit::Line& line) {
    const double error = paired_error(paired_phase, line, measured_ns, clip_ns);
    return error * error;
  };
  long_difference_.add(squared_error(gamma_long_line_) - squared_error(gamma_short_line_),
                       kScoreSamples);
}

void EnvelopeServo::forget_gamma_comparison() {
  gamma_difference_ = {};
  gamma_shape_holds_ = false;
  gamma_long_warm_ = GammaLineFit::Warm{};
  gamma_long_line_ = EnvelopeFit::Line{};
  gamma_short_line_ = EnvelopeFit::Line{};
  long_difference_ = PairedDifference{};
  long_age_ = 0;
  gamma_long_steers_ = false;
}

EnvelopeFit::Line EnvelopeServo::choose_gamma_line(Nanoseconds local_time,
                                                   const EnvelopeFit::Line& short_line) {
  gamma_short_line_ = short_line;
  if (!short_line.valid) {
    gamma_long_line_ = EnvelopeFit::Line{};
    gamma_long_steers_ = false;
    return short_line;
  }
  if (!gamma_long_line_.valid || long_age_ % kLongGammaRefit == 0) {
    const auto window =
        Nanoseconds(std::llround(kLongGammaWindows * EnvelopeFit::kWindowIntervals.back() *
                                 static_cast<double>(sync_interval_.count())));
    // It starts from the short line (the best the points know) the first time.
    gamma_long_line_ = gamma_.fit(local_time, window, shape_k_, short_line, gamma_long_warm_);
  }
  ++long_age_;
  const bool long_not_worse = long_difference_.count >= kMinScored &&
                              long_difference_.not_worse(kGammaConfidence, kScoreSamples);
  gamma_long_steers_ = gamma_long_line_.valid && long_not_worse;
  return gamma_long_steers_ ? gamma_long_line_ : short_line;
}

bool EnvelopeServo::gamma_not_worse_than(std::size_t window) const {
  // Only a shape shown beyond kMinGammaShape by more than its own standard error (and not ruled
  // out since: fit_candidates) says a sum of tails without the scores' help (a single tail's
  // shape reads beyond it now and then: wander between the lucky packets makes the excesses look
  // less skewed).
  const PairedDifference& difference = gamma_difference_[window];
  return lines_[kGammaSource].valid && difference.count >= kMinScored && gamma_shape_holds_ &&
         difference.not_worse(kGammaConfidence, kScoreSamples);
}

void EnvelopeServo::learn_excess(double sync_value_ns, Nanoseconds sync_time,
                                 double request_value_ns, Nanoseconds request_time) {
  const EnvelopeFit::Line& line = lines_[steering_window_];
  if (!line.valid) return;
  // The exchange's two excesses over the floor, averaged: the phase cancels in their sum (only
  // the line's frequency over the gap between Sync and Delay_Req counts), so a line bent by
  // wander between its lucky packets does not count as queueing. Clipped at 4 means so that a
  // delay spike does not count as queueing either.
  const double paired =
      (sync_value_ns - line.phase_at(sync_time) + request_value_ns + line.phase_at(request_time)) /
      2;
  double excess = std::max(0.0, paired - line.floor_ns);
  if (excess_samples_ >= kMinScored) excess = std::min(excess, 4 * excess_mean_ns_);
  ++excess_samples_;
  excess_mean_ns_ += forgetting_weight(excess_samples_, kScoreSamples) * (excess - excess_mean_ns_);
}

EnvelopeFit::Windows EnvelopeServo::fresh_windows(bool shape_due) const {
  // The windows that steer (the last steering one and those that weigh in the blend) are
  // refitted at every sample; the others on fit_scheduled's schedule: they are only scored, and
  // a line a few samples old predicts the next exchange nearly as well. The longest line is
  // refitted where the shape is measured on it or the gamma fit starts from it: a line a few
  // samples old lies off the newest points, and their excesses would make the shape look larger.
  EnvelopeFit::Windows fresh;
  std::size_t longest = EnvelopeFit::kWindows;
  for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
    if (k == steering_window_ || blend_[k] >= kSteeringBlend) fresh.set(k);
    if (windows_[k].valid) longest = k;
  }
  const bool gamma_starts = shape_known_ && shape_k_ > kMinGammaShape && !gamma_.warm();
  if (longest < EnvelopeFit::kWindows && (shape_due || gamma_starts)) fresh.set(longest);
  return fresh;
}

void EnvelopeServo::fit_candidates(Nanoseconds local_time) {
  // The shape of the window's excesses over the longest envelope (its floor is the lowest of the
  // most points, as the shape's correction assumes). It is the network's, not the timescale's:
  // kept across a clear of the points, and once known, recomputed only from enough of them. It
  // moves slowly: recomputed every few samples, it costs little.
  const std::size_t points = std::min(fit_.syncs(), fit_.requests());
  const bool enough = points >= kShapeKnownPoints;
  const bool shape_counts = enough || !shape_known_;
  const bool shape_due =
      shape_counts &&
      shape_age_ % (points < EnvelopeFit::kCapacity ? kShapeInterval : kFullShapeInterval) == 0;
  fitted_ = fit_.fit_scheduled(local_time, sync_interval_, windows_, fresh_windows(shape_due));
  std::copy(windows_.begin(), windows_.end(), lines_.begin());
  EnvelopeFit::Line& gamma = lines_[kGammaSource];
  gamma = EnvelopeFit::Line{};
  // The gamma likelihood's line where the excess's shape is beyond 2 (a sum of tails, whose
  // density vanishes at the floor): at or below it the likelihood is irregular and the
  // envelope's lucky packets are the better estimate.
  const EnvelopeFit::Line* longest = nullptr;
  for (const EnvelopeFit::Line& line : windows_) {
    if (line.valid) longest = &line;
  }
  if (longest == nullptr) {
    // As where the shape rules the gamma line out: a line that reappears is compared anew.
    gamma_line_valid_ = false;
    forget_gamma_comparison();
    gamma_.forget_fit();
    return;
  }
  if (shape_counts) ++shape_age_;
  const auto window = Nanoseconds(std::llround(EnvelopeFit::kWindowIntervals.back() *
                                               static_cast<double>(sync_interval_.count())));
  if (shape_due) {
    const GammaLineFit::Moments moments = gamma_.excess_moments(local_time, window, *longest);
    shape_k_ = excess_shape(moments.mean_ns, moments.variance_ns2, points);
    // A gamma shape from n excesses' moments has a variance of about 2 k (k + 1) / n.
    shape_error_ = std::sqrt(2 * shape_k_ * (shape_k_ + 1) /
                             static_cast<double>(std::max<std::size_t>(moments.count, 1)));
    shape_known_ = shape_known_ || enough;
  }
  // The line spans the longest window: wander beyond a usual crystal's (the Kalman bank's far
  // filters steer) bends it by more than any queueing.
  const bool usual_wander = kalman_->frequency_wander_ppb2_per_s() <= kMaxEnvelopeWander;
  // The shape is read from one window's excesses, every kFullShapeInterval samples once the
  // window is full: a single reading can fall below kMinGammaShape though the network's shape is
  // beyond it (chain: 2.1-2.2 between readings of 2.3-3.0), and holds until the next. So a sum of
  // tails, once shown beyond it by a standard error, counts until a reading falls below it by
  // one, and the comparison the gamma line has earned is kept until then.
  const bool shape_clear = shape_k_ - shape_error_ > kMinGammaShape;
  const bool shape_possible = shape_k_ + shape_error_ > kMinGammaShape;
  gamma_shape_holds_ = shape_known_ && (shape_clear || (gamma_shape_holds_ && shape_possible));
  const bool shape_allows = shape_k_ > kMinGammaShape || (gamma_line_valid_ && gamma_shape_holds_);
  if (!shape_known_ || !shape_allows || !usual_wander) {
    gamma_line_valid_ = false;
    forget_gamma_comparison();
    gamma_.forget_fit();
    return;
  }
  // The fit starts from the envelope's longest line (its frequency is the best the points know).
  const bool was_valid = gamma_line_valid_;
  gamma = choose_gamma_line(local_time, gamma_.fit(local_time, window, shape_k_, *longest));
  gamma_line_valid_ = gamma.valid;
  // A line that appears starts with the best score of the envelope's lines: with none (0) it
  // would steer at once, before any exchange has judged it; from the best one, the next exchanges
  // decide (a late start from a worse score would take hundreds of them to catch up).
  if (gamma.valid && !was_valid) {
    settled_[kGammaSource].clear();
    smoothed_errors_ns_[kGammaSource] = 0;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
      if (lines_[k].valid) best = std::min(best, scores_[k]);
    }
    if (std::isfinite(best)) scores_[kGammaSource] = best;
  }
}

bool EnvelopeServo::below_envelope(double value_ns, Nanoseconds time, double sign) const {
  const EnvelopeFit::Line& line = lines_[steering_window_];
  if (!line.valid) return false;
  const double expected = sign * line.phase_at(time) + line.floor_ns;
  return value_ns - expected < -std::max(kBelowScales * noise_scale_ns_, kBelowFloorNs);
}

std::size_t EnvelopeServo::steering_window() const {
  // Before the scores are settled, the longest envelope window (the gamma line needs its own
  // comparison with the windows first), unless a shorter window has predicted better beyond
  // kEarlyWindowMargin: where the queueing is nanoseconds (transparent clocks), a usual
  // crystal's wander bends the longest line over the tens of seconds before the scores settle
  // by tens of nanoseconds.
  std::size_t longest = kCandidates;
  for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
    if (lines_[k].valid) longest = k;
  }
  if (longest == kCandidates) return 0;
  if (scored_ < kMinScored) {
    // (Only where the queueing is nanoseconds, below what kBelowFloorNs counts as a departure
    // from the envelope: where it is larger, the longest line's lucky packets are what the early
    // lines have over the Kalman servo, and wander far beyond a usual crystal's, which makes the
    // excesses look large, is the Kalman servo's to follow.)
    if (scored_ < kFirstScored || excess_mean_ns_ > kBelowFloorNs) return longest;
    std::size_t early = longest;
    for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
      if (lines_[k].valid && scores_[k] < scores_[early]) early = k;
    }
    const double margin_ns2 = kEarlyWindowMargin * excess_mean_ns_ * excess_mean_ns_;
    return scores_[longest] - scores_[early] > margin_ns2 ? early : longest;
  }
  // A running minimum without a branch on its outcome (the best window changes unpredictably).
  std::size_t best = longest;
  double best_score = scores_[longest];
  for (std::size_t k = 0; k < kCandidates; ++k) {
    const bool better = lines_[k].valid && scores_[k] < best_score;
    best = better ? k : best;
    best_score = better ? scores_[k] : best_score;
  }
  // Where the comparison cannot tell the gamma line from the best window, the gamma line steers
  // (kGammaConfidence).
  if (best != kGammaSource && gamma_not_worse_than(best)) return kGammaSource;
  return best;
}

void EnvelopeServo::clear_envelope() {
  fit_.clear();
  windows_ = EnvelopeFit::Lines{};
  lines_ = {};
  scores_ = {};
  scored_ = 0;
  noise_scale_ns_ = 0;
  below_run_ = 0;
  kalman_score_ns2_ = 0;
  for (ScoreDifference& difference : settled_) difference.clear();
  settled_kalman_ = false;
  earned_source_ = kCandidates;
  smoothed_errors_ns_ = {};
  smoothed_kalman_error_ns_ = 0;
  excess_mean_ns_ = 0;
  excess_samples_ = 0;
  forget_gamma_comparison();
  gamma_.clear();
  line_filter_.clear();
  phase_track_count_ = 0;
}

Nanoseconds EnvelopeServo::decision_time(Nanoseconds local_time) const {
  // The port decides when the Follow_Up arrives. (The delay is on the monotonic clock; over a
  // fraction of a second the local clock's rate differs from it by parts per million.) A delay
  // of seconds is no Follow_Up's: the Sync's own time is the better guess then.
  if (!measurement_) return local_time;
  const Nanoseconds delay = measurement_->decision_delay;
  const double delay_s = seconds(delay);
  if (delay_s <= 0 || delay_s > kMaxDecisionDelayIntervals * sync_interval_s_) return local_time;
  return local_time.checked_add(delay).value_or(local_time);
}

bool EnvelopeServo::envelope_usable(const ServoDecision& kalman_decision, double phase_ns) const {
  const bool kalman_locked = kalman_decision.state == ServoState::kLocked ||
                             kalman_decision.state == ServoState::kLockedStable;
  // Software timestamps carry the stack's latency, roughly symmetric and without a floor: their
  // envelope follows the latency's lower tail (measured: ptp_accuracy's sw and none, 2-4 x the
  // Kalman servo's RMS), so only hardware timestamps steer by it.
  const bool hardware = measurement_ && measurement_->timestamp_kind == TimestampKind::kHardware;
  // Until the scores are settled, wander beyond a poor crystal's (the Kalman bank's far filters
  // steer), or a usual wander over more than kEarlySpanS, leaves the Kalman servo steering: it
  // bends even the shortest window's line by more than the queueing. Later the scores judge
  // (delay bursts of tens of microseconds also make the bank choose a far filter, and the
  // envelope is what rides them out).
  const bool early_span = static_cast<double>(scored_) * sync_interval_s_ <= kEarlySpanS;
  const bool early_envelope_allowed =
      scored_ >= kMinScored ||
      (kalman_->frequency_wander_ppb2_per_s() <= kMaxEnvelopeWander && early_span);
  return kalman_locked && hardware && early_envelope_allowed && lines_[steering_window_].valid &&
         fit_.syncs() >= kHandOverPoints && fit_.requests() >= kHandOverPoints &&
         (scored_ < kFirstScored ||
          scores_[steering_window_] <
              kalman_score_ns2_ + (scored_ < kMinScored ? kEarlyKalmanMargin : kKalmanMargin) *
                                      excess_mean_ns_ * excess_mean_ns_) &&
         !settled_kalman_ && !beyond_step_threshold(phase_ns);
}

std::optional<double> EnvelopeServo::far_wander_shown() const {
  // While the start's line steers, its own control (a step's remainder slewed off, the line's
  // frequency settling) is what the free-running points' timing errors would show as wander.
  if (line_start_ || wander_samples_left_ <= 0) return std::nullopt;
  const std::optional<double> wander = wander_.shown_wander_ppb2_per_s();
  if (!wander || *wander <= kMaxEnvelopeWander) return std::nullopt;
  return wander;
}

bool EnvelopeServo::scores_settle_early() const {
  return static_cast<double>(kMinScored) * sync_interval_s_ <= kEarlySpanS;
}

bool EnvelopeServo::settled_kalman_better() const {
  if (scored_ < kMinScored) return false;
  // The whole-history scores hold the Kalman servo's acquisition (its first predictions are off
  // by microseconds where a few exchanges span a minute: 16 s between Syncs) for kScoreSamples
  // exchanges, and favour the envelope for that long. The settled comparison has no such
  // errors, but starts from few exchanges whose paired differences carry the common queueing
  // noise: it hands over to the Kalman servo only once its mean exceeds the margin by more than
  // kSettledStandardErrors of its standard errors, and keeps it steering until its mean falls
  // to the margin (a band of the statistic's own noise: no hand-over back and forth on noise).
  const double margin_ns2 = kKalmanMargin * excess_mean_ns_ * excess_mean_ns_;
  const ScoreDifference& difference = settled_[steering_window_];
  if (!scores_settle_early()) {
    // Where the scores settle only after minutes (beyond 1 s between Syncs), the envelope's
    // presumption fails: over the span of its windows the wander bends its lines by about as
    // much as the queueing they filter, and the Kalman servo steers until the steering
    // candidate has itself been shown better beyond the comparison's noise; that candidate
    // keeps steering until its mean rises to the margin.
    if (!settled_kalman_ && steering_window_ == earned_source_) {
      return difference.mean() > margin_ns2;
    }
    return !difference.below(margin_ns2, kSettledStandardErrors);
  }
  if (settled_kalman_) return difference.count() > 0 && difference.mean() > margin_ns2;
  return difference.above(margin_ns2, kSettledStandardErrors);
}

void EnvelopeServo::remember_kalman(Nanoseconds local_time) {
  kalman_line_.valid = true;
  kalman_line_.at = local_time;
  kalman_line_.phase_ns = kalman_->phase_ns() - control_phase_at(local_time);
  kalman_line_.frequency_ppb = kalman_->frequency_error_ppb();
}

void EnvelopeServo::blend_only(std::size_t source) {
  blend_ = {};
  blend_[source] = 1;
  last_blend_time_.reset();
  // A change of source on purpose: the line's jump is no jitter to smooth.
  line_filter_.restart();
}

void EnvelopeServo::update_blend(std::size_t source, Nanoseconds local_time) {
  // Two windows' lines differ by their errors: microseconds apart at 10 us of queueing, where
  // the scores that choose between them differ by less than their noise and the choice flips.
  // Steering at once to the other line moves the clock by the difference within one horizon (a
  // frequency excursion of difference / horizon), and back at the next flip; blended over the
  // shortest window's span, a flip moves it by a fraction of that. A change beyond the
  // queueing's noise (the scores' clip) is no such flip but a change of the clock or the path,
  // and is followed at once, as is every change before the scores are settled (the first
  // hand-over) and every change to or from the Kalman servo (it steers where the envelope does
  // not explain the packets).
  PhaseAt phase_at(local_time);
  double blended_phase = 0;
  for (std::size_t k = 0; k < kCandidates; ++k) {
    if (blend_[k] != 0 && lines_[k].valid) blended_phase += blend_[k] * phase_at(lines_[k]);
  }
  const bool at_once =
      scored_ < kMinScored || !last_blend_time_ || source == kKalmanSource ||
      blend_[kKalmanSource] > 0 || !lines_[source].valid ||
      std::abs(phase_at(lines_[source]) - blended_phase) > kClipScales * noise_scale_ns_;
  if (at_once) {
    blend_only(source);
    last_blend_time_ = local_time;
    return;
  }
  const double elapsed_s = std::max(seconds_between(local_time, *last_blend_time_), 0.0);
  last_blend_time_ = local_time;
  const double keep =
      std::exp(-elapsed_s / std::max(horizon_s(), kBlendIntervals * sync_interval_s_));
  double total = 0;
  for (std::size_t k = 0; k < kCandidates; ++k) {
    blend_[k] = keep * blend_[k] + (k == source ? 1 - keep : 0.0);
    // A line that is gone (its window holds too few points) no longer steers.
    if (!lines_[k].valid) blend_[k] = 0;
    total += blend_[k];
  }
  for (double& w : blend_) w /= total;
}

bool EnvelopeServo::gamma_steering() const { return blend_[kGammaSource] >= 0.5; }

bool EnvelopeServo::kalman_alone() const { return blend_[kKalmanSource] == 1; }

EnvelopeFit::Line EnvelopeServo::blended_line(Nanoseconds at) const {
  // A weighted sum of lines taken at the same moment is a line.
  EnvelopeFit::Line blended;
  blended.valid = true;
  blended.at = at;
  PhaseAt phase_at(at);
  for (std::size_t k = 0; k < kCandidates; ++k) {
    if (blend_[k] == 0) continue;
    blended.phase_ns += blend_[k] * phase_at(lines_[k]);
    blended.frequency_ppb += blend_[k] * lines_[k].frequency_ppb;
    blended.floor_ns += blend_[k] * lines_[k].floor_ns;
  }
  return blended;
}

ServoDecision EnvelopeServo::sample_kalman(Nanoseconds offset_from_master, Nanoseconds local_time) {
  const bool first = std::exchange(first_sample_, false);
  if (!measurement_) {
    start_.clear();
    return kalman_->sample(offset_from_master, local_time);
  }
  const ServoSample& measurement = *measurement_;
  if (first && EnvelopeStart::can_start(measurement) && sync_interval_ <= kMaxStartInterval) {
    // The clock keeps its frequency until the line is good enough (the Kalman servo would leave
    // it alone on its first sample anyway).
    start_.hold(measurement, applied_frequency_ppb_);
    line_start_ = true;
    return ServoDecision{};
  }
  if (const std::optional<ServoSample> held = start_.held()) return start_kalman(*held);
  if (start_.following() && !before_epoch(local_time)) {
    start_.add(measurement,
               measurement.delay_request && !before_epoch(measurement.delay_request->sent));
  }
  return kalman_->sample_measurement(measurement);
}

ServoDecision EnvelopeServo::start_kalman(const ServoSample& held) {
  const ServoSample& measurement = *measurement_;
  start_.release();
  start_.add(measurement, true);
  const std::optional<EnvelopeStart::Fit> held_fit = start_.fit(held.local_time);
  const std::optional<EnvelopeStart::Fit> fit = start_.fit(measurement.local_time);
  // Holding on is worth it while the line's phase is more uncertain than kStartPhaseFraction of
  // the first step's threshold and kMaxStartSamples samples can bring it below (its uncertainty
  // falls as one over the root of the samples); where they cannot (jitter, wander), or the
  // scatter is not yet known, the Kalman servo starts from the port's offsets, as without a line.
  const double bound =
      kStartPhaseFraction * static_cast<double>(config_.first_step_threshold.count());
  const double samples = start_.held_samples() + 1;
  const bool hardware = measurement.timestamp_kind == TimestampKind::kHardware;
  if (hardware && held_fit && fit && !fit->phase_sd_ns && samples < kMaxStartSamples &&
      sync_interval_ <= kMaxScatterWait) {
    // The points just determine the line (this sample brought no Delay_Req): its scatter is not
    // yet known. One more sample tells (see kMaxScatterWait).
    start_.keep_holding(measurement);
    return ServoDecision{};
  }
  const bool known = held_fit && fit && fit->phase_sd_ns && hardware;
  if (!known || *fit->phase_sd_ns * std::sqrt(samples / kMaxStartSamples) > bound) {
    start_.clear();
    line_start_ = false;
    (void)kalman_->sample_measurement(held);
    return kalman_->sample_measurement(measurement);
  }
  if (*fit->phase_sd_ns > bound && samples < kMaxStartSamples) {
    start_.keep_holding(measurement);
    return ServoDecision{};
  }
  // The Kalman servo's first phase and frequency are the line's.
  (void)kalman_->sample_measurement(EnvelopeStart::with_phase(held, held_fit->phase_ns));
  ServoDecision decision =
      kalman_->sample_measurement(EnvelopeStart::with_phase(measurement, fit->phase_ns));
  if (decision.state == ServoState::kJump && decision.step) {
    // The step takes effect when the port decides (after a late Follow_Up, hundreds of
    // milliseconds after the Sync, over which the clock runs on at its error): the line's phase
    // then. The Kalman servo is told the step it asked for landed there.
    const std::optional<EnvelopeStart::Fit> then =
        start_.fit(decision_time(measurement.local_time));
    // (A step is taken from the line only within the int64 range.)
    if (const std::optional<Nanoseconds> step =
            then ? rounded_nanoseconds(-then->phase_ns) : std::nullopt) {
      kalman_->step_applied(*decision.step, *step);
      decision.step = *step;
    }
  }
  return decision;
}

std::optional<ServoDecision> EnvelopeServo::steer_by_start_line(Nanoseconds local_time,
                                                                Nanoseconds decided) {
  // Dead-beat on the line's phase, as the envelope steers: the joint line of every exchange
  // since the start is the efficient estimate while the envelope's windows hold a few points.
  const std::optional<EnvelopeStart::Fit> then = start_.fit(decided);
  const std::optional<EnvelopeStart::Fit> now = start_.fit(local_time);
  if (!then || !now) return std::nullopt;
  // A step's remainder (a clock set to the millisecond) is slewed off by the line itself, below
  // the frequency limit: a decision at the limit ends the start (note_decision), as a slew the
  // line did not choose.
  const double slew_limit = kStartSlewFraction * max_frequency_ppb();
  ServoDecision decision;
  decision.state = ServoState::kLocked;
  decision.frequency_ppb = std::clamp(-then->frequency_error_ppb - then->phase_ns / horizon_s(),
                                      -slew_limit, slew_limit);
  frequency_estimate_ppb_ = -then->frequency_error_ppb;
  kalman_->assume_applied(decision.frequency_ppb);
  // Scored in the Kalman servo's place (free-running phase, as the windows' lines).
  kalman_line_.valid = true;
  kalman_line_.at = local_time;
  kalman_line_.phase_ns = now->phase_ns - control_phase_at(local_time);
  kalman_line_.frequency_ppb = now->frequency_error_ppb;
  note_decision(decision, decided);
  return decision;
}

bool EnvelopeServo::single_tail() const {
  // As for the gamma line (fit_candidates), the shape's own error decides: before enough points
  // it reads anywhere from 0.7 to 4 on a single tail and on three alike.
  return shape_k_ > 0 && shape_k_ + shape_error_ < kMinGammaShape;
}

EnvelopeFit::Line EnvelopeServo::with_start_line(const EnvelopeFit::Line& line,
                                                 Nanoseconds decided) const {
  const std::optional<EnvelopeStart::Fit> start = start_.fit(decided);
  if (!start) return line;
  // The start's line holds the control's phase; the envelope's lines are free-running.
  EnvelopeFit::Line averaged = line;
  averaged.at = decided;
  averaged.phase_ns = (1 - kStartLineShare) * line.phase_at(decided) +
                      kStartLineShare * (start->phase_ns - control_phase_at(decided));
  averaged.frequency_ppb =
      (1 - kStartLineShare) * line.frequency_ppb + kStartLineShare * start->frequency_error_ppb;
  return averaged;
}

double EnvelopeServo::line_wander_ppb2_per_s(Nanoseconds local_time) {
  // After a start the Kalman servo's bank may settle on its smoothest filter within tens of
  // samples (the start left it little to correct), long before the envelope's line has: with
  // that wander the line filter would hold a line whose frequency is still off by tens of ppb
  // for tens of seconds. Until the envelope's scores have averaged kEarlyLineScores exchanges,
  // and for kEarlyLineSeconds at most, the filter follows at least a usual crystal's wander.
  // (At long sync intervals that wander is more than the noise over one interval: for longer the
  // line filter would follow the lines' noise.)
  const double kalman = kalman_->frequency_wander_ppb2_per_s();
  if (scored_ >= kEarlyLineScores ||
      seconds_between(local_time, early_line_since_) > kEarlyLineSeconds) {
    early_line_wander_ = false;
  }
  return early_line_wander_ ? std::max(kalman, kEarlyLineWander) : kalman;
}

ServoDecision EnvelopeServo::decide(Nanoseconds offset_from_master, Nanoseconds local_time) {
  if (control_count_ == 0) {
    controls_[0] = Control{local_time, 0, applied_frequency_ppb_};
    control_count_ = 1;
    control_next_ = 1;
  }
  const Nanoseconds decided = decision_time(local_time);
  learn_gap(local_time);
  add_points(local_time);
  if (below_run_ >= kBelowRun) {
    // The points no longer lie above the line (the master's time jumped, the path got
    // shorter): the window starts over, and the Kalman servo steers while it refills.
    clear_envelope();
    ++fallbacks_;
    early_line_wander_ = false;
  }
  fit_candidates(local_time);
  steering_window_ = steering_window();
  if (steering_window_ < EnvelopeFit::kWindows && !fitted_.test(steering_window_)) {
    // A window that starts to steer was not refitted on the schedule: it steers with its line
    // of now.
    EnvelopeFit::Windows steering;
    steering.set(steering_window_);
    fit_.fit_only(local_time, sync_interval_, windows_, steering);
    lines_[steering_window_] = windows_[steering_window_];
  }
  const std::optional<double> far_wander = far_wander_shown();
  kalman_->set_far_wander_shown(far_wander);
  if (wander_samples_left_ > 0) --wander_samples_left_;
  // The Kalman servo sees every sample, steering or not, so that it can take over at once.
  const ServoDecision kalman_decision = sample_kalman(offset_from_master, local_time);
  const EnvelopeFit::Line& line = lines_[steering_window_];
  // The phase when the decision takes effect: the line carried on to then, plus the control.
  const double phase = line.phase_at(decided) + control_phase_at(decided);
  settled_kalman_ = settled_kalman_better();
  earned_source_ = settled_kalman_ || scored_ < kMinScored ? kCandidates : steering_window_;
  steering_ = !far_wander && !after_gap(local_time) && envelope_usable(kalman_decision, phase);
  // The start's line steers until the envelope's scores are settled, alone while the envelope
  // does not steer, beside it while it does (with_start_line) unless the shape shows a single
  // tail; or until the start ends: a slew, another step, wander beyond a usual crystal's, which
  // bends the line over its growing span.
  if ((steering_ && (scored_ >= kMinScored || single_tail())) || !start_.following() ||
      kalman_->frequency_wander_ppb2_per_s() > kMaxEnvelopeWander) {
    line_start_ = false;
  }
  if (!line_start_) start_.stop();
  const bool kalman_locked = kalman_decision.state == ServoState::kLocked ||
                             kalman_decision.state == ServoState::kLockedStable;
  if (kalman_locked) {
    update_blend(steering_ ? steering_window_ : kKalmanSource, local_time);
  } else {
    blend_only(kKalmanSource);
  }
  if (kalman_alone() && kalman_decision.state == ServoState::kLocked && line_start_) {
    if (const std::optional<ServoDecision> decision = steer_by_start_line(local_time, decided)) {
      return *decision;
    }
    line_start_ = false;
  }
  if (kalman_alone()) {
    phase_track_count_ = 0;
    note_decision(kalman_decision, decided);
    if (kalman_decision.state != ServoState::kUnlocked) remember_kalman(local_time);
    return kalman_decision;
  }
  // The gamma line rests on every point of its window, not on a few lucky vertices: it has no
  // vertex jumps for the line filter to smooth.
  const bool gamma_alone = gamma_steering();
  if (gamma_alone) line_filter_.restart();
  const EnvelopeFit::Line filtered =
      gamma_alone
          ? blended_line(local_time)
          : line_filter_.update(blended_line(local_time), line_wander_ppb2_per_s(local_time),
                                kClipScales * noise_scale_ns_);
  const EnvelopeFit::Line steered = line_start_ ? with_start_line(filtered, decided) : filtered;
  frequency_estimate_ppb_ = -steered.frequency_ppb;
  track_phase(local_time, steered.phase_at(local_time));
  ServoDecision decision;
  decision.state = ServoState::kLocked;
  decision.frequency_ppb =
      clamp_frequency(-steered.frequency_ppb -
                      (steered.phase_at(decided) + control_phase_at(decided)) / horizon_s());
  kalman_->assume_applied(decision.frequency_ppb);
  note_decision(decision, decided);
  remember_kalman(local_time);
  return decision;
}

}  // namespace ptp::servo
