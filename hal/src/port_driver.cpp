// PortDriver: HAL callbacks in, core events; core actions out, HAL calls.
#include "ptp/hal/port_driver.h"

#include <cmath>
#include <variant>

#include "ptp/hal/utc_offset_rule.h"
#include "ptp/portability.h"

namespace ptp::hal {
namespace {

// 128-bit intermediates: ticks x 1e9 overflows 64 bits after a few seconds of a GHz counter.
using Int128 = ptp::Int128;

// Timer ids: the port's timers keep their PortTimer value.
TimerId timer_id(PortTimer timer) { return TimerId{static_cast<std::uint32_t>(timer)}; }

std::optional<Nanoseconds> ticks_to_nanoseconds(Int128 ticks, std::uint64_t frequency_hz) {
  if (frequency_hz == 0) return std::nullopt;
  const Int128 nanoseconds = ticks * kNanosecondsPerSecond / static_cast<Int128>(frequency_hz);
  if (nanoseconds > INT64_MAX || nanoseconds < INT64_MIN) return std::nullopt;
  return Nanoseconds(static_cast<std::int64_t>(nanoseconds));
}

PeerAddress to_peer_address(const IpAddress& address) {
  PeerAddress peer;
  peer.octets = address.octets();
  peer.length = address.family() == AddressFamily::kIpv4 ? 4 : 16;
  return peer;
}

IpAddress to_ip_address(const PeerAddress& peer) {
  if (peer.length == 4) {
    return IpAddress::v4(peer.octets[0], peer.octets[1], peer.octets[2], peer.octets[3]);
  }
  return IpAddress::v6(peer.octets);
}

PtpUdpPort udp_port(MessageChannel channel) {
  return channel == MessageChannel::kEvent ? PtpUdpPort::kEvent : PtpUdpPort::kGeneral;
}

}  // namespace

PortDriver::PortDriver(const Host& host, OrdinaryClock& clock, const PortDriverConfig& config,
                       PortDriverObserver* observer)
    : host_(host), clock_(clock), config_(config), observer_(observer) {}

PortDriver::~PortDriver() { stop(); }

Nanoseconds PortDriver::now() {
  const auto value = ticks_to_nanoseconds(host_.counter.now().count, host_.counter.frequency_hz());
  return value.value_or(Nanoseconds::max());
}

CounterTicks PortDriver::to_counter_deadline(Nanoseconds deadline) const {
  const auto frequency = static_cast<Int128>(host_.counter.frequency_hz());
  // Rounded up: a timer must not fire before its deadline.
  const Int128 scaled = static_cast<Int128>(deadline.count()) * frequency;
  Int128 ticks = scaled / kNanosecondsPerSecond;
  if (scaled % kNanosecondsPerSecond > 0) ++ticks;
  if (ticks > INT64_MAX) ticks = INT64_MAX;
  return CounterTicks{static_cast<std::int64_t>(ticks)};
}

Result<void, HalError> PortDriver::start() {
  if (started_) return {};
  select_discipline();
  host_.transport.set_listener(this);
  host_.timers.set_listener(this);
  auto subscription = host_.timestamping.subscribe(*this);
  if (subscription) {
    subscription_ = subscription.value();
  } else if (subscription.error().code != HalErrorCode::kNotSupported) {
    host_.transport.set_listener(nullptr);
    host_.timers.set_listener(nullptr);
    return unexpected(subscription.error());
  }
  started_ = true;
  applied_utc_offset_ = utc_offset_to_apply(clock_.time_properties_data_set(), config_.utc_offset);
  PortActions actions;
  const Nanoseconds time = now();
  clock_.start(time, actions);
  finish(actions, time);
  return {};
}

void PortDriver::stop() {
  if (!started_) return;
  started_ = false;
  for (std::size_t timer = 0; timer < kPortTimerCount; ++timer) {
    host_.timers.cancel(timer_id(static_cast<PortTimer>(timer)));
  }
  if (subscription_) host_.timestamping.unsubscribe(*subscription_);
  subscription_.reset();
  host_.transport.set_listener(nullptr);
  host_.timers.set_listener(nullptr);
}

void PortDriver::select_discipline() {
  const auto source = current_timestamp_source(host_.timestamping, host_.transport.family());
  source_ = source.has_value() ? source.value() : TimestampSource::kNone;
  discipline_nic_ = config_.discipline == ClockDiscipline::kAutomatic &&
                    source_ == TimestampSource::kHardware && host_.hardware_clock != nullptr &&
                    host_.hardware_clock->adjustable();
  clock_.set_local_ptp_timescale(discipline_nic_ || config_.system_clock_on_ptp_timescale);
}

std::optional<Nanoseconds> PortDriver::local_ptp_time(const PacketTimestamp& timestamp) {
  if (discipline_nic_) {
    const auto* ticks = std::get_if<NicTicks>(&timestamp.reading);
    if (ticks == nullptr) return std::nullopt;
    return ticks_to_nanoseconds(static_cast<Int128>(ticks->count),
                                host_.hardware_clock->frequency_hz());
  }
  std::optional<SystemTime> system_time;
  double fraction_ns = 0;
  if (const auto* system = std::get_if<SystemTime>(&timestamp.reading)) {
    system_time = *system;
  } else {
    std::optional<CounterTicks> counter;
    if (const auto* ticks = std::get_if<CounterTicks>(&timestamp.reading)) {
      counter = *ticks;
    } else if (const auto* nic = std::get_if<NicTicks>(&timestamp.reading);
               nic != nullptr && mapping_ != nullptr) {
      if (const auto precise = mapping_->to_counter(*nic)) {
        counter = precise->whole;
        fraction_ns = precise->fraction * static_cast<double>(kNanosecondsPerSecond) /
                      static_cast<double>(host_.counter.frequency_hz());
      }
    }
    if (!counter) return std::nullopt;
    const auto at_counter = host_.system_clock.at_counter(*counter);
    if (!at_counter) return std::nullopt;
    system_time = at_counter.value();
  }
  const auto rounded_fraction = Nanoseconds(std::llround(fraction_ns));
  const auto with_fraction = system_time->since_epoch.checked_add(rounded_fraction);
  if (!with_fraction) return std::nullopt;
  return with_fraction->checked_add(applied_utc_offset_);
}

void PortDriver::on_packet(const ReceivedPacket& packet) {
  ReceivedMessage message;
  message.bytes = packet.payload;
  message.channel =
      packet.port == PtpUdpPort::kEvent ? MessageChannel::kEvent : MessageChannel::kGeneral;
  message.source = to_peer_address(packet.source.address);
  message.multicast = packet.destination.is_multicast();
  if (message.channel == MessageChannel::kEvent) {
    message.receive_time = local_ptp_time(packet.timestamp);
    switch (packet.timestamp.source) {
      case TimestampSource::kHardware:
        message.timestamp_kind = servo::TimestampKind::kHardware;
        break;
      case TimestampSource::kSoftware:
        message.timestamp_kind = servo::TimestampKind::kSoftware;
        break;
      case TimestampSource::kNone:
        message.timestamp_kind = servo::TimestampKind::kApplication;
        break;
    }
    if (!message.receive_time) ++counters_.unconvertible_timestamps;
  }
  PortActions actions;
  const Nanoseconds time = now();
  clock_.handle_message(message, time, actions);
  finish(actions, time);
}

std::optional<TxTimestampId> PortDriver::take_pending(TxTag tag) {
  for (auto& pending : pending_tags_) {
    if (pending.in_use && pending.tag == tag) {
      pending.in_use = false;
      return pending.id;
    }
  }
  return std::nullopt;
}

void PortDriver::on_tx_timestamp(TxTag tag, const PacketTimestamp& timestamp) {
  const auto id = take_pending(tag);
  if (!id) return;
  PortActions actions;
  const Nanoseconds time = now();
  if (const auto transmit_time = local_ptp_time(timestamp)) {
    clock_.handle_tx_timestamp(*id, *transmit_time, time, actions);
  } else {
    ++counters_.unconvertible_timestamps;
    clock_.handle_tx_timestamp_lost(*id, time, actions);
  }
  finish(actions, time);
}

void PortDriver::on_tx_timestamp_lost(TxTag tag, TxTimestampLoss reason) {
  (void)reason;
  const auto id = take_pending(tag);
  if (!id) return;
  PortActions actions;
  const Nanoseconds time = now();
  clock_.handle_tx_timestamp_lost(*id, time, actions);
  finish(actions, time);
}

void PortDriver::on_timer(TimerId id) {
  if (id.value >= kPortTimerCount) return;
  PortActions actions;
  const Nanoseconds time = now();
  clock_.handle_timer(static_cast<PortTimer>(id.value), time, actions);
  finish(actions, time);
}

void PortDriver::on_capabilities_changed() {
  ++counters_.capability_changes;
  select_discipline();
  if (mapping_ != nullptr) mapping_->restart();
  PortActions actions;
  const Nanoseconds time = now();
  // The core starts over anyway: the offset (the local timescale may have changed with the
  // discipline) is taken without a second reset.
  const Nanoseconds offset =
      utc_offset_to_apply(clock_.time_properties_data_set(), config_.utc_offset);
  if (offset != applied_utc_offset_) {
    applied_utc_offset_ = offset;
    ++counters_.utc_offset_changes;
    if (observer_ != nullptr) {
      observer_->on_utc_offset_changed(offset, clock_.time_properties_data_set(), time);
    }
  }
  clock_.handle_timestamping_changed(time, actions);
  finish(actions, time);
}

void PortDriver::finish(const PortActions& actions, Nanoseconds now) {
  execute(actions, now);
  follow_time_properties(now);
}

void PortDriver::follow_time_properties(Nanoseconds now) {
  const TimePropertiesDataSet& time_properties = clock_.time_properties_data_set();
  const Nanoseconds offset = utc_offset_to_apply(time_properties, config_.utc_offset);
  if (offset == applied_utc_offset_) return;
  applied_utc_offset_ = offset;
  ++counters_.utc_offset_changes;
  if (observer_ != nullptr) observer_->on_utc_offset_changed(offset, time_properties, now);
  // A NIC clock is compared as it is; and a clock that follows nobody holds no measurement (a
  // master's Sync transmit timestamps convert with the new offset when they arrive).
  const PortState state = clock_.state();
  if (discipline_nic_ || (state != PortState::kUncalibrated && state != PortState::kSlave)) {
    return;
  }
  PortActions actions;
  clock_.handle_timestamping_changed(now, actions);
  finish(actions, now);
}

void PortDriver::execute(const PortActions& actions, Nanoseconds now) {
  // Follow-up events (a failed send) are raised after the whole list ran, so the core never
  // sees an event in the middle of its own action list.
  std::array<TxTimestampId, PortActions::kCapacity> lost{};
  std::size_t lost_count = 0;
  bool fault = false;
  for (const PortAction& action : actions.view()) {
    if (const auto* send = std::get_if<SendMessage>(&action)) {
      const AddressFamily family = host_.transport.family();
      const IpAddress destination = send->unicast_to ? to_ip_address(*send->unicast_to)
                                    : send->group == MulticastGroup::kPeerDelay
                                        ? ptp_pdelay_multicast(family)
                                        : ptp_primary_multicast(family);
      const auto sent = host_.transport.send(
          udp_port(send->channel), destination, send->payload(),
          send->timestamp_id ? TxTimestampRequest::kRequested : TxTimestampRequest::kNone);
      if (!sent) {
        ++counters_.send_failures;
        fault = true;
        if (send->timestamp_id) lost[lost_count++] = *send->timestamp_id;
        continue;
      }
      if (send->timestamp_id) {
        if (!sent.value()) {
          lost[lost_count++] = *send->timestamp_id;
          continue;
        }
        bool stored = false;
        for (auto& pending : pending_tags_) {
          if (!pending.in_use) {
            pending = PendingTag{*sent.value(), *send->timestamp_id, true};
            stored = true;
            break;
          }
        }
        if (!stored) {
          ++counters_.timestamp_tag_overflows;
          lost[lost_count++] = *send->timestamp_id;
        }
      }
    } else if (const auto* arm = std::get_if<ArmTimer>(&action)) {
      host_.timers.arm(timer_id(arm->timer), to_counter_deadline(arm->deadline));
    } else if (const auto* cancel = std::get_if<CancelTimer>(&action)) {
      host_.timers.cancel(timer_id(cancel->timer));
    } else if (const auto* step = std::get_if<StepClock>(&action)) {
      if (config_.read_only) continue;
      const auto stepped = discipline_nic_ ? host_.hardware_clock->step(step->offset)
                                           : host_.system_clock.step(step->offset);
      if (!stepped) ++counters_.clock_step_failures;
    } else if (const auto* frequency = std::get_if<SetClockFrequency>(&action)) {
      if (config_.read_only) continue;
      const PartsPerBillion adjustment{frequency->frequency_ppb};
      const auto adjusted = discipline_nic_ ? host_.hardware_clock->adjust_frequency(adjustment)
                                            : host_.system_clock.adjust_frequency(adjustment);
      if (!adjusted) ++counters_.frequency_failures;
    } else if (const auto* change = std::get_if<StateChanged>(&action)) {
      if (observer_ != nullptr) observer_->on_state_changed(*change, now);
    } else if (const auto* measured = std::get_if<OffsetMeasured>(&action)) {
      if (observer_ != nullptr) observer_->on_offset_measured(*measured, now);
    }
  }
  for (std::size_t i = 0; i < lost_count; ++i) {
    PortActions follow_up;
    clock_.handle_tx_timestamp_lost(lost[i], now, follow_up);
    execute(follow_up, now);
  }
  if (fault && started_) {
    PortActions follow_up;
    clock_.handle_fault(now, follow_up);
    execute(follow_up, now);
  }
}

}  // namespace ptp::hal
