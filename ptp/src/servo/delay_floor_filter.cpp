// DelayFloorFilter: per-direction minima of projected raw delays (model in docs/servo.md).
#include "ptp/servo/delay_floor_filter.h"

#include <algorithm>
#include <cmath>

namespace ptp::servo {
namespace {

// A packet is projected to the present only while its frequency uncertainty over its age stays
// below this fraction of the tail's width: beyond it the projection adds more error than the
// luck of a low delay removes.
constexpr double kProjectionFraction = 0.25;
// ... and at least this much (ns): whole-nanosecond timestamps.
constexpr double kMinProjectionNs = 1.0;
// The floor's mean and variance average this many estimates, then forget exponentially.
constexpr int kFloorAveraging = 256;
constexpr int kMinUsedForVariance = 8;
constexpr double kFloorClipVariances = 25.0;
// The spread of a second difference q1 - 2 q2 + q3 of independent delays, in units of one's.
constexpr double kSecondDifferenceSpread = 2.449489742783178;  // sqrt(6)

double seconds_between(Nanoseconds later, Nanoseconds earlier) {
  const auto age = later.checked_sub(earlier);
  if (!age) return 1e9;
  return static_cast<double>(age->count()) / static_cast<double>(kNanosecondsPerSecond);
}

}  // namespace

void DelayFloorFilter::Direction::add(const Packet& packet) {
  packets[next] = packet;
  next = (next + 1) % kWindow;
  count = std::min(count + 1, kWindow);
}

double DelayFloorFilter::projection_ns(const Packet& packet, double sign, const PhaseModel& model) {
  // The phase moved by the oscillator's error and the applied control since the packet.
  const double age_s = seconds_between(model.now, packet.time);
  const double moved =
      model.frequency_error_ppb * age_s + (model.control_phase_ns - packet.control_phase_ns);
  return packet.value_ns + sign * moved;
}

void DelayFloorFilter::add_sync(double master_to_slave_ns, const PhaseModel& model) {
  // The tail's width from the second difference of three consecutive Syncs with the control's
  // phase taken out: it cancels the phase and the clock's frequency error without any estimate
  // of them, so a frequency still being learnt cannot widen it (and so let the projections
  // reach further than the tail allows). What remains is q1 - 2 q2 + q3 of three queueing
  // delays, sqrt(6) times one's spread.
  if (syncs_.count >= 2) {
    const Packet& last = syncs_.packets[(syncs_.next + kWindow - 1) % kWindow];
    const Packet& before = syncs_.packets[(syncs_.next + kWindow - 2) % kWindow];
    const double interval_s = seconds_between(model.now, last.time);
    const double previous_interval_s = seconds_between(last.time, before.time);
    if (interval_s > 0 && previous_interval_s > 0) {
      const double rate =
          (master_to_slave_ns - model.control_phase_ns - (last.value_ns - last.control_phase_ns)) /
          interval_s;
      const double previous_rate =
          (last.value_ns - last.control_phase_ns - (before.value_ns - before.control_phase_ns)) /
          previous_interval_s;
      const double second = (rate - previous_rate) * (interval_s + previous_interval_s) / 2;
      tail_[tail_next_] = std::abs(second) / kSecondDifferenceSpread;
      tail_next_ = (tail_next_ + 1) % kTailSamples;
      tail_count_ = std::min(tail_count_ + 1, kTailSamples);
    }
  }
  syncs_.add({master_to_slave_ns, model.now, model.control_phase_ns, next_id_++});
}

void DelayFloorFilter::add_delay_request(double slave_to_master_ns, Nanoseconds sent,
                                         const PhaseModel& model) {
  // The control phase when it left: the control in force now, run back to its departure.
  const double control_phase =
      model.control_phase_ns - model.applied_frequency_ppb * seconds_between(model.now, sent);
  requests_.add({slave_to_master_ns, sent, control_phase, next_id_++});
}

double DelayFloorFilter::tail_ns() const {
  if (tail_count_ == 0) return 0;
  std::array<double, kTailSamples> sorted = tail_;
  const auto end = sorted.begin() + static_cast<std::ptrdiff_t>(tail_count_);
  const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(tail_count_ / 2);
  std::nth_element(sorted.begin(), middle, end);
  return *middle;
}

std::optional<DelayFloorFilter::Packet> DelayFloorFilter::lowest(const Direction& direction,
                                                                 double sign,
                                                                 const PhaseModel& model,
                                                                 double* projected) const {
  const double limit = std::max(kProjectionFraction * tail_ns(), kMinProjectionNs);
  std::optional<Packet> best;
  for (std::size_t i = 0; i < direction.count; ++i) {
    const Packet& packet = direction.packets[i];
    if (model.frequency_sigma_ppb * seconds_between(model.now, packet.time) > limit) continue;
    const double value = projection_ns(packet, sign, model);
    if (!best || value < *projected) {
      best = packet;
      *projected = value;
    }
  }
  return best;
}

std::optional<DelayFloorFilter::Estimate> DelayFloorFilter::estimate(
    const PhaseModel& model) const {
  double down = 0;
  double up = 0;
  // Syncs carry +phase, Delay_Reqs -phase.
  const auto sync = lowest(syncs_, 1.0, model, &down);
  const auto request = lowest(requests_, -1.0, model, &up);
  if (!sync || !request) return std::nullopt;
  const double lag =
      (seconds_between(model.now, sync->time) + seconds_between(model.now, request->time)) / 2;
  return Estimate{(down - up) / 2, (down + up) / 2, sync->id, request->id, lag};
}

void DelayFloorFilter::note_used(const Estimate& estimate) {
  if (used_ < kFloorAveraging) ++used_;
  if (used_ == 1) {
    floor_mean_ns_ = estimate.floor_ns;
    return;
  }
  const double weight = 1.0 / used_;
  double deviation = estimate.floor_ns - floor_mean_ns_;
  // Clipped, for the mean as for the variance: a delay spike (milliseconds, for a second) would
  // otherwise move the mean by a 256th of itself, and every floor after it would deviate from
  // that mean by as much for hundreds of estimates, inflating the variance, and so the servo's
  // measurement noise, a thousandfold. A lasting change of the floor still gets through: each
  // clipped deviation widens the clip by the same factor.
  if (used_ > kMinUsedForVariance) {
    const double limit = std::sqrt(kFloorClipVariances * floor_variance_ns2_);
    deviation = std::clamp(deviation, -limit, limit);
  }
  floor_mean_ns_ += weight * deviation;
  floor_variance_ns2_ += weight * (deviation * deviation - floor_variance_ns2_);
}

std::optional<double> DelayFloorFilter::offset_variance_ns2() const {
  if (used_ < kMinUsedForVariance) return std::nullopt;
  return floor_variance_ns2_;
}

void DelayFloorFilter::clear() {
  syncs_ = Direction{};
  requests_ = Direction{};
  tail_count_ = 0;
  tail_next_ = 0;
}

}  // namespace ptp::servo
