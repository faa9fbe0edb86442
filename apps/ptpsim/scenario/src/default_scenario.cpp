// The built-in default scenario; apps/ptpsim/scenarios/default.toml says the same, and a test
// holds the two equal.
#include "ptp/ptpsim/default_scenario.h"

#include <string_view>

#include "ptp/app/linuxptp_config_parser.h"

namespace ptp::ptpsim {
namespace {

// Crystals of ordinary quality: a few ppm off, with the white and random-walk frequency noise
// of a cheap XO (Allan deviation at 1 s).
OscillatorModel crystal(double frequency_error_ppm, SimDuration phase_offset) {
  OscillatorModel oscillator;
  oscillator.initial_phase_offset = phase_offset;
  oscillator.initial_frequency_error_ppm = frequency_error_ppm;
  oscillator.white_fm_adev_at_1s = 2e-10;
  oscillator.random_walk_fm_adev_at_1s = 1e-11;
  return oscillator;
}

// Options as a scenario file's [node.options] gives them: through the option table.
void set(app::LinuxPtpConfig& options, std::string_view name, std::string_view value) {
  auto stored = app::set_option(options, name, value, app::SettingOrigin::kGlobalSection);
  (void)stored;  // constant, valid values (the default-scenario test parses the same as a file)
}

NodeModel node(std::string_view name, TimestampingKind timestamping, OscillatorModel clock) {
  NodeModel model;
  model.name = std::string(name);
  model.timestamping = timestamping;
  model.clock = clock;
  model.nic_clock.frequency_hz =
      timestamping == TimestampingKind::kHardware ? 1'000'000'000 : 125'000'000;
  // Eight Sync and Delay_Req messages a second: quick to lock, and a busy enough network.
  set(model.options, "logSyncInterval", "-3");
  set(model.options, "logMinDelayReqInterval", "-3");
  // ptpstack's default servo, envelope, named because a ptp4l-like node's default is ptp4l's pi:
  // it fits the floor of the delay under the switch's queueing instead of averaging the queueing
  // in (docs/servo.md). The ptp4win nodes run it as ptp4win's own default.
  set(model.options, "clock_servo", "envelope");
  return model;
}

// A Windows machine running ptp4win with the options the other clocks get through `options`, on
// its command line, and its node name as the log lines' tag.
NodeModel ptp4win_node(std::string_view name, TimestampingKind timestamping,
                       OscillatorModel clock) {
  NodeModel model = node(name, timestamping, clock);
  model.options = app::LinuxPtpConfig{};
  model.program = NodeProgram::kPtp4win;
  model.command_line =
      "-i Ethernet -m -s --logSyncInterval -3 --logMinDelayReqInterval -3 "
      "--message_tag " +
      std::string(name);
  return model;
}

LinkModel cable(std::string_view node_name) {
  LinkModel link;
  link.a = std::string(node_name);
  link.b = "sw";
  link.name = std::string(node_name).append("-sw");
  // 100 m of copper: about 500 ns each way.
  link.a_to_b.delay.propagation = SimDuration::nanoseconds(500);
  link.b_to_a.delay.propagation = SimDuration::nanoseconds(500);
  return link;
}

}  // namespace

Scenario default_scenario() {
  Scenario scenario;
  scenario.description =
      "A grandmaster and four ordinary clocks (hardware, Windows-style hardware, software and no "
      "timestamps) behind one switch; the grandmaster fails at minute 5 and oc-hw takes over.";
  scenario.run.duration = SimDuration::seconds(600);
  scenario.run.seed = 1;
  scenario.run.sample_interval = SimDuration::seconds(1);

  NodeModel gm = node("gm", TimestampingKind::kHardware, crystal(2.0, SimDuration()));
  gm.nic_clock.crystal = crystal(-1.0, SimDuration());
  set(gm.options, "priority1", "10");
  scenario.nodes.push_back(gm);

  // The backup: second best by priority1, not slaveOnly, so it takes over when gm fails.
  NodeModel hw =
      node("oc-hw", TimestampingKind::kHardware, crystal(-15.0, SimDuration::milliseconds(3)));
  hw.nic_clock.crystal = crystal(8.0, SimDuration::microseconds(-700));
  set(hw.options, "priority1", "20");
  scenario.nodes.push_back(hw);

  NodeModel win = ptp4win_node("oc-win", TimestampingKind::kWindowsHardware,
                               crystal(12.0, SimDuration::milliseconds(-2)));
  win.nic_clock.crystal = crystal(-6.0, SimDuration::milliseconds(40));
  scenario.nodes.push_back(win);

  scenario.nodes.push_back(ptp4win_node("oc-sw", TimestampingKind::kSoftware,
                                        crystal(25.0, SimDuration::milliseconds(5))));
  scenario.nodes.push_back(ptp4win_node("oc-none", TimestampingKind::kNone,
                                        crystal(-30.0, SimDuration::milliseconds(-1))));

  SwitchModel switch_model;
  switch_model.name = "sw";
  // Store-and-forward residence with some queueing: the packet delay variation PTP must filter.
  switch_model.residence.propagation = SimDuration::microseconds(1);
  switch_model.residence.variation = ExponentialDelayVariationSpec{SimDuration::nanoseconds(200)};
  scenario.switches.push_back(switch_model);

  for (const NodeModel& each : scenario.nodes) scenario.links.push_back(cable(each.name));

  scenario.events.push_back({SimDuration::seconds(300), NodeCrashEvent{"gm", std::nullopt}});
  return scenario;
}

}  // namespace ptp::ptpsim
