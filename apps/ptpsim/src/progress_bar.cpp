// ProgressBar: carriage return and redraw; isatty decides whether to draw at all.
#include "progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <string>

namespace ptp::ptpsim {
namespace {

constexpr int kWidth = 40;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

}  // namespace

bool ProgressBar::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::update(double fraction) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::fprintf(out_, "\r[%s] %3d%%  %.0f/%.0f s", bar.c_str(), static_cast<int>(fraction * 100),
               fraction * total_s_, total_s_);
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(out_, "\r%*s\r", kWidth + 30, "");
  std::fflush(out_);
}

}  // namespace ptp::ptpsim
