// What the scenario format says: durations with units, defaults, node groups, per-direction
// link settings, the option table's values, and events expanded over node groups.
#include <gtest/gtest.h>

#include <string>

#include "ptp/ptpsim/scenario_parser.h"

namespace ptp::ptpsim {
namespace {

Result<Scenario, ScenarioError> parse(const std::string& text) {
  return parse_scenario(text, "s.toml");
}

std::string error_of(const Result<Scenario, ScenarioError>& result) {
  return result ? std::string("(parsed)") : result.error().message();
}

TEST(ScenarioParser, EmptyFileIsAnEmptyScenarioWithTheRunDefaults) {
  const auto scenario = parse("");
  ASSERT_TRUE(scenario) << error_of(scenario);
  EXPECT_EQ(scenario->run, RunSettings{});
  EXPECT_TRUE(scenario->nodes.empty());
}

TEST(ScenarioParser, DurationsAreSecondsOrTextWithAUnitExactToThePicosecond) {
  const auto scenario = parse(
      "[run]\nduration = 90\nsample_interval = 0.25\n"
      "[[node]]\nname = \"n\"\n"
      "clock = { initial_phase_offset = \"-1.5 us\", noise_update_interval = \"10ms\" }\n"
      "paths = { hardware_jitter_stddev = \"2.5 ns\" }\n"
      "[[event]]\nat = \"1.5 min\"\nkind = \"node_crash\"\nnode = \"n\"\nduration = \"1 h\"\n");
  ASSERT_TRUE(scenario) << error_of(scenario);
  EXPECT_EQ(scenario->run.duration, SimDuration::seconds(90));
  EXPECT_EQ(scenario->run.sample_interval, SimDuration::milliseconds(250));
  EXPECT_EQ(scenario->nodes[0].clock.initial_phase_offset, SimDuration::nanoseconds(-1500));
  EXPECT_EQ(scenario->nodes[0].clock.noise_update_interval, SimDuration::milliseconds(10));
  EXPECT_EQ(scenario->nodes[0].paths.hardware_jitter_stddev, SimDuration::picoseconds(2500));
  EXPECT_EQ(scenario->events[0].at, SimDuration::seconds(90));
  EXPECT_EQ(scenario->events[0].action,
            EventAction(NodeCrashEvent{"n", SimDuration::seconds(3600)}));
}

TEST(ScenarioParser, UnicastMastersByNameOrAddressBecomeTheNodesTable) {
  const auto scenario = parse(
      "[[node]]\nname = \"oc\"\nunicast_master_table = [\"gm\", \"10.9.8.7\"]\n"
      "unicast_log_query_interval = 2\n"
      "[[node]]\nname = \"gm\"\noptions = { unicast_listen = true }\n"
      "[[node]]\nname = \"v6\"\ntransport = \"udpv6\"\nunicast_master_table = [\"gm\"]\n");
  ASSERT_TRUE(scenario) << error_of(scenario);
  const app::LinuxPtpConfig& oc = scenario->nodes[0].options;
  EXPECT_EQ(oc.port.unicast_master_table.value, 1);
  ASSERT_EQ(oc.unicast_master_tables.size(), 1U);
  ASSERT_EQ(oc.unicast_master_tables[0].addresses.size(), 2U);
  EXPECT_EQ(oc.unicast_master_tables[0].addresses[0].address, hal::IpAddress::v4(10, 0, 0, 2));
  EXPECT_EQ(oc.unicast_master_tables[0].addresses[0].address,
            node_address(1, hal::AddressFamily::kIpv4));
  EXPECT_EQ(oc.unicast_master_tables[0].addresses[1].address, hal::IpAddress::v4(10, 9, 8, 7));
  EXPECT_EQ(oc.unicast_master_tables[0].log_query_interval, 2);
  EXPECT_TRUE(scenario->nodes[1].options.port.unicast_listen.value);
  EXPECT_TRUE(scenario->nodes[1].options.unicast_master_tables.empty());
  const app::LinuxPtpConfig& v6 = scenario->nodes[2].options;
  ASSERT_EQ(v6.unicast_master_tables.size(), 1U);
  EXPECT_EQ(v6.unicast_master_tables[0].addresses[0].address,
            node_address(1, hal::AddressFamily::kIpv6));
  EXPECT_EQ(v6.unicast_master_tables[0].addresses[0].transport, app::NetworkTransport::kUdpV6);
  EXPECT_EQ(v6.unicast_master_tables[0].log_query_interval, 0);  // ptp4l's default
}

TEST(ScenarioParser, NodeKeysMapOntoTheModel) {
  const auto scenario = parse(R"(
[[node]]
name = "w"
timestamping = "windows-hardware"
transport = "udpv6"
counter_frequency_hz = 24000000
max_frequency_adjustment_ppb = 100000
[node.clock]
initial_frequency_error_ppm = -12.5
white_fm_adev_at_1s = 1e-9
random_walk_fm_adev_at_1s = 3e-11
sinusoidal_drift = { amplitude_ppm = 0.5, period = "20 min", initial_phase_radians = 1.0 }
ramp = { rate_ppm_per_minute = 0.1, start = 60, end = 120 }
[node.nic_clock]
frequency_hz = 250000000
initial_frequency_error_ppm = 3
[node.cross_timestamps]
min_window = "1 us"
max_window = "3 us"
wide_probability = 0.05
wide_window = "100 us"
failure_probability = 0.2
[node.paths]
transmit_timestamp_loss_probability = 0.01
receive_stack = { mean = "25 us", jitter_stddev = "4 us", tail_probability = 0.02, tail_scale = "5 us", tail_shape = 2.0 }
[node.options]
priority1 = 100
step_threshold = 0.001
time_stamping = "hardware"
clock_servo = "kalman"
free_running = true
)");
  ASSERT_TRUE(scenario) << error_of(scenario);
  const NodeModel& node = scenario->nodes.at(0);
  EXPECT_EQ(node.timestamping, TimestampingKind::kWindowsHardware);
  EXPECT_EQ(node.counter_frequency_hz, 24'000'000U);
  EXPECT_EQ(node.max_frequency_adjustment_ppb, 100'000);
  EXPECT_EQ(node.clock.initial_frequency_error_ppm, -12.5);
  EXPECT_EQ(node.clock.white_fm_adev_at_1s, 1e-9);
  EXPECT_EQ(node.clock.random_walk_fm_adev_at_1s, 3e-11);
  EXPECT_EQ(node.clock.sinusoidal_drift.period, SimDuration::seconds(1200));
  EXPECT_EQ(node.clock.ramp.end, SimDuration::seconds(120));
  EXPECT_EQ(node.nic_clock.frequency_hz, 250'000'000U);
  EXPECT_EQ(node.nic_clock.crystal.initial_frequency_error_ppm, 3.0);
  EXPECT_EQ(node.cross_timestamps.wide_window, SimDuration::microseconds(100));
  EXPECT_EQ(node.cross_timestamps.failure_probability, 0.2);
  EXPECT_EQ(node.paths.receive_stack.mean, SimDuration::microseconds(25));
  EXPECT_EQ(node.paths.receive_stack.tail_shape, 2.0);
  EXPECT_EQ(node.paths.receive_application, TimestampPathModel{}.receive_application);
  EXPECT_EQ(node.options.clock.priority1.value, 100);
  EXPECT_EQ(node.options.clock.step_threshold_seconds.value, 0.001);
  EXPECT_EQ(node.options.clock.clock_servo.value, app::ClockServo::kKalman);
  EXPECT_TRUE(node.options.clock.free_running.value);
  EXPECT_EQ(node.options.port.network_transport.value, app::NetworkTransport::kUdpV6);
  EXPECT_EQ(node.options.clock.priority2.origin, app::SettingOrigin::kDefault);
}

TEST(ScenarioParser, NicClockDefaultsFollowTheTimestampingKind) {
  const auto scenario = parse(
      "[[node]]\nname = \"phc\"\n[[node]]\nname = \"win\"\ntimestamping = \"windows-hardware\"\n");
  ASSERT_TRUE(scenario) << error_of(scenario);
  EXPECT_EQ(scenario->nodes[0].timestamping, TimestampingKind::kHardware);  // the default
  EXPECT_EQ(scenario->nodes[0].nic_clock.frequency_hz, 1'000'000'000U);     // a PHC counts ns
  EXPECT_EQ(scenario->nodes[1].nic_clock.frequency_hz, 125'000'000U);       // 8 ns ticks
}

TEST(ScenarioParser, CountDeclaresAGroupOfIdenticalNodesWithGeneratedNames) {
  const auto scenario = parse(
      "[[node]]\nname = \"oc\"\ncount = 12\noptions = { priority2 = 7 }\n"
      "[[switch]]\nname = \"sw\"\n"
      "[[link]]\na = \"oc\"\nb = \"sw\"\npropagation = \"1 us\"\n"
      "[[event]]\nat = 10\nkind = \"priority_change\"\nnode = \"oc\"\npriority1 = 3\n");
  ASSERT_TRUE(scenario) << error_of(scenario);
  ASSERT_EQ(scenario->nodes.size(), 12U);
  EXPECT_EQ(scenario->nodes.front().name, "oc-001");
  EXPECT_EQ(scenario->nodes.back().name, "oc-012");
  EXPECT_EQ(scenario->nodes.back().group, "oc");
  EXPECT_EQ(scenario->nodes.back().options.clock.priority2.value, 7);
  ASSERT_EQ(scenario->links.size(), 12U);
  EXPECT_EQ(scenario->links[4].name, "oc-005-sw");
  EXPECT_EQ(scenario->links[4].a, "oc-005");
  EXPECT_EQ(scenario->links[4].a_to_b.delay.propagation, SimDuration::microseconds(1));
  ASSERT_EQ(scenario->events.size(), 12U);
  EXPECT_EQ(scenario->events[11].action,
            EventAction(PriorityChangeEvent{"oc-012", std::uint8_t{3}, std::nullopt}));

  const auto thousand = parse("[[node]]\nname = \"n\"\ncount = 1000\n");
  ASSERT_TRUE(thousand);
  EXPECT_EQ(thousand->nodes[0].name, "n-0001");
  EXPECT_EQ(thousand->nodes[999].name, "n-1000");
}

TEST(ScenarioParser, SwitchPortsQueueInOrderUnlessInOrderIsFalse) {
  const auto scenario = parse(
      "[[switch]]\nname = \"fifo\"\n"
      "[[switch]]\nname = \"loose\"\nin_order = false\n");
  ASSERT_TRUE(scenario) << error_of(scenario);
  ASSERT_EQ(scenario->switches.size(), 2U);
  EXPECT_TRUE(scenario->switches[0].in_order);
  EXPECT_FALSE(scenario->switches[1].in_order);
  EXPECT_FALSE(parse("[[switch]]\nname = \"s\"\nin_order = \"no\"\n").has_value());
}

TEST(ScenarioParser, LinkKeysSetBothDirectionsAndDirectionTablesOverrideThem) {
  const auto scenario = parse(R"(
[[node]]
name = "a"
[[node]]
name = "b"
[[link]]
a = "a"
b = "b"
propagation = "10 us"
asymmetry = "2 us"
variation = { kind = "normal", mean = "1 us", stddev = "200 ns" }
loss = { kind = "bernoulli", probability = 0.1 }
[link.b_to_a]
variation = { kind = "pareto", scale = "50 ns", shape = 1.8 }
loss = { kind = "gilbert_elliott", good_to_bad = 0.01, bad_to_good = 0.2 }
in_order = false
reorder_probability = 0.05
reorder_hold_back = "20 us"
duplicate_probability = 0.001
)");
  ASSERT_TRUE(scenario) << error_of(scenario);
  const LinkModel& link = scenario->links.at(0);
  EXPECT_EQ(link.name, "a-b");
  EXPECT_EQ(link.a_to_b.delay.propagation, SimDuration::microseconds(10));
  EXPECT_EQ(link.a_to_b.delay.asymmetry, SimDuration::microseconds(2));
  EXPECT_EQ(link.b_to_a.delay.asymmetry, SimDuration::microseconds(-2));
  EXPECT_EQ(link.a_to_b.delay.variation,
            DelayVariationSpec(NormalDelayVariationSpec{SimDuration::microseconds(1),
                                                        SimDuration::nanoseconds(200)}));
  EXPECT_EQ(link.b_to_a.delay.variation,
            DelayVariationSpec(ParetoDelayVariationSpec{SimDuration::nanoseconds(50), 1.8}));
  EXPECT_EQ(link.a_to_b.loss, RandomLossSpec(BernoulliLossSpec{0.1}));
  EXPECT_EQ(link.b_to_a.loss, RandomLossSpec(GilbertElliottLossSpec{0.01, 0.2, 0.0, 1.0}));
  EXPECT_TRUE(link.a_to_b.in_order);
  EXPECT_FALSE(link.b_to_a.in_order);
  EXPECT_EQ(link.b_to_a.reorder_hold_back, SimDuration::microseconds(20));
  EXPECT_EQ(link.b_to_a.duplicate_probability, 0.001);
}

TEST(ScenarioParser, ReadsEveryEventKind) {
  const auto scenario = parse(R"(
[run]
duration = 100
[[node]]
name = "n"
[[switch]]
name = "sw"
[[link]]
a = "n"
b = "sw"
[[event]]
at = 1
kind = "link_down"
link = "n-sw"
[[event]]
at = 2
kind = "link_up"
link = "n-sw"
[[event]]
at = 3
kind = "node_crash"
node = "n"
[[event]]
at = 4
kind = "node_restart"
node = "n"
[[event]]
at = 5
kind = "delay_spike"
link = "n-sw"
direction = "b_to_a"
duration = "2 s"
extra = "1 ms"
[[event]]
at = 6
kind = "loss_burst"
link = "n-sw"
duration = 3
probability = 0.5
[[event]]
at = 7
kind = "capability_change"
node = "n"
timestamping = "none"
[[event]]
at = 100
kind = "priority_change"
node = "n"
priority2 = 200
)");
  ASSERT_TRUE(scenario) << error_of(scenario);
  ASSERT_EQ(scenario->events.size(), 8U);
  EXPECT_EQ(scenario->events[0].action, EventAction(LinkDownEvent{"n-sw", std::nullopt}));
  EXPECT_EQ(scenario->events[1].action, EventAction(LinkUpEvent{"n-sw"}));
  EXPECT_EQ(scenario->events[2].action, EventAction(NodeCrashEvent{"n", std::nullopt}));
  EXPECT_EQ(scenario->events[3].action, EventAction(NodeRestartEvent{"n"}));
  EXPECT_EQ(scenario->events[4].action,
            EventAction(DelaySpikeEvent{"n-sw", LinkDirectionSelector::kBToA,
                                        SimDuration::seconds(2), SimDuration::milliseconds(1)}));
  EXPECT_EQ(scenario->events[5].action,
            EventAction(LossBurstEvent{"n-sw", LinkDirectionSelector::kBoth,
                                       SimDuration::seconds(3), 0.5}));
  EXPECT_EQ(scenario->events[6].action,
            EventAction(CapabilityChangeEvent{"n", TimestampSourceSpec::kNone, std::nullopt}));
  EXPECT_EQ(scenario->events[7].at, SimDuration::seconds(100));  // at the very end: allowed
  EXPECT_EQ(scenario->events[7].action,
            EventAction(PriorityChangeEvent{"n", std::nullopt, std::uint8_t{200}}));
}

}  // namespace
}  // namespace ptp::ptpsim
