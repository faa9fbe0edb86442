// PortDriver: HAL callbacks in, core events; core actions out, HAL calls.
#include "ptp/hal/port_driver.h"

#include <cmath>
#include <variant>

#include "ptp/hal/utc_offset_rule.h"
#include "ptp/overloaded.h"
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
  PortActions actions;
  select_discipline(actions);
  // The offset in force from the start; later changes come as TimescaleChanged actions.
  applied_utc_offset_ = utc_offset_to_apply(clock_.time_properties_data_set(), config_.utc_offset);
  const Nanoseconds time = now();
  clock_.start(time, actions);
  execute(actions, time);
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

void PortDriver::select_discipline(PortActions& actions) {
  const auto source = current_timestamp_source(host_.timestamping, host_.transport.family());
  source_ = source.has_value() ? source.value() : TimestampSource::kNone;
  discipline_nic_ = config_.discipline == ClockDiscipline::kAutomatic &&
                    source_ == TimestampSource::kHardware && host_.hardware_clock != nullptr &&
                    host_.hardware_clock->adjustable();
  clock_.set_local_ptp_timescale(discipline_nic_ || config_.system_clock_on_ptp_timescale, actions);
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
    // A reading of the clock itself taken before a step is on the timescale the clock left: no
    // measurement can use it. (Counter ticks convert through the clock's present mapping, so
    // they land on the new timescale.)
    const bool clock_reading = discipline_nic_
                                   ? std::holds_alternative<NicTicks>(packet.timestamp.reading)
                                   : std::holds_alternative<SystemTime>(packet.timestamp.reading);
    if (clock_reading && message.receive_time && last_step_ &&
        taken_before_step(*last_step_, *message.receive_time, now())) {
      message.receive_time.reset();
      ++counters_.timestamps_before_step;
    }
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
  execute(actions, time);
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
  execute(actions, time);
}

void PortDriver::on_tx_timestamp_lost(TxTag tag, TxTimestampLoss reason) {
  (void)reason;
  const auto id = take_pending(tag);
  if (!id) return;
  PortActions actions;
  const Nanoseconds time = now();
  clock_.handle_tx_timestamp_lost(*id, time, actions);
  execute(actions, time);
}

void PortDriver::on_timer(TimerId id) {
  if (id.value >= kPortTimerCount) return;
  PortActions actions;
  const Nanoseconds time = now();
  clock_.handle_timer(static_cast<PortTimer>(id.value), time, actions);
  execute(actions, time);
}

void PortDriver::on_capabilities_changed() {
  ++counters_.capability_changes;
  if (mapping_ != nullptr) mapping_->restart();
  last_step_.reset();  // the step was another clock's, or on another mapping
  PortActions actions;
  const Nanoseconds time = now();
  select_discipline(actions);
  clock_.handle_timestamping_changed(time, actions);
  // The core starts over anyway: a new offset (the local timescale may change with the
  // discipline) needs no second restart.
  execute(actions, time, TimescaleRestart::kNone);
}

void PortDriver::execute(const PortActions& actions, Nanoseconds now,
                         TimescaleRestart timescale_restart) {
  // Follow-up events are raised after the whole list ran, so the core never sees an event in
  // the middle of its own action list.
  FollowUps follow_ups;
  for (const PortAction& action : actions.view()) {
    std::visit(Overloaded{
                   [&](const SendMessage& send) { send_message(send, follow_ups); },
                   [&](const ArmTimer& arm) {
                     host_.timers.arm(timer_id(arm.timer), to_counter_deadline(arm.deadline));
                   },
                   [&](const CancelTimer& cancel) { host_.timers.cancel(timer_id(cancel.timer)); },
                   [&](const StepClock& step) { step_clock(step); },
                   [&](const SetClockFrequency& frequency) { set_clock_frequency(frequency); },
                   [&](const StateChanged& change) {
                     if (observer_ != nullptr) observer_->on_state_changed(change, now);
                   },
                   [&](const OffsetMeasured& measured) {
                     if (observer_ != nullptr) observer_->on_offset_measured(measured, now);
                   },
                   [&](const TimescaleChanged& timescale) {
                     if (apply_timescale(timescale.time_properties, now)) {
                       follow_ups.utc_offset_changed = true;
                     }
                   },
                   [&](const PeerDelayInputRejected& rejected) {
                     if (observer_ != nullptr) {
                       observer_->on_peer_delay_input_rejected(rejected, now);
                     }
                   },
                   [&](const UnicastNotice& notice) {
                     if (observer_ != nullptr) observer_->on_unicast_notice(notice, now);
                   },
               },
               action);
  }
  raise_follow_ups(follow_ups, now, timescale_restart);
}

void PortDriver::send_message(const SendMessage& send, FollowUps& follow_ups) {
  const AddressFamily family = host_.transport.family();
  const IpAddress destination = send.unicast_to ? to_ip_address(*send.unicast_to)
                                : send.group == MulticastGroup::kPeerDelay
                                    ? ptp_pdelay_multicast(family)
                                    : ptp_primary_multicast(family);
  const auto sent = host_.transport.send(
      udp_port(send.channel), destination, send.payload(),
      send.timestamp_id ? TxTimestampRequest::kRequested : TxTimestampRequest::kNone);
  if (!sent) {
    ++counters_.send_failures;
    follow_ups.fault = true;
    if (send.timestamp_id) follow_ups.lost[follow_ups.lost_count++] = *send.timestamp_id;
    return;
  }
  if (!send.timestamp_id) return;
  if (!sent.value()) {
    follow_ups.lost[follow_ups.lost_count++] = *send.timestamp_id;
    return;
  }
  for (auto& pending : pending_tags_) {
    if (!pending.in_use) {
      pending = PendingTag{*sent.value(), *send.timestamp_id, true};
      return;
    }
  }
  ++counters_.timestamp_tag_overflows;
  follow_ups.lost[follow_ups.lost_count++] = *send.timestamp_id;
}

std::optional<Nanoseconds> PortDriver::disciplined_clock_now() {
  if (discipline_nic_) {
    const auto ticks = host_.hardware_clock->now();
    if (!ticks) return std::nullopt;
    return ticks_to_nanoseconds(static_cast<Int128>(ticks.value().count),
                                host_.hardware_clock->frequency_hz());
  }
  const auto system_time = host_.system_clock.now();
  if (!system_time) return std::nullopt;
  return system_time.value().since_epoch.checked_add(applied_utc_offset_);
}

void PortDriver::step_clock(const StepClock& step) {
  if (config_.read_only) return;
  const auto before = disciplined_clock_now();
  const Nanoseconds host_time = now();
  const auto stepped = discipline_nic_ ? host_.hardware_clock->step(step.offset)
                                       : host_.system_clock.step(step.offset);
  if (!stepped) {
    ++counters_.clock_step_failures;
    return;
  }
  // Without a reading before the step, packets still queued cannot be told apart: the core's
  // servo then sees them as it always would.
  const auto after = before ? before->checked_add(*stepped) : std::nullopt;
  last_step_.reset();
  if (after) last_step_ = StepBoundary{*before, *after, host_time};
  clock_.handle_clock_stepped(step, *stepped);
}

void PortDriver::set_clock_frequency(const SetClockFrequency& frequency) {
  if (config_.read_only) return;
  const PartsPerBillion adjustment{frequency.frequency_ppb};
  const auto adjusted = discipline_nic_ ? host_.hardware_clock->adjust_frequency(adjustment)
                                        : host_.system_clock.adjust_frequency(adjustment);
  if (!adjusted) ++counters_.frequency_failures;
}

bool PortDriver::apply_timescale(const TimePropertiesDataSet& time_properties, Nanoseconds now) {
  const Nanoseconds offset = utc_offset_to_apply(time_properties, config_.utc_offset);
  if (offset == applied_utc_offset_) return false;
  applied_utc_offset_ = offset;
  ++counters_.utc_offset_changes;
  if (observer_ != nullptr) observer_->on_utc_offset_changed(offset, time_properties, now);
  return true;
}

void PortDriver::raise_follow_ups(const FollowUps& follow_ups, Nanoseconds now,
                                  TimescaleRestart timescale_restart) {
  for (std::size_t i = 0; i < follow_ups.lost_count; ++i) {
    PortActions actions;
    clock_.handle_tx_timestamp_lost(follow_ups.lost[i], now, actions);
    execute(actions, now);
  }
  if (follow_ups.fault && started_) {
    PortActions actions;
    clock_.handle_fault(now, actions);
    execute(actions, now);
  }
  // A new UTC offset while a master is followed: no measurement may mix the two mappings. A NIC
  // clock is compared as it is; a clock that follows nobody holds no measurement (a master's
  // Sync transmit timestamps convert with the new offset when they arrive).
  const PortState state = clock_.state();
  if (follow_ups.utc_offset_changed && timescale_restart == TimescaleRestart::kIfFollowing &&
      !discipline_nic_ && (state == PortState::kUncalibrated || state == PortState::kSlave)) {
    PortActions actions;
    clock_.handle_timestamping_changed(now, actions);
    execute(actions, now);
  }
}

}  // namespace ptp::hal
