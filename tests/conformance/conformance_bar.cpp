// The default-servo bar over every conformance case and a range of seeds: the judgement and the
// table of ptp_conformance --bar.
#include "conformance_bar.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace ptp::conformance {
namespace {

// A sync time is a sample's time: equal ones compare equal, the tolerance only absorbs rounding.
constexpr double kSyncToleranceS = 1e-6;

bool sync_in_time(const WorstFigures& baseline, const WorstFigures& challenger) {
  if (!baseline.sync_time_s) return true;
  if (!challenger.sync_time_s) return false;
  return *challenger.sync_time_s <= kBarSyncRatio * *baseline.sync_time_s + kSyncToleranceS;
}

std::string format_sync(const WorstFigures& figures) {
  if (!figures.sync_time_s) return "never";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f s", *figures.sync_time_s);
  return buffer;
}

// "sync_interval_4 seed 3: sync 151 s vs 261 s, RMS 210 ns vs 127 ns (1.65 x)".
std::string describe_miss(const std::string& name, std::uint64_t seed, const CaseResult& baseline,
                          const CaseResult& challenger) {
  const WorstFigures b = worst_figures(baseline);
  const WorstFigures c = worst_figures(challenger);
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                "%s seed %llu: sync %s vs %s %s, RMS %.3g ns vs %.3g ns (%.2f x)%s", name.c_str(),
                static_cast<unsigned long long>(seed), format_sync(c).c_str(),
                baseline.servo_name.c_str(), format_sync(b).c_str(), c.rms_offset_ns,
                b.rms_offset_ns, b.rms_offset_ns > 0 ? c.rms_offset_ns / b.rms_offset_ns : 0.0,
                challenger.passed() ? "" : ", fails check_sync");
  return buffer;
}

}  // namespace

std::string_view to_string(BarStatus status) {
  switch (status) {
    case BarStatus::kMet: return "ok";
    case BarStatus::kLaterSync: return "sync";
    case BarStatus::kMoreRms: return "rms";
    case BarStatus::kLaterSyncAndMoreRms: return "s+r";
    case BarStatus::kFailed: return "FAIL";
  }
  return "?";
}

BarStatus judge_bar(const CaseResult& baseline, const CaseResult& challenger) {
  if (!challenger.passed()) return BarStatus::kFailed;
  const WorstFigures b = worst_figures(baseline);
  const WorstFigures c = worst_figures(challenger);
  const bool in_time = sync_in_time(b, c);
  const bool rms_ok = c.rms_offset_ns <= b.rms_offset_ns;
  if (in_time && rms_ok) return BarStatus::kMet;
  if (in_time) return BarStatus::kMoreRms;
  return rms_ok ? BarStatus::kLaterSync : BarStatus::kLaterSyncAndMoreRms;
}

int run_bar(std::ostream& out, const BarRun& run) {
  std::array<int, 5> counts{};
  std::vector<std::string> misses;
  int status = 0;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%-24s", "scenario");
  out << "bar: " << to_string(run.challenger) << " against the baseline, sync <= " << kBarSyncRatio
      << " x, RMS <= 1 x, check_sync passed\n"
      << buffer;
  for (std::uint64_t seed = run.first_seed; seed <= run.last_seed; ++seed) {
    char label[24];
    std::snprintf(label, sizeof label, "s%llu", static_cast<unsigned long long>(seed));
    std::snprintf(buffer, sizeof buffer, " %5s", label);
    out << buffer;
  }
  out << "\n";
  for (const ConformanceCase& c : conformance_cases()) {
    if (!run.cases.empty() &&
        std::find(run.cases.begin(), run.cases.end(), c.name) == run.cases.end()) {
      continue;
    }
    std::snprintf(buffer, sizeof buffer, "%-24s", c.name.c_str());
    out << buffer;
    for (std::uint64_t seed = run.first_seed; seed <= run.last_seed; ++seed) {
      const auto baseline = run_case(c, ServoChoice::kBaseline, run.scenarios_dir, seed);
      const auto challenger = run_case(c, run.challenger, run.scenarios_dir, seed);
      if (!baseline || !challenger) {
        out << "  error";
        misses.push_back(c.name + ": " + (baseline ? challenger.error() : baseline.error()));
        status = 2;
        continue;
      }
      const BarStatus verdict = judge_bar(*baseline, *challenger);
      ++counts[static_cast<std::size_t>(verdict)];
      if (verdict != BarStatus::kMet) {
        misses.push_back(describe_miss(c.name, seed, *baseline, *challenger));
        status = std::max(status, 1);
      }
      std::snprintf(buffer, sizeof buffer, " %5s", std::string(to_string(verdict)).c_str());
      out << buffer << std::flush;
    }
    out << "\n";
  }
  for (const std::string& miss : misses) out << "  " << miss << "\n";
  int total = 0;
  for (const int count : counts) total += count;
  out << "bar met on " << counts[0] << " of " << total << " cases (seeds " << run.first_seed << "-"
      << run.last_seed << "); failed " << counts[4] << ", later sync " << counts[1] + counts[3]
      << ", more RMS " << counts[2] + counts[3] << "\n";
  return status;
}

}  // namespace ptp::conformance
