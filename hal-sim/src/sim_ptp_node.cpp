// SimPtpNode: assembling host, servo, clock and driver, and reading the ground truth.
#include "ptp/sim/sim_ptp_node.h"

#include "ptp/servo/servo_factory.h"

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

SimPtpNode::SimPtpNode(Scheduler& scheduler, const SimPtpNodeConfig& config,
                       std::unique_ptr<SimHost> host, std::unique_ptr<servo::Servo> servo,
                       const OrdinaryClock& clock)
    : scheduler_(scheduler),
      config_(config),
      host_(std::move(host)),
      servo_(std::move(servo)),
      clock_(std::make_unique<OrdinaryClock>(clock)) {
  driver_ = std::make_unique<hal::PortDriver>(host_->hal_host(config_.family), *clock_,
                                              config_.driver, this);
}

SimPtpNode::~SimPtpNode() {
  scheduler_.cancel(next_sample_);
  driver_->stop();
}

Result<std::unique_ptr<SimPtpNode>, SimPtpNodeError> SimPtpNode::create(
    Scheduler& scheduler, Network& network, const SimPtpNodeConfig& config, Random random) {
  auto host = SimHost::create(scheduler, config.host, random.fork(1));
  if (!host) return unexpected(SimPtpNodeError::kBadHostConfig);
  servo::ServoConfig servo_config = config.servo;
  servo_config.clock_max_frequency_ppb = (*host)->system_clock().max_frequency_adjustment().value;
  auto servo = servo::make_servo(servo_config, 0.0);
  if (!servo) return unexpected(SimPtpNodeError::kBadServoConfig);
  // The clock borrows the servo, whose address is stable on the heap.
  auto clock = OrdinaryClock::create(config.port, **servo);
  if (!clock) return unexpected(SimPtpNodeError::kBadPortConfig);
  const auto node = network.add_host(**host, HostAddresses{config.host.ipv4, config.host.ipv6});
  if (!node) return unexpected(SimPtpNodeError::kNetwork);
  (*host)->connect(network, *node);
  std::unique_ptr<SimPtpNode> result(new SimPtpNode(scheduler, config, std::move(host.value()),
                                                    std::move(servo.value()), clock.value()));
  result->node_id_ = *node;
  return result;
}

Result<void, SimPtpNodeError> SimPtpNode::start() {
  if (!driver_->start()) return unexpected(SimPtpNodeError::kDriver);
  // Hardware timestamps on a NIC clock the servo does not steer: they reach the system clock
  // through the correlation of cross-timestamps, sampled from now on.
  const auto& supported = config_.host.capabilities.supported;
  if (!driver_->disciplines_nic_clock() && host_->hardware_clock() != nullptr &&
      supported.supports_cross_timestamp) {
    servo::ClockCorrelationConfig correlation = config_.correlation;
    correlation.hardware_frequency_hz = host_->hardware_clock()->frequency_hz();
    correlation.counter_frequency_hz = host_->counter().frequency_hz();
    correlation_ = std::make_unique<hal::NicCounterCorrelation>(host_->timestamping(), correlation);
    driver_->set_nic_counter_mapping(correlation_.get());
    sample_cross_timestamp();
  }
  return {};
}

void SimPtpNode::sample_cross_timestamp() {
  (void)correlation_->sample();
  const auto next = scheduler_.schedule_after(config_.cross_timestamp_interval,
                                              [this] { sample_cross_timestamp(); });
  if (next) next_sample_ = next.value();
}

double SimPtpNode::true_offset_ns() {
  if (driver_->disciplines_nic_clock() && host_->hardware_clock() != nullptr) {
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

}  // namespace ptp::sim
