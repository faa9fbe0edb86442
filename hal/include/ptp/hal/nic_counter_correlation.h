// NicCounterCorrelation: the NicCounterMapping a PortDriver needs where the NIC clock cannot be
// disciplined (Windows): it feeds the HAL's cross-timestamps into the core's ClockCorrelation and
// converts NIC ticks to counter ticks along the fit. The application samples: it calls sample()
// periodically on its event loop (ptp4win: an Asio timer; the simulator: a scheduled event).
#pragma once

#include <optional>

#include "ptp/hal/hal_error.h"
#include "ptp/hal/port_driver.h"
#include "ptp/hal/timestamping_interface.h"
#include "ptp/result.h"
#include "ptp/servo/clock_correlation.h"

namespace ptp::hal {

struct NicCounterCorrelationCounters {
  std::uint64_t samples = 0;           // cross-timestamps captured (and handed to the fit)
  std::uint64_t capture_failures = 0;  // capture_cross_timestamp() returned an error
  std::uint64_t conversions = 0;
  std::uint64_t conversion_failures = 0;  // no estimate yet, or beyond the extrapolation limit
};

class NicCounterCorrelation final : public NicCounterMapping {
 public:
  NicCounterCorrelation(TimestampingInterface& timestamping,
                        const servo::ClockCorrelationConfig& config)
      : timestamping_(timestamping), correlation_(config) {}

  // Takes one cross-timestamp and adds it to the fit; returns what the fit made of it (the fit
  // counts each outcome: correlation().counters()), or the capture's error (counted in
  // capture_failures).
  Result<servo::CorrelationSampleOutcome, HalError> sample();

  std::optional<PreciseCounterTicks> to_counter(NicTicks ticks) override;
  void restart() override { correlation_.restart(); }

  [[nodiscard]] const servo::ClockCorrelation& correlation() const { return correlation_; }
  [[nodiscard]] const NicCounterCorrelationCounters& counters() const { return counters_; }

 private:
  TimestampingInterface& timestamping_;
  servo::ClockCorrelation correlation_;
  NicCounterCorrelationCounters counters_;
};

}  // namespace ptp::hal
