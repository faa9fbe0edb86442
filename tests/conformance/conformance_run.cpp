// Running a conformance case through ptpsim's runner, judging its slaves, and the table.
#include "conformance_run.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>

#include "pmc_peer.h"
#include "ptp/ptpsim/scenario_parser.h"
#include "ptp/servo/servo_config.h"
#include "run.h"

namespace ptp::conformance {
namespace {

// The clock_servo option that selects a servo kind.
app::ClockServo clock_servo_of(servo::ServoKind kind) {
  switch (kind) {
    case servo::ServoKind::kPi: return app::ClockServo::kPi;
    case servo::ServoKind::kLinreg: return app::ClockServo::kLinreg;
    case servo::ServoKind::kKalman: return app::ClockServo::kKalman;
    case servo::ServoKind::kEnvelope: return app::ClockServo::kEnvelope;
  }
  return app::ClockServo::kPi;
}

// The clock_servo option set on every node for a choice other than the baseline.
app::ClockServo clock_servo_of(ServoChoice servo) {
  switch (servo) {
    case ServoChoice::kBaseline: break;  // the file's own: never set
    case ServoChoice::kDefault: return clock_servo_of(servo::kDefaultServoKind);
    case ServoChoice::kKalman:
    case ServoChoice::kKalmanFloor: return app::ClockServo::kKalman;
    case ServoChoice::kEnvelope: return app::ClockServo::kEnvelope;
  }
  return app::ClockServo::kPi;
}

// "37.2 ns", "1.52 us", "0.101 s": three significant digits in the unit that fits.
std::string format_time_ns(double value_ns) {
  const double magnitude = std::fabs(value_ns);
  const char* unit = "ns";
  double scaled = value_ns;
  if (magnitude >= 1e9) {
    scaled = value_ns / 1e9;
    unit = "s";
  } else if (magnitude >= 1e6) {
    scaled = value_ns / 1e6;
    unit = "ms";
  } else if (magnitude >= 1e3) {
    scaled = value_ns / 1e3;
    unit = "us";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g %s", scaled, unit);
  return buffer;
}

// A frequency error as a fraction: "3.1e-08".
std::string format_fraction(double value_ppb) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2g", value_ppb * 1e-9);
  return buffer;
}

std::string format_sync_time(const std::optional<double>& seconds) {
  if (!seconds) return "never";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f s", *seconds);
  return buffer;
}

std::string cells(const CaseResult& result) {
  const WorstFigures worst = worst_figures(result);
  char buffer[160];
  std::snprintf(
      buffer, sizeof buffer, "%-6s %-7s %9s %9s %9s %4s", result.servo_name.c_str(),
      format_sync_time(worst.sync_time_s).c_str(), format_time_ns(worst.max_offset_ns).c_str(),
      format_time_ns(worst.rms_offset_ns).c_str(), format_fraction(worst.rms_frequency_ppb).c_str(),
      result.passed() ? "pass" : "FAIL");
  return buffer;
}

constexpr std::array<double, 2> kPmcRounds{60.0, 300.0};
constexpr std::array<wire::ManagementId, 8> kPmcQueries{
    wire::ManagementId::kDefaultDataSet, wire::ManagementId::kCurrentDataSet,
    wire::ManagementId::kParentDataSet,  wire::ManagementId::kTimePropertiesDataSet,
    wire::ManagementId::kPortDataSet,    wire::ManagementId::kPriority1,
    wire::ManagementId::kPriority2,      wire::ManagementId::kDomain};
// Between the rounds, `pmc -b 1 'SET PRIORITY2 100'`: every clock takes it (the BMCA's outcome
// stays, as all change alike), answers with the new value, and the second round shows it in the
// clocks' own defaultDS and, through the grandmaster's Announces, in the slaves' parentDS.
constexpr PmcSet kPmcSet{200.0, wire::ManagementId::kPriority2, 100};
constexpr std::uint8_t kDefaultPriority2 = 128;
constexpr std::uint8_t kPortStateMaster = 6;  // 1588-2019 Table 20
constexpr std::uint8_t kPortStateSlave = 9;

struct ClockUnderQuery {
  std::string name;
  ClockIdentity identity;
  bool grandmaster = false;
};

// Every clock answered every GET of every round, with what its data sets really hold.
std::vector<std::string> check_pmc(const PmcLog& log, const std::vector<ClockUnderQuery>& clocks) {
  std::vector<std::string> problems;
  const std::size_t expected_requests = kPmcRounds.size() * kPmcQueries.size();
  if (log.requests_sent != expected_requests) {
    problems.push_back("pmc sent " + std::to_string(log.requests_sent) + " GETs, expected " +
                       std::to_string(expected_requests));
  }
  ClockIdentity grandmaster;
  for (const ClockUnderQuery& clock : clocks) {
    if (clock.grandmaster) grandmaster = clock.identity;
  }
  for (const ClockUnderQuery& clock : clocks) {
    const auto fail = [&](const std::string& what) {
      problems.push_back("pmc: " + clock.name + ": " + what);
    };
    const auto is_set_answer = [&](const PmcResponse& response) {
      return std::find(log.set_sequence_ids.begin(), log.set_sequence_ids.end(),
                       response.sequence_id) != log.set_sequence_ids.end();
    };
    std::size_t set_answers = 0;
    for (const PmcResponse& response : log.responses) {
      if (response.from.clock_identity != clock.identity || !is_set_answer(response)) continue;
      ++set_answers;
      const auto* raw = std::get_if<wire::RawManagementData>(&response.data);
      if (response.id != kPmcSet.id || raw == nullptr || raw->octets.empty() ||
          std::to_integer<std::uint8_t>(raw->octets[0]) != kPmcSet.value) {
        fail("the answer to SET PRIORITY2 100 is not PRIORITY2 100");
      }
    }
    if (set_answers != 1) fail(std::to_string(set_answers) + " answers to SET, expected 1");
    for (const wire::ManagementId id : kPmcQueries) {
      std::size_t answers = 0;
      for (const PmcResponse& response : log.responses) {
        if (response.from.clock_identity != clock.identity || response.id != id ||
            is_set_answer(response)) {
          continue;
        }
        ++answers;
        const bool late = response.time_s >= kPmcRounds.back();
        const std::uint8_t priority2 = late ? kPmcSet.value : kDefaultPriority2;
        if (const auto* ds = std::get_if<wire::ManagementDefaultDataSet>(&response.data)) {
          if (ds->clock_identity != clock.identity || ds->priority1 != 128 ||
              ds->priority2 != priority2 || ds->clock_quality.clock_class != 248 ||
              ds->domain_number != 0 || !ds->two_step || ds->number_ports != 1) {
            fail(std::string("DEFAULT_DATA_SET does not hold the clock's ") +
                 (late ? "defaults with priority2 100 (the SET)" : "defaults"));
          }
        } else if (const auto* cur = std::get_if<wire::ManagementCurrentDataSet>(&response.data)) {
          const std::uint16_t steps = clock.grandmaster ? 0 : 1;
          if (cur->steps_removed != steps) fail("CURRENT_DATA_SET.stepsRemoved wrong");
          if (late && !clock.grandmaster &&
              std::abs(cur->offset_from_master.to_nanoseconds().count()) > 2'000) {
            fail("CURRENT_DATA_SET.offsetFromMaster beyond 2 us at 300 s");
          }
        } else if (const auto* par = std::get_if<wire::ManagementParentDataSet>(&response.data)) {
          if (par->grandmaster_identity != grandmaster) {
            fail("PARENT_DATA_SET.grandmasterIdentity is not the grandmaster's");
          }
          if (par->grandmaster_priority2 != priority2) {
            fail("PARENT_DATA_SET.grandmasterPriority2 is " +
                 std::to_string(par->grandmaster_priority2) + ", expected " +
                 std::to_string(priority2));
          }
        } else if (const auto* tp =
                       std::get_if<wire::ManagementTimePropertiesDataSet>(&response.data)) {
          if (tp->current_utc_offset != 37 || !tp->ptp_timescale) {
            fail("TIME_PROPERTIES_DATA_SET is not the grandmaster's (UTC offset 37, PTP)");
          }
        } else if (const auto* port = std::get_if<wire::ManagementPortDataSet>(&response.data)) {
          const std::uint8_t state = clock.grandmaster ? kPortStateMaster : kPortStateSlave;
          if (port->port_identity != PortIdentity{clock.identity, 1} || port->port_state != state ||
              port->log_sync_interval != 0 || port->delay_mechanism != 1 ||
              port->version_number != 2) {
            fail("PORT_DATA_SET wrong (state " + std::to_string(port->port_state) + ")");
          }
        } else if (const auto* raw = std::get_if<wire::RawManagementData>(&response.data)) {
          const std::uint8_t expected = id == wire::ManagementId::kPriority1   ? 128
                                        : id == wire::ManagementId::kPriority2 ? priority2
                                                                               : 0;
          if (raw->octets.empty() || std::to_integer<std::uint8_t>(raw->octets[0]) != expected) {
            fail("PRIORITY1, PRIORITY2 or DOMAIN wrong");
          }
        } else {
          fail("an empty or untyped answer to GET " + std::to_string(static_cast<unsigned>(id)));
        }
      }
      if (answers != kPmcRounds.size()) {
        fail(std::to_string(answers) + " answers to GET 0x" +
             std::to_string(static_cast<unsigned>(id)) + ", expected " +
             std::to_string(kPmcRounds.size()));
      }
    }
  }
  return problems;
}

// The grandmasters of the moment from the end of the sync window on that are not the case's.
std::vector<std::string> grandmaster_violations(
    const std::vector<ptpsim::GrandmasterChange>& changes, const ConformanceCase& c) {
  std::vector<std::string> violations;
  const double from_s = c.limits.max_sync_time_s;
  for (std::size_t i = 0; i < changes.size() && c.check_grandmaster; ++i) {
    const bool ends_before = i + 1 < changes.size() && changes[i + 1].time_s <= from_s;
    if (ends_before || changes[i].name == c.grandmaster) continue;
    violations.push_back("grandmaster of the moment from " + std::to_string(changes[i].time_s) +
                         " s is '" + changes[i].name + "', expected '" + c.grandmaster + "'");
  }
  for (const std::string& name : c.grandmasters_seen) {
    if (std::none_of(changes.begin(), changes.end(), [&](const ptpsim::GrandmasterChange& change) {
          return change.name == name;
        })) {
      violations.push_back("'" + name + "' was never the grandmaster of the moment");
    }
  }
  if (c.check_last_grandmaster && (changes.empty() || changes.back().name != c.grandmaster)) {
    violations.push_back("the last grandmaster of the moment is not '" + c.grandmaster + "'");
  }
  return violations;
}

}  // namespace

std::string_view to_string(ServoChoice servo) {
  switch (servo) {
    case ServoChoice::kBaseline: return "baseline";
    case ServoChoice::kDefault: return servo::to_string(servo::kDefaultServoKind);
    case ServoChoice::kKalman: return "kalman";
    case ServoChoice::kKalmanFloor: return "kalman-floor";
    case ServoChoice::kEnvelope: return "envelope";
  }
  return "?";
}

bool CaseResult::passed() const {
  return violations.empty() && std::all_of(nodes.begin(), nodes.end(), [](const NodeVerdict& node) {
           return node.violations.empty();
         });
}

const ConformanceCase* find_case(std::string_view name) {
  for (const ConformanceCase& candidate : conformance_cases()) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

Result<CaseResult, std::string> run_case(const ConformanceCase& conformance_case, ServoChoice servo,
                                         const std::string& scenarios_dir, std::uint64_t seed) {
  auto scenario =
      ptpsim::parse_scenario_file(std::filesystem::path(scenarios_dir) / conformance_case.file);
  if (!scenario) return unexpected(scenario.error().message());
  if (servo != ServoChoice::kBaseline) {
    for (ptpsim::NodeModel& node : scenario->nodes) {
      node.options.clock.clock_servo = {clock_servo_of(servo), app::SettingOrigin::kCommandLine};
      if (servo == ServoChoice::kKalmanFloor) {
        node.options.clock.kalman_delay_floor = {true, app::SettingOrigin::kCommandLine};
      }
    }
  }
  ptpsim::RunOptions options;
  options.seed = seed;
  options.keep_samples = true;
  PmcLog pmc_log;
  std::vector<ClockUnderQuery> queried;
  bool pmc_attached = false;
  if (conformance_case.pmc) {
    options.attach = [&](ptpsim::SimulatedWorld& world) -> std::shared_ptr<void> {
      for (const ptpsim::WorldNode& node : world.nodes()) {
        queried.push_back(ClockUnderQuery{node.name,
                                          node.node->clock().default_data_set().clock_identity,
                                          node.name == conformance_case.grandmaster});
      }
      auto peer = PmcPeer::attach(
          world, "segment", std::vector<double>(kPmcRounds.begin(), kPmcRounds.end()),
          std::vector<wire::ManagementId>(kPmcQueries.begin(), kPmcQueries.end()),
          std::vector<PmcSet>{kPmcSet}, pmc_log);
      pmc_attached = peer != nullptr;
      return peer;
    };
  }
  auto report = ptpsim::run_scenario(*scenario, options);
  if (!report) return unexpected(report.error());

  CaseResult result;
  result.wall_s = report->wall_s;
  if (conformance_case.pmc) {
    if (!pmc_attached) return unexpected(std::string("cannot attach the pmc to switch 'segment'"));
    result.violations = check_pmc(pmc_log, queried);
  }
  for (std::size_t index = 0; index < report->nodes.size(); ++index) {
    const ptpsim::NodeSummary& summary = report->nodes[index];
    if (summary.name == conformance_case.grandmaster) continue;
    NodeVerdict verdict;
    verdict.name = summary.name;
    verdict.final_state = summary.final_state;
    const auto expected_state =
        std::find_if(conformance_case.final_states.begin(), conformance_case.final_states.end(),
                     [&](const auto& entry) { return entry.first == summary.name; });
    if (expected_state != conformance_case.final_states.end()) {
      if (summary.final_state != expected_state->second) {
        verdict.violations.push_back("final port state " + summary.final_state + ", expected " +
                                     expected_state->second);
      }
      result.nodes.push_back(std::move(verdict));
      continue;
    }
    if (result.servo_name.empty()) {
      switch (scenario->nodes[index].options.clock.clock_servo.value) {
        case app::ClockServo::kPi: result.servo_name = "pi"; break;
        case app::ClockServo::kLinreg: result.servo_name = "linreg"; break;
        case app::ClockServo::kKalman: result.servo_name = "kalman"; break;
        case app::ClockServo::kEnvelope: result.servo_name = "envelope"; break;
      }
    }
    SyncLimits limits = conformance_case.limits;
    if (servo != ServoChoice::kBaseline && conformance_case.ours_min_sync_time_s) {
      limits.min_sync_time_s = *conformance_case.ours_min_sync_time_s;
    }
    verdict.figures = compute_sync_figures(summary.samples, limits);
    verdict.violations = sync_violations(verdict.figures, limits);
    if (conformance_case.expect_leap61 && !summary.leap61) {
      verdict.violations.emplace_back("timePropertiesDS.leap61 not set at the end");
    }
    result.nodes.push_back(std::move(verdict));
  }
  if (conformance_case.check_grandmaster || conformance_case.check_last_grandmaster ||
      !conformance_case.grandmasters_seen.empty()) {
    for (std::string& violation : grandmaster_violations(report->grandmasters, conformance_case)) {
      result.violations.push_back(std::move(violation));
    }
  }
  // Only nodes judged by their state: the figures are those of nobody.
  std::erase_if(result.nodes, [&](const NodeVerdict& node) {
    return node.violations.empty() &&
           std::any_of(conformance_case.final_states.begin(), conformance_case.final_states.end(),
                       [&](const auto& entry) { return entry.first == node.name; });
  });
  return result;
}

void print_table_header(std::ostream& out) {
  char buffer[200];
  std::snprintf(buffer, sizeof buffer,
                "%-22s | %-6s %-7s %9s %9s %9s %4s | %-6s %-7s %9s %9s %9s %4s\n", "scenario",
                "servo", "sync", "max off", "rms off", "rms freq", "", "servo", "sync", "max off",
                "rms off", "rms freq", "");
  out << buffer;
}

void print_table_row(std::ostream& out, const ConformanceCase& conformance_case,
                     const CaseResult& baseline, const CaseResult& ours) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%-22s | ", conformance_case.name.c_str());
  out << buffer << cells(baseline) << " | " << cells(ours) << "\n";
}

void print_summary(std::ostream& out, const ConformanceCase& conformance_case,
                   const CaseResult& result) {
  out << conformance_case.name << ": " << cells(result) << " (worst of " << result.nodes.size()
      << " slaves; " << result.wall_s << " s wall)\n";
  for (const std::string& violation : result.violations) out << "  " << violation << "\n";
  for (const NodeVerdict& node : result.nodes) {
    out << "  " << node.name << " " << node.final_state << ": sync "
        << format_sync_time(node.figures.sync_time_s) << ", max |offset| "
        << format_time_ns(node.figures.max_offset_ns) << ", RMS offset "
        << format_time_ns(node.figures.rms_offset_ns) << ", max |freq| "
        << format_fraction(node.figures.max_frequency_ppb) << ", RMS freq "
        << format_fraction(node.figures.rms_frequency_ppb) << "\n";
  }
}

WorstFigures worst_figures(const CaseResult& result) {
  WorstFigures worst;
  for (const NodeVerdict& node : result.nodes) {
    if (!node.figures.sync_time_s) {
      worst.never_synced = true;
    } else if (!worst.sync_time_s || *node.figures.sync_time_s > *worst.sync_time_s) {
      worst.sync_time_s = node.figures.sync_time_s;
    }
    worst.max_offset_ns = std::max(worst.max_offset_ns, node.figures.max_offset_ns);
    worst.rms_offset_ns = std::max(worst.rms_offset_ns, node.figures.rms_offset_ns);
    worst.rms_frequency_ppb = std::max(worst.rms_frequency_ppb, node.figures.rms_frequency_ppb);
  }
  if (worst.never_synced) worst.sync_time_s.reset();
  return worst;
}

}  // namespace ptp::conformance
