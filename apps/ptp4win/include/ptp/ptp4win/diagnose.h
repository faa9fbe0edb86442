// `ptp4win --diagnose -i IFACE [--json]`: what a user attaches to a bug report. The facts come
// from win::diagnose() (hal-win-iphlpapi's diagnosis.h); this file turns them into a report of
// sections of key/value fields, each section either filled or saying why its check did not run,
// printed as text or JSON.
#pragma once

#include <string>
#include <vector>

#include "ptp/win/diagnosis.h"
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

// The facts as sections: interface, capabilities, winsock_timestamping, self_exchange_ipv4,
// self_exchange_ipv6, cross_timestamps, clocks, system.
DiagnoseReport report_of(const win::Diagnosis& diagnosis);

// win::diagnose() on the real system (no pass_time hook: QPC runs while it polls), as a report.
DiagnoseReport run_diagnose(const win::WinApi& api, const win::AdapterInfo& adapter);

std::string format_diagnose_text(const DiagnoseReport& report);
std::string format_diagnose_json(const DiagnoseReport& report);

}  // namespace ptp::ptp4win
