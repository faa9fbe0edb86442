// FakeClocks: the clock entries of a WinApi table, faked: a scripted QPC sequence, the system
// time, the adjustment registers (precise or legacy), SetSystemTime and the privilege answer.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "ptp/win/win_api.h"

namespace ptp::win::test {

class FakeClocks {
 public:
  std::deque<std::int64_t> counter_readings;  // consumed one per QPC call; then `counter`
  std::int64_t counter = 0;
  std::int64_t frequency_hz = 10'000'000;
  std::uint64_t file_time = 0;
  std::uint64_t adjustment = 156'250;
  std::uint64_t increment = 156'250;
  bool disabled = true;
  DWORD privilege_result = NO_ERROR;
  int privilege_requests = 0;
  DWORD set_error = NO_ERROR;  // SetSystemTime* fails with this when not NO_ERROR
  DWORD last_error = NO_ERROR;
  std::vector<std::pair<std::uint64_t, bool>> writes;  // every Set*Adjustment*
  std::vector<SYSTEMTIME> steps;
  std::optional<bool> w32time = false;
  int w32time_queries = 0;

  // With `precise` false only the legacy pair is installed, as under Wine.
  void install(WinApi& api, bool precise) {
    api.query_performance_counter = [this] {
      if (counter_readings.empty()) return counter;
      const std::int64_t value = counter_readings.front();
      counter_readings.pop_front();
      return value;
    };
    api.query_performance_frequency = [this] { return frequency_hz; };
    api.get_system_time_precise_as_file_time = [this] { return file_time; };
    api.get_system_time_adjustment = [this](DWORD* a, DWORD* i, BOOL* d) {
      *a = static_cast<DWORD>(adjustment);
      *i = static_cast<DWORD>(increment);
      *d = disabled ? TRUE : FALSE;
      return TRUE;
    };
    api.set_system_time_adjustment = [this](DWORD a, BOOL d) { return set(a, d != 0); };
    if (precise) {
      api.get_system_time_adjustment_precise = [this](DWORD64* a, DWORD64* i, BOOL* d) {
        *a = adjustment;
        *i = increment;
        *d = disabled ? TRUE : FALSE;
        return TRUE;
      };
      api.set_system_time_adjustment_precise = [this](DWORD64 a, BOOL d) { return set(a, d != 0); };
    }
    api.set_system_time = [this](const SYSTEMTIME* time) {
      if (set_error != NO_ERROR) {
        last_error = set_error;
        return FALSE;
      }
      steps.push_back(*time);
      return TRUE;
    };
    api.get_last_error = [this] { return last_error; };
    api.w32time_running = [this] {
      ++w32time_queries;
      return w32time;
    };
    api.enable_system_time_privilege = [this] {
      ++privilege_requests;
      return privilege_result;
    };
  }

 private:
  BOOL set(std::uint64_t a, bool d) {
    if (set_error != NO_ERROR) {
      last_error = set_error;
      return FALSE;
    }
    writes.emplace_back(a, d);
    adjustment = a;
    disabled = d;
    return TRUE;
  }
};

}  // namespace ptp::win::test
