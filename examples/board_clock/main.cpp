// An ordinary clock on a board of the embedder's own (board_hal.h), built by ptpstack's one
// assembly and run against a grandmaster on a simulated LAN until it is a locked SLAVE. Built
// against the installed package (find_package(ptpstack)); docs/embedding.md walks through it.
//
//   board_clock [--seed N] [--seconds S]
//
// Exits 0 when, at the end, the port is SLAVE and the board's clock is locked (its true offset
// from the grandmaster stayed within kLockBound for 10 s) and stayed within it after the lock;
// 1 otherwise; 2 on a bad argument or setup failure.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "board_hal.h"
#include "console_log.h"
#include "ptp/core/port_state.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/sim/lock_statistics.h"
#include "simulated_lan.h"

namespace {

// Hardware timestamps on both ends: a locked clock is within a microsecond (the project's lock
// rule for hardware timestamps, docs/accuracy.md).
constexpr double kLockBoundNs = 1'000;
constexpr ptp::Nanoseconds kSamplePeriod{125'000'000};

struct Options {
  std::uint64_t seed = 1;
  double seconds = 60;
};

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view name = argv[i];
    char* end = nullptr;
    if (name == "--seed") {
      options.seed = std::strtoull(argv[i + 1], &end, 10);
    } else if (name == "--seconds") {
      options.seconds = std::strtod(argv[i + 1], &end);
    }
    if (end == nullptr || *end != '\0' || end == argv[i + 1]) return std::nullopt;
  }
  if (argc % 2 == 0 || options.seconds <= 0) return std::nullopt;
  return options;
}

// The settings an embedder chooses (linuxptp's option names in the comments): everything else
// keeps the library's defaults, which are ptp4l's.
ptp::hal::OrdinaryClockSettings board_settings() {
  ptp::hal::OrdinaryClockSettings settings;
  // The clock identity from the board's MAC address 02:00:5e:10:00:14 (EUI-48 -> EUI-64).
  settings.port.clock_identity.octets = {0x02, 0x00, 0x5e, 0xFF, 0xFE, 0x10, 0x00, 0x14};
  settings.port.slave_only = true;  // slaveOnly 1: the board follows, never leads
  settings.driver.utc_offset = board::kUtcOffset;
  return settings;
}

int report(const ptp::hal::OrdinaryClockAssembly& clock, const board::Board& board,
           const std::vector<ptp::sim::TruthSample>& truth) {
  const auto stats = ptp::sim::lock_statistics(truth, ptp::sim::LockRule{kLockBoundNs});
  const auto state = clock.clock().state();
  const auto name = ptp::to_string(state);
  const auto& counters = clock.clock().counters();
  std::printf("\nport state %.*s, %llu measurements, %llu clock steps, %llu drops\n",
              static_cast<int>(name.size()), name.data(),
              static_cast<unsigned long long>(counters.measurements),
              static_cast<unsigned long long>(counters.clock_steps),
              static_cast<unsigned long long>(counters.total_drops()));
  if (!stats.lock_time_s) {
    std::printf("never locked: |true offset| never stayed below %.0f ns for %.0f s\n", kLockBoundNs,
                ptp::sim::kLockHoldSeconds);
  } else {
    const auto& after = stats.after_lock;
    std::printf(
        "locked at %.1f s; true offset from the grandmaster since: rms %.1f ns, "
        "99%% %.1f ns, max %.1f ns (%zu samples)\n",
        *stats.lock_time_s, after.rms_ns, after.percentile_99_ns, after.max_abs_ns, after.samples);
  }
  // Where the clock is now: the last kLockHoldSeconds, all within the bound.
  const double end_s = truth.empty() ? 0 : truth.back().time_s;
  const auto recent = ptp::sim::offset_statistics(
      ptp::sim::samples_from(truth, end_s - ptp::sim::kLockHoldSeconds), kLockBoundNs);
  std::printf("last %.0f s: rms %.1f ns, max %.1f ns\n", ptp::sim::kLockHoldSeconds, recent.rms_ns,
              recent.max_abs_ns);
  for (std::size_t i = 0; i < counters.dropped.size(); ++i) {
    if (counters.dropped[i] == 0) continue;
    const auto reason = ptp::to_string(static_cast<ptp::DropReason>(i));
    std::printf("  dropped %llu: %.*s\n", static_cast<unsigned long long>(counters.dropped[i]),
                static_cast<int>(reason.size()), reason.data());
  }
  const bool ok = state == ptp::PortState::kSlave && stats.lock_time_s && recent.samples > 0 &&
                  recent.beyond_bound == 0 && board.timers().overflows() == 0;
  std::puts(ok ? "board_clock: ok" : "board_clock: FAILED (not a locked SLAVE)");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse(argc, argv);
  if (!options) {
    std::fputs("usage: board_clock [--seed N] [--seconds S]\n", stderr);
    return 2;
  }
  auto lan = board::SimulatedLan::create(options->seed, board::mac_capabilities());
  if (!lan) {
    std::fprintf(stderr, "simulated LAN: %s\n", lan.error().c_str());
    return 2;
  }
  board::Board board((*lan)->board_silicon());
  board::ConsoleLog log(10);

  // The one assembly: servo, OrdinaryClock, PortDriver (and, on a platform whose NIC clock is
  // free-running, the cross-timestamp correlation), all from the board's hal::Host.
  auto clock = ptp::hal::OrdinaryClockAssembly::create(board.host(), board_settings(), &log);
  if (!clock) {
    std::fprintf(stderr, "clock: %s\n", ptp::hal::to_string(clock.error()).c_str());
    return 2;
  }
  if (!(*lan)->start_grandmaster() || !(*clock)->start()) {
    std::fputs("could not start the grandmaster or the board's clock\n", stderr);
    return 2;
  }

  // The board's main loop would wait on its MAC and alarm interrupts; here the simulator runs
  // the world in steps, and between them the ground truth is read.
  std::vector<ptp::sim::TruthSample> truth;
  while ((*lan)->seconds() < options->seconds) {
    if (auto ran = (*lan)->run_for(kSamplePeriod); !ran) {
      std::fprintf(stderr, "%s\n", ran.error().c_str());
      return 2;
    }
    truth.push_back(ptp::sim::TruthSample{(*lan)->seconds(), (*lan)->board_offset_ns()});
  }
  return report(**clock, board, truth);
}
