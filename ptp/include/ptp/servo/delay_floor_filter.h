// DelayFloorFilter: the lucky-packet stage of the Kalman servo. Network delay has a hard floor
// and a one-sided queueing tail, so the packets with the least delay carry the least error. The
// filter keeps each direction's last few raw one-way measurements (Sync: t2 - t1, which is the
// offset plus the master-to-slave delay; Delay_Req: t4 - t3, the slave-to-master delay minus the
// offset), projects them to the present along the servo's own phase model (its frequency
// estimate and the control it applied), and takes each direction's lowest: half their
// difference is the offset, with the queueing of two lucky packets instead of one average one.
// Both directions' windows hold the same number of packets, so the small excess each minimum
// still has over the floor is alike and cancels in the difference. A measurement whose
// projection is less certain than the tail is wide is left out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ptp/nanoseconds.h"

namespace ptp::servo {

class DelayFloorFilter {
 public:
  // Packets per direction the minimum is taken over (as NTP's clock filter).
  static constexpr std::size_t kWindow = 8;

  // The servo's phase model at `now`: the phase its control has added since it started
  // (`control_phase_ns`), the control in force (`applied_frequency_ppb`), its estimate of the
  // clock's free-running frequency error and that estimate's 1 sigma.
  struct PhaseModel {
    Nanoseconds now;
    double control_phase_ns = 0;
    double applied_frequency_ppb = 0;
    double frequency_error_ppb = 0;
    double frequency_sigma_ppb = 0;
  };

  // The offset from the two lowest projected delays, the floor they imply (the one-way delay),
  // and which packets they were (a new pair is new information; the same pair is not).
  struct Estimate {
    double offset_ns = 0;
    double floor_ns = 0;
    std::uint64_t sync_id = 0;
    std::uint64_t request_id = 0;
    // The mean age of the two packets, s: the projection carries the frequency estimate's error
    // over it, so the estimate is the phase now minus the frequency error times this.
    double lag_s = 0;
  };

  // A Sync's t2 - t1 - correction, measured at model.now (its receive time).
  void add_sync(double master_to_slave_ns, const PhaseModel& model);
  // A Delay_Req's t4 - t3 - correction, sent at `sent` (before model.now).
  void add_delay_request(double slave_to_master_ns, Nanoseconds sent, const PhaseModel& model);
  // None until both directions have a packet whose projection is certain enough.
  [[nodiscard]] std::optional<Estimate> estimate(const PhaseModel& model) const;
  // Forgets every packet (a step, a new master, a slew: their timescale is gone).
  void clear();

  // An estimate the servo used. Its floor is phase-free, and its error, half the difference of
  // the two minima's excesses, has the same variance as their half sum, the floor's own
  // fluctuation: so the floors the servo used tell the variance of its measurements without
  // any phase model (the offsets' second differences cannot: consecutive estimates share
  // packets).
  void note_used(const Estimate& estimate);
  // That variance, ns^2, once kMinUsedForVariance estimates were used (before: none).
  [[nodiscard]] std::optional<double> offset_variance_ns2() const;

  // The tail's width: the median of recent |second differences| of consecutive Syncs with the
  // control's phase removed, over sqrt(6) (for an exponential tail of mean m, about m). 0 until
  // there are some.
  [[nodiscard]] double tail_ns() const;

 private:
  struct Packet {
    double value_ns = 0;
    Nanoseconds time{0};
    double control_phase_ns = 0;
    std::uint64_t id = 0;
  };
  struct Direction {
    std::array<Packet, kWindow> packets{};
    std::size_t count = 0;
    std::size_t next = 0;
    void add(const Packet& packet);
  };
  // The lowest projected value among the packets that can be projected with confidence; `sign`
  // +1 for Syncs (their phase term adds), -1 for Delay_Reqs.
  [[nodiscard]] std::optional<Packet> lowest(const Direction& direction, double sign,
                                             const PhaseModel& model, double* projected) const;
  [[nodiscard]] static double projection_ns(const Packet& packet, double sign,
                                            const PhaseModel& model);

  Direction syncs_;
  Direction requests_;
  std::uint64_t next_id_ = 1;
  int used_ = 0;
  double floor_mean_ns_ = 0;
  double floor_variance_ns2_ = 0;
  static constexpr std::size_t kTailSamples = 15;
  std::array<double, kTailSamples> tail_{};
  std::size_t tail_count_ = 0;
  std::size_t tail_next_ = 0;
};

}  // namespace ptp::servo
