// SimWindows' Winsock: UDP sockets over the SimHost's transports, with SIO_TIMESTAMPING, the
// SO_TIMESTAMP receive control message, SO_TIMESTAMP_ID + SIO_GET_TX_TIMESTAMP, and the
// WSAEventSelect event that signals received data.
#include <algorithm>
#include <cstring>

#include "ptp/sim_win/sim_windows.h"
#include "ptp/win/control_messages.h"
#include "sim_windows_state.h"

namespace ptp::simwin {

namespace {

struct Destination {
  hal::IpAddress address;
  std::uint16_t port = 0;
};

std::optional<Destination> parse_address(const sockaddr* name, int length) {
  if (name == nullptr) return std::nullopt;
  if (name->sa_family == AF_INET && length >= static_cast<int>(sizeof(sockaddr_in))) {
    sockaddr_in v4{};
    std::memcpy(&v4, name, sizeof(v4));
    std::array<std::uint8_t, 4> o{};
    std::memcpy(o.data(), &v4.sin_addr, 4);
    return Destination{hal::IpAddress::v4(o[0], o[1], o[2], o[3]), ntohs(v4.sin_port)};
  }
  if (name->sa_family == AF_INET6 && length >= static_cast<int>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, name, sizeof(v6));
    std::array<std::uint8_t, 16> o{};
    std::memcpy(o.data(), &v6.sin6_addr, 16);
    return Destination{hal::IpAddress::v6(o), ntohs(v6.sin6_port)};
  }
  return std::nullopt;
}

// The sockaddr of `endpoint` into WSARecvMsg's name buffer; returns the length written (0: none).
int write_address(const hal::UdpEndpoint& endpoint, sockaddr* name, int capacity) {
  if (name == nullptr) return 0;
  if (endpoint.address.family() == hal::AddressFamily::kIpv4) {
    if (capacity < static_cast<int>(sizeof(sockaddr_in))) return 0;
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(endpoint.port);
    std::memcpy(&v4.sin_addr, endpoint.address.octets().data(), 4);
    std::memcpy(name, &v4, sizeof(v4));
    return sizeof(v4);
  }
  if (capacity < static_cast<int>(sizeof(sockaddr_in6))) return 0;
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(endpoint.port);
  std::memcpy(&v6.sin6_addr, endpoint.address.octets().data(), 16);
  std::memcpy(name, &v6, sizeof(v6));
  return sizeof(v6);
}

hal::AddressFamily family_of(int family) {
  return family == AF_INET ? hal::AddressFamily::kIpv4 : hal::AddressFamily::kIpv6;
}

// The SO_TIMESTAMP_ID a WSASendMsg carries, if any.
std::optional<std::uint32_t> timestamp_id(const WSAMSG& message) {
  const std::span<const std::byte> control(
      reinterpret_cast<const std::byte*>(message.Control.buf),
      message.Control.buf != nullptr ? message.Control.len : 0);
  std::size_t offset = 0;
  while (offset + sizeof(WSACMSGHDR) <= control.size()) {
    WSACMSGHDR header{};
    std::memcpy(&header, control.data() + offset, sizeof(header));
    if (header.cmsg_len < win::kControlDataOffset || header.cmsg_len > control.size() - offset) {
      break;
    }
    if (header.cmsg_level == SOL_SOCKET && header.cmsg_type == win::kSoTimestampId &&
        header.cmsg_len >= win::control_length(sizeof(std::uint32_t))) {
      std::uint32_t id = 0;
      std::memcpy(&id, control.data() + offset + win::kControlDataOffset, sizeof(id));
      return id;
    }
    offset += win::control_header_align(header.cmsg_len);
  }
  return std::nullopt;
}

}  // namespace

void SimWindows::State::on_packet(const hal::ReceivedPacket& packet) {
  // The host hands a packet over when the application would have it: it then waits in the
  // socket bound to its port (and, multicast, joined to its group).
  const auto port = static_cast<std::uint16_t>(packet.port);
  const bool v4 = packet.destination.family() == hal::AddressFamily::kIpv4;
  bool delivered = false;
  for (auto& [handle, socket] : sockets) {
    if ((socket.family == AF_INET) != v4 || socket.port != port) continue;
    if (packet.destination.is_multicast() && std::find(socket.groups.begin(), socket.groups.end(),
                                                       packet.destination) == socket.groups.end()) {
      continue;
    }
    SimDatagram datagram;
    datagram.payload.assign(packet.payload.begin(), packet.payload.end());
    datagram.source = packet.source;
    datagram.destination = packet.destination;
    // WT:68-69, PT:557-611: with TIMESTAMPING_FLAG_RX the datagram carries SO_TIMESTAMP: NIC clock
    // ticks for a hardware timestamp, QPC ticks for a software one (PT:21); a packet the stack
    // did not stamp carries none.
    const bool rx =
        config.socket_timestamping && (socket.timestamping.flags & win::kTimestampingFlagRx) != 0;
    if (rx && packet.timestamp.source == hal::TimestampSource::kHardware) {
      datagram.timestamp = std::get<hal::NicTicks>(packet.timestamp.reading).count;
    } else if (rx && packet.timestamp.source == hal::TimestampSource::kSoftware) {
      datagram.timestamp =
          static_cast<std::uint64_t>(std::get<hal::CounterTicks>(packet.timestamp.reading).count);
    }
    socket.inbox.push_back(std::move(datagram));
    ++counters.datagrams_received;
    delivered = true;
    // The host hands the datagram over after its receive stack and the application's latency
    // (hal-sim's receive_application: the application thread waking up to it), so a waiter on
    // the receive event runs now; a second loop_wakeup_delay would count that wake-up twice, and
    // an application timestamp (QPC at WSARecvMsg) would be later than the library's for the same
    // host (sim_host.h's application stamp, taken at the hand-over).
    signal(socket.event, sim::SimDuration());
  }
  if (!delivered) ++counters.datagrams_not_delivered;
}

void SimWindows::State::on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) {
  const auto request = tx_requests.find(tag.value);
  if (request == tx_requests.end()) return;
  const TxRequest wanted = request->second;
  tx_requests.erase(request);
  const auto socket = sockets.find(wanted.socket);
  // A packet the stack did not stamp (no timestamping active) has no TX timestamp to report.
  if (socket == sockets.end() || timestamp.source == hal::TimestampSource::kNone ||
      random.bernoulli(config.tx_timestamp_never_reported_probability)) {
    ++counters.tx_timestamps_never_reported;
    return;
  }
  // WT:68 TxTimestampsBuffered is the per-socket queue depth; when full, new ones are dropped.
  if (socket->second.tx_timestamps.size() >= socket->second.timestamping.tx_timestamps_buffered) {
    ++counters.tx_timestamps_buffer_overflow;
    return;
  }
  const std::uint64_t value =
      timestamp.source == hal::TimestampSource::kHardware
          ? std::get<hal::NicTicks>(timestamp.reading).count
          : static_cast<std::uint64_t>(std::get<hal::CounterTicks>(timestamp.reading).count);
  socket->second.tx_timestamps[wanted.id] = value;
  ++counters.tx_timestamps_reported;
}

void SimWindows::State::on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss) {
  if (tx_requests.erase(tag.value) > 0) ++counters.tx_timestamps_never_reported;
}

void SimWindows::install_winsock() {
  State* s = state_.get();
  const auto fail = [s](int error) {
    s->last_wsa_error = error;
    return SOCKET_ERROR;
  };
  const auto find = [s](SOCKET handle) -> SimSocket* {
    const auto found = s->sockets.find(handle);
    return found == s->sockets.end() ? nullptr : &found->second;
  };
  api_.wsa_startup = [s](WORD, WSADATA* data) {
    if (data != nullptr) *data = WSADATA{};
    if (data != nullptr) data->wVersion = data->wHighVersion = MAKEWORD(2, 2);
    ++s->startups;
    return 0;
  };
  api_.wsa_cleanup = [s, fail] {
    if (s->startups == 0) return fail(WSANOTINITIALISED);
    --s->startups;
    return 0;
  };
  api_.wsa_get_last_error = [s] { return s->last_wsa_error; };
  api_.socket = [s](int family, int type, int) -> SOCKET {
    if (s->startups == 0) {
      s->last_wsa_error = WSANOTINITIALISED;
      return INVALID_SOCKET;
    }
    if ((family != AF_INET && family != AF_INET6) || type != SOCK_DGRAM) {
      s->last_wsa_error = WSAEAFNOSUPPORT;
      return INVALID_SOCKET;
    }
    const SOCKET handle = s->next_socket++;
    s->sockets[handle].family = family;
    return handle;
  };
  api_.closesocket = [s, fail](SOCKET handle) {
    return s->sockets.erase(handle) > 0 ? 0 : fail(WSAEINVAL);
  };
  api_.bind = [s, fail, find](SOCKET handle, const sockaddr* name, int length) {
    SimSocket* socket = find(handle);
    const auto local = parse_address(name, length);
    if (socket == nullptr || !local || socket->port) return fail(WSAEINVAL);
    for (const auto& [other, bound] : s->sockets) {
      if (bound.family == socket->family && bound.port == local->port) return fail(WSAEADDRINUSE);
    }
    socket->port = local->port;
    return 0;
  };
  api_.setsockopt = [fail, find](SOCKET handle, int level, int name, const char* value,
                                 int length) {
    SimSocket* socket = find(handle);
    if (socket == nullptr || value == nullptr) return fail(WSAEINVAL);
    if ((level == IPPROTO_IP && name == IP_PKTINFO) ||
        (level == IPPROTO_IPV6 && name == IPV6_PKTINFO)) {
      DWORD on = 0;
      std::memcpy(&on, value, std::min<std::size_t>(sizeof(on), static_cast<std::size_t>(length)));
      socket->packet_info = on != 0;
    } else if (level == IPPROTO_IP && name == IP_ADD_MEMBERSHIP) {
      if (length < static_cast<int>(sizeof(ip_mreq))) return fail(WSAEINVAL);
      ip_mreq request{};
      std::memcpy(&request, value, sizeof(request));
      std::array<std::uint8_t, 4> o{};
      std::memcpy(o.data(), &request.imr_multiaddr, 4);
      socket->groups.push_back(hal::IpAddress::v4(o[0], o[1], o[2], o[3]));
    } else if (level == IPPROTO_IPV6 && name == IPV6_ADD_MEMBERSHIP) {
      if (length < static_cast<int>(sizeof(ipv6_mreq))) return fail(WSAEINVAL);
      ipv6_mreq request{};
      std::memcpy(&request, value, sizeof(request));
      std::array<std::uint8_t, 16> o{};
      std::memcpy(o.data(), &request.ipv6mr_multiaddr, 16);
      socket->groups.push_back(hal::IpAddress::v6(o));
    }
    // Multicast interface, hops and loopback: one NIC, and the network never loops back.
    return 0;
  };
  api_.ioctlsocket = [](SOCKET, long, u_long*) { return 0; };
  api_.wsa_ioctl = [s, fail, find](SOCKET handle, DWORD code, void* in, DWORD in_size, void* out,
                                   DWORD out_size, DWORD* returned) {
    SimSocket* socket = find(handle);
    if (socket == nullptr) return fail(WSAEINVAL);
    if (code != win::kSioTimestamping && code != win::kSioGetTxTimestamp) return fail(WSAEINVAL);
    // WT:71, WT:82 a stack without Winsock timestamping answers WSAEOPNOTSUPP to both.
    if (!s->config.socket_timestamping) return fail(WSAEOPNOTSUPP);
    if (code == win::kSioTimestamping) {
      // WT:68 a flag enables its direction, omitting it disables it (PT:558-570).
      if (in == nullptr || in_size < sizeof(win::TimestampingConfig)) return fail(WSAEINVAL);
      std::memcpy(&socket->timestamping, in, sizeof(win::TimestampingConfig));
      if (returned != nullptr) *returned = 0;
      return 0;
    }
    // WT:70 SIO_GET_TX_TIMESTAMP: WSAEWOULDBLOCK until the timestamp exists; success removes it.
    if (in == nullptr || in_size < sizeof(std::uint32_t) || out == nullptr ||
        out_size < sizeof(std::uint64_t)) {
      return fail(WSAEINVAL);
    }
    std::uint32_t id = 0;
    std::memcpy(&id, in, sizeof(id));
    const auto found = socket->tx_timestamps.find(id);
    if (found == socket->tx_timestamps.end()) {
      ++s->counters.tx_timestamp_would_block;
      return fail(WSAEWOULDBLOCK);
    }
    std::memcpy(out, &found->second, sizeof(std::uint64_t));
    if (returned != nullptr) *returned = sizeof(std::uint64_t);
    socket->tx_timestamps.erase(found);
    ++s->counters.tx_timestamps_retrieved;
    return 0;
  };
  api_.wsa_send_msg = [s, fail, find](SOCKET handle, WSAMSG* message, DWORD* sent) {
    SimSocket* socket = find(handle);
    if (socket == nullptr || message == nullptr) return fail(WSAEINVAL);
    const auto to = parse_address(message->name, message->namelen);
    if (!to || family_of(socket->family) != to->address.family()) return fail(WSAEINVAL);
    // The simulated network carries PTP's two ports only.
    if (to->port != 319 && to->port != 320) return fail(WSAEINVAL);
    std::vector<std::byte> payload;
    for (ULONG i = 0; i < message->dwBufferCount; ++i) {
      const auto* bytes = reinterpret_cast<const std::byte*>(message->lpBuffers[i].buf);
      payload.insert(payload.end(), bytes, bytes + message->lpBuffers[i].len);
    }
    // WT:70 the SO_TIMESTAMP_ID control message asks for the TX timestamp (with the TX flag on).
    const auto id = timestamp_id(*message);
    const bool wanted = id && s->config.socket_timestamping &&
                        (socket->timestamping.flags & win::kTimestampingFlagTx) != 0;
    const auto port = to->port == 319 ? hal::PtpUdpPort::kEvent : hal::PtpUdpPort::kGeneral;
    // The host is asked for every event datagram's TX timestamp, as a PTP stack on the host's own
    // HAL asks for it, and only those the socket asked for are kept (on_tx_timestamp): the host's
    // random draws for a packet then do not depend on which program sent it, so the library's
    // assembly and ptp4win on one seed see the same delays (a paired comparison).
    const bool host_tag = wanted || port == hal::PtpUdpPort::kEvent;
    auto result =
        s->host.transport(family_of(socket->family))
            .send(port, to->address, payload,
                  host_tag ? hal::TxTimestampRequest::kRequested : hal::TxTimestampRequest::kNone);
    if (!result) {
      switch (result.error().code) {
        case hal::HalErrorCode::kBufferTooSmall: return fail(WSAEMSGSIZE);
        case hal::HalErrorCode::kUnavailable: return fail(WSAENETDOWN);
        default: return fail(WSAEINVAL);
      }
    }
    if (*result && wanted) s->tx_requests[(*result)->value] = State::TxRequest{handle, *id};
    if (sent != nullptr) *sent = static_cast<DWORD>(payload.size());
    ++s->counters.datagrams_sent;
    return 0;
  };
  api_.wsa_recv_msg = [s, fail, find](SOCKET handle, WSAMSG* message, DWORD* received) {
    SimSocket* socket = find(handle);
    if (socket == nullptr || message == nullptr) return fail(WSAEINVAL);
    if (socket->inbox.empty()) return fail(WSAEWOULDBLOCK);  // non-blocking (WSAEventSelect)
    const SimDatagram datagram = std::move(socket->inbox.front());
    socket->inbox.pop_front();
    // Reading re-enables FD_READ: the event is set again while data remains.
    if (!socket->inbox.empty()) s->signal(socket->event);
    std::size_t copied = 0;
    for (ULONG i = 0; i < message->dwBufferCount && copied < datagram.payload.size(); ++i) {
      const std::size_t n =
          std::min<std::size_t>(message->lpBuffers[i].len, datagram.payload.size() - copied);
      std::memcpy(message->lpBuffers[i].buf, datagram.payload.data() + copied, n);
      copied += n;
    }
    message->namelen = write_address(datagram.source, message->name, message->namelen);
    const std::span<std::byte> control(reinterpret_cast<std::byte*>(message->Control.buf),
                                       message->Control.buf != nullptr ? message->Control.len : 0);
    std::size_t used = 0;
    if (socket->packet_info && datagram.destination.family() == hal::AddressFamily::kIpv4) {
      IN_PKTINFO info{};
      std::memcpy(&info.ipi_addr, datagram.destination.octets().data(), 4);
      info.ipi_ifindex = s->config.adapter.if_index;
      used = win::append_control_message(control, used, IPPROTO_IP, IP_PKTINFO,
                                         std::as_bytes(std::span(&info, 1)))
                 .value_or(used);
    } else if (socket->packet_info) {
      IN6_PKTINFO info{};
      std::memcpy(&info.ipi6_addr, datagram.destination.octets().data(), 16);
      info.ipi6_ifindex = s->config.adapter.ipv6_if_index;
      used = win::append_control_message(control, used, IPPROTO_IPV6, IPV6_PKTINFO,
                                         std::as_bytes(std::span(&info, 1)))
                 .value_or(used);
    }
    if (datagram.timestamp) {
      // PT:604-606: {SOL_SOCKET, SO_TIMESTAMP, UINT64}.
      used = win::append_control_message(control, used, SOL_SOCKET, win::kSoTimestamp,
                                         std::as_bytes(std::span(&*datagram.timestamp, 1)))
                 .value_or(used);
    }
    message->Control.len = static_cast<ULONG>(used);
    if (received != nullptr) *received = static_cast<DWORD>(copied);
    if (copied < datagram.payload.size()) return fail(WSAEMSGSIZE);  // truncated
    return 0;
  };
  api_.wsa_create_event = [s]() -> WSAEVENT {
    SimEvent& event = s->events[s->next_event++];
    return static_cast<WSAEVENT>(&event);  // the event object's address is its handle
  };
  api_.wsa_close_event = [s](WSAEVENT event) -> BOOL {
    for (auto it = s->events.begin(); it != s->events.end(); ++it) {
      if (static_cast<void*>(&it->second) == event) {
        s->events.erase(it);
        return TRUE;
      }
    }
    return FALSE;
  };
  api_.wsa_reset_event = [s](WSAEVENT event) -> BOOL {
    SimEvent* found = s->find_event(event);
    if (found == nullptr) return FALSE;
    found->signalled = false;
    return TRUE;
  };
  api_.wsa_event_select = [s, fail, find](SOCKET handle, WSAEVENT event, long events) {
    SimSocket* socket = find(handle);
    if (socket == nullptr) return fail(WSAEINVAL);
    socket->event = (events & FD_READ) != 0 ? event : nullptr;
    if (socket->event != nullptr && !socket->inbox.empty()) s->signal(socket->event);
    return 0;
  };
}

}  // namespace ptp::simwin
