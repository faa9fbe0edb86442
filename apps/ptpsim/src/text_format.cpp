// Fixed-format numbers with snprintf ("C" formatting regardless of the environment's locale).
#include "text_format.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace ptp::ptpsim {

std::string format_fixed(double value, int decimals) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  return text.data();
}

std::string format_seconds(double seconds) { return format_fixed(seconds, 3); }

std::string format_duration_ns(std::optional<double> nanoseconds) {
  if (!nanoseconds || std::isnan(*nanoseconds)) return "-";
  const double value = *nanoseconds;
  const double magnitude = std::fabs(value);
  if (magnitude < 1e3) return format_fixed(value, 0) + " ns";
  if (magnitude < 1e6) return format_fixed(value / 1e3, magnitude < 1e4 ? 2 : 1) + " us";
  if (magnitude < 1e9) return format_fixed(value / 1e6, magnitude < 1e7 ? 2 : 1) + " ms";
  return format_fixed(value / 1e9, 2) + " s";
}

}  // namespace ptp::ptpsim
