// Timestamping capabilities of a network interface, as a portable mirror of Windows'
// INTERFACE_TIMESTAMP_CAPABILITIES (which a Linux driver's SOF_TIMESTAMPING / HWTSTAMP flags also
// map onto), and the selection of the timestamp source to use per address family.
#pragma once

#include <cstdint>

namespace ptp::hal {

enum class AddressFamily : std::uint8_t { kIpv4, kIpv6 };

// Hardware timestamping: which packets the NIC timestamps with its own clock.
struct HardwareTimestampCapabilities {
  bool ptp_v2_over_udp_ipv4_event_message_receive = false;
  bool ptp_v2_over_udp_ipv4_all_message_receive = false;
  bool ptp_v2_over_udp_ipv4_event_message_transmit = false;
  bool ptp_v2_over_udp_ipv4_all_message_transmit = false;
  bool ptp_v2_over_udp_ipv6_event_message_receive = false;
  bool ptp_v2_over_udp_ipv6_all_message_receive = false;
  bool ptp_v2_over_udp_ipv6_event_message_transmit = false;
  bool ptp_v2_over_udp_ipv6_all_message_transmit = false;
  bool all_receive = false;
  bool all_transmit = false;
  bool tagged_transmit = false;  // transmit timestamps of packets the sender tagged

  friend constexpr bool operator==(const HardwareTimestampCapabilities&,
                                   const HardwareTimestampCapabilities&) = default;
};

// Software timestamping: the OS stamps packets with the system counter near the driver.
struct SoftwareTimestampCapabilities {
  bool all_receive = false;
  bool all_transmit = false;
  bool tagged_transmit = false;

  friend constexpr bool operator==(const SoftwareTimestampCapabilities&,
                                   const SoftwareTimestampCapabilities&) = default;
};

struct TimestampCapabilities {
  std::uint64_t hardware_clock_frequency_hz = 0;  // nominal, informational; 0 when unknown
  bool supports_cross_timestamp = false;
  HardwareTimestampCapabilities hardware;
  SoftwareTimestampCapabilities software;

  friend constexpr bool operator==(const TimestampCapabilities&,
                                   const TimestampCapabilities&) = default;
};

// What the interface can do, and what is switched on now. Only the active set is ever used.
struct InterfaceTimestampCapabilities {
  TimestampCapabilities supported;
  TimestampCapabilities active;

  friend constexpr bool operator==(const InterfaceTimestampCapabilities&,
                                   const InterfaceTimestampCapabilities&) = default;
};

// Where a packet's timestamp comes from. kNone: the application reads its own clock when the
// packet is handed to it (or handed over for sending), the least accurate but always there.
enum class TimestampSource : std::uint8_t { kHardware, kSoftware, kNone };

// Whether hardware timestamps cover PTPv2 over UDP on `family`: the receive side (event or all
// messages of that family, or all packets) AND the transmit side (event or all messages of that
// family, all packets, or tagged packets) must both be stamped.
bool hardware_covers_ptp(const HardwareTimestampCapabilities& hardware, AddressFamily family);

// Whether software timestamps cover PTP: all received packets AND (all or tagged) transmitted ones.
bool software_covers_ptp(const SoftwareTimestampCapabilities& software);

// The best source the *active* capabilities give for `family`: hardware when it covers both
// directions, else software when it does, else none. Never mixes sources: a slave that received
// with one source and transmitted with another would measure the difference as path delay.
TimestampSource select_timestamp_source(const TimestampCapabilities& active, AddressFamily family);

}  // namespace ptp::hal
