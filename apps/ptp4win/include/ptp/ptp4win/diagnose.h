// `ptp4win --diagnose -i IFACE [--json]`: what a user attaches to a bug report. For one interface:
// its supported and active timestamp capabilities and the source each family would use, whether
// Winsock accepts SIO_TIMESTAMPING, 1,000 hardware cross-timestamps (window min/median/p99/max,
// the NIC-vs-QPC frequency ratio and its drift between the two halves), the QPC frequency and the
// system clock's increment and adjustment granularity, whether w32time runs and whether the
// process holds SeSystemtimePrivilege. Every check that cannot run says why. The report is plain
// data (sections of key/value fields) printed as text or JSON.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ptp/win/interface_lookup.h"
#include "ptp/win/win_api.h"

namespace ptp::ptp4win {

struct DiagnoseField {
  std::string key;
  std::string value;  // as printed: a number, true/false, or text
  bool is_text = true;
};

struct DiagnoseSection {
  std::string name;
  std::vector<DiagnoseField> fields;
  std::string not_run;  // non-empty: the check did not run, and why
};

struct DiagnoseReport {
  std::vector<DiagnoseSection> sections;
};

// One cross-timestamp: QPC before, NIC clock, QPC after (IfHardwareCrossTimestamp).
struct CrossTimestampSample {
  std::uint64_t qpc_before = 0;
  std::uint64_t nic = 0;
  std::uint64_t qpc_after = 0;
};

// The statistics of `samples` (at least 4): the QPC window in ns (min, median, p99, max), and the
// NIC clock's rate against QPC's (NIC ticks per QPC tick, scaled by the nominal frequencies so 1
// means both run at their nominal rates; `nic_hz` 0: unscaled) over the whole run and the change
// between the first and the second half, in ppb. Windows wider than 4x the median are left out
// of the rates (a preempted capture). nullopt-like: an empty section's not_run says why.
DiagnoseSection summarize_cross_timestamps(std::span<const CrossTimestampSample> samples,
                                           std::uint64_t qpc_hz, std::uint64_t nic_hz);

DiagnoseReport run_diagnose(const win::WinApi& api, const win::AdapterInfo& adapter);

std::string format_diagnose_text(const DiagnoseReport& report);
std::string format_diagnose_json(const DiagnoseReport& report);

}  // namespace ptp::ptp4win
