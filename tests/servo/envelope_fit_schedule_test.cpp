// EnvelopeFit::fit_scheduled: a window it refits has exactly fit()'s line; one it skips keeps
// its last line, only while no newest point lies below that line and its turn has not come, and
// only while its window holds enough points.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <random>

#include "ptp/nanoseconds.h"
#include "ptp/servo/envelope_fit.h"

namespace ptp::servo {
namespace {

constexpr std::int64_t kIntervalNs = 125'000'000;

bool same_line(const EnvelopeFit::Line& x, const EnvelopeFit::Line& y) {
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  return x.valid == y.valid && x.at == y.at && bits(x.phase_ns) == bits(y.phase_ns) &&
         bits(x.frequency_ppb) == bits(y.frequency_ppb) && bits(x.floor_ns) == bits(y.floor_ns);
}

// A Sync and a Delay_Req per interval with exponential queueing on a drifting phase.
class Feed {
 public:
  explicit Feed(std::uint64_t seed) : random_(seed) {}
  void next(EnvelopeFit& a, EnvelopeFit& b) {
    now_ += kIntervalNs;
    phase_ += 30e-9 * static_cast<double>(kIntervalNs);
    const double sync = phase_ + 1000 + queueing_(random_);
    const double request = -phase_ + 1000 + queueing_(random_);
    for (EnvelopeFit* fit : {&a, &b}) {
      fit->add_sync(Nanoseconds(now_), sync);
      fit->add_request(Nanoseconds(now_ - kIntervalNs / 2), request);
    }
    sync_ns_ = sync;
    request_ns_ = request;
  }
  // The newest points' excesses over `line` (Sync, Delay_Req).
  [[nodiscard]] double sync_excess(const EnvelopeFit::Line& line) const {
    return sync_ns_ - line.phase_at(Nanoseconds(now_)) - line.floor_ns;
  }
  [[nodiscard]] double request_excess(const EnvelopeFit::Line& line) const {
    return request_ns_ + line.phase_at(Nanoseconds(now_ - kIntervalNs / 2)) - line.floor_ns;
  }
  [[nodiscard]] Nanoseconds now() const { return Nanoseconds(now_); }
  void skip(std::int64_t intervals) { now_ += intervals * kIntervalNs; }

 private:
  std::mt19937_64 random_;
  std::exponential_distribution<double> queueing_{1.0 / 100.0};
  std::int64_t now_ = 1'000'000'000'000;
  double phase_ = 0;
  double sync_ns_ = 0;
  double request_ns_ = 0;
};

TEST(EnvelopeFitSchedule, RefitsMatchTheFullFitAndSkipsKeepTheLastLine) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    EnvelopeFit full;
    EnvelopeFit scheduled;
    Feed feed(seed);
    EnvelopeFit::Lines expected{};
    EnvelopeFit::Lines lines{};
    std::array<std::size_t, EnvelopeFit::kWindows> skipped{};
    std::array<std::size_t, EnvelopeFit::kWindows> since_refit{};
    constexpr int kSamples = 3000;
    for (int n = 0; n < kSamples; ++n) {
      feed.next(full, scheduled);
      const EnvelopeFit::Lines before = lines;
      full.fit(feed.now(), Nanoseconds(kIntervalNs), expected);
      const EnvelopeFit::Windows refit = scheduled.fit_scheduled(
          feed.now(), Nanoseconds(kIntervalNs), lines, EnvelopeFit::Windows{});
      for (std::size_t k = 0; k < EnvelopeFit::kWindows; ++k) {
        if (refit.test(k)) {
          ASSERT_TRUE(same_line(lines[k], expected[k])) << "seed " << seed << " n " << n;
          since_refit[k] = 0;
          continue;
        }
        ++skipped[k];
        ++since_refit[k];
        ASSERT_TRUE(same_line(lines[k], before[k])) << "seed " << seed << " n " << n;
        // Kept only while no new point lies below it (a new lucky packet moves the fit).
        ASSERT_GT(feed.sync_excess(lines[k]), -1e-2) << k;
        ASSERT_GT(feed.request_excess(lines[k]), -1e-2) << k;
        ASSERT_LT(since_refit[k], EnvelopeFit::kRefitPeriods[k]) << k;
        ASSERT_GE(EnvelopeFit::kWindowIntervals[k], EnvelopeFit::kAlwaysRefit) << k;
      }
    }
    // The schedule skips most refits of the long windows (the newest point lies below a long
    // window's line now and then: those refit early).
    EXPECT_EQ(skipped[0], 0U);
    EXPECT_GT(skipped.back(), kSamples / 2) << "seed " << seed;
  }
}

TEST(EnvelopeFitSchedule, RequiredWindowsAreRefittedEveryTime) {
  EnvelopeFit full;
  EnvelopeFit scheduled;
  Feed feed(7);
  EnvelopeFit::Lines expected{};
  EnvelopeFit::Lines lines{};
  EnvelopeFit::Windows required;
  required.set(EnvelopeFit::kWindows - 1);
  for (int n = 0; n < 600; ++n) {
    feed.next(full, scheduled);
    full.fit(feed.now(), Nanoseconds(kIntervalNs), expected);
    const EnvelopeFit::Windows refit =
        scheduled.fit_scheduled(feed.now(), Nanoseconds(kIntervalNs), lines, required);
    ASSERT_TRUE(refit.test(EnvelopeFit::kWindows - 1));
    ASSERT_TRUE(same_line(lines.back(), expected.back())) << n;
  }
}

TEST(EnvelopeFitSchedule, AKeptLineIsDroppedWhenItsWindowEmpties) {
  EnvelopeFit full;
  EnvelopeFit scheduled;
  Feed feed(9);
  EnvelopeFit::Lines lines{};
  for (int n = 0; n < 400; ++n) {
    feed.next(full, scheduled);
    scheduled.fit_scheduled(feed.now(), Nanoseconds(kIntervalNs), lines, EnvelopeFit::Windows{});
  }
  ASSERT_TRUE(lines.back().valid);
  // Nothing arrives for longer than the longest window: no window holds a point.
  feed.skip(300);
  scheduled.fit_scheduled(feed.now(), Nanoseconds(kIntervalNs), lines, EnvelopeFit::Windows{});
  for (const EnvelopeFit::Line& line : lines) EXPECT_FALSE(line.valid);
}

}  // namespace
}  // namespace ptp::servo
