// Simulated time: the one true timeline of a simulation, in integer picoseconds (an int64 spans
// about 106 days). Every simulated clock's reading is a function of it; nothing in hal-sim ever
// reads a wall clock.
#pragma once

#include <compare>
#include <cstdint>

#include "ptp/nanoseconds.h"

namespace ptp::sim {

// A span of simulated time, in picoseconds.
class SimDuration {
 public:
  constexpr SimDuration() = default;
  static constexpr SimDuration picoseconds(std::int64_t count) { return SimDuration(count); }
  static constexpr SimDuration nanoseconds(std::int64_t count) { return SimDuration(count * 1000); }
  static constexpr SimDuration microseconds(std::int64_t count) {
    return SimDuration(count * 1'000'000);
  }
  static constexpr SimDuration milliseconds(std::int64_t count) {
    return SimDuration(count * 1'000'000'000);
  }
  static constexpr SimDuration seconds(std::int64_t count) {
    return SimDuration(count * 1'000'000'000'000);
  }

  [[nodiscard]] constexpr std::int64_t picoseconds() const { return picoseconds_; }
  // Rounded toward negative infinity.
  [[nodiscard]] constexpr Nanoseconds to_nanoseconds() const {
    return Nanoseconds(picoseconds_ >= 0 ? picoseconds_ / 1000 : -((-picoseconds_ + 999) / 1000));
  }
  [[nodiscard]] constexpr double to_seconds() const {
    return static_cast<double>(picoseconds_) * 1e-12;
  }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(SimDuration, SimDuration) = default;
  friend constexpr SimDuration operator+(SimDuration a, SimDuration b) {
    return SimDuration(a.picoseconds_ + b.picoseconds_);
  }
  friend constexpr SimDuration operator-(SimDuration a, SimDuration b) {
    return SimDuration(a.picoseconds_ - b.picoseconds_);
  }
  friend constexpr SimDuration operator*(SimDuration a, std::int64_t factor) {
    return SimDuration(a.picoseconds_ * factor);
  }

 private:
  constexpr explicit SimDuration(std::int64_t picoseconds) : picoseconds_(picoseconds) {}
  std::int64_t picoseconds_ = 0;
};

// A point on the simulation's true timeline, measured from the simulation's start.
class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime from_start(SimDuration since_start) { return SimTime(since_start); }

  [[nodiscard]] constexpr SimDuration since_start() const { return since_start_; }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(SimTime, SimTime) = default;
  friend constexpr SimTime operator+(SimTime t, SimDuration d) {
    return SimTime(t.since_start_ + d);
  }
  friend constexpr SimTime operator-(SimTime t, SimDuration d) {
    return SimTime(t.since_start_ - d);
  }
  friend constexpr SimDuration operator-(SimTime a, SimTime b) {
    return a.since_start_ - b.since_start_;
  }

 private:
  constexpr explicit SimTime(SimDuration since_start) : since_start_(since_start) {}
  SimDuration since_start_;
};

}  // namespace ptp::sim
