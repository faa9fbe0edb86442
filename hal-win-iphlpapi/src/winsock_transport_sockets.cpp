// WinsockTransport's setup and teardown: Winsock start, the two UDP sockets bound to the event and
// general ports, multicast membership on the chosen interface, SIO_TIMESTAMPING, and the event
// that signals received data.
#include <cstring>
#include <string>

#include "ptp/win/winsock_timestamp_types.h"
#include "ptp/win/winsock_transport.h"
#include "socket_address.h"

namespace ptp::win {

namespace {

constexpr std::array<std::uint8_t, 16> kPtpPrimaryIpv6LinkLocal = {
    0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x81};  // ff02::181

template <class T>
int set_option(const WinApi& api, SOCKET s, int level, int name, const T& value) {
  return api.setsockopt(s, level, name, reinterpret_cast<const char*>(&value),
                        static_cast<int>(sizeof(value)));
}

}  // namespace

WinsockTransportConfig transport_config_for(const AdapterInfo& adapter, hal::AddressFamily family) {
  WinsockTransportConfig config;
  config.family = family;
  if (family == hal::AddressFamily::kIpv4) {
    config.interface_index = adapter.if_index;
    if (!adapter.ipv4_addresses.empty()) config.ipv4_interface_address = adapter.ipv4_addresses[0];
  } else {
    // Wine reports Ipv6IfIndex 0 even for an adapter with IPv6 addresses; Windows gives both
    // indexes the same value since Vista, so IfIndex stands in.
    config.interface_index = adapter.ipv6_if_index != 0 ? adapter.ipv6_if_index : adapter.if_index;
  }
  return config;
}

WinsockTransport::WinsockTransport(const WinApi& api, const WinsockTransportConfig& config,
                                   WinTimestampingInterface* timestamping, LogSink log)
    : api_(api), config_(config), timestamping_(timestamping), log_(std::move(log)) {}

Result<std::unique_ptr<WinsockTransport>, hal::HalError> WinsockTransport::open(
    const WinApi& api, const WinsockTransportConfig& config, WinTimestampingInterface* timestamping,
    LogSink log) {
  if (config.tx_timestamp_max_attempts < 1 || config.tx_timestamp_first_retry_us < 0) {
    return unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument, 0});
  }
  std::unique_ptr<WinsockTransport> transport(
      new WinsockTransport(api, config, timestamping, std::move(log)));
  WSADATA data{};
  const int started = api.wsa_startup(MAKEWORD(2, 2), &data);
  if (started != 0) {
    return unexpected(
        hal::HalError{hal::HalErrorCode::kOsError, static_cast<std::uint32_t>(started)});
  }
  transport->started_ = true;
  transport->counter_frequency_hz_ = api.query_performance_frequency();
  if (transport->counter_frequency_hz_ <= 0) transport->counter_frequency_hz_ = 1;
  transport->event_ = api.wsa_create_event();
  if (transport->event_ == WSA_INVALID_EVENT) return unexpected(transport->last_socket_error());
  if (auto r = transport->open_socket(0, config.event_port); !r) return unexpected(r.error());
  if (auto r = transport->open_socket(1, config.general_port); !r) return unexpected(r.error());
  transport->enable_timestamping();
  return transport;
}

WinsockTransport::~WinsockTransport() {
  for (SOCKET s : sockets_) {
    if (s != INVALID_SOCKET) api_.closesocket(s);
  }
  if (event_ != WSA_INVALID_EVENT) api_.wsa_close_event(event_);
  if (started_) api_.wsa_cleanup();
}

hal::HalError WinsockTransport::last_socket_error() const {
  const int code = api_.wsa_get_last_error();
  return hal::HalError{
      code == WSAEACCES ? hal::HalErrorCode::kPermissionDenied : hal::HalErrorCode::kOsError,
      static_cast<std::uint32_t>(code)};
}

void WinsockTransport::log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

Result<void, hal::HalError> WinsockTransport::open_socket(std::size_t index, std::uint16_t port) {
  const bool v4 = config_.family == hal::AddressFamily::kIpv4;
  const SOCKET s = api_.socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
  if (s == INVALID_SOCKET) return unexpected(last_socket_error());
  sockets_[index] = s;
  const DWORD on = 1;
  if (!v4) set_option(api_, s, IPPROTO_IPV6, IPV6_V6ONLY, on);
  const detail::SocketAddress local = detail::wildcard_address(config_.family, port);
  if (api_.bind(s, local.get(), local.length) == SOCKET_ERROR) {
    const hal::HalError error = last_socket_error();
    log(LogLevel::kError, "cannot bind UDP port " + std::to_string(port) + ": error " +
                              std::to_string(error.os_code) +
                              (error.os_code == WSAEADDRINUSE ? " (in use: is w32time's PTP "
                                                                "client or another PTP daemon "
                                                                "running?)"
                                                              : ""));
    return unexpected(error);
  }
  // The destination address tells multicast from unicast for the core; not fatal without it.
  const int pktinfo = v4 ? set_option(api_, s, IPPROTO_IP, IP_PKTINFO, on)
                         : set_option(api_, s, IPPROTO_IPV6, IPV6_PKTINFO, on);
  if (pktinfo == SOCKET_ERROR) {
    log(LogLevel::kWarning, "IP_PKTINFO refused: received packets carry no destination address");
  }
  if (config_.join_multicast) {
    if (auto joined = join_groups(s); !joined) return joined;
  }
  // WSAEventSelect also makes the socket non-blocking, which poll_receive relies on.
  if (api_.wsa_event_select(s, event_, FD_READ) == SOCKET_ERROR) {
    return unexpected(last_socket_error());
  }
  return {};
}

Result<void, hal::HalError> WinsockTransport::join_groups(SOCKET s) {
  const DWORD loop = config_.multicast_loopback ? 1 : 0;
  const DWORD hops = static_cast<DWORD>(config_.multicast_hops);
  if (config_.family == hal::AddressFamily::kIpv4) {
    IN_ADDR interface_address{};
    if (config_.ipv4_interface_address) {
      std::memcpy(&interface_address, config_.ipv4_interface_address->octets().data(), 4);
    } else {
      const std::uint32_t index = htonl(config_.interface_index);  // 0.0.0.<index> form
      std::memcpy(&interface_address, &index, sizeof(index));
    }
    ip_mreq membership{};
    std::memcpy(&membership.imr_multiaddr, hal::kPtpPrimaryIpv4.octets().data(), 4);
    membership.imr_interface = interface_address;
    // 224.0.0.107 too: a P2P peer (ptp4l -P) sends its Pdelay messages there.
    ip_mreq peer_delay = membership;
    std::memcpy(&peer_delay.imr_multiaddr, hal::kPtpPdelayIpv4.octets().data(), 4);
    if (set_option(api_, s, IPPROTO_IP, IP_MULTICAST_IF, interface_address) == SOCKET_ERROR ||
        set_option(api_, s, IPPROTO_IP, IP_MULTICAST_TTL, hops) == SOCKET_ERROR ||
        set_option(api_, s, IPPROTO_IP, IP_MULTICAST_LOOP, loop) == SOCKET_ERROR ||
        set_option(api_, s, IPPROTO_IP, IP_ADD_MEMBERSHIP, membership) == SOCKET_ERROR ||
        set_option(api_, s, IPPROTO_IP, IP_ADD_MEMBERSHIP, peer_delay) == SOCKET_ERROR) {
      const hal::HalError error = last_socket_error();
      log(LogLevel::kError,
          "cannot join 224.0.1.129 on the interface: error " + std::to_string(error.os_code));
      return unexpected(error);
    }
    return {};
  }
  const DWORD index = config_.interface_index;
  if (set_option(api_, s, IPPROTO_IPV6, IPV6_MULTICAST_IF, index) == SOCKET_ERROR ||
      set_option(api_, s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops) == SOCKET_ERROR ||
      set_option(api_, s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, loop) == SOCKET_ERROR) {
    return unexpected(last_socket_error());
  }
  for (const auto& group :
       {hal::kPtpPrimaryIpv6.octets(), kPtpPrimaryIpv6LinkLocal, hal::kPtpPdelayIpv6.octets()}) {
    ipv6_mreq membership{};
    std::memcpy(&membership.ipv6mr_multiaddr, group.data(), 16);
    membership.ipv6mr_interface = index;
    if (set_option(api_, s, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, membership) == SOCKET_ERROR) {
      const hal::HalError error = last_socket_error();
      log(LogLevel::kError, "cannot join the PTP IPv6 groups on interface " +
                                std::to_string(index) + ": error " + std::to_string(error.os_code));
      return unexpected(error);
    }
  }
  return {};
}

void WinsockTransport::enable_timestamping() {
  TimestampingConfig request{};
  request.flags = kTimestampingFlagRx | kTimestampingFlagTx;
  request.tx_timestamps_buffered = config_.tx_timestamps_buffered;
  for (SOCKET s : sockets_) {
    DWORD returned = 0;
    if (api_.wsa_ioctl(s, kSioTimestamping, &request, sizeof(request), nullptr, 0, &returned) ==
        SOCKET_ERROR) {
      const int code = api_.wsa_get_last_error();
      fall_back("SIO_TIMESTAMPING refused (error " + std::to_string(code) +
                (code == WSAEOPNOTSUPP ? ", WSAEOPNOTSUPP" : "") + ")");
      return;
    }
  }
  socket_timestamping_ = true;
}

void WinsockTransport::fall_back(const std::string& why) {
  socket_timestamping_ = false;
  if (fallback_logged_) return;
  fallback_logged_ = true;
  // Only a warning when the interface promised timestamps; otherwise this is the expected path.
  const bool expected =
      timestamping_ != nullptr &&
      timestamping_->selected_source(config_.family) != hal::TimestampSource::kNone;
  log(expected ? LogLevel::kWarning : LogLevel::kInfo,
      "Winsock timestamping unavailable: " + why +
          "; using application-level timestamps (QueryPerformanceCounter at receive/after send)");
}

}  // namespace ptp::win
