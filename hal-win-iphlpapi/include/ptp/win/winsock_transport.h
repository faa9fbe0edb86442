// WinsockTransport: PTP over UDP (ports 319/320, one address family) on one Windows interface,
// with Winsock timestamps where the stack gives them (SIO_TIMESTAMPING, SO_TIMESTAMP on receive,
// SO_TIMESTAMP_ID + SIO_GET_TX_TIMESTAMP on transmit) and application-level QPC readings where it
// does not (WSAEOPNOTSUPP, no IP Helper timestamping, Wine).
//
// Driving it (the application's event loop, one thread):
//   - receive_event() is signalled while either socket has data (WSAEventSelect FD_READ); wait on
//     it (asio::windows::object_handle on a DuplicateHandle of it, WaitForMultipleObjects, ...) or
//     on the native_sockets() (WSAPoll/select), then call poll_receive();
//   - after each send with a TX timestamp requested, and whenever next_tx_poll() (a QPC reading)
//     is reached, call poll_tx_timestamps(): the Winsock TX-timestamp query never blocks, so it is
//     retried with a doubling delay and given up after tx_timestamp_max_attempts tries.
// Listener calls happen only inside poll_receive() and poll_tx_timestamps(), never inside send().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "ptp/hal/transport.h"
#include "ptp/win/interface_lookup.h"
#include "ptp/win/loop_hooks.h"
#include "ptp/win/rx_latency.h"
#include "ptp/win/win_api.h"
#include "ptp/win/win_timestamping.h"

namespace ptp::win {

struct WinsockTransportConfig {
  hal::AddressFamily family = hal::AddressFamily::kIpv4;
  // Where multicast is joined and sent: the interface's IPv4 address (IPv4), or its IPv6
  // interface index (IPv6). Without an IPv4 address the IPv4 index is used (Windows accepts
  // 0.0.0.<index> there).
  std::optional<hal::IpAddress> ipv4_interface_address;
  std::uint32_t interface_index = 0;
  // Local ports to bind and the destination ports of sends: 319/320, or unprivileged ones for
  // tests.
  std::uint16_t event_port = static_cast<std::uint16_t>(hal::PtpUdpPort::kEvent);
  std::uint16_t general_port = static_cast<std::uint16_t>(hal::PtpUdpPort::kGeneral);
  // Joins ptp_primary_multicast(family) (and ff02::181 for IPv6) on both sockets.
  bool join_multicast = true;
  bool multicast_loopback = false;  // whether our own multicast comes back to us
  int multicast_hops = 1;
  std::uint16_t tx_timestamps_buffered = 16;  // the OS's per-socket TX timestamp queue
  std::int64_t tx_timestamp_first_retry_us = 1000;
  int tx_timestamp_max_attempts = 8;  // 1 ms doubling: given up ~127 ms after the send
};

// The IPv4 address / IPv6 index of `adapter` filled in for `family`.
WinsockTransportConfig transport_config_for(const AdapterInfo& adapter, hal::AddressFamily family);

struct WinsockTransportCounters {
  std::uint64_t received = 0;
  std::uint64_t receive_errors = 0;        // WSARecvMsg failed with other than WSAEWOULDBLOCK
  std::uint64_t rx_timestamp_missing = 0;  // a timestamp was expected but none came
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;  // WSASendMsg failed (the error went back to the caller)
  std::uint64_t tx_timestamps = 0;
  std::uint64_t tx_timestamps_lost = 0;
  std::uint64_t tx_timestamp_would_block = 0;  // SIO_GET_TX_TIMESTAMP answered WSAEWOULDBLOCK
  std::uint64_t tx_timestamps_timed_out = 0;   // of tx_timestamps_lost: the query gave up
  // Reported after their query gave up, and retrieved later only to free the OS's queue.
  std::uint64_t tx_timestamps_late = 0;
};

class WinsockTransport final : public hal::Transport {
 public:
  // Opens and configures both sockets. `timestamping` (may be null: application timestamps only)
  // tells which clock the OS's timestamps come from; it and `api` must outlive the transport.
  static Result<std::unique_ptr<WinsockTransport>, hal::HalError> open(
      const WinApi& api, const WinsockTransportConfig& config,
      WinTimestampingInterface* timestamping, LogSink log);
  ~WinsockTransport() override;
  WinsockTransport(const WinsockTransport&) = delete;
  WinsockTransport& operator=(const WinsockTransport&) = delete;
  WinsockTransport(WinsockTransport&&) = delete;
  WinsockTransport& operator=(WinsockTransport&&) = delete;

  [[nodiscard]] hal::AddressFamily family() const override { return config_.family; }
  // The interface's selected source while Winsock timestamping works, else kNone.
  [[nodiscard]] hal::TimestampSource timestamp_source() const override;
  void set_listener(hal::PacketListener* listener) override { listener_ = listener; }
  Result<std::optional<hal::TxTag>, hal::HalError> send(hal::PtpUdpPort port,
                                                        const hal::IpAddress& destination,
                                                        std::span<const std::byte> payload,
                                                        hal::TxTimestampRequest request) override;

  // Reads every datagram waiting on both sockets (up to 64 each) and hands each to the listener;
  // returns how many it handed over (datagrams skipped for an error are only counted).
  std::size_t poll_receive();
  // Delivers the transmit timestamps (or losses) that are due; queries Winsock for those pending.
  void poll_tx_timestamps();
  // When poll_tx_timestamps() next has work (QPC domain); nullopt when nothing is pending.
  [[nodiscard]] std::optional<hal::CounterTicks> next_tx_poll() const;

  [[nodiscard]] WSAEVENT receive_event() const { return event_; }
  [[nodiscard]] std::array<SOCKET, 2> native_sockets() const { return sockets_; }
  // Whether SIO_TIMESTAMPING was accepted (false: application-level timestamps only).
  [[nodiscard]] bool socket_timestamping() const { return socket_timestamping_; }
  [[nodiscard]] const WinsockTransportCounters& counters() const { return counters_; }
  [[nodiscard]] RxLatencySummary rx_latency() const { return rx_latency_.summary(); }
  // Converts a hardware receive timestamp to the counter's domain (the app's correlation of the
  // NIC clock with QPC) for the latency statistic; without it hardware stamps are not counted.
  void set_hardware_to_counter(std::function<std::optional<hal::CounterTicks>(hal::NicTicks)> f) {
    hardware_to_counter_ = std::move(f);
  }

 private:
  enum class TxMode : std::uint8_t { kOs, kApplication, kOverflow };
  struct PendingTx {
    hal::TxTag tag;
    std::size_t socket_index = 0;
    TxMode mode = TxMode::kOs;
    hal::TimestampSource source = hal::TimestampSource::kNone;
    std::uint64_t generation = 0;
    hal::CounterTicks sent_at;  // QPC right after WSASendMsg returned
    hal::CounterTicks next_try;
    int attempts = 0;
  };
  // A TX timestamp given up on, which the OS may still report: it would then sit in the socket's
  // queue (TxTimestampsBuffered deep) for ever, so it is asked for again at later polls.
  struct AbandonedTx {
    std::size_t socket_index = 0;
    std::uint32_t id = 0;
  };
  struct TxOutcome {
    hal::TxTag tag;
    std::optional<hal::PacketTimestamp> timestamp;
    hal::TxTimestampLoss loss = hal::TxTimestampLoss::kTimedOut;
  };

  WinsockTransport(const WinApi& api, const WinsockTransportConfig& config,
                   WinTimestampingInterface* timestamping, LogSink log);
  Result<void, hal::HalError> open_socket(std::size_t index, std::uint16_t port);
  Result<void, hal::HalError> join_groups(SOCKET s);
  void enable_timestamping();
  bool receive_one(std::size_t index);
  std::optional<TxOutcome> service(PendingTx& pending, hal::CounterTicks now);
  void abandon(const PendingTx& pending);
  void retrieve_abandoned();
  [[nodiscard]] std::uint64_t generation() const;
  [[nodiscard]] std::int64_t ticks_from_us(std::int64_t us) const;
  void log(LogLevel level, const std::string& message) const;
  void fall_back(const std::string& why);
  hal::HalError last_socket_error() const;

  const WinApi& api_;
  WinsockTransportConfig config_;
  WinTimestampingInterface* timestamping_;
  LogSink log_;
  bool started_ = false;                                           // WSAStartup succeeded
  std::array<SOCKET, 2> sockets_{INVALID_SOCKET, INVALID_SOCKET};  // event, general
  WSAEVENT event_ = WSA_INVALID_EVENT;
  bool socket_timestamping_ = false;
  bool fallback_logged_ = false;
  std::vector<AbandonedTx> abandoned_;
  std::int64_t counter_frequency_hz_ = 1;
  hal::PacketListener* listener_ = nullptr;
  std::uint32_t next_tag_ = 1;
  std::vector<PendingTx> pending_;
  WinsockTransportCounters counters_;
  RxLatencyStatistics rx_latency_;
  std::function<std::optional<hal::CounterTicks>(hal::NicTicks)> hardware_to_counter_;
  std::array<std::byte, 2048> receive_buffer_{};
  std::array<ULONG64, 32> control_buffer_{};  // ULONG64: control messages need 8-byte alignment
};

}  // namespace ptp::win
