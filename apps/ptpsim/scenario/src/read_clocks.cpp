// [node.clock], [node.nic_clock] oscillators and [node.paths] latencies.
#include <limits>

#include "readers.h"

namespace ptp::ptpsim::detail {
namespace {

constexpr double kUnbounded = std::numeric_limits<double>::max();
// A crystal further off than this is not a clock; it keeps the simulation's arithmetic sane.
constexpr double kMaxFrequencyErrorPpm = 1e5;

void read_latency(TableReader& paths, std::string_view key, LatencyModelSpec& latency) {
  auto table = paths.table(key);
  if (!table) return;
  table->duration("mean", latency.mean, DurationRule::kNonNegative);
  table->duration("jitter_stddev", latency.jitter_stddev, DurationRule::kNonNegative);
  table->probability("tail_probability", latency.tail_probability);
  table->duration("tail_scale", latency.tail_scale, DurationRule::kPositive);
  table->real("tail_shape", latency.tail_shape, std::numeric_limits<double>::min(), kUnbounded);
  table->finish();
}

}  // namespace

void read_oscillator(TableReader& table, OscillatorModel& clock) {
  table.duration("initial_phase_offset", clock.initial_phase_offset, DurationRule::kAny);
  table.real("initial_frequency_error_ppm", clock.initial_frequency_error_ppm,
             -kMaxFrequencyErrorPpm, kMaxFrequencyErrorPpm);
  table.real("white_fm_adev_at_1s", clock.white_fm_adev_at_1s, 0.0, 1.0);
  table.real("random_walk_fm_adev_at_1s", clock.random_walk_fm_adev_at_1s, 0.0, 1.0);
  table.duration("noise_update_interval", clock.noise_update_interval, DurationRule::kPositive);
  if (auto drift = table.table("sinusoidal_drift")) {
    drift->real("amplitude_ppm", clock.sinusoidal_drift.amplitude_ppm, -kMaxFrequencyErrorPpm,
                kMaxFrequencyErrorPpm);
    drift->duration("period", clock.sinusoidal_drift.period, DurationRule::kPositive);
    drift->real("initial_phase_radians", clock.sinusoidal_drift.initial_phase_radians, -kUnbounded,
                kUnbounded);
    drift->finish();
  }
  if (auto ramp = table.table("ramp")) {
    ramp->real("rate_ppm_per_minute", clock.ramp.rate_ppm_per_minute, -kMaxFrequencyErrorPpm,
               kMaxFrequencyErrorPpm);
    ramp->duration("start", clock.ramp.start, DurationRule::kNonNegative);
    ramp->optional_duration("end", clock.ramp.end, DurationRule::kNonNegative);
    if (!table.context().failed() && clock.ramp.end && *clock.ramp.end < clock.ramp.start) {
      ramp->fail(ScenarioErrorKind::kBadValue, "end", "the ramp ends before it starts");
    }
    ramp->finish();
  }
}

void read_paths(TableReader& table, TimestampPathModel& paths) {
  read_latency(table, "receive_stack", paths.receive_stack);
  read_latency(table, "receive_application", paths.receive_application);
  read_latency(table, "transmit_stack", paths.transmit_stack);
  read_latency(table, "transmit_driver", paths.transmit_driver);
  read_latency(table, "transmit_report", paths.transmit_report);
  table.duration("hardware_jitter_stddev", paths.hardware_jitter_stddev,
                 DurationRule::kNonNegative);
  table.probability("transmit_timestamp_loss_probability",
                    paths.transmit_timestamp_loss_probability);
  table.finish();
}

}  // namespace ptp::ptpsim::detail
