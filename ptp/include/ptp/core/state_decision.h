// The state decision algorithm of IEEE 1588-2019 9.3.3 (Figure 33) for ordinary and boundary
// clocks, and the data set updates each decision implies (9.3.5, Tables 30 to 33). Both are pure
// functions over plain data: the caller gathers D0, E_rbest and E_best, this file decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ptp/core/data_set_comparison.h"
#include "ptp/core/data_sets.h"
#include "ptp/core/port_state.h"
#include "ptp/result.h"

namespace ptp {

// The decision codes of Figure 33 (and kNone when the figure leaves the port LISTENING).
enum class DecisionCode : std::uint8_t {
  kNone,  // E_rbest empty and port LISTENING: no decision, the port stays LISTENING
  kM1,    // master: D0 (clockClass 1..127) is better than this port's E_rbest
  kM2,    // master: D0 is better than E_best; this clock is the grandmaster
  kM3,    // master: another port's E_best wins, and this port's E_rbest is not just a topology loss
  kS1,    // slave: E_best was received on this port
  kP1,    // passive: D0 (clockClass 1..127) is not better than E_rbest
  kP2,    // passive: E_best is better by topology than this port's E_rbest
};

// BMC_MASTER, BMC_SLAVE, BMC_PASSIVE and "remain LISTENING": the recommended state the port
// state machine (9.2.5) acts on.
enum class RecommendedState : std::uint8_t { kListening, kMaster, kSlave, kPassive };

struct StateDecision {
  RecommendedState state = RecommendedState::kListening;
  DecisionCode code = DecisionCode::kNone;  // the Figure 33 box, even where state is overridden

  friend bool operator==(const StateDecision&, const StateDecision&) = default;
};

// Everything Figure 33 looks at for one port r.
struct StateDecisionInput {
  DefaultDataSet default_ds;  // D0 comes from it (clockClass, slaveOnly too)
  PortState port_state = PortState::kListening;
  std::optional<AnnounceDataSet> erbest;     // best qualified Announce on this port
  std::optional<AnnounceDataSet> ebest;      // best of all ports' E_rbest
  bool ebest_received_on_this_port = false;  // "E_best received on port r"
  bool master_only = false;                  // portDS.masterOnly of port r
};

// 9.3.3, Figure 33. Rules outside the figure, applied after it (the code is kept):
//  * defaultDS.slaveOnly: D0 is no candidate, so E_best received on this port gives S1 whatever
//    D0's priorities (ptp4l compares D0 anyway and leaves such a clock LISTENING); every other
//    master or passive decision becomes LISTENING, as in the slave-only state machine (9.2.5).
//  * portDS.masterOnly: P1 and P2 become MASTER; S1 becomes M3 (MASTER, parent unchanged), since
//    such a port must not synchronize to anyone. The caller also keeps such a port's E_rbest out
//    of E_best.
[[nodiscard]] StateDecision decide_port_state(const StateDecisionInput& input);

// The clock-wide data sets a decision updates.
struct ClockDataSets {
  CurrentDataSet current;
  ParentDataSet parent;
  TimePropertiesDataSet time_properties;

  friend bool operator==(const ClockDataSets&, const ClockDataSets&) = default;
};

enum class DataSetUpdateError : std::uint8_t {
  kNoEbest,  // S1 without the E_best it copies
};

// 9.3.5: the data sets after a decision, from the ones before it.
//  * M1, M2 (Table 30): this clock becomes grandmaster: currentDS zeroed, parentDS from
//    defaultDS, timePropertiesDS = `local_time_properties` (what this clock knows of its own time
//    source).
//  * M3 (Table 31), P1, P2 (Table 33), kNone: nothing changes.
//  * S1 (Table 32): stepsRemoved = E_best's + 1, parentDS and timePropertiesDS from E_best.
[[nodiscard]] Result<ClockDataSets, DataSetUpdateError> update_data_sets(
    DecisionCode code, const ClockDataSets& before, const DefaultDataSet& default_ds,
    const std::optional<AnnounceDataSet>& ebest,
    const TimePropertiesDataSet& local_time_properties);

std::string_view to_string(DecisionCode code);
std::string_view to_string(RecommendedState state);

}  // namespace ptp
