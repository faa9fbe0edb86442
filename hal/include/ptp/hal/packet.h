// Packets as the HAL hands them over: received PTP datagrams with their receive timestamp, and the
// tags that tie a transmitted packet to its transmit timestamp.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "ptp/hal/clock_readings.h"
#include "ptp/hal/ip_address.h"
#include "ptp/hal/timestamp_capabilities.h"

namespace ptp::hal {

// A packet timestamp in the domain of the clock that took it: NicTicks from hardware, CounterTicks
// from Windows software timestamps and from the application itself (kNone), SystemTime from Linux
// software timestamps. The source says how much to trust it.
struct PacketTimestamp {
  TimestampSource source = TimestampSource::kNone;
  std::variant<NicTicks, CounterTicks, SystemTime> reading;

  friend bool operator==(const PacketTimestamp&, const PacketTimestamp&) = default;
};

struct ReceivedPacket {
  std::span<const std::byte> payload;  // valid only during the callback that delivers it
  PtpUdpPort port = PtpUdpPort::kEvent;
  UdpEndpoint source;
  IpAddress destination;  // the multicast group or our unicast address
  PacketTimestamp timestamp;
};

// Identifies one transmitted packet whose transmit timestamp was asked for. Exactly one of
// on_tx_timestamp or on_tx_timestamp_lost follows for every tag a send returned.
struct TxTag {
  std::uint32_t value = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy < 18 false positive (llvm#53961).
  friend constexpr auto operator<=>(TxTag, TxTag) = default;
};

enum class TxTimestampLoss : std::uint8_t {
  kTimedOut,       // the stack never produced it within the HAL's deadline
  kQueueOverflow,  // the OS's timestamp queue was full (Windows: TxTimestampsBuffered)
  kSendFailed,     // the packet itself was not sent
  kSourceChanged,  // capabilities changed while it was pending; its domain is unknown
};

enum class TxTimestampRequest : std::uint8_t { kNone, kRequested };

}  // namespace ptp::hal
