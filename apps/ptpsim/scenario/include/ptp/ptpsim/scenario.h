// The ptpsim scenario model: what a scenario file says, as plain data. Each struct mirrors one
// hal-sim configuration type field for field, with the same names and units (durations as
// sim::SimDuration, frequencies in ppm or ppb as named), so that building the simulated world is
// a one-to-one copy; the comment on each struct names its hal-sim counterpart. Nodes with
// `count` are already expanded, links and events on a node group already multiplied, every
// default filled in and every reference checked: what parse_scenario() returns is runnable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ptp/app/linuxptp_config.h"
#include "ptp/hal/ip_address.h"
#include "ptp/sim/sim_time.h"

namespace ptp::ptpsim {

using sim::SimDuration;

// [run]
struct RunSettings {
  SimDuration duration = SimDuration::seconds(600);
  std::uint64_t seed = 1;
  // How often the true and measured offsets of every node are sampled for the CSV and the
  // summary's statistics.
  SimDuration sample_interval = SimDuration::seconds(1);
  friend bool operator==(const RunSettings&, const RunSettings&) = default;
};

// -> sim::SinusoidalFrequencyDrift
struct SinusoidalDriftModel {
  double amplitude_ppm = 0;
  SimDuration period = SimDuration::seconds(600);
  double initial_phase_radians = 0;
  friend bool operator==(const SinusoidalDriftModel&, const SinusoidalDriftModel&) = default;
};

// -> sim::LinearFrequencyRamp (start and end are times since the start of the run)
struct FrequencyRampModel {
  double rate_ppm_per_minute = 0;
  SimDuration start;
  std::optional<SimDuration> end;  // none: ramps for ever
  friend bool operator==(const FrequencyRampModel&, const FrequencyRampModel&) = default;
};

// -> sim::OscillatorConfig
struct OscillatorModel {
  SimDuration initial_phase_offset;
  double initial_frequency_error_ppm = 0;
  double white_fm_adev_at_1s = 0;
  double random_walk_fm_adev_at_1s = 0;
  SimDuration noise_update_interval = SimDuration::milliseconds(1);
  SinusoidalDriftModel sinusoidal_drift;
  FrequencyRampModel ramp;
  friend bool operator==(const OscillatorModel&, const OscillatorModel&) = default;
};

// What the node's NIC offers, and so which clock its servo disciplines:
enum class TimestampingKind : std::uint8_t {
  kHardware,         // hardware timestamps from an adjustable NIC clock (a Linux PHC)
  kWindowsHardware,  // hardware timestamps in free-running NIC ticks, mapped to the system
                     // counter through cross-timestamps; the system clock is disciplined
  kSoftware,         // the OS's receive/transmit timestamps; the system clock is disciplined
  kNone,             // no timestamps: the application reads its own clock
};

// What runs on the node.
enum class NodeProgram : std::uint8_t {
  kLibrary,  // the library's clock assembly, configured by ptp4l's `options`
  kPtp4win,  // ptp4win's own code (its parser, Session, the Windows HAL) on a simulated Windows
};

// -> the NIC part of sim::SimHostConfig: has_nic_clock, nic_crystal, nic_clock
// (SimHardwareClockConfig; adjustable follows from the kind: kHardware only).
struct NicClockModel {
  std::uint64_t frequency_hz = 1'000'000'000;  // 1 GHz for kHardware, 125 MHz (8 ns) otherwise
  OscillatorModel crystal;
  friend bool operator==(const NicClockModel&, const NicClockModel&) = default;
};

// -> sim::LatencyModel
struct LatencyModelSpec {
  SimDuration mean;
  SimDuration jitter_stddev;
  double tail_probability = 0;
  SimDuration tail_scale = SimDuration::microseconds(10);
  double tail_shape = 1.5;
  friend bool operator==(const LatencyModelSpec&, const LatencyModelSpec&) = default;
};

// -> sim::TimestampPathConfig, with its defaults
struct TimestampPathModel {
  LatencyModelSpec receive_stack{SimDuration::microseconds(20), SimDuration::microseconds(5), 0.01};
  LatencyModelSpec receive_application{SimDuration::microseconds(30), SimDuration::microseconds(20),
                                       0.02};
  LatencyModelSpec transmit_stack{SimDuration::microseconds(15), SimDuration::microseconds(5),
                                  0.01};
  LatencyModelSpec transmit_driver{SimDuration::microseconds(5), SimDuration::microseconds(1)};
  LatencyModelSpec transmit_report{SimDuration::microseconds(50), SimDuration::microseconds(10)};
  SimDuration hardware_jitter_stddev = SimDuration::picoseconds(2000);
  double transmit_timestamp_loss_probability = 0;
  friend bool operator==(const TimestampPathModel&, const TimestampPathModel&) = default;
};

// -> sim::CrossTimestampConfig
struct CrossTimestampModel {
  SimDuration min_window = SimDuration::nanoseconds(500);
  SimDuration max_window = SimDuration::microseconds(2);
  double wide_probability = 0.01;
  SimDuration wide_window = SimDuration::microseconds(50);
  double failure_probability = 0;  // program = "library" only
  friend bool operator==(const CrossTimestampModel&, const CrossTimestampModel&) = default;
};

// -> PortConfig::local_time_properties: the flags this clock announces as a grandmaster beyond
// what ptp4l's options set (ptp4l sets them through pmc's GRANDMASTER_SETTINGS_NP).
struct TimePropertiesModel {
  bool leap61 = false;
  bool leap59 = false;
  bool current_utc_offset_valid = false;
  bool time_traceable = false;
  bool frequency_traceable = false;
  friend bool operator==(const TimePropertiesModel&, const TimePropertiesModel&) = default;
};

// -> simwin::SimW32TimeConfig: the Windows Time service, when it runs beside ptp4win.
struct W32TimeModel {
  bool running = false;
  SimDuration poll_interval = SimDuration::seconds(64);
  SimDuration first_poll = SimDuration::seconds(16);
  SimDuration source_noise = SimDuration::microseconds(500);  // its time source's error (std dev)
  double max_slew_ppm = 100;
  SimDuration update_interval;  // zero: it adjusts at its polls only
  friend bool operator==(const W32TimeModel&, const W32TimeModel&) = default;
};

// -> simwin::SimWindowsConfig, for program = "ptp4win" nodes: what the simulated Windows offers
// and the faults it injects (docs/simulated-windows.md).
struct WindowsModel {
  bool timestamping_api = true;        // IP Helper's timestamping functions (build 20348+)
  bool precise_adjustment_api = true;  // Get/SetSystemTimeAdjustmentPrecise
  bool socket_timestamping = true;     // SIO_TIMESTAMPING / SIO_GET_TX_TIMESTAMP answer
  // windows-hardware only. False: the NIC time-stamps in hardware on receive only, and the OS
  // time-stamps both directions in software (a mixed NIC).
  bool hardware_transmit = true;
  double tx_timestamp_never_reported_probability = 0;
  double cross_timestamp_failure_probability = 0;
  W32TimeModel w32time;
  friend bool operator==(const WindowsModel&, const WindowsModel&) = default;
};

// -> sim::SimHostConfig, plus the ptp4l-style options of the ordinary clock it runs.
struct NodeModel {
  std::string name;
  std::string group;  // the [[node]] entry's name when it was declared with `count`, else empty
  TimestampingKind timestamping = TimestampingKind::kHardware;
  // When the node is switched on (since the start of the run): until then it is offline and runs
  // no protocol, though its clocks run from time zero (clknetsim's nodeX_start).
  SimDuration start_at;
  OscillatorModel clock;  // host_crystal: drives the counter (QPC) and the system clock
  std::uint64_t counter_frequency_hz = 10'000'000;
  std::int64_t max_frequency_adjustment_ppb = 500'000;  // system_clock.max_frequency_adjustment
  NicClockModel nic_clock;                              // used by kHardware and kWindowsHardware
  CrossTimestampModel cross_timestamps;
  TimestampPathModel paths;
  TimePropertiesModel time_properties;
  // ptp4l's options, checked through ptp_app_common's option table. The transport
  // (options.port.network_transport) is the node's `transport` key.
  app::LinuxPtpConfig options;
  NodeProgram program = NodeProgram::kLibrary;
  // kPtp4win: ptp4win's arguments without the program name ("-i Ethernet -m -s"), split at
  // blanks (double quotes group); parsed by ptp4win's own parser when the world is built.
  std::string command_line;
  // kPtp4win: the simulated Windows under it.
  WindowsModel windows;
  friend bool operator==(const NodeModel&, const NodeModel&) = default;
};

// The node's addresses in the simulated network, from its index in Scenario::nodes: 10.x.y.z
// and fd00::x:y:z with x.y.z the index plus one. Stable, so that a scenario can name them.
hal::IpAddress node_address(std::size_t node_index, hal::AddressFamily family);
// The family of the node's transport (its `transport` key, or options.network_transport).
hal::AddressFamily node_family(const NodeModel& node);

// -> sim::NoDelayVariation, NormalDelayVariation, ExponentialDelayVariation, ParetoDelayVariation
struct NoDelayVariationSpec {
  friend bool operator==(const NoDelayVariationSpec&, const NoDelayVariationSpec&) = default;
};
struct NormalDelayVariationSpec {
  SimDuration mean;
  SimDuration stddev;
  friend bool operator==(const NormalDelayVariationSpec&,
                         const NormalDelayVariationSpec&) = default;
};
struct ExponentialDelayVariationSpec {
  SimDuration mean;
  friend bool operator==(const ExponentialDelayVariationSpec&,
                         const ExponentialDelayVariationSpec&) = default;
};
struct ParetoDelayVariationSpec {
  SimDuration scale;
  double shape = 0;
  friend bool operator==(const ParetoDelayVariationSpec&,
                         const ParetoDelayVariationSpec&) = default;
};
using DelayVariationSpec = std::variant<NoDelayVariationSpec, NormalDelayVariationSpec,
                                        ExponentialDelayVariationSpec, ParetoDelayVariationSpec>;

// -> sim::DelayModelConfig
struct DelayModelSpec {
  SimDuration propagation;
  SimDuration asymmetry;
  DelayVariationSpec variation;
  friend bool operator==(const DelayModelSpec&, const DelayModelSpec&) = default;
};

// -> sim::NoRandomLoss, BernoulliLoss, GilbertElliottLoss
struct NoRandomLossSpec {
  friend bool operator==(const NoRandomLossSpec&, const NoRandomLossSpec&) = default;
};
struct BernoulliLossSpec {
  double loss_probability = 0;
  friend bool operator==(const BernoulliLossSpec&, const BernoulliLossSpec&) = default;
};
struct GilbertElliottLossSpec {
  double good_to_bad = 0;
  double bad_to_good = 0;
  double loss_in_good = 0;
  double loss_in_bad = 1;
  friend bool operator==(const GilbertElliottLossSpec&, const GilbertElliottLossSpec&) = default;
};
using RandomLossSpec = std::variant<NoRandomLossSpec, BernoulliLossSpec, GilbertElliottLossSpec>;

// -> sim::LinkDirectionConfig (its impairments flattened)
struct LinkDirectionModel {
  DelayModelSpec delay;
  RandomLossSpec loss;
  double duplicate_probability = 0;
  double reorder_probability = 0;
  SimDuration reorder_hold_back;
  bool in_order = true;
  // -> Network::set_general_message_delay: general messages (port 320) arrive this much later.
  SimDuration general_message_delay;
  friend bool operator==(const LinkDirectionModel&, const LinkDirectionModel&) = default;
};

// -> Network::add_switch(residence)
// transparent_clock: the kind of transparent clock a switch is (none: a plain switch).
enum class TransparentClockSpec : std::uint8_t { kNone, kEndToEnd, kPeerToPeer };

struct SwitchModel {
  std::string name;
  DelayModelSpec residence{SimDuration::microseconds(1), {}, {}};
  TransparentClockSpec transparent_clock = TransparentClockSpec::kNone;
  SimDuration transparent_clock_noise;  // tc_timestamp_noise: its timestamp error (std dev)
  // in_order: each port one queue (sim::SwitchOrder::kFifo); false: each packet's residence
  // stands alone and packets may overtake (kIndependent).
  bool in_order = true;
  friend bool operator==(const SwitchModel&, const SwitchModel&) = default;
};

// -> Network::add_link(a, b, a_to_b, b_to_a); a and b name nodes or switches.
struct LinkModel {
  std::string name;  // default "<a>-<b>"
  std::string a;
  std::string b;
  LinkDirectionModel a_to_b;
  LinkDirectionModel b_to_a;
  friend bool operator==(const LinkModel&, const LinkModel&) = default;
};

// --- The fault timeline ---

enum class LinkDirectionSelector : std::uint8_t { kBoth, kAToB, kBToA };
enum class TimestampSourceSpec : std::uint8_t { kHardware, kSoftware, kNone };

// -> Network::add_link_down: down from `at` for `duration`, or, without one, until a LinkUp
// event on the same link (or the end of the run).
struct LinkDownEvent {
  std::string link;
  std::optional<SimDuration> duration;
  friend bool operator==(const LinkDownEvent&, const LinkDownEvent&) = default;
};
struct LinkUpEvent {
  std::string link;
  friend bool operator==(const LinkUpEvent&, const LinkUpEvent&) = default;
};
// -> Network::detach_host (and SimHost::set_online(false)): the node stops sending, receiving
// and running its protocol; its clocks keep running. For `duration`, or until a NodeRestart.
struct NodeCrashEvent {
  std::string node;
  std::optional<SimDuration> duration;
  friend bool operator==(const NodeCrashEvent&, const NodeCrashEvent&) = default;
};
// -> Network::reattach_host: the node comes back and starts its protocol afresh (LISTENING).
struct NodeRestartEvent {
  std::string node;
  friend bool operator==(const NodeRestartEvent&, const NodeRestartEvent&) = default;
};
// -> Network::add_delay_spike on one or both directions.
struct DelaySpikeEvent {
  std::string link;
  LinkDirectionSelector direction = LinkDirectionSelector::kBoth;
  SimDuration duration;
  SimDuration extra;
  friend bool operator==(const DelaySpikeEvent&, const DelaySpikeEvent&) = default;
};
// -> Network::add_loss_burst on one or both directions.
struct LossBurstEvent {
  std::string link;
  LinkDirectionSelector direction = LinkDirectionSelector::kBoth;
  SimDuration duration;
  double loss_probability = 1.0;
  friend bool operator==(const LossBurstEvent&, const LossBurstEvent&) = default;
};
// -> SimTimestampingInterface::change_capabilities_at: the NIC's active timestamping becomes
// `timestamping` (kHardware needs a node with a NIC clock).
struct CapabilityChangeEvent {
  std::string node;
  TimestampSourceSpec timestamping = TimestampSourceSpec::kSoftware;
  // ptp4win nodes: the change applied as Windows applies an adapter's advanced properties, by
  // restarting the adapter, which is down this long (SimWindows::restart_adapter_at).
  std::optional<SimDuration> adapter_restart;
  friend bool operator==(const CapabilityChangeEvent&, const CapabilityChangeEvent&) = default;
};
// The node's defaultDS priorities change (as a management SET would do).
struct PriorityChangeEvent {
  std::string node;
  std::optional<std::uint8_t> priority1;
  std::optional<std::uint8_t> priority2;
  friend bool operator==(const PriorityChangeEvent&, const PriorityChangeEvent&) = default;
};

using EventAction =
    std::variant<LinkDownEvent, LinkUpEvent, NodeCrashEvent, NodeRestartEvent, DelaySpikeEvent,
                 LossBurstEvent, CapabilityChangeEvent, PriorityChangeEvent>;

struct EventModel {
  SimDuration at;  // since the start of the run
  EventAction action;
  friend bool operator==(const EventModel&, const EventModel&) = default;
};

struct Scenario {
  std::string description;  // [run] description: one line for the report's heading
  RunSettings run;
  std::vector<NodeModel> nodes;
  std::vector<SwitchModel> switches;
  std::vector<LinkModel> links;
  std::vector<EventModel> events;  // in file order
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

}  // namespace ptp::ptpsim
