// Tests of the port state machine (1588-2019 9.2.5): every (state, event) pair of the full and the
// slave-only machine against tables written out here from Figures 31/32 and ptp4l's fsm.c, the
// decision-to-event mapping, and the qualification and announce receipt timeouts.
#include "ptp/core/port_state_machine.h"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <limits>

namespace ptp {
namespace {

constexpr std::size_t kStateCount = 9;
constexpr std::size_t kEventCount = 17;

// Row order of the tables: Table 20 order.
constexpr std::array<PortState, kStateCount> kStates = {
    PortState::kInitializing, PortState::kFaulty,       PortState::kDisabled,
    PortState::kListening,    PortState::kPreMaster,    PortState::kMaster,
    PortState::kPassive,      PortState::kUncalibrated, PortState::kSlave,
};

// Column order of the tables.
constexpr std::array<PortEvent, kEventCount> kEvents = {
    PortEvent::kNone,
    PortEvent::kPowerUp,
    PortEvent::kInitialize,
    PortEvent::kInitComplete,
    PortEvent::kDesignatedEnabled,
    PortEvent::kDesignatedDisabled,
    PortEvent::kFaultCleared,
    PortEvent::kFaultDetected,
    PortEvent::kStateDecisionEvent,
    PortEvent::kQualificationTimeoutExpires,
    PortEvent::kAnnounceReceiptTimeoutExpires,
    PortEvent::kSynchronizationFault,
    PortEvent::kMasterClockSelected,
    PortEvent::kRsMaster,
    PortEvent::kRsGrandMaster,
    PortEvent::kRsSlave,
    PortEvent::kRsPassive,
};

constexpr PortState INI = PortState::kInitializing;
constexpr PortState FLT = PortState::kFaulty;
constexpr PortState DIS = PortState::kDisabled;
constexpr PortState LIS = PortState::kListening;
constexpr PortState PRE = PortState::kPreMaster;
constexpr PortState MAS = PortState::kMaster;
constexpr PortState PAS = PortState::kPassive;
constexpr PortState UNC = PortState::kUncalibrated;
constexpr PortState SLV = PortState::kSlave;

using TransitionTable = std::array<std::array<PortState, kEventCount>, kStateCount>;

// clang-format off
// Next state with the same parent (new_parent = false).
//   NONE PWRUP INIT ICMPL D_EN D_DIS F_CLR F_DET SDE  QTO  ARTO SYNF MCS  RS_M RSGM RS_S RS_P
constexpr TransitionTable kFullMachine = {{
  {{INI, INI,  INI, LIS,  INI, DIS,  INI,  FLT,  INI, INI, INI, INI, INI, INI, INI, INI, INI}},  // INITIALIZING
  {{FLT, INI,  INI, FLT,  FLT, DIS,  INI,  FLT,  FLT, FLT, FLT, FLT, FLT, FLT, FLT, FLT, FLT}},  // FAULTY
  {{DIS, INI,  INI, DIS,  INI, DIS,  DIS,  DIS,  DIS, DIS, DIS, DIS, DIS, DIS, DIS, DIS, DIS}},  // DISABLED
  {{LIS, INI,  INI, LIS,  LIS, DIS,  LIS,  FLT,  LIS, LIS, MAS, LIS, LIS, PRE, PRE, UNC, PAS}},  // LISTENING
  {{PRE, INI,  INI, PRE,  PRE, DIS,  PRE,  FLT,  PRE, MAS, PRE, PRE, PRE, PRE, PRE, UNC, PAS}},  // PRE_MASTER
  {{MAS, INI,  INI, MAS,  MAS, DIS,  MAS,  FLT,  MAS, MAS, MAS, MAS, MAS, MAS, MAS, UNC, PAS}},  // MASTER
  {{PAS, INI,  INI, PAS,  PAS, DIS,  PAS,  FLT,  PAS, PAS, MAS, PAS, PAS, PRE, PRE, UNC, PAS}},  // PASSIVE
  {{UNC, INI,  INI, UNC,  UNC, DIS,  UNC,  FLT,  UNC, UNC, MAS, UNC, SLV, PRE, PRE, UNC, PAS}},  // UNCALIBRATED
  {{SLV, INI,  INI, SLV,  SLV, DIS,  SLV,  FLT,  SLV, SLV, MAS, UNC, SLV, PRE, PRE, SLV, PAS}},  // SLAVE
}};

// Figure 32: no PRE_MASTER, MASTER or PASSIVE; a port left in one (slaveOnly switched on there)
// moves as from LISTENING.
//   NONE PWRUP INIT ICMPL D_EN D_DIS F_CLR F_DET SDE  QTO  ARTO SYNF MCS  RS_M RSGM RS_S RS_P
constexpr TransitionTable kSlaveOnlyMachine = {{
  {{INI, INI,  INI, LIS,  INI, DIS,  INI,  FLT,  INI, INI, INI, INI, INI, INI, INI, INI, INI}},  // INITIALIZING
  {{FLT, INI,  INI, FLT,  FLT, DIS,  INI,  FLT,  FLT, FLT, FLT, FLT, FLT, FLT, FLT, FLT, FLT}},  // FAULTY
  {{DIS, INI,  INI, DIS,  INI, DIS,  DIS,  DIS,  DIS, DIS, DIS, DIS, DIS, DIS, DIS, DIS, DIS}},  // DISABLED
  {{LIS, INI,  INI, LIS,  LIS, DIS,  LIS,  FLT,  LIS, LIS, LIS, LIS, LIS, LIS, LIS, UNC, LIS}},  // LISTENING
  {{PRE, INI,  INI, PRE,  PRE, DIS,  PRE,  FLT,  PRE, PRE, LIS, PRE, PRE, LIS, LIS, UNC, LIS}},  // PRE_MASTER
  {{MAS, INI,  INI, MAS,  MAS, DIS,  MAS,  FLT,  MAS, MAS, LIS, MAS, MAS, LIS, LIS, UNC, LIS}},  // MASTER
  {{PAS, INI,  INI, PAS,  PAS, DIS,  PAS,  FLT,  PAS, PAS, LIS, PAS, PAS, LIS, LIS, UNC, LIS}},  // PASSIVE
  {{UNC, INI,  INI, UNC,  UNC, DIS,  UNC,  FLT,  UNC, UNC, LIS, UNC, SLV, LIS, LIS, UNC, LIS}},  // UNCALIBRATED
  {{SLV, INI,  INI, SLV,  SLV, DIS,  SLV,  FLT,  SLV, SLV, LIS, UNC, SLV, LIS, LIS, SLV, LIS}},  // SLAVE
}};
// clang-format on

// With a new parent the table is the same but for RS_SLAVE in SLAVE, which recalibrates.
PortState expected_with_new_parent(const TransitionTable& table, std::size_t state_index,
                                   std::size_t event_index) {
  if (kStates[state_index] == PortState::kSlave && kEvents[event_index] == PortEvent::kRsSlave) {
    return PortState::kUncalibrated;
  }
  return table[state_index][event_index];
}

void expect_table(const TransitionTable& table, const PortStateMachineOptions& options) {
  for (std::size_t s = 0; s < kStateCount; ++s) {
    for (std::size_t e = 0; e < kEventCount; ++e) {
      const PortState state = kStates[s];
      const PortEvent event = kEvents[e];
      EXPECT_EQ(next_port_state(state, event, false, options), table[s][e])
          << to_string(state) << " + " << to_string(event) << " (same parent)";
      EXPECT_EQ(next_port_state(state, event, true, options), expected_with_new_parent(table, s, e))
          << to_string(state) << " + " << to_string(event) << " (new parent)";
    }
  }
}

TEST(PortStateMachine, EventListCoversEveryEvent) {
  // The enumeration is dense from kNone to kRsPassive; the tables' columns must be all of it.
  for (std::size_t e = 0; e < kEventCount; ++e) {
    EXPECT_EQ(static_cast<std::size_t>(kEvents[e]), e);
  }
  EXPECT_EQ(static_cast<std::size_t>(PortEvent::kRsPassive) + 1, kEventCount);
}

TEST(PortStateMachine, FullMachineEveryStateAndEvent) {
  expect_table(kFullMachine, PortStateMachineOptions{.slave_only = false});
}

TEST(PortStateMachine, SlaveOnlyMachineEveryStateAndEvent) {
  expect_table(kSlaveOnlyMachine, PortStateMachineOptions{.slave_only = true});
}

TEST(PortStateMachine, SlaveOnlyMachineNeverEntersMasterOrPassive) {
  const PortStateMachineOptions slave_only{.slave_only = true};
  for (const PortState state : kStates) {
    for (const PortEvent event : kEvents) {
      for (const bool new_parent : {false, true}) {
        const PortState next = next_port_state(state, event, new_parent, slave_only);
        if (next == state) continue;  // a port already there stays until it leaves
        EXPECT_NE(next, PortState::kPreMaster);
        EXPECT_NE(next, PortState::kMaster);
        EXPECT_NE(next, PortState::kPassive);
      }
    }
  }
}

TEST(PortStateMachine, OrdinaryClockLifecycle) {
  // Power up, find nobody, become master, then hear a better master and lock to it.
  const PortStateMachineOptions full{};
  PortState state = next_port_state(PortState::kFaulty, PortEvent::kPowerUp, false, full);
  EXPECT_EQ(state, PortState::kInitializing);
  state = next_port_state(state, PortEvent::kInitComplete, false, full);
  EXPECT_EQ(state, PortState::kListening);
  state = next_port_state(state, PortEvent::kAnnounceReceiptTimeoutExpires, false, full);
  EXPECT_EQ(state, PortState::kMaster);
  state = next_port_state(state, PortEvent::kRsSlave, true, full);
  EXPECT_EQ(state, PortState::kUncalibrated);
  state = next_port_state(state, PortEvent::kMasterClockSelected, false, full);
  EXPECT_EQ(state, PortState::kSlave);
  state = next_port_state(state, PortEvent::kRsSlave, false, full);
  EXPECT_EQ(state, PortState::kSlave);
}

TEST(PortStateMachine, ValueOutsideTable20IsLeftAlone) {
  const auto bogus = static_cast<PortState>(0);
  const PortStateMachineOptions full{};
  EXPECT_EQ(next_port_state(bogus, PortEvent::kRsMaster, false, full), bogus);
  EXPECT_EQ(next_port_state(bogus, PortEvent::kInitialize, false, full), PortState::kInitializing);
}

// ---- Decision to event
// ---------------------------------------------------------------------------

TEST(PortEventFor, FollowsPtp4l) {
  using S = RecommendedState;
  using C = DecisionCode;
  EXPECT_EQ(port_event_for({S::kListening, C::kNone}), PortEvent::kNone);
  EXPECT_EQ(port_event_for({S::kMaster, C::kM1}), PortEvent::kRsGrandMaster);
  EXPECT_EQ(port_event_for({S::kMaster, C::kM2}), PortEvent::kRsGrandMaster);
  EXPECT_EQ(port_event_for({S::kMaster, C::kM3}), PortEvent::kRsMaster);
  EXPECT_EQ(port_event_for({S::kSlave, C::kS1}), PortEvent::kRsSlave);
  EXPECT_EQ(port_event_for({S::kPassive, C::kP1}), PortEvent::kRsPassive);
  EXPECT_EQ(port_event_for({S::kPassive, C::kP2}), PortEvent::kRsPassive);
}

TEST(PortEventFor, MasterOnlyOverrideGivesRsMaster) {
  EXPECT_EQ(port_event_for({RecommendedState::kMaster, DecisionCode::kP1}), PortEvent::kRsMaster);
  EXPECT_EQ(port_event_for({RecommendedState::kMaster, DecisionCode::kP2}), PortEvent::kRsMaster);
}

TEST(PortEventFor, SlaveOnlyOverrideTakesSlaveOnlyMachineToListening) {
  const PortStateMachineOptions slave_only{.slave_only = true};
  for (const DecisionCode code : {DecisionCode::kM1, DecisionCode::kM2, DecisionCode::kM3,
                                  DecisionCode::kP1, DecisionCode::kP2}) {
    const PortEvent event = port_event_for({RecommendedState::kListening, code});
    EXPECT_NE(event, PortEvent::kNone) << to_string(code);
    EXPECT_EQ(next_port_state(PortState::kSlave, event, false, slave_only), PortState::kListening)
        << to_string(code);
  }
}

TEST(PortEvent, NamesArePtp4ls) {
  constexpr std::array<std::string_view, kEventCount> kNames = {
      "NONE",
      "POWERUP",
      "INITIALIZE",
      "INIT_COMPLETE",
      "DESIGNATED_ENABLED",
      "DESIGNATED_DISABLED",
      "FAULT_CLEARED",
      "FAULT_DETECTED",
      "STATE_DECISION_EVENT",
      "QUALIFICATION_TIMEOUT_EXPIRES",
      "ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES",
      "SYNCHRONIZATION_FAULT",
      "MASTER_CLOCK_SELECTED",
      "RS_MASTER",
      "RS_GRAND_MASTER",
      "RS_SLAVE",
      "RS_PASSIVE",
  };
  for (std::size_t e = 0; e < kEventCount; ++e) EXPECT_EQ(to_string(kEvents[e]), kNames[e]);
  EXPECT_EQ(to_string(static_cast<PortEvent>(200)), "UNKNOWN");
}

// ---- Timeouts -----------------------------------------------------------------------------------

constexpr std::int64_t kSecond = kNanosecondsPerSecond;

TEST(QualificationTimeout, IsStepsRemovedPlusOneAnnounceIntervals) {
  EXPECT_EQ(qualification_timeout_interval(0, 0), Nanoseconds(kSecond));
  EXPECT_EQ(qualification_timeout_interval(0, 1), Nanoseconds(2 * kSecond));
  EXPECT_EQ(qualification_timeout_interval(2, 1), Nanoseconds(6 * kSecond));
  EXPECT_EQ(qualification_timeout_interval(3, -2), Nanoseconds(kSecond));
  EXPECT_EQ(qualification_timeout_interval(0, -3), Nanoseconds(125'000'000));
  EXPECT_EQ(qualification_timeout_interval(65535, 0), Nanoseconds(65536 * kSecond));
}

TEST(QualificationTimeout, ExtremeIntervals) {
  // 2^17 s x 65536 = 2^33 s: fits; 2^18 s x 65536 = 2^34 s ~ 1.7e19 ns: does not.
  EXPECT_EQ(qualification_timeout_interval(65535, 17), Nanoseconds(65536 * kSecond * 131072));
  EXPECT_EQ(qualification_timeout_interval(65535, 18), unexpected(PortTimeoutError::kOverflow));
  EXPECT_EQ(qualification_timeout_interval(0, 127), unexpected(PortTimeoutError::kOverflow));
  EXPECT_EQ(qualification_timeout_interval(0, 33), Nanoseconds(kSecond << 33));
  EXPECT_EQ(qualification_timeout_interval(0, 34), unexpected(PortTimeoutError::kOverflow));
  // 1e9 ns / 2^30 < 1 ns: rounds down to 0; so does everything shorter.
  EXPECT_EQ(qualification_timeout_interval(0, -29), Nanoseconds(1));
  EXPECT_EQ(qualification_timeout_interval(0, -30), Nanoseconds(0));
  EXPECT_EQ(qualification_timeout_interval(0, -128), Nanoseconds(0));
}

TEST(AnnounceReceiptTimeout, IsTimeoutPlusRandomFractionOfOneInterval) {
  // Default profile: 3 intervals of 2 s.
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, 0.0), Nanoseconds(6 * kSecond));
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, 0.5), Nanoseconds(7 * kSecond));
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, 0.25), Nanoseconds(6'500'000'000));
  EXPECT_EQ(announce_receipt_timeout_interval(3, 0, 0.75), Nanoseconds(3'750'000'000));
  EXPECT_EQ(announce_receipt_timeout_interval(2, -1, 0.5), Nanoseconds(1'250'000'000));
  EXPECT_EQ(announce_receipt_timeout_interval(0, 0, 0.0), Nanoseconds(0));
  EXPECT_EQ(announce_receipt_timeout_interval(255, 4, 0.0), Nanoseconds(kSecond * 255 * 16));
}

TEST(AnnounceReceiptTimeout, StaysBelowTheNextWholeInterval) {
  const double just_below_one = 1.0 - std::numeric_limits<double>::epsilon();
  const auto timeout = announce_receipt_timeout_interval(3, 1, just_below_one);
  ASSERT_TRUE(timeout.has_value());
  EXPECT_LT(*timeout, Nanoseconds(8 * kSecond));
  EXPECT_GE(*timeout, Nanoseconds(8 * kSecond - 2));
}

TEST(AnnounceReceiptTimeout, RejectsRandomFractionOutsideUnitInterval) {
  constexpr auto kOutOfRange = unexpected(PortTimeoutError::kRandomFractionOutOfRange);
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, 1.0), kOutOfRange);
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, -0.1), kOutOfRange);
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, std::numeric_limits<double>::quiet_NaN()),
            kOutOfRange);
  EXPECT_EQ(announce_receipt_timeout_interval(3, 1, std::numeric_limits<double>::infinity()),
            kOutOfRange);
}

TEST(AnnounceReceiptTimeout, Overflow) {
  EXPECT_EQ(announce_receipt_timeout_interval(255, 30, 0.0),
            unexpected(PortTimeoutError::kOverflow));
  EXPECT_EQ(announce_receipt_timeout_interval(3, 127, 0.0),
            unexpected(PortTimeoutError::kOverflow));
}

TEST(PortTimeoutError, Names) {
  EXPECT_EQ(to_string(PortTimeoutError::kOverflow), "overflow");
  EXPECT_EQ(to_string(PortTimeoutError::kRandomFractionOutOfRange), "random fraction out of range");
}

}  // namespace
}  // namespace ptp
