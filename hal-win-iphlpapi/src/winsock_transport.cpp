// WinsockTransport's data path: send with an SO_TIMESTAMP_ID tag, receive with the SO_TIMESTAMP
// control message, and the TX-timestamp queue polled with retries.
#include "ptp/win/winsock_transport.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "ptp/hal/sparse_report.h"
#include "ptp/win/control_messages.h"
#include "ptp/win/winsock_timestamp_types.h"
#include "socket_address.h"

namespace ptp::win {

namespace {

// Receives stop after this many datagrams per socket per poll, so one flooded socket cannot hold
// the loop; Winsock re-signals the event while data remains.
constexpr int kMaxDatagramsPerPoll = 64;

hal::PacketTimestamp os_timestamp(hal::TimestampSource source, std::uint64_t value) {
  if (source == hal::TimestampSource::kHardware) return {source, hal::NicTicks{value}};
  return {source, hal::CounterTicks{static_cast<std::int64_t>(value)}};  // software: QPC ticks
}

}  // namespace

hal::TimestampSource WinsockTransport::timestamp_source() const {
  if (!socket_timestamping_ || timestamping_ == nullptr) return hal::TimestampSource::kNone;
  return timestamping_->selected_source(config_.family);
}

std::uint64_t WinsockTransport::generation() const {
  return timestamping_ != nullptr ? timestamping_->generation() : 0;
}

std::int64_t WinsockTransport::ticks_from_us(std::int64_t us) const {
  return us * counter_frequency_hz_ / 1'000'000;
}

Result<std::optional<hal::TxTag>, hal::HalError> WinsockTransport::send(
    hal::PtpUdpPort port, const hal::IpAddress& destination, std::span<const std::byte> payload,
    hal::TxTimestampRequest request) {
  if (destination.family() != config_.family) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  const bool event = port == hal::PtpUdpPort::kEvent;
  const std::size_t index = event ? 0 : 1;
  const detail::SocketAddress to = detail::to_socket_address(
      destination, event ? config_.event_port : config_.general_port, config_.interface_index);
  const bool requested = request == hal::TxTimestampRequest::kRequested;
  const hal::TimestampSource source = timestamp_source();
  const bool os_timestamp_wanted = requested && source != hal::TimestampSource::kNone;
  const hal::TxTag tag{next_tag_};

  WSABUF data{};
  data.buf = const_cast<char*>(reinterpret_cast<const char*>(payload.data()));  // not written
  data.len = static_cast<ULONG>(payload.size());
  std::array<ULONG64, 4> control_storage{};
  WSAMSG message{};
  message.name = const_cast<sockaddr*>(to.get());  // not written by WSASendMsg
  message.namelen = to.length;
  message.lpBuffers = &data;
  message.dwBufferCount = 1;
  if (os_timestamp_wanted) {
    const std::uint32_t id = tag.value;
    const std::span<std::byte> control(reinterpret_cast<std::byte*>(control_storage.data()),
                                       sizeof(control_storage));
    const auto end = append_control_message(control, 0, SOL_SOCKET, kSoTimestampId,
                                            std::as_bytes(std::span(&id, 1)));
    message.Control.buf = reinterpret_cast<char*>(control_storage.data());
    message.Control.len = static_cast<ULONG>(end.value_or(0));
  }
  DWORD sent = 0;
  if (api_.wsa_send_msg(sockets_[index], &message, &sent) == SOCKET_ERROR) {
    const int code = api_.wsa_get_last_error();
    ++counters_.send_errors;
    return unexpected(hal::HalError{
        code == WSAEWOULDBLOCK ? hal::HalErrorCode::kWouldBlock : hal::HalErrorCode::kOsError,
        static_cast<std::uint32_t>(code)});
  }
  const hal::CounterTicks after{api_.query_performance_counter()};
  ++counters_.sent;
  if (!requested) return std::optional<hal::TxTag>{};

  ++next_tag_;
  PendingTx pending;
  pending.tag = tag;
  pending.socket_index = index;
  pending.source = source;
  pending.generation = generation();
  pending.sent_at = after;
  pending.next_try = after;  // the first query happens at the next poll
  if (!os_timestamp_wanted) {
    pending.mode = TxMode::kApplication;
  } else {
    const auto queued = std::count_if(pending_.begin(), pending_.end(), [&](const PendingTx& p) {
      return p.mode == TxMode::kOs && p.socket_index == index;
    });
    // The OS drops TX timestamps beyond its queue depth: report that rather than wait for it.
    if (queued >= config_.tx_timestamps_buffered) pending.mode = TxMode::kOverflow;
  }
  pending_.push_back(pending);
  return std::optional<hal::TxTag>{tag};
}

std::size_t WinsockTransport::poll_receive() {
  // Reset before draining: data arriving during the drain sets it again, so none is missed.
  if (event_ != WSA_INVALID_EVENT) api_.wsa_reset_event(event_);
  // Counted from `received`: a datagram skipped for its error is read but not handed over.
  const std::uint64_t before = counters_.received;
  for (std::size_t index = 0; index < sockets_.size(); ++index) {
    for (int i = 0; i < kMaxDatagramsPerPoll && receive_one(index); ++i) {
    }
  }
  return static_cast<std::size_t>(counters_.received - before);
}

bool WinsockTransport::receive_one(std::size_t index) {
  sockaddr_storage from{};
  WSABUF data{};
  data.buf = reinterpret_cast<char*>(receive_buffer_.data());
  data.len = static_cast<ULONG>(receive_buffer_.size());
  WSAMSG message{};
  message.name = reinterpret_cast<sockaddr*>(&from);
  message.namelen = sizeof(from);
  message.lpBuffers = &data;
  message.dwBufferCount = 1;
  message.Control.buf = reinterpret_cast<char*>(control_buffer_.data());
  message.Control.len = static_cast<ULONG>(sizeof(control_buffer_));
  DWORD length = 0;
  if (api_.wsa_recv_msg(sockets_[index], &message, &length) == SOCKET_ERROR) {
    const int code = api_.wsa_get_last_error();
    if (code == WSAEWOULDBLOCK) return false;
    // WSAECONNRESET (an ICMP port-unreachable for an earlier send) and WSAEMSGSIZE (a datagram
    // larger than any PTP message) concern one datagram only: go on with the next.
    ++counters_.receive_errors;
    return code == WSAECONNRESET || code == WSAEMSGSIZE;
  }
  const hal::CounterTicks application{api_.query_performance_counter()};
  ++counters_.received;
  const ReceivedControl control = parse_control_messages(
      std::span(reinterpret_cast<const std::byte*>(control_buffer_.data()), message.Control.len));
  const hal::TimestampSource source = timestamp_source();
  const bool event = index == 0;

  hal::ReceivedPacket packet;
  packet.payload = std::span<const std::byte>(receive_buffer_.data(), length);
  packet.port = event ? hal::PtpUdpPort::kEvent : hal::PtpUdpPort::kGeneral;
  packet.source = detail::to_endpoint(from);
  if (control.destination) packet.destination = *control.destination;
  if (source != hal::TimestampSource::kNone && control.timestamp) {
    packet.timestamp = os_timestamp(source, *control.timestamp);
  } else {
    if (source != hal::TimestampSource::kNone) ++counters_.rx_timestamp_missing;
    packet.timestamp = hal::PacketTimestamp{hal::TimestampSource::kNone, application};
  }

  if (event && packet.timestamp.source != hal::TimestampSource::kNone) {
    std::optional<hal::CounterTicks> stamped;
    if (const auto* counter = std::get_if<hal::CounterTicks>(&packet.timestamp.reading)) {
      stamped = *counter;
    } else if (const auto* nic = std::get_if<hal::NicTicks>(&packet.timestamp.reading);
               nic != nullptr && hardware_to_counter_) {
      stamped = hardware_to_counter_(*nic);
    }
    if (stamped) {
      const std::int64_t ticks = application.count - stamped->count;
      rx_latency_.add(Nanoseconds(ticks * 1'000'000'000 / counter_frequency_hz_));
    }
  }
  if (listener_ != nullptr) listener_->on_packet(packet);
  return true;
}

std::optional<WinsockTransport::TxOutcome> WinsockTransport::service(PendingTx& pending,
                                                                     hal::CounterTicks now) {
  const hal::PacketTimestamp application{hal::TimestampSource::kNone, pending.sent_at};
  switch (pending.mode) {
    case TxMode::kApplication: return TxOutcome{pending.tag, application};
    case TxMode::kOverflow:
      return TxOutcome{pending.tag, std::nullopt, hal::TxTimestampLoss::kQueueOverflow};
    case TxMode::kOs: break;
  }
  // A timestamp taken before a capability change is in a domain nobody can interpret any more.
  if (pending.generation != generation()) {
    return TxOutcome{pending.tag, std::nullopt, hal::TxTimestampLoss::kSourceChanged};
  }
  if (now < pending.next_try) return std::nullopt;
  std::uint32_t id = pending.tag.value;
  std::uint64_t value = 0;
  DWORD returned = 0;
  if (api_.wsa_ioctl(sockets_[pending.socket_index], kSioGetTxTimestamp, &id, sizeof(id), &value,
                     sizeof(value), &returned) != SOCKET_ERROR) {
    return TxOutcome{pending.tag, os_timestamp(pending.source, value)};
  }
  const int code = api_.wsa_get_last_error();
  if (code == WSAEWOULDBLOCK) {
    ++counters_.tx_timestamp_would_block;
    ++pending.attempts;
    if (pending.attempts >= config_.tx_timestamp_max_attempts) {
      abandon(pending);
      return TxOutcome{pending.tag, std::nullopt, hal::TxTimestampLoss::kTimedOut};
    }
    // The delay stops doubling after 2^20 times the first: a long give-up (many attempts) must
    // not shift past the integer's width.
    const int doublings = std::min(pending.attempts - 1, 20);
    pending.next_try = hal::CounterTicks{
        now.count + ticks_from_us(config_.tx_timestamp_first_retry_us << doublings)};
    return std::nullopt;
  }
  if (code == WSAEOPNOTSUPP) {
    fall_back("SIO_GET_TX_TIMESTAMP refused (error " + std::to_string(code) + ", WSAEOPNOTSUPP)");
    return TxOutcome{pending.tag, application};
  }
  log(LogLevel::kWarning, "SIO_GET_TX_TIMESTAMP failed with " + std::to_string(code));
  return TxOutcome{pending.tag, std::nullopt, hal::TxTimestampLoss::kTimedOut};
}

void WinsockTransport::abandon(const PendingTx& pending) {
  // At most a queue's worth per socket: beyond that the oldest was most likely never reported.
  const auto same_socket = [&](const AbandonedTx& a) {
    return a.socket_index == pending.socket_index;
  };
  if (std::count_if(abandoned_.begin(), abandoned_.end(), same_socket) >=
      config_.tx_timestamps_buffered) {
    abandoned_.erase(std::find_if(abandoned_.begin(), abandoned_.end(), same_socket));
  }
  abandoned_.push_back(AbandonedTx{pending.socket_index, pending.tag.value});
  // As ptp4l's "timed out while polling for tx timestamp": the first time, then at 2, 4, 8, ...
  const std::uint64_t lost = ++counters_.tx_timestamps_timed_out;
  if (hal::worth_reporting(lost)) {
    log(LogLevel::kWarning,
        "timed out waiting for a TX timestamp (SIO_GET_TX_TIMESTAMP still WSAEWOULDBLOCK after " +
            std::to_string(config_.tx_timestamp_max_attempts) + " tries): " + std::to_string(lost) +
            " so far; that measurement is skipped");
  }
}

void WinsockTransport::retrieve_abandoned() {
  // WT:70 success removes the entry: a late timestamp is taken out of the queue and dropped, so
  // that late ones cannot fill TxTimestampsBuffered and starve every later send (WT:68).
  std::erase_if(abandoned_, [this](const AbandonedTx& abandoned) {
    std::uint32_t id = abandoned.id;
    std::uint64_t value = 0;
    DWORD returned = 0;
    if (api_.wsa_ioctl(sockets_[abandoned.socket_index], kSioGetTxTimestamp, &id, sizeof(id),
                       &value, sizeof(value), &returned) != SOCKET_ERROR) {
      ++counters_.tx_timestamps_late;
      return true;
    }
    return api_.wsa_get_last_error() != WSAEWOULDBLOCK;
  });
}

void WinsockTransport::poll_tx_timestamps() {
  if (pending_.empty()) return;
  retrieve_abandoned();
  const hal::CounterTicks now{api_.query_performance_counter()};
  // Outcomes are collected first and delivered after: a listener may send from its callback.
  std::vector<TxOutcome> outcomes;
  std::erase_if(pending_, [&](PendingTx& pending) {
    auto outcome = service(pending, now);
    if (!outcome) return false;
    outcomes.push_back(*outcome);
    return true;
  });
  for (const TxOutcome& outcome : outcomes) {
    if (outcome.timestamp) {
      ++counters_.tx_timestamps;
      if (listener_ != nullptr) listener_->on_tx_timestamp(outcome.tag, *outcome.timestamp);
    } else {
      ++counters_.tx_timestamps_lost;
      if (listener_ != nullptr) listener_->on_tx_timestamp_lost(outcome.tag, outcome.loss);
    }
  }
}

std::optional<hal::CounterTicks> WinsockTransport::next_tx_poll() const {
  std::optional<hal::CounterTicks> next;
  for (const PendingTx& pending : pending_) {
    if (!next || pending.next_try < *next) next = pending.next_try;
  }
  return next;
}

}  // namespace ptp::win
