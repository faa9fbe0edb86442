// Number formatting for ptpsim's outputs: fixed formats (never the locale's), so that the CSV and
// the log are byte-identical across runs of one seed.
#pragma once

#include <optional>
#include <string>

namespace ptp::ptpsim {

// Seconds with milliseconds: "123.456".
std::string format_seconds(double seconds);
// A fixed number of decimals: format_fixed(1.23456, 1) == "1.2".
std::string format_fixed(double value, int decimals);
// A duration in nanoseconds with a readable unit: "850 ns", "12.3 us", "4.56 ms", "1.20 s";
// "-" for none.
std::string format_duration_ns(std::optional<double> nanoseconds);

}  // namespace ptp::ptpsim
