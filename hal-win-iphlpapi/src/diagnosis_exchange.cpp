// The diagnosis's self-addressed exchange: PTP-sized event messages from the interface's own
// address to itself through WinsockTransport, the code ptp4win runs (SIO_TIMESTAMPING, SO_TIMESTAMP
// on WSARecvMsg, SO_TIMESTAMP_ID + SIO_GET_TX_TIMESTAMP), one message at a time, polled without
// back-off so that the time until SIO_GET_TX_TIMESTAMP answers is measured, not the retry schedule.
#include <algorithm>
#include <array>
#include <climits>
#include <string>
#include <vector>

#include "ptp/hal/transport.h"
#include "ptp/win/diagnosis.h"
#include "ptp/win/win_timestamping.h"
#include "ptp/win/winsock_transport.h"

namespace ptp::win {
namespace {

constexpr std::size_t kDelayRequestLength = 44;
constexpr std::size_t kSequenceOffset = 30;
// While a message is outstanding the loop polls this often (a simulation's time step; on
// Windows the loop spins).
constexpr Nanoseconds kPollStep = Nanoseconds(1'000);

// A PTPv2 Delay_Req (header and a zero originTimestamp): the size of ptp4win's event messages.
std::array<std::byte, kDelayRequestLength> delay_request(std::uint16_t sequence) {
  std::array<std::byte, kDelayRequestLength> message{};
  message[0] = std::byte{0x01};  // messageType Delay_Req
  message[1] = std::byte{0x02};  // versionPTP 2
  message[3] = std::byte{kDelayRequestLength};
  message[kSequenceOffset] = static_cast<std::byte>(sequence >> 8U);
  message[kSequenceOffset + 1] = static_cast<std::byte>(sequence & 0xFFU);
  message[32] = std::byte{0x01};  // controlField: Delay_Req
  message[33] = std::byte{0x7F};  // logMessageInterval: none
  return message;
}

std::uint16_t sequence_of(std::span<const std::byte> payload) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[kSequenceOffset]) << 8U) |
                                    std::to_integer<unsigned>(payload[kSequenceOffset + 1]));
}

// What came back for the one message outstanding.
struct Outstanding final : hal::PacketListener {
  explicit Outstanding(const WinApi& windows) : api(&windows) {}
  void on_packet(const hal::ReceivedPacket& packet) override {
    if (packet.port != hal::PtpUdpPort::kEvent || packet.payload.size() != kDelayRequestLength ||
        sequence_of(packet.payload) != sequence) {
      return;
    }
    rx_source = packet.timestamp.source;
  }
  void on_tx_timestamp(hal::TxTag delivered, const hal::PacketTimestamp&) override {
    if (tag && delivered == *tag) tx_at = api->query_performance_counter();
  }
  void on_tx_timestamp_lost(hal::TxTag lost, hal::TxTimestampLoss) override {
    if (tag && lost == *tag) tx_lost = true;
  }
  [[nodiscard]] bool done() const { return rx_source && (tx_at || tx_lost); }

  const WinApi* api;
  std::uint16_t sequence = 0;
  std::optional<hal::TxTag> tag;
  std::optional<hal::TimestampSource> rx_source;
  std::optional<std::int64_t> tx_at;  // QPC when SIO_GET_TX_TIMESTAMP delivered it
  bool tx_lost = false;
};

template <class T>
Spread<T> spread_of(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return {values.front(), values[values.size() / 2], values.back()};
}

std::string open_error(const hal::HalError& error, const DiagnosisOptions& options) {
  std::string text = "cannot open UDP ports " + std::to_string(options.event_port) + "/" +
                     std::to_string(options.general_port) + ": error " +
                     std::to_string(error.os_code);
  if (error.os_code == static_cast<std::uint32_t>(WSAEADDRINUSE)) {
    text += " (in use: stop ptp4win, w32time's PTP client or any other PTP daemon first)";
  }
  return text;
}

}  // namespace

Check<SelfExchangeFacts> self_exchange(const WinApi& api, const AdapterInfo& adapter,
                                       hal::AddressFamily family, const DiagnosisOptions& options) {
  const auto& addresses =
      family == hal::AddressFamily::kIpv4 ? adapter.ipv4_addresses : adapter.ipv6_addresses;
  if (addresses.empty()) return unexpected(std::string("the interface has no address"));
  if (!api.query_performance_counter || !api.query_performance_frequency ||
      api.query_performance_frequency() <= 0) {
    return unexpected(std::string("QueryPerformanceCounter is not available"));
  }
  const std::int64_t qpc_hz = api.query_performance_frequency();
  // Capability-change notifications are not followed during the few milliseconds this runs.
  WinTimestampingInterface timestamping(api, adapter.luid, [](const std::function<void()>&) {}, {});
  WinsockTransportConfig config = transport_config_for(adapter, family);
  config.event_port = options.event_port;
  config.general_port = options.general_port;
  config.join_multicast = false;
  config.tx_timestamp_first_retry_us = 0;      // every poll asks again
  config.tx_timestamp_max_attempts = INT_MAX;  // the wait below gives up, not the transport
  auto transport = WinsockTransport::open(api, config, &timestamping, {});
  if (!transport) return unexpected(open_error(transport.error(), options));
  WinsockTransport& t = **transport;
  if (!t.socket_timestamping()) {
    return unexpected(std::string("SIO_TIMESTAMPING was refused on the exchange's sockets"));
  }
  Outstanding outstanding(api);
  t.set_listener(&outstanding);
  SelfExchangeFacts facts;
  facts.destination = addresses.front();
  facts.tx_source = t.timestamp_source();
  const auto wait_ticks = options.exchange_wait.count() * qpc_hz / 1'000'000'000;
  std::vector<std::uint64_t> would_blocks;
  std::vector<Nanoseconds> latencies;
  for (int i = 0; i < options.exchange_messages; ++i) {
    outstanding = Outstanding(api);
    outstanding.sequence = static_cast<std::uint16_t>(i + 1);
    const auto message = delay_request(outstanding.sequence);
    const std::uint64_t would_block_before = t.counters().tx_timestamp_would_block;
    auto sent = t.send(hal::PtpUdpPort::kEvent, facts.destination, message,
                       hal::TxTimestampRequest::kRequested);
    const std::int64_t sent_at = api.query_performance_counter();
    if (!sent) {
      return unexpected("WSASendMsg to the interface's own address failed: error " +
                        std::to_string(sent.error().os_code));
    }
    ++facts.sent;
    outstanding.tag = *sent;
    for (std::int64_t now = sent_at; !outstanding.done() && now - sent_at < wait_ticks;
         now = api.query_performance_counter()) {
      t.poll_receive();
      t.poll_tx_timestamps();
      if (!outstanding.done() && options.pass_time) options.pass_time(kPollStep);
    }
    if (outstanding.rx_source) {
      ++facts.received;
      switch (*outstanding.rx_source) {
        case hal::TimestampSource::kHardware: ++facts.rx_hardware; break;
        case hal::TimestampSource::kSoftware: ++facts.rx_software; break;
        case hal::TimestampSource::kNone: ++facts.rx_application; break;
      }
    }
    const std::uint64_t would_block = t.counters().tx_timestamp_would_block - would_block_before;
    facts.would_block_total += would_block;
    if (!outstanding.tx_at) {
      // Its query stays pending in the transport and would inflate the next message's count.
      ++facts.tx_not_delivered;
      break;
    }
    ++facts.tx_delivered;
    would_blocks.push_back(would_block);
    latencies.push_back(Nanoseconds((*outstanding.tx_at - sent_at) * 1'000'000'000 / qpc_hz));
  }
  if (!would_blocks.empty()) {
    facts.would_block = spread_of(would_blocks);
    facts.tx_latency = spread_of(latencies);
  }
  return facts;
}

}  // namespace ptp::win
