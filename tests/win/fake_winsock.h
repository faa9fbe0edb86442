// FakeWinsock: the Winsock and counter entries of a WinApi table, faked. Sockets are numbered
// handles that record their options and sends; the test queues datagrams (with the control
// messages Windows would attach) and scripts the answers of SIO_TIMESTAMPING and
// SIO_GET_TX_TIMESTAMP. The QPC reading is whatever the test sets.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "ptp/win/control_messages.h"
#include "ptp/win/win_api.h"
#include "ptp/win/winsock_timestamp_types.h"

namespace ptp::win::test {

struct FakeDatagram {
  std::vector<std::byte> payload;
  sockaddr_storage from{};
  std::optional<std::uint64_t> timestamp;                  // attached as SO_TIMESTAMP
  std::optional<std::array<std::uint8_t, 4>> destination;  // attached as IP_PKTINFO
  int error = 0;  // non-zero: WSARecvMsg fails with this instead (and the entry is consumed)
};

struct FakeSent {
  std::vector<std::byte> payload;
  sockaddr_storage to{};
  std::optional<std::uint32_t> timestamp_id;  // the SO_TIMESTAMP_ID control message, if any
};

struct FakeSocket {
  int family = 0;
  std::uint16_t port = 0;
  std::multimap<std::pair<int, int>, std::vector<char>> options;  // every setsockopt, in order
  std::optional<TimestampingConfig> timestamping;
  std::deque<FakeDatagram> inbox;
  std::vector<FakeSent> sent;
  bool closed = false;
};

// One scripted TX timestamp: WSAEWOULDBLOCK `not_ready` times, then `value` (or `error`).
struct FakeTxTimestamp {
  int not_ready = 0;
  std::uint64_t value = 0;
  int error = 0;
};

class FakeWinsock {
 public:
  std::map<SOCKET, FakeSocket> sockets;
  int timestamping_error = 0;  // SIO_TIMESTAMPING fails with this when non-zero
  std::map<std::uint32_t, FakeTxTimestamp> tx_timestamps;  // by SO_TIMESTAMP_ID
  int tx_queries = 0;
  int send_error = 0;
  int bind_error = 0;
  int startup_error = 0;                             // WSAStartup's return value
  int socket_error = 0;                              // socket() fails with this when non-zero
  int event_select_error = 0;                        // WSAEventSelect fails with this when non-zero
  std::map<std::pair<int, int>, int> option_errors;  // setsockopt(level, name) fails with this
  std::int64_t counter = 1'000'000;
  std::int64_t frequency_hz = 10'000'000;
  int startups = 0;
  int cleanups = 0;
  int resets = 0;

  void install(WinApi& api) {
    api.wsa_startup = [this](WORD, WSADATA*) {
      ++startups;
      return startup_error;
    };
    api.wsa_cleanup = [this] {
      ++cleanups;
      return 0;
    };
    api.wsa_get_last_error = [this] { return last_error_; };
    api.socket = [this](int family, int, int) {
      if (socket_error != 0) {
        last_error_ = socket_error;
        return INVALID_SOCKET;
      }
      const SOCKET s = next_socket_++;
      sockets[s].family = family;
      return s;
    };
    api.closesocket = [this](SOCKET s) {
      sockets[s].closed = true;
      return 0;
    };
    api.bind = [this](SOCKET s, const sockaddr* address, int) {
      if (bind_error != 0) return fail(bind_error);
      sockaddr_in v4{};
      std::memcpy(&v4, address, sizeof(v4));  // the port is at the same offset for both families
      sockets[s].port = ntohs(v4.sin_port);
      return 0;
    };
    api.setsockopt = [this](SOCKET s, int level, int name, const char* value, int length) {
      if (const auto it = option_errors.find({level, name}); it != option_errors.end()) {
        return fail(it->second);
      }
      sockets[s].options.emplace(std::pair{level, name}, std::vector<char>(value, value + length));
      return 0;
    };
    api.wsa_ioctl = [this](SOCKET s, DWORD code, void* in, DWORD, void* out, DWORD,
                           DWORD* returned) { return ioctl(s, code, in, out, returned); };
    api.ioctlsocket = [](SOCKET, long, u_long*) { return 0; };
    api.wsa_send_msg = [this](SOCKET s, WSAMSG* message, DWORD* sent) {
      return send(s, *message, sent);
    };
    api.wsa_recv_msg = [this](SOCKET s, WSAMSG* message, DWORD* received) {
      return receive(s, *message, received);
    };
    api.wsa_create_event = [] { return reinterpret_cast<WSAEVENT>(std::uintptr_t{0x1234}); };
    api.wsa_close_event = [](WSAEVENT) { return TRUE; };
    api.wsa_reset_event = [this](WSAEVENT) {
      ++resets;
      return TRUE;
    };
    api.wsa_event_select = [this](SOCKET, WSAEVENT, long) {
      return event_select_error != 0 ? fail(event_select_error) : 0;
    };
    api.query_performance_counter = [this] { return counter; };
    api.query_performance_frequency = [this] { return frequency_hz; };
  }

  FakeSocket& socket_on_port(std::uint16_t port) {
    for (auto& [handle, s] : sockets) {
      if (s.port == port && !s.closed) return s;
    }
    return sockets[INVALID_SOCKET];  // an empty one: the test's expectations then fail
  }
  SOCKET handle_on_port(std::uint16_t port) const {
    for (const auto& [handle, s] : sockets) {
      if (s.port == port && !s.closed) return handle;
    }
    return INVALID_SOCKET;
  }

 private:
  int fail(int error) {
    last_error_ = error;
    return SOCKET_ERROR;
  }

  int ioctl(SOCKET s, DWORD code, void* in, void* out, DWORD* returned) {
    if (code == kSioTimestamping) {
      if (timestamping_error != 0) return fail(timestamping_error);
      TimestampingConfig config{};
      std::memcpy(&config, in, sizeof(config));
      sockets[s].timestamping = config;
      return 0;
    }
    if (code == kSioGetTxTimestamp) {
      ++tx_queries;
      std::uint32_t id = 0;
      std::memcpy(&id, in, sizeof(id));
      const auto it = tx_timestamps.find(id);
      if (it == tx_timestamps.end()) return fail(WSAEWOULDBLOCK);
      if (it->second.error != 0) return fail(it->second.error);
      if (it->second.not_ready > 0) {
        --it->second.not_ready;
        return fail(WSAEWOULDBLOCK);
      }
      std::memcpy(out, &it->second.value, sizeof(std::uint64_t));
      *returned = sizeof(std::uint64_t);
      tx_timestamps.erase(it);  // success removes the entry, as on Windows
      return 0;
    }
    return fail(WSAEINVAL);
  }

  int send(SOCKET s, const WSAMSG& message, DWORD* sent) {
    if (send_error != 0) return fail(send_error);
    FakeSent record;
    const auto* bytes = reinterpret_cast<const std::byte*>(message.lpBuffers[0].buf);
    record.payload.assign(bytes, bytes + message.lpBuffers[0].len);
    std::memcpy(&record.to, message.name, static_cast<std::size_t>(message.namelen));
    const std::span<const std::byte> control(
        reinterpret_cast<const std::byte*>(message.Control.buf), message.Control.len);
    if (control.size() >= control_space(sizeof(std::uint32_t))) {
      WSACMSGHDR header{};
      std::memcpy(&header, control.data(), sizeof(header));
      if (header.cmsg_level == SOL_SOCKET && header.cmsg_type == kSoTimestampId) {
        std::uint32_t id = 0;
        std::memcpy(&id, control.data() + kControlDataOffset, sizeof(id));
        record.timestamp_id = id;
      }
    }
    *sent = message.lpBuffers[0].len;
    sockets[s].sent.push_back(std::move(record));
    return 0;
  }

  int receive(SOCKET s, WSAMSG& message, DWORD* received) {
    auto& inbox = sockets[s].inbox;
    if (inbox.empty()) return fail(WSAEWOULDBLOCK);
    const FakeDatagram datagram = inbox.front();
    inbox.pop_front();
    if (datagram.error != 0) return fail(datagram.error);
    std::memcpy(message.lpBuffers[0].buf, datagram.payload.data(), datagram.payload.size());
    *received = static_cast<DWORD>(datagram.payload.size());
    std::memcpy(message.name, &datagram.from, sizeof(sockaddr_in6));
    const std::span<std::byte> control(reinterpret_cast<std::byte*>(message.Control.buf),
                                       message.Control.len);
    std::size_t used = 0;
    if (datagram.destination) {
      IN_PKTINFO info{};
      std::memcpy(&info.ipi_addr, datagram.destination->data(), 4);
      used = append_control_message(control, used, IPPROTO_IP, IP_PKTINFO,
                                    std::as_bytes(std::span(&info, 1)))
                 .value_or(used);
    }
    if (datagram.timestamp) {
      used = append_control_message(control, used, SOL_SOCKET, kSoTimestamp,
                                    std::as_bytes(std::span(&*datagram.timestamp, 1)))
                 .value_or(used);
    }
    message.Control.len = static_cast<ULONG>(used);
    return 0;
  }

  SOCKET next_socket_ = 100;
  int last_error_ = 0;
};

}  // namespace ptp::win::test
