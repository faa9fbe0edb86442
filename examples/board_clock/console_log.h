// What the board prints while it runs: every port state change, and one measurement line every
// `every` measurements (the servo's view: offset from master, frequency, path delay). An
// embedder routes the same observer calls to their own log or telemetry; a platform that
// disciplines its system clock also wants on_utc_offset_changed (the MAC clock here runs TAI).
#pragma once

#include <cstdint>

#include "ptp/core/port_io.h"
#include "ptp/hal/port_driver.h"
#include "ptp/nanoseconds.h"

namespace board {

class ConsoleLog final : public ptp::hal::PortDriverObserver {
 public:
  // `every` 0 counts as 1: every measurement.
  explicit ConsoleLog(std::uint64_t every) : every_(every == 0 ? 1 : every) {}

  void on_state_changed(const ptp::StateChanged& change, ptp::Nanoseconds now) override;
  void on_offset_measured(const ptp::OffsetMeasured& measurement, ptp::Nanoseconds now) override;

 private:
  std::uint64_t every_;
  std::uint64_t measurements_ = 0;
};

}  // namespace board
