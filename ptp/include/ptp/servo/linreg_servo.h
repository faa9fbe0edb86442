// LinregServo ("linreg"): ptp4l's linear-regression servo. It keeps the last 64 (local, master)
// time pairs, fits lines over the newest 4, 8, 16, 32 and 64 of them, tracks each fit's
// prediction error, and steers with the largest fit whose error is within 5% of the best smaller
// one: frequency from the slope, plus the predicted offset removed over one update interval (up to
// 16 points) or log2(points) / 2 intervals (32 and 64 points).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ptp/nanoseconds.h"
#include "ptp/servo/servo_base.h"
#include "ptp/servo/servo_config.h"

namespace ptp::servo {

class LinregServo final : public ServoBase {
 public:
  // Precondition: validate(config) succeeded; `initial_frequency_ppb` within the limit.
  LinregServo(const ServoConfig& config, double initial_frequency_ppb);

  void set_sync_interval(Nanoseconds interval) override;
  void reset() override;
  // The fitted slope's frequency alone, without the term that removes the predicted offset.
  [[nodiscard]] double frequency_ppb() const override { return slope_frequency_ppb_; }
  [[nodiscard]] std::string_view name() const override { return "linreg"; }

  // The number of points in the fit that steered the last sample (0 before there is one).
  [[nodiscard]] std::size_t fit_size() const { return fit_size_; }

 protected:
  ServoDecision decide(Nanoseconds offset_from_master, Nanoseconds local_time) override;
  void absorb_step_remainder(double remainder_ns) override;

 private:
  static constexpr unsigned kMinSizeLog2 = 2;  // 4 points
  static constexpr unsigned kMaxSizeLog2 = 6;  // 64 points
  static constexpr std::size_t kMaxPoints = std::size_t{1} << kMaxSizeLog2;
  static constexpr std::size_t kFits = kMaxSizeLog2 - kMinSizeLog2 + 1;

  // x: local time with the servo's own frequency corrections taken out; y: master time. Both
  // wrap around (only differences matter), so no input can overflow them.
  struct Point {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
  };
  struct Fit {
    bool valid = false;
    double slope = 0;
    double intercept = 0;  // y - reference.y predicted at reference.x
    double error = 0;      // smoothed absolute prediction error, ns
    int error_updates = 0;
  };

  void move_reference(std::int64_t dx, std::int64_t dy);
  void update_reference(Nanoseconds local_time);
  void add_point(Nanoseconds offset_from_master);
  void regress();
  [[nodiscard]] unsigned best_size_log2() const;  // 0 if no fit is usable yet

  std::array<Point, kMaxPoints> points_{};
  Point reference_;
  std::size_t point_count_ = 0;
  std::size_t newest_ = 0;
  double x_remainder_ = 0;
  std::optional<std::uint64_t> last_update_;  // local time of the last sample, wrapping
  std::array<Fit, kFits> fits_{};
  double clock_frequency_ppb_;  // applied: the slope plus the removal of the predicted offset
  double slope_frequency_ppb_;
  double update_interval_s_;
  std::size_t fit_size_ = 0;
};

}  // namespace ptp::servo
