// The state decision algorithm (1588-2019 9.3.3, Figure 33) and the data set updates of 9.3.5.
// Each return is labelled with its decision code, as the figure labels its boxes.
#include "ptp/core/state_decision.h"

namespace ptp {
namespace {

// Figure 33 itself, with no slaveOnly or masterOnly rule.
StateDecision figure_33(const StateDecisionInput& in) {
  // "E_rbest is the empty set AND the port state is LISTENING": stay LISTENING. This is
  // 1588-2008's test, kept by ptp4l and statime; 1588-2019's figure tests E_best here, which
  // statime (pendulum-project/statime#459) judged an erratum.
  if (!in.erbest && in.port_state == PortState::kListening) {
    return {RecommendedState::kListening, DecisionCode::kNone};
  }
  const AnnounceDataSet d0 = d0_data_set(in.default_ds);
  // An empty E_rbest or E_best loses every comparison (as in ptp4l's dscmp): D0 beats nothing.
  const auto d0_better_than = [&](const std::optional<AnnounceDataSet>& e) {
    return !e || a_better_or_better_by_topology(compare_data_sets(d0, *e));
  };

  // "D0 is class 1 through 127?" A clock that can be a primary reference never follows another.
  const std::uint8_t clock_class = in.default_ds.clock_quality.clock_class;
  if (clock_class >= 1 && clock_class <= 127) {
    if (d0_better_than(in.erbest)) return {RecommendedState::kMaster, DecisionCode::kM1}; /*M1*/
    return {RecommendedState::kPassive, DecisionCode::kP1};                               /*P1*/
  }
  // "D0 better or better by topology than E_best?"
  if (d0_better_than(in.ebest)) return {RecommendedState::kMaster, DecisionCode::kM2}; /*M2*/
  // "E_best received on port r?"
  if (in.ebest_received_on_this_port) {
    return {RecommendedState::kSlave, DecisionCode::kS1}; /*S1*/
  }
  // "E_best better by topology than E_rbest?" (an empty E_rbest: no, so M3)
  if (in.ebest && in.erbest &&
      compare_data_sets(*in.ebest, *in.erbest) == ComparisonResult::kABetterByTopology) {
    return {RecommendedState::kPassive, DecisionCode::kP2}; /*P2*/
  }
  return {RecommendedState::kMaster, DecisionCode::kM3}; /*M3*/
}

}  // namespace

StateDecision decide_port_state(const StateDecisionInput& input) {
  StateDecision decision = figure_33(input);
  if (input.default_ds.slave_only) {
    // A slave-only clock cannot be a master, so D0 is no candidate: it follows the best master
    // it hears even when its own priorities would rank it higher (ptp4l compares D0 anyway and
    // leaves such a clock LISTENING, unsynchronized, until priority1 is lowered by hand).
    if (input.ebest && input.ebest_received_on_this_port) {
      return {RecommendedState::kSlave, DecisionCode::kS1}; /*S1*/
    }
    if (decision.state == RecommendedState::kMaster ||
        decision.state == RecommendedState::kPassive) {
      decision.state = RecommendedState::kListening;
    }
    return decision;
  }
  if (input.master_only) {
    if (decision.code == DecisionCode::kS1) decision.code = DecisionCode::kM3;
    if (decision.state == RecommendedState::kSlave ||
        decision.state == RecommendedState::kPassive) {
      decision.state = RecommendedState::kMaster;
    }
  }
  return decision;
}

Result<ClockDataSets, DataSetUpdateError> update_data_sets(
    DecisionCode code, const ClockDataSets& before, const DefaultDataSet& default_ds,
    const std::optional<AnnounceDataSet>& ebest,
    const TimePropertiesDataSet& local_time_properties) {
  ClockDataSets after = before;
  switch (code) {
    case DecisionCode::kM1:
    case DecisionCode::kM2: {            // Table 30: this clock is the grandmaster.
      after.current = CurrentDataSet{};  // stepsRemoved, offsetFromMaster, meanPathDelay all 0
      ParentDataSet& parent = after.parent;
      parent.parent_port_identity = PortIdentity{default_ds.clock_identity, 0};
      // No parent to observe: the statistics return to their "not computed" values (8.2.3).
      parent.parent_stats = false;
      parent.observed_parent_offset_scaled_log_variance = kUnknownOffsetScaledLogVariance;
      parent.observed_parent_clock_phase_change_rate = kUnknownClockPhaseChangeRate;
      parent.grandmaster_identity = default_ds.clock_identity;
      parent.grandmaster_clock_quality = default_ds.clock_quality;
      parent.grandmaster_priority1 = default_ds.priority1;
      parent.grandmaster_priority2 = default_ds.priority2;
      after.time_properties = local_time_properties;
      return after;
    }
    case DecisionCode::kS1: {  // Table 32: follow E_best.
      if (!ebest) return unexpected(DataSetUpdateError::kNoEbest);
      after.current.steps_removed = static_cast<std::uint16_t>(ebest->steps_removed + 1U);
      ParentDataSet& parent = after.parent;
      if (parent.parent_port_identity != ebest->sender) {
        // A new parent: what was observed of the old one says nothing about it.
        parent.parent_stats = false;
        parent.observed_parent_offset_scaled_log_variance = kUnknownOffsetScaledLogVariance;
        parent.observed_parent_clock_phase_change_rate = kUnknownClockPhaseChangeRate;
      }
      parent.parent_port_identity = ebest->sender;
      parent.grandmaster_identity = ebest->grandmaster_identity;
      parent.grandmaster_clock_quality = ebest->grandmaster_clock_quality;
      parent.grandmaster_priority1 = ebest->grandmaster_priority1;
      parent.grandmaster_priority2 = ebest->grandmaster_priority2;
      TimePropertiesDataSet& time = after.time_properties;
      time.current_utc_offset = ebest->current_utc_offset;
      time.current_utc_offset_valid = ebest->flags.current_utc_offset_valid;
      time.leap59 = ebest->flags.leap59;
      time.leap61 = ebest->flags.leap61;
      time.time_traceable = ebest->flags.time_traceable;
      time.frequency_traceable = ebest->flags.frequency_traceable;
      time.ptp_timescale = ebest->flags.ptp_timescale;
      time.time_source = ebest->time_source;
      return after;
    }
    case DecisionCode::kM3:  // Table 31: no change.
    case DecisionCode::kP1:  // Table 33: no change.
    case DecisionCode::kP2:
    case DecisionCode::kNone: return after;
  }
  return after;
}

std::string_view to_string(DecisionCode code) {
  switch (code) {
    case DecisionCode::kNone: return "none";
    case DecisionCode::kM1: return "M1";
    case DecisionCode::kM2: return "M2";
    case DecisionCode::kM3: return "M3";
    case DecisionCode::kS1: return "S1";
    case DecisionCode::kP1: return "P1";
    case DecisionCode::kP2: return "P2";
  }
  return "unknown decision code";
}

std::string_view to_string(RecommendedState state) {
  switch (state) {
    case RecommendedState::kListening: return "BMC_LISTENING";
    case RecommendedState::kMaster: return "BMC_MASTER";
    case RecommendedState::kSlave: return "BMC_SLAVE";
    case RecommendedState::kPassive: return "BMC_PASSIVE";
  }
  return "unknown recommended state";
}

}  // namespace ptp
