// SimulatedWorld: from the scenario model to hal-sim's configuration (a one-to-one copy, plus the
// shared timescale and the capabilities each kind of timestamping implies), and the timeline.
#include "world.h"

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>
#include <variant>

#include "node_config.h"
#include "ptp/hal/ip_address.h"
#include "ptp/hal/packet.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp4win_node.h"

namespace ptp::ptpsim {
namespace {

sim::DelayVariation to_sim(const DelayVariationSpec& spec) {
  return std::visit(
      [](const auto& variation) -> sim::DelayVariation {
        using T = std::decay_t<decltype(variation)>;
        if constexpr (std::is_same_v<T, NormalDelayVariationSpec>) {
          return sim::NormalDelayVariation{variation.mean, variation.stddev};
        } else if constexpr (std::is_same_v<T, ExponentialDelayVariationSpec>) {
          return sim::ExponentialDelayVariation{variation.mean};
        } else if constexpr (std::is_same_v<T, ParetoDelayVariationSpec>) {
          return sim::ParetoDelayVariation{variation.scale, variation.shape};
        } else {
          return sim::NoDelayVariation{};
        }
      },
      spec);
}

sim::DelayModelConfig to_sim(const DelayModelSpec& spec) {
  sim::DelayModelConfig config;
  config.propagation = spec.propagation;
  config.asymmetry = spec.asymmetry;
  config.variation = to_sim(spec.variation);
  return config;
}

sim::RandomLoss to_sim(const RandomLossSpec& spec) {
  return std::visit(
      [](const auto& loss) -> sim::RandomLoss {
        using T = std::decay_t<decltype(loss)>;
        if constexpr (std::is_same_v<T, BernoulliLossSpec>) {
          return sim::BernoulliLoss{loss.loss_probability};
        } else if constexpr (std::is_same_v<T, GilbertElliottLossSpec>) {
          return sim::GilbertElliottLoss{loss.good_to_bad, loss.bad_to_good, loss.loss_in_good,
                                         loss.loss_in_bad};
        } else {
          return sim::NoRandomLoss{};
        }
      },
      spec);
}

sim::LinkDirectionConfig to_sim(const LinkDirectionModel& model) {
  sim::LinkDirectionConfig config;
  config.delay = to_sim(model.delay);
  config.loss = to_sim(model.loss);
  config.impairments.duplicate_probability = model.duplicate_probability;
  config.impairments.reorder_probability = model.reorder_probability;
  config.impairments.reorder_hold_back = model.reorder_hold_back;
  config.in_order = model.in_order;
  return config;
}

std::string describe(const sim::NetworkSetupError& error) { return std::string(to_string(error)); }

sim::SimTime at(SimDuration since_start) { return sim::SimTime::from_start(since_start); }

// Where a priority SET seems to come from: an address no host owns, so the reply goes nowhere.
constexpr hal::IpAddress kManagerAddress = hal::IpAddress::v4(10, 255, 255, 254);

}  // namespace

SimulatedWorld::SimulatedWorld(std::uint64_t seed, std::ostream* log)
    : random_(seed), network_(scheduler_, random_.fork(1'000'000'000)), log_(log) {}

SimulatedWorld::~SimulatedWorld() {
  // The nodes cancel their scheduler events; the network and scheduler go after them.
  nodes_.clear();
}

Result<std::unique_ptr<SimulatedWorld>, std::string> SimulatedWorld::create(
    const Scenario& scenario, std::ostream* log) {
  std::unique_ptr<SimulatedWorld> world(new SimulatedWorld(scenario.run.seed, log));
  if (auto built = world->build(scenario); !built) return unexpected(built.error());
  world->events_ = scenario.events;
  return world;
}

Result<void, std::string> SimulatedWorld::build(const Scenario& scenario) {
  std::vector<std::pair<std::string, sim::NodeId>> ends;  // nodes and switches by name
  nodes_.reserve(scenario.nodes.size());
  for (std::size_t index = 0; index < scenario.nodes.size(); ++index) {
    const NodeModel& model = scenario.nodes[index];
    auto node = make_node(model, index);
    if (!node) return unexpected("node " + model.name + ": " + node.error());
    ends.emplace_back(model.name, (*node)->node_id());
    WorldNode added;
    added.name = model.name;
    // What the clock runs on, which the summary's lock bound follows.
    added.timestamping = effective_timestamping(model);
    added.program = model.program;
    added.node = std::move(node.value());
    added.start_at = model.start_at;
    nodes_.push_back(std::move(added));
  }
  for (const SwitchModel& model : scenario.switches) {
    sim::TransparentClockConfig transparent;
    transparent.kind = static_cast<sim::TransparentClockKind>(model.transparent_clock);
    transparent.timestamp_noise = model.transparent_clock_noise;
    const auto order = model.in_order ? sim::SwitchOrder::kFifo : sim::SwitchOrder::kIndependent;
    const auto id = network_.add_switch(to_sim(model.residence), transparent, order);
    if (!id) return unexpected("switch " + model.name + ": " + describe(id.error()));
    ends.emplace_back(model.name, *id);
    switches_.emplace_back(model.name, *id);
  }
  const auto find = [&ends](const std::string& name) -> std::optional<sim::NodeId> {
    for (const auto& [end_name, id] : ends) {
      if (end_name == name) return id;
    }
    return std::nullopt;
  };
  for (const LinkModel& model : scenario.links) {
    const auto a = find(model.a);
    const auto b = find(model.b);
    if (!a || !b) return unexpected("link " + model.name + ": unknown end");
    const auto id = network_.add_link(*a, *b, to_sim(model.a_to_b), to_sim(model.b_to_a));
    if (!id) return unexpected("link " + model.name + ": " + describe(id.error()));
    for (const auto& [direction, settings] : {std::pair{sim::Direction::kAToB, &model.a_to_b},
                                              std::pair{sim::Direction::kBToA, &model.b_to_a}}) {
      if (settings->general_message_delay == SimDuration()) continue;
      auto delayed =
          network_.set_general_message_delay(*id, direction, settings->general_message_delay);
      if (!delayed) return unexpected("link " + model.name + ": " + describe(delayed.error()));
    }
    for (WorldNode& node : nodes_) {
      if (node.name == model.a || node.name == model.b) {
        node.link = links_.size();
        node.has_link = true;
      }
    }
    links_.push_back(*id);
    link_names_.push_back(model.name);
  }
  return {};
}

Result<std::unique_ptr<ClockNode>, std::string> SimulatedWorld::make_node(const NodeModel& model,
                                                                          std::size_t index) {
  auto config = make_node_config(model, index);
  if (!config) return unexpected(config.error());
  if (model.program == NodeProgram::kPtp4win) {
    Ptp4winNodeConfig ptp4win;
    ptp4win.host = config->host;
    ptp4win.command_line = model.command_line;
    ptp4win.windows = windows_config(model, index);
    ptp4win.log = log_;
    auto node = Ptp4winNode::create(scheduler_, network_, ptp4win, random_.fork(index));
    if (!node) return unexpected(node.error());
    return std::unique_ptr<ClockNode>(std::move(node).value());
  }
  auto node = sim::SimPtpNode::create(scheduler_, network_, *config, random_.fork(index));
  if (!node) return unexpected(std::string(to_string(node.error())));
  return std::unique_ptr<ClockNode>(std::make_unique<LibraryClockNode>(std::move(node).value()));
}

std::optional<sim::NodeId> SimulatedWorld::switch_node(const std::string& name) const {
  for (const auto& [switch_name, id] : switches_) {
    if (switch_name == name) return id;
  }
  return std::nullopt;
}

int SimulatedWorld::node_index(const std::string& name) const {
  for (std::size_t index = 0; index < nodes_.size(); ++index) {
    if (nodes_[index].name == name) return static_cast<int>(index);
  }
  return -1;
}

int SimulatedWorld::link_index(const std::string& name) const {
  for (std::size_t index = 0; index < link_names_.size(); ++index) {
    if (link_names_[index] == name) return static_cast<int>(index);
  }
  return -1;
}

Result<std::size_t, std::string> SimulatedWorld::start(sim::SimTime end) {
  for (std::size_t index = 0; index < nodes_.size(); ++index) {
    WorldNode& node = nodes_[index];
    if (node.start_at > SimDuration()) {
      // Switched on later: offline until then, so that nothing reaches a port not yet open.
      node.node->host().set_online(false);
      if (at(node.start_at) < end) {
        auto on = scheduler_.schedule_at(at(node.start_at), [this, index] { switch_on(index); });
        if (!on) return unexpected("node " + node.name + ": cannot schedule its start");
      }
      continue;
    }
    node.started = true;
    if (auto started = node.node->start(); !started) {
      return unexpected("node " + node.name + ": " + started.error());
    }
  }
  std::size_t left_out = 0;
  for (std::size_t index = 0; index < events_.size(); ++index) {
    if (at(events_[index].at) >= end) {
      ++left_out;
      continue;
    }
    if (auto scheduled = schedule(events_[index], index, end); !scheduled) {
      return unexpected("event " + std::to_string(index) + ": " + scheduled.error());
    }
  }
  return left_out;
}

Result<void, std::string> SimulatedWorld::schedule(const EventModel& event, std::size_t index,
                                                   sim::SimTime end) {
  const sim::SimTime when = at(event.at);
  const auto need_link = [this](const std::string& name) -> Result<sim::LinkId, std::string> {
    const int link = link_index(name);
    if (link < 0) return unexpected("unknown link '" + name + "'");
    return links_[static_cast<std::size_t>(link)];
  };
  const auto need_node = [this](const std::string& name) -> Result<std::size_t, std::string> {
    const int node = node_index(name);
    if (node < 0) return unexpected("unknown node '" + name + "'");
    return static_cast<std::size_t>(node);
  };
  const auto directions = [](LinkDirectionSelector selector) {
    std::vector<sim::Direction> result;
    if (selector != LinkDirectionSelector::kBToA) result.push_back(sim::Direction::kAToB);
    if (selector != LinkDirectionSelector::kAToB) result.push_back(sim::Direction::kBToA);
    return result;
  };
  const auto network_result = [](const auto& result) -> Result<void, std::string> {
    if (!result) return unexpected(describe(result.error()));
    return {};
  };

  if (const auto* down = std::get_if<LinkDownEvent>(&event.action)) {
    auto link = need_link(down->link);
    if (!link) return unexpected(link.error());
    // Down for its duration, else until the next link_up on this link, else to the end.
    sim::SimTime up = end;
    if (down->duration) {
      up = when + *down->duration;
    } else {
      for (std::size_t later = index + 1; later < events_.size(); ++later) {
        const auto* link_up = std::get_if<LinkUpEvent>(&events_[later].action);
        if (link_up != nullptr && link_up->link == down->link && at(events_[later].at) >= when) {
          up = at(events_[later].at);
          break;
        }
      }
    }
    if (up > end) up = end;
    return network_result(network_.add_link_down(*link, when, up));
  }
  if (std::holds_alternative<LinkUpEvent>(event.action)) {
    return {};  // the end of a link_down window, taken care of there
  }
  if (const auto* spike = std::get_if<DelaySpikeEvent>(&event.action)) {
    auto link = need_link(spike->link);
    if (!link) return unexpected(link.error());
    for (const auto direction : directions(spike->direction)) {
      auto added =
          network_.add_delay_spike(*link, direction, when, when + spike->duration, spike->extra);
      if (!added) return unexpected(describe(added.error()));
    }
    return {};
  }
  if (const auto* burst = std::get_if<LossBurstEvent>(&event.action)) {
    auto link = need_link(burst->link);
    if (!link) return unexpected(link.error());
    for (const auto direction : directions(burst->direction)) {
      auto added = network_.add_loss_burst(*link, direction, when, when + burst->duration,
                                           burst->loss_probability);
      if (!added) return unexpected(describe(added.error()));
    }
    return {};
  }
  if (const auto* crash_event = std::get_if<NodeCrashEvent>(&event.action)) {
    auto node = need_node(crash_event->node);
    if (!node) return unexpected(node.error());
    const std::size_t which = *node;
    auto crashed = scheduler_.schedule_at(when, [this, which] { crash(which); });
    if (!crashed) return unexpected(std::string("cannot schedule the crash"));
    if (crash_event->duration && when + *crash_event->duration < end) {
      auto back =
          scheduler_.schedule_at(when + *crash_event->duration, [this, which] { restart(which); });
      if (!back) return unexpected(std::string("cannot schedule the restart"));
    }
    return {};
  }
  if (const auto* restart_event = std::get_if<NodeRestartEvent>(&event.action)) {
    auto node = need_node(restart_event->node);
    if (!node) return unexpected(node.error());
    const std::size_t which = *node;
    auto back = scheduler_.schedule_at(when, [this, which] { restart(which); });
    if (!back) return unexpected(std::string("cannot schedule the restart"));
    return {};
  }
  if (const auto* change = std::get_if<CapabilityChangeEvent>(&event.action)) {
    auto node = need_node(change->node);
    if (!node) return unexpected(node.error());
    ClockNode& target = *nodes_[*node].node;
    hal::InterfaceTimestampCapabilities capabilities = target.host_config().capabilities;
    capabilities.active = capabilities.supported;
    if (change->timestamping != TimestampSourceSpec::kHardware) {
      capabilities.active.hardware = {};
      capabilities.active.supports_cross_timestamp = false;
    }
    if (change->timestamping == TimestampSourceSpec::kNone) capabilities.active.software = {};
    return target.change_capabilities_at(when, capabilities, change->adapter_restart);
  }
  if (const auto* priority = std::get_if<PriorityChangeEvent>(&event.action)) {
    auto node = need_node(priority->node);
    if (!node) return unexpected(node.error());
    const std::size_t which = *node;
    // The callable must fit the scheduler's inline storage: the event stays in events_.
    auto set = scheduler_.schedule_at(when, [this, which, index] {
      set_priorities(which, std::get<PriorityChangeEvent>(events_[index].action));
    });
    if (!set) return unexpected(std::string("cannot schedule the priority change"));
    return {};
  }
  return {};
}

void SimulatedWorld::switch_on(std::size_t index) {
  WorldNode& node = nodes_[index];
  node.started = true;
  if (node.crashed) return;  // crashed before it was switched on: a restart starts it
  node.node->host().set_online(true);
  (void)node.node->start();  // the configuration was checked when the world was built
}

void SimulatedWorld::crash(std::size_t index) {
  WorldNode& node = nodes_[index];
  if (node.crashed) return;
  node.crashed = true;
  (void)network_.detach_host(node.node->node_id(), scheduler_.now());
  node.node->host().set_online(false);
  // The protocol stops with the host; its clocks run on. A node not yet switched on has no
  // protocol running (a ptp4win node has not even built its clock).
  if (node.started) node.node->driver().stop();
}

void SimulatedWorld::restart(std::size_t index) {
  WorldNode& node = nodes_[index];
  if (!node.crashed) return;
  node.crashed = false;
  (void)network_.reattach_host(node.node->node_id(), scheduler_.now());
  if (!node.started) return;  // its start_at switches it on
  node.node->host().set_online(true);
  (void)node.node->driver().start();  // INITIALIZING -> LISTENING, afresh
}

// A management SET of PRIORITY1 / PRIORITY2 addressed to the node, handed to its driver as if it
// had come from the network: the clock checks and applies it and re-runs the BMCA, exactly as for
// pmc's SET.
void SimulatedWorld::set_priorities(std::size_t index, const PriorityChangeEvent& change) {
  WorldNode& node = nodes_[index];
  if (node.crashed || !node.started) return;
  const auto send = [&node](wire::ManagementId id, std::uint8_t value) {
    const std::array<std::byte, 2> data{std::byte{value}, std::byte{0}};
    std::array<std::byte, 64> tlv_buffer{};
    wire::TlvWriter writer(tlv_buffer);
    if (!wire::append_management_tlv(writer,
                                     wire::ManagementTlv{id, wire::RawManagementData{data}})) {
      return;
    }
    wire::Header header;
    header.message_type = wire::MessageType::kManagement;
    header.domain_number = node.node->clock().default_data_set().domain_number;
    header.source_port_identity =
        PortIdentity{ClockIdentity{{0x02, 0, 0, 0xFF, 0xFE, 0xFF, 0xFF, 0xFE}}, 1};
    header.control_field = wire::default_control_field(wire::MessageType::kManagement);
    header.log_message_interval = 0x7F;
    const wire::Management body{
        PortIdentity{node.node->clock().default_data_set().clock_identity, PortIdentity::kAllPorts},
        0, 0, wire::ManagementAction::kSet};
    std::array<std::byte, 256> bytes{};
    const auto length = wire::encode_message(wire::Message{header, body, writer.written()}, bytes);
    if (!length) return;
    hal::ReceivedPacket packet;
    packet.payload = std::span<const std::byte>(bytes.data(), *length);
    packet.port = hal::PtpUdpPort::kGeneral;
    packet.source = hal::UdpEndpoint{kManagerAddress, 320};
    packet.destination = hal::kPtpPrimaryIpv4;
    node.node->driver().on_packet(packet);
  };
  if (change.priority1) send(wire::ManagementId::kPriority1, *change.priority1);
  if (change.priority2) send(wire::ManagementId::kPriority2, *change.priority2);
}

int SimulatedWorld::grandmaster() const {
  int best = -1;
  std::size_t best_votes = 0;
  for (std::size_t index = 0; index < nodes_.size(); ++index) {
    const WorldNode& candidate = nodes_[index];
    if (candidate.crashed || !candidate.started) continue;
    const OrdinaryClock& clock = candidate.node->clock();
    if (clock.state() != PortState::kMaster) continue;
    const ClockIdentity identity = clock.default_data_set().clock_identity;
    if (clock.parent_data_set().grandmaster_identity != identity) continue;
    std::size_t votes = 0;
    for (const WorldNode& other : nodes_) {
      if (!other.crashed && other.started && other.node->clock().state() == PortState::kSlave &&
          other.node->clock().parent_data_set().grandmaster_identity == identity) {
        ++votes;
      }
    }
    if (best < 0 || votes > best_votes) {
      best = static_cast<int>(index);
      best_votes = votes;
    }
  }
  return best;
}

}  // namespace ptp::ptpsim
