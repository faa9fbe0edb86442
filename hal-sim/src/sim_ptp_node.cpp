// SimPtpNode: assembling host, servo, clock and driver, and reading the ground truth.
#include "ptp/sim/sim_ptp_node.h"

#include <utility>
#include <variant>

namespace ptp::sim {

std::string_view to_string(SimPtpNodeError error) {
  switch (error) {
    case SimPtpNodeError::kBadHostConfig: return "bad host configuration";
    case SimPtpNodeError::kBadPortConfig: return "bad port configuration";
    case SimPtpNodeError::kBadServoConfig: return "bad servo configuration";
    case SimPtpNodeError::kNetwork: return "the network refused the host";
    case SimPtpNodeError::kDriver: return "the driver could not attach";
  }
  return "unknown node error";
}

SimPtpNode::SimPtpNode(const SimPtpNodeConfig& config, std::unique_ptr<SimHost> host)
    : config_(config), host_(std::move(host)) {}

SimPtpNode::~SimPtpNode() {
  if (assembly_ != nullptr) assembly_->stop();
}

Result<std::unique_ptr<SimPtpNode>, SimPtpNodeError> SimPtpNode::create(
    Scheduler& scheduler, Network& network, const SimPtpNodeConfig& config, Random random) {
  auto host = SimHost::create(scheduler, config.host, random.fork(1));
  if (!host) return unexpected(SimPtpNodeError::kBadHostConfig);
  std::unique_ptr<SimPtpNode> node(new SimPtpNode(config, std::move(host).value()));
  const hal::OrdinaryClockSettings settings{config.port, config.servo, config.driver,
                                            config.correlation};
  auto assembly = hal::OrdinaryClockAssembly::create(node->host_->hal_host(config.family), settings,
                                                     node.get());
  if (!assembly) {
    return unexpected(std::holds_alternative<servo::ServoError>(assembly.error())
                          ? SimPtpNodeError::kBadServoConfig
                          : SimPtpNodeError::kBadPortConfig);
  }
  node->assembly_ = std::move(assembly).value();
  const auto id = network.add_host(*node->host_, HostAddresses{config.host.ipv4, config.host.ipv6});
  if (!id) return unexpected(SimPtpNodeError::kNetwork);
  node->host_->connect(network, *id);
  node->node_id_ = *id;
  return node;
}

Result<void, SimPtpNodeError> SimPtpNode::start() {
  if (!assembly_->start()) return unexpected(SimPtpNodeError::kDriver);
  return {};
}

double SimPtpNode::true_offset_ns() {
  if (assembly_->driver().disciplines_nic_clock() && host_->hardware_clock() != nullptr) {
    const double reference_ns =
        static_cast<double>(config_.host.system_clock.time_at_crystal_zero.since_epoch.count()) +
        static_cast<double>(config_.driver.utc_offset.count());
    return host_->hardware_clock()->true_phase_error_ps() / 1000.0 - reference_ns;
  }
  return host_->system_clock().true_offset_ns();
}

void SimPtpNode::on_state_changed(const StateChanged& change, Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_state_changed(change, now);
}

void SimPtpNode::on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) {
  last_measurement_ = measurement;
  if (observer_ != nullptr) observer_->on_offset_measured(measurement, now);
}

void SimPtpNode::on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                              Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_peer_delay_input_rejected(rejected, now);
}

void SimPtpNode::on_utc_offset_changed(Nanoseconds applied,
                                       const TimePropertiesDataSet& time_properties,
                                       Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_utc_offset_changed(applied, time_properties, now);
}

void SimPtpNode::on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_unicast_notice(notice, now);
}

void SimPtpNode::on_cross_timestamp_capture_failed(const hal::HalError& error,
                                                   std::uint64_t failures_so_far, Nanoseconds now) {
  if (observer_ != nullptr)
    observer_->on_cross_timestamp_capture_failed(error, failures_so_far, now);
}

}  // namespace ptp::sim
