// The simulated host: its clocks and NIC wired together, and the timestamp paths of its stack.
#include "ptp/sim/sim_host.h"

#include <cmath>
#include <cstring>

namespace ptp::sim {

class SimHost::Transport final : public hal::Transport {
 public:
  Transport(SimHost& host, hal::AddressFamily family) : host_(host), family_(family) {}

  [[nodiscard]] hal::AddressFamily family() const override { return family_; }
  [[nodiscard]] hal::TimestampSource timestamp_source() const override {
    hal::TimestampCapabilities active = host_.timestamping_->capabilities()->active;
    // A fault timeline may switch hardware timestamps on for a host built without a NIC clock;
    // such a NIC cannot deliver them, so selection sees no hardware at all.
    if (!host_.hardware_clock_) active.hardware = {};
    return hal::select_timestamp_source(active, family_);
  }
  void set_listener(hal::PacketListener* listener) override { listener_ = listener; }
  Result<std::optional<hal::TxTag>, hal::HalError> send(hal::PtpUdpPort port,
                                                        const hal::IpAddress& destination,
                                                        std::span<const std::byte> payload,
                                                        hal::TxTimestampRequest request) override {
    return host_.send(*this, port, destination, payload, request);
  }

  [[nodiscard]] hal::PacketListener* listener() const { return listener_; }

 private:
  SimHost& host_;
  hal::AddressFamily family_;
  hal::PacketListener* listener_ = nullptr;
};

Result<std::unique_ptr<SimHost>, SimHostError> SimHost::create(Scheduler& scheduler,
                                                               const SimHostConfig& config,
                                                               Random random) {
  const bool hardware_capable =
      hal::hardware_covers_ptp(config.capabilities.supported.hardware, hal::AddressFamily::kIpv4) ||
      hal::hardware_covers_ptp(config.capabilities.supported.hardware, hal::AddressFamily::kIpv6);
  if (hardware_capable && !config.has_nic_clock) {
    return unexpected(SimHostError::kNoNicClockForHardwareCapabilities);
  }
  std::unique_ptr<SimHost> host(new SimHost(scheduler, config, random));
  auto host_crystal = Oscillator::create(config.host_crystal, host->random_.fork(1));
  if (!host_crystal) return unexpected(SimHostError::kBadOscillator);
  host->host_crystal_.emplace(*host_crystal);
  if (config.has_nic_clock) {
    auto nic_crystal = Oscillator::create(config.nic_crystal, host->random_.fork(2));
    if (!nic_crystal) return unexpected(SimHostError::kBadOscillator);
    host->nic_crystal_.emplace(*nic_crystal);
    host->hardware_clock_ =
        std::make_unique<SimHardwareClock>(scheduler, *host->nic_crystal_, config.nic_clock);
  }
  host->counter_ = std::make_unique<SimMonotonicCounter>(scheduler, *host->host_crystal_,
                                                         config.counter_frequency_hz);
  host->system_clock_ = std::make_unique<SimSystemClock>(scheduler, *host->host_crystal_,
                                                         *host->counter_, config.system_clock);
  host->timestamping_ = std::make_unique<SimTimestampingInterface>(
      scheduler, *host->host_crystal_, *host->counter_, host->hardware_clock_.get(),
      config.capabilities, config.cross_timestamps, host->random_.fork(3));
  host->timers_ = std::make_unique<SimTimers>(scheduler, *host->host_crystal_, *host->counter_);
  host->ipv4_ = std::make_unique<Transport>(*host, hal::AddressFamily::kIpv4);
  host->ipv6_ = std::make_unique<Transport>(*host, hal::AddressFamily::kIpv6);
  return host;
}

SimHost::SimHost(Scheduler& scheduler, const SimHostConfig& config, Random random)
    : scheduler_(scheduler), config_(config), random_(random) {}

SimHost::~SimHost() {
  // Slots whose packet is done hold the id of an event already run: cancelling it does nothing.
  for (const InFlight& flight : in_flight_) scheduler_.cancel(flight.next_step);
}

void SimHost::schedule_step(std::uint32_t slot, SimDuration delay,
                            void (SimHost::*step)(std::uint32_t)) {
  auto event = scheduler_.schedule_after(delay, [this, slot, step] { (this->*step)(slot); });
  in_flight_[slot].next_step = event ? *event : EventId{};
}

void SimHost::connect(Wire& wire, NodeId node) {
  wire_ = &wire;
  node_ = node;
}

hal::Transport& SimHost::transport(hal::AddressFamily family) {
  return family == hal::AddressFamily::kIpv4 ? *ipv4_ : *ipv6_;
}

hal::Host SimHost::hal_host(hal::AddressFamily family) {
  return hal::Host{
      transport(family), *timestamping_, hardware_clock_.get(), *system_clock_, *counter_, *timers_,
  };
}

std::uint32_t SimHost::acquire() {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  in_flight_.emplace_back();
  return static_cast<std::uint32_t>(in_flight_.size() - 1);
}

void SimHost::release(std::uint32_t slot) { free_slots_.push_back(slot); }

hal::NicTicks SimHost::hardware_stamp_now() {
  const auto reading = nic_crystal_->reading(scheduler_.now());
  if (!reading) return hal::NicTicks{};
  // The NIC latches its clock with a little jitter, then the value is whole ticks.
  const auto jitter = SimDuration::picoseconds(std::llround(
      static_cast<double>(config_.paths.hardware_jitter_stddev.picoseconds()) * random_.normal()));
  return hardware_clock_->ticks_at_reading(*reading + jitter);
}

hal::PacketTimestamp SimHost::timestamp_of(const InFlight& flight) const {
  switch (flight.source) {
    case hal::TimestampSource::kHardware:
      return hal::PacketTimestamp{flight.source, flight.hardware_stamp};
    case hal::TimestampSource::kSoftware:
      return hal::PacketTimestamp{flight.source, flight.software_stamp};
    case hal::TimestampSource::kNone: break;
  }
  return hal::PacketTimestamp{hal::TimestampSource::kNone, flight.application_stamp};
}

void SimHost::on_wire_arrival(const WirePacket& packet) {
  if (!online_) {
    ++counters_.dropped_offline;
    return;
  }
  const hal::IpAddress& to = packet.destination.address;
  const bool ours = to.is_multicast() || to == config_.ipv4 || to == config_.ipv6;
  if (!ours) {
    ++counters_.dropped_not_for_us;
    return;
  }
  Transport& target = static_cast<Transport&>(transport(to.family()));
  const std::uint32_t slot = acquire();
  InFlight& flight = in_flight_[slot];
  flight.packet = packet;
  flight.transport = &target;
  flight.source = target.timestamp_source();
  flight.wire_time = scheduler_.now();
  flight.on_wire = false;
  flight.tag.reset();
  if (flight.source == hal::TimestampSource::kHardware) {
    flight.hardware_stamp = hardware_stamp_now();
  }
  schedule_step(slot, config_.paths.receive_stack.sample(random_), &SimHost::receive_in_os);
}

void SimHost::receive_in_os(std::uint32_t slot) {
  in_flight_[slot].software_stamp = counter_->now();
  schedule_step(slot, config_.paths.receive_application.sample(random_),
                &SimHost::receive_in_application);
}

void SimHost::receive_in_application(std::uint32_t slot) {
  InFlight& flight = in_flight_[slot];
  flight.application_stamp = counter_->now();
  hal::PacketListener* listener = flight.transport->listener();
  if (!online_ || listener == nullptr) {
    ++(online_ ? counters_.dropped_no_listener : counters_.dropped_offline);
    release(slot);
    return;
  }
  ++counters_.received;
  const hal::PacketTimestamp timestamp = timestamp_of(flight);
  if (truth_observer_) truth_observer_({flight.packet.id, false, flight.wire_time, timestamp});
  // The callback may send, which can grow in_flight_ and move `flight`: hand over a copy.
  const WirePacket packet = flight.packet;
  const bool event_port =
      packet.destination.port == static_cast<std::uint16_t>(hal::PtpUdpPort::kEvent);
  release(slot);
  listener->on_packet(hal::ReceivedPacket{
      packet.bytes(), event_port ? hal::PtpUdpPort::kEvent : hal::PtpUdpPort::kGeneral,
      packet.source, packet.destination.address, timestamp});
}

Result<std::optional<hal::TxTag>, hal::HalError> SimHost::send(Transport& transport,
                                                               hal::PtpUdpPort port,
                                                               const hal::IpAddress& destination,
                                                               std::span<const std::byte> payload,
                                                               hal::TxTimestampRequest request) {
  if (!online_ || wire_ == nullptr) {
    ++counters_.send_refused;
    return unexpected(hal::HalError{hal::HalErrorCode::kUnavailable, 0});
  }
  if (payload.size() > WirePacket::kMaxPayload) {
    ++counters_.send_refused;
    return unexpected(hal::HalError{hal::HalErrorCode::kBufferTooSmall, 0});
  }
  if (destination.family() != transport.family()) {
    ++counters_.send_refused;
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  const std::uint32_t slot = acquire();
  InFlight& flight = in_flight_[slot];
  WirePacket& packet = flight.packet;
  const bool ipv4 = transport.family() == hal::AddressFamily::kIpv4;
  packet.source =
      hal::UdpEndpoint{ipv4 ? config_.ipv4 : config_.ipv6, static_cast<std::uint16_t>(port)};
  packet.destination = hal::UdpEndpoint{destination, static_cast<std::uint16_t>(port)};
  packet.id = (std::uint64_t{node_.value} << 40U) | next_packet_id_++;
  packet.size = static_cast<std::uint16_t>(payload.size());
  if (!payload.empty()) std::memcpy(packet.payload.data(), payload.data(), payload.size());
  flight.transport = &transport;
  flight.source = transport.timestamp_source();
  flight.application_stamp = counter_->now();
  flight.tag.reset();
  if (request == hal::TxTimestampRequest::kRequested) flight.tag = hal::TxTag{next_tag_++};
  const std::optional<hal::TxTag> tag = flight.tag;
  schedule_step(slot, config_.paths.transmit_stack.sample(random_), &SimHost::transmit_from_os);
  return tag;
}

void SimHost::transmit_from_os(std::uint32_t slot) {
  in_flight_[slot].software_stamp = counter_->now();
  schedule_step(slot, config_.paths.transmit_driver.sample(random_), &SimHost::transmit_on_wire);
}

void SimHost::transmit_on_wire(std::uint32_t slot) {
  InFlight& flight = in_flight_[slot];
  flight.wire_time = scheduler_.now();
  if (flight.source == hal::TimestampSource::kHardware) {
    flight.hardware_stamp = hardware_stamp_now();
  }
  flight.on_wire = online_ && wire_ != nullptr;
  const bool tagged = flight.tag.has_value();
  if (flight.on_wire) {
    flight.packet.departure = flight.wire_time;
    ++counters_.sent;
    wire_->transmit(node_, flight.packet);
  }
  if (!tagged) {
    release(slot);
    return;
  }
  schedule_step(slot, config_.paths.transmit_report.sample(random_),
                &SimHost::report_transmit_timestamp);
}

void SimHost::report_transmit_timestamp(std::uint32_t slot) {
  const InFlight& flight = in_flight_[slot];
  hal::PacketListener* listener = flight.transport->listener();
  const hal::TxTag tag = *flight.tag;
  const bool dropped = random_.bernoulli(config_.paths.transmit_timestamp_loss_probability);
  const bool lost = dropped || !flight.on_wire || !online_;
  // A packet that never left has no timestamp to wait for: the send itself failed.
  const hal::TxTimestampLoss loss_reason =
      flight.on_wire ? hal::TxTimestampLoss::kTimedOut : hal::TxTimestampLoss::kSendFailed;
  const hal::PacketTimestamp timestamp = timestamp_of(flight);
  const TimestampTruth truth{flight.packet.id, true, flight.wire_time, timestamp};
  release(slot);
  if (listener == nullptr) return;
  if (lost) {
    ++counters_.tx_timestamps_lost;
    listener->on_tx_timestamp_lost(tag, loss_reason);
    return;
  }
  ++counters_.tx_timestamps;
  if (truth_observer_) truth_observer_(truth);
  listener->on_tx_timestamp(tag, timestamp);
}

}  // namespace ptp::sim
