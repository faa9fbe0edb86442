// Bad scenario files: each kind of mistake gives an error naming the file, the line, the key
// and the problem.
#include <gtest/gtest.h>

#include <string>

#include "ptp/ptpsim/scenario_parser.h"

namespace ptp::ptpsim {
namespace {

// Two nodes on a switch: the valid start that most cases below add one mistake to.
const std::string kNetwork =
    "[run]\n"                        // 1
    "duration = \"5 min\"\n"         // 2
    "[[node]]\n"                     // 3
    "name = \"gm\"\n"                // 4
    "[[node]]\n"                     // 5
    "name = \"oc\"\n"                // 6
    "timestamping = \"software\"\n"  // 7
    "[[switch]]\n"                   // 8
    "name = \"sw\"\n"                // 9
    "[[link]]\n"                     // 10
    "a = \"gm\"\n"                   // 11
    "b = \"sw\"\n"                   // 12
    "[[link]]\n"                     // 13
    "a = \"oc\"\n"                   // 14
    "b = \"sw\"\n";                  // 15

struct ErrorCase {
  std::string name;
  std::string text;
  ScenarioErrorKind kind;
  std::string message;
};

class ScenarioBadFile : public testing::TestWithParam<ErrorCase> {};

TEST_P(ScenarioBadFile, NamesFileLineKeyAndProblem) {
  const ErrorCase& error_case = GetParam();
  const auto scenario = parse_scenario(error_case.text, "bad.toml");
  ASSERT_FALSE(scenario) << error_case.name;
  EXPECT_EQ(scenario.error().message(), error_case.message);
  EXPECT_EQ(scenario.error().kind, error_case.kind);
  EXPECT_EQ(scenario.error().file, "bad.toml");
}

const ErrorCase kCases[] = {
    {"Ptp4winWithoutCommandLine", kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4win\"\n",
     ScenarioErrorKind::kMissingKey,
     "bad.toml:16: node[2].command_line: a ptp4win node needs its command line "
     "(\"-i Ethernet -m\")"},
    {"CommandLineWithoutPtp4win", kNetwork + "[[node]]\nname = \"win\"\ncommand_line = \"-m\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:18: node[2].command_line: only a node with program = \"ptp4win\" takes a command "
     "line"},
    {"Ptp4winWithOptions",
     kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4win\"\ncommand_line = \"-m\"\n"
                "options = { priority1 = 1 }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:20: node[2].options: a ptp4win node takes its settings from command_line (and a "
     "-f file)"},
    {"WindowsOnALibraryNode",
     kNetwork + "[[node]]\nname = \"lib\"\nwindows = { w32time = { running = true } }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:18: node[2].windows: only a node with program = \"ptp4win\" runs on a simulated "
     "Windows"},
    {"HardwareTransmitWithoutHardware",
     kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4win\"\ncommand_line = \"-m\"\n"
                "timestamping = \"software\"\nwindows = { hardware_transmit = false }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:21: node[2].windows.hardware_transmit: only a windows-hardware NIC has hardware "
     "timestamps to restrict"},
    {"CaptureFailuresOfAPtp4winNodeOutsideItsWindows",
     kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4win\"\ncommand_line = \"-m\"\n"
                "cross_timestamps = { failure_probability = 0.1 }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:20: node[2].cross_timestamps.failure_probability: a ptp4win node's captures fail "
     "through [node.windows] cross_timestamp_failure_probability"},
    {"UnknownW32TimeKey",
     kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4win\"\ncommand_line = \"-m\"\n"
                "windows = { w32time = { runing = true } }\n",
     ScenarioErrorKind::kUnknownKey, "bad.toml:20: node[2].windows.w32time.runing: unknown key"},
    {"AdapterRestartOnALibraryNode",
     kNetwork + "[[event]]\nat = 1\nkind = \"capability_change\"\nnode = \"oc\"\n"
                "timestamping = \"software\"\nadapter_restart = \"2 s\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:21: event[0].adapter_restart: node 'oc' is no ptp4win node: only a simulated "
     "Windows restarts its adapter"},
    {"Ptp4winOnAPhc",
     kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4win\"\ncommand_line = \"-m\"\n"
                "timestamping = \"hardware\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:20: node[2].timestamping: a ptp4win node runs on a Windows NIC: "
     "\"windows-hardware\", \"software\" or \"none\""},
    {"UnknownProgram", kNetwork + "[[node]]\nname = \"win\"\nprogram = \"ptp4l\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:18: node[2].program: 'ptp4l' is not one of \"library\", \"ptp4win\""},
    {"TomlSyntax", "[run]\nduration = = 5\n", ScenarioErrorKind::kSyntax,
     "bad.toml:2: TOML syntax error: bad format: unknown value appeared"},
    {"TomlDuplicateKey", "[run]\nseed = 1\nseed = 2\n", ScenarioErrorKind::kSyntax,
     "bad.toml:3: TOML syntax error: value (\"seed\") already exists."},
    {"WrongType", kNetwork + "[[event]]\nat = 1\nkind = \"node_crash\"\nnode = 5\n",
     ScenarioErrorKind::kWrongType,
     "bad.toml:19: event[0].node: expected a string, got an integer"},
    {"WrongTypeOfDuration", "[run]\nduration = true\n", ScenarioErrorKind::kWrongType,
     "bad.toml:2: run.duration: expected a duration (seconds, or a string such as \"500 ns\"), "
     "got a boolean"},
    {"WrongTypeOfTable", "[[node]]\nname = \"n\"\nclock = 5\n", ScenarioErrorKind::kWrongType,
     "bad.toml:3: node[0].clock: expected a table, got an integer"},
    {"UnknownTopLevelKey", "[run]\nseed = 1\n[nodes]\nname = \"x\"\n",
     ScenarioErrorKind::kUnknownKey, "bad.toml:3: nodes: unknown key"},
    {"UnknownKeyInNode", "[[node]]\nname = \"n\"\nfrequency_ppm = 3\n",
     ScenarioErrorKind::kUnknownKey, "bad.toml:3: node[0].frequency_ppm: unknown key"},
    {"UnknownKeyInClock", "[[node]]\nname = \"n\"\n[node.clock]\nphase = \"1 ms\"\n",
     ScenarioErrorKind::kUnknownKey, "bad.toml:4: node[0].clock.phase: unknown key"},
    {"UnknownKeyOfTheVariationKind",
     kNetwork + "variation = { kind = \"exponential\", stddev = \"1 us\" }\n",
     ScenarioErrorKind::kUnknownKey, "bad.toml:16: link[1].variation.stddev: unknown key"},
    {"UnknownOption", "[[node]]\nname = \"n\"\n[node.options]\npriority3 = 1\n",
     ScenarioErrorKind::kBadOption, "bad.toml:4: node[0].options.priority3: unknown option"},
    {"UnsupportedOption", "[[node]]\nname = \"n\"\noptions = { delayAsymmetry = 100 }\n",
     ScenarioErrorKind::kBadOption,
     "bad.toml:3: node[0].options.delayAsymmetry: a linuxptp option that ptpstack does not "
     "support"},
    {"BadOptionValue",
     "[[node]]\nname = \"n\"\n[node.options]\nlogSyncInterval = -3\npriority1 = 256\n",
     ScenarioErrorKind::kBadOption,
     "bad.toml:5: node[0].options.priority1: 256 is out of range [0, 255]"},
    {"UnsupportedOptionValue",
     "[[node]]\nname = \"n\"\noptions = { delay_mechanism = \"COMMON_P2P\" }\n",
     ScenarioErrorKind::kBadOption,
     "bad.toml:3: node[0].options.delay_mechanism: COMMON_P2P is not supported by ptpstack "
     "(supported: E2E, P2P)"},
    {"OptionOfWrongType", "[[node]]\nname = \"n\"\noptions = { priority1 = [1] }\n",
     ScenarioErrorKind::kWrongType,
     "bad.toml:3: node[0].options.priority1: expected a string, a number or a boolean, got an "
     "array"},
    {"TransportContradictsOption",
     "[[node]]\nname = \"n\"\ntransport = \"udpv4\"\noptions = { network_transport = \"UDPv6\" }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:3: node[0].transport: udpv4 contradicts options.network_transport; set one of "
     "them"},
    {"UnicastMasterTableOption", "[[node]]\nname = \"n\"\noptions = { unicast_master_table = 1 }\n",
     ScenarioErrorKind::kBadOption,
     "bad.toml:3: node[0].options.unicast_master_table: give the node's masters with its "
     "unicast_master_table key (node names or addresses)"},
    {"UnicastMasterUnknown",
     kNetwork + "[[node]]\nname = \"c\"\nunicast_master_table = [\"gm\", \"x\"]\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:18: node[2].unicast_master_table: 'x' is neither a node's name nor an IPv4 address "
     "(the node's transport)"},
    {"UnicastMasterOfOtherFamily", "[[node]]\nname = \"n\"\nunicast_master_table = [\"fd00::1\"]\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:3: node[0].unicast_master_table: 'fd00::1' is neither a node's name nor an IPv4 "
     "address (the node's transport)"},
    {"UnicastMasterItself", "[[node]]\nname = \"n\"\nunicast_master_table = [\"n\"]\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:3: node[0].unicast_master_table: 'n' is the node itself"},
    {"UnicastMasterTwice",
     "[[node]]\nname = \"gm\"\n[[node]]\nname = \"n\"\n"
     "unicast_master_table = [\"gm\", \"10.0.0.1\"]\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:5: node[1].unicast_master_table: '10.0.0.1' is listed twice"},
    {"UnicastMastersEmpty", "[[node]]\nname = \"n\"\nunicast_master_table = []\n",
     ScenarioErrorKind::kWrongType,
     "bad.toml:3: node[0].unicast_master_table: expected a non-empty array of node names or "
     "addresses, got an array"},
    {"UnicastQueryIntervalWithoutTable", "[[node]]\nname = \"n\"\nunicast_log_query_interval = 1\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:3: node[0].unicast_log_query_interval: needs the node's unicast_master_table (the "
     "table it is the query interval of)"},
    {"UnicastQueryIntervalOutOfRange",
     "[[node]]\nname = \"n\"\nunicast_master_table = [\"10.0.0.9\"]\n"
     "unicast_log_query_interval = 128\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:4: node[0].unicast_log_query_interval: 128 is out of range [-128, 127]"},
    {"UnicastMasterNotAString", "[[node]]\nname = \"n\"\nunicast_master_table = [1]\n",
     ScenarioErrorKind::kWrongType,
     "bad.toml:3: node[0].unicast_master_table: expected node names or addresses (strings), got "
     "an integer"},
    {"DuplicateNode", kNetwork + "[[node]]\nname = \"oc\"\n", ScenarioErrorKind::kDuplicateName,
     "bad.toml:17: node[2].name: duplicate node name 'oc'"},
    {"DuplicateNodeFromAGroup", "[[node]]\nname = \"a\"\ncount = 2\n[[node]]\nname = \"a-002\"\n",
     ScenarioErrorKind::kDuplicateName, "bad.toml:5: node[1].name: duplicate node name 'a-002'"},
    {"SwitchNamedLikeANode", kNetwork + "[[switch]]\nname = \"gm\"\n",
     ScenarioErrorKind::kDuplicateName,
     "bad.toml:17: switch[1].name: 'gm' already names a node or a switch"},
    {"DuplicateLinkName",
     kNetwork + "[[node]]\nname = \"x\"\n[[link]]\nname = \"gm-sw\"\na = \"x\"\nb = \"sw\"\n",
     ScenarioErrorKind::kDuplicateName, "bad.toml:19: link[2].name: duplicate link name 'gm-sw'"},
    {"LinkToUnknownNode", kNetwork + "[[link]]\na = \"gm\"\nb = \"sw9\"\n",
     ScenarioErrorKind::kUnknownReference, "bad.toml:18: link[2].b: unknown node or switch 'sw9'"},
    {"HostWithTwoLinks",
     kNetwork + "[[switch]]\nname = \"sw2\"\n[[link]]\na = \"gm\"\nb = \"sw2\"\n",
     ScenarioErrorKind::kBadTopology,
     "bad.toml:19: link[2].a: node 'gm' already has a link (a node has one NIC)"},
    {"Loop",
     kNetwork + "[[switch]]\nname = \"s2\"\n[[link]]\na = \"sw\"\nb = \"s2\"\n"
                "[[link]]\na = \"s2\"\nb = \"sw\"\n",
     ScenarioErrorKind::kBadTopology,
     "bad.toml:23: link[3].b: 's2' and 'sw' are already connected: the network must be a tree"},
    {"SelfLink", "[[switch]]\nname = \"s\"\n[[link]]\na = \"s\"\nb = \"s\"\n",
     ScenarioErrorKind::kBadTopology, "bad.toml:5: link[0].b: a link from 's' to itself"},
    {"MissingLinkEnd", "[[switch]]\nname = \"s\"\n[[link]]\na = \"s\"\n",
     ScenarioErrorKind::kMissingKey, "bad.toml:3: link[0].b: missing (required)"},
    {"EventOnUnknownNode", kNetwork + "[[event]]\nat = 1\nkind = \"node_crash\"\nnode = \"gm2\"\n",
     ScenarioErrorKind::kUnknownReference, "bad.toml:19: event[0].node: unknown node 'gm2'"},
    {"EventOnASwitch", kNetwork + "[[event]]\nat = 1\nkind = \"node_crash\"\nnode = \"sw\"\n",
     ScenarioErrorKind::kUnknownReference,
     "bad.toml:19: event[0].node: 'sw' is a switch, not a node"},
    {"EventOnUnknownLink", kNetwork + "[[event]]\nat = 1\nkind = \"link_down\"\nlink = \"gm-oc\"\n",
     ScenarioErrorKind::kUnknownReference, "bad.toml:19: event[0].link: unknown link 'gm-oc'"},
    {"EventAfterDuration",
     kNetwork + "[[event]]\nat = \"6 min\"\nkind = \"node_crash\"\nnode = \"gm\"\n",
     ScenarioErrorKind::kEventOutOfRun,
     "bad.toml:17: event[0].at: after the end of the run (duration 300.000000 s)"},
    {"EventWithoutTime", kNetwork + "[[event]]\nkind = \"node_crash\"\nnode = \"gm\"\n",
     ScenarioErrorKind::kMissingKey, "bad.toml:16: event[0].at: missing (required)"},
    {"UnknownEventKind", kNetwork + "[[event]]\nat = 1\nkind = \"meteor\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:18: event[0].kind: 'meteor' is not one of \"link_down\", \"link_up\", "
     "\"node_crash\", \"node_restart\", \"delay_spike\", \"loss_burst\", \"capability_change\", "
     "\"priority_change\""},
    {"EventPriorityOutOfRange",
     kNetwork + "[[event]]\nat = 1\nkind = \"priority_change\"\nnode = \"gm\"\npriority1 = 300\n",
     ScenarioErrorKind::kBadOption,
     "bad.toml:20: event[0].priority1: 300 is out of range [0, 255]"},
    {"HardwareTimestampsWithoutANicClock",
     kNetwork + "[[event]]\nat = 1\nkind = \"capability_change\"\nnode = \"oc\"\n"
                "timestamping = \"hardware\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:20: event[0].timestamping: node 'oc' has no NIC clock for hardware timestamps"},
    {"NegativeDuration", "[run]\nduration = -5\n", ScenarioErrorKind::kBadValue,
     "bad.toml:2: run.duration: must be greater than zero"},
    {"NegativePropagation", kNetwork + "propagation = \"-1 us\"\n", ScenarioErrorKind::kBadValue,
     "bad.toml:16: link[1].propagation: must not be negative"},
    {"MalformedDuration", "[run]\nduration = \"5 minutes\"\n", ScenarioErrorKind::kBadValue,
     "bad.toml:2: run.duration: '5 minutes' is not a duration: give seconds as a number, or a "
     "string such as \"500 ns\" (units ps, ns, us, ms, s, min, h)"},
    {"SubPicosecondDuration", "[run]\nduration = \"1.5 ps\"\n", ScenarioErrorKind::kBadValue,
     "bad.toml:2: run.duration: '1.5 ps' is not a duration: give seconds as a number, or a "
     "string such as \"500 ns\" (units ps, ns, us, ms, s, min, h)"},
    {"ProbabilityOutOfRange", kNetwork + "loss = { kind = \"bernoulli\", probability = 1.5 }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:16: link[1].loss.probability: 1.5 is out of range [0, 1]"},
    {"FrozenGilbertElliott", kNetwork + "loss = { kind = \"gilbert_elliott\" }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:16: link[1].loss.good_to_bad: good_to_bad and bad_to_good must not both be 0 "
     "(the chain would never move)"},
    {"ReorderOnAnInOrderLink", kNetwork + "reorder_probability = 0.1\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:16: link[1].reorder_probability: reorder_probability > 0 needs in_order = false "
     "(an in-order link never reorders)"},
    {"AsymmetryBeyondThePropagation", kNetwork + "propagation = \"1 us\"\nasymmetry = \"2 us\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:17: link[1].asymmetry: makes the b_to_a direction's fixed delay (propagation + "
     "asymmetry) negative"},
    {"UnknownTimestampingKind", "[[node]]\nname = \"n\"\ntimestamping = \"ptp\"\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:3: node[0].timestamping: 'ptp' is not one of \"hardware\", \"windows-hardware\", "
     "\"software\", \"none\""},
    {"NicClockOnASoftwareNode",
     "[[node]]\nname = \"n\"\ntimestamping = \"software\"\nnic_clock = { frequency_hz = 1 }\n",
     ScenarioErrorKind::kBadValue,
     "bad.toml:4: node[0].nic_clock: only nodes with hardware or windows-hardware timestamping "
     "have a NIC clock"},
    {"HardwareTimeStampingOptionOnASoftwareNode",
     "[[node]]\nname = \"n\"\ntimestamping = \"none\"\noptions = { time_stamping = \"hardware\" "
     "}\n",
     ScenarioErrorKind::kBadOption,
     "bad.toml:4: node[0].options.time_stamping: hardware timestamps need a node with "
     "timestamping = \"hardware\" or \"windows-hardware\", not \"none\""},
    {"CountOutOfRange", "[[node]]\nname = \"n\"\ncount = 0\n", ScenarioErrorKind::kBadValue,
     "bad.toml:3: node[0].count: 0 is out of range [1, 100000]"},
    {"EmptyName", "[[node]]\nname = \"\"\n", ScenarioErrorKind::kBadValue,
     "bad.toml:2: node[0].name: must not be empty"},
    {"NodeNotATable", "node = [1, 2]\n", ScenarioErrorKind::kWrongType,
     "bad.toml:1: node[0]: expected a table, got an integer"},
};

INSTANTIATE_TEST_SUITE_P(EveryKind, ScenarioBadFile, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<ErrorCase>& case_info) {
                           return case_info.param.name;
                         });

TEST(ScenarioFileErrors, AMissingFileIsAnError) {
  const auto scenario = parse_scenario_file("/nonexistent/dir/x.toml");
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ScenarioErrorKind::kCannotReadFile);
  EXPECT_EQ(scenario.error().file, "/nonexistent/dir/x.toml");
}

}  // namespace
}  // namespace ptp::ptpsim
