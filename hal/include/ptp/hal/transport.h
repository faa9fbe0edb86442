// Transport: sending and receiving PTP over UDP (IPv4 or IPv6, multicast and unicast) on one
// interface, with receive timestamps and asynchronously delivered transmit timestamps.
//
// Threading contract (all HALs): every PacketListener call happens on the application's
// event-loop thread, never inside send(), and never concurrently with another HAL callback.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "ptp/hal/hal_error.h"
#include "ptp/hal/ip_address.h"
#include "ptp/hal/packet.h"
#include "ptp/result.h"

namespace ptp::hal {

class PacketListener {
 public:
  virtual ~PacketListener() = default;
  virtual void on_packet(const ReceivedPacket& packet) = 0;
  virtual void on_tx_timestamp(TxTag tag, const PacketTimestamp& timestamp) = 0;
  virtual void on_tx_timestamp_lost(TxTag tag, TxTimestampLoss reason) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  [[nodiscard]] virtual AddressFamily family() const = 0;
  // The timestamp source receive and transmit timestamps currently come from.
  [[nodiscard]] virtual TimestampSource timestamp_source() const = 0;

  // Where received packets and transmit timestamps go; nullptr detaches.
  virtual void set_listener(PacketListener* listener) = 0;

  // Sends `payload` from `port` to `destination` (a multicast group or a unicast address) and
  // port. With kRequested, returns the tag its transmit timestamp will carry.
  virtual Result<std::optional<TxTag>, HalError> send(PtpUdpPort port, const IpAddress& destination,
                                                      std::span<const std::byte> payload,
                                                      TxTimestampRequest request) = 0;
};

}  // namespace ptp::hal
