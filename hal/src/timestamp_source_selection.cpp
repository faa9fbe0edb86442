// Selection of the timestamp source from an interface's active capabilities: the Windows sample's
// rule (receive AND transmit sides covered) generalised to one address family at a time.
#include "ptp/hal/timestamp_capabilities.h"

namespace ptp::hal {

bool hardware_covers_ptp(const HardwareTimestampCapabilities& hardware, AddressFamily family) {
  const bool ipv4 = family == AddressFamily::kIpv4;
  const bool receive =
      hardware.all_receive || (ipv4 ? hardware.ptp_v2_over_udp_ipv4_event_message_receive ||
                                          hardware.ptp_v2_over_udp_ipv4_all_message_receive
                                    : hardware.ptp_v2_over_udp_ipv6_event_message_receive ||
                                          hardware.ptp_v2_over_udp_ipv6_all_message_receive);
  const bool transmit = hardware.all_transmit || hardware.tagged_transmit ||
                        (ipv4 ? hardware.ptp_v2_over_udp_ipv4_event_message_transmit ||
                                    hardware.ptp_v2_over_udp_ipv4_all_message_transmit
                              : hardware.ptp_v2_over_udp_ipv6_event_message_transmit ||
                                    hardware.ptp_v2_over_udp_ipv6_all_message_transmit);
  return receive && transmit;
}

bool software_covers_ptp(const SoftwareTimestampCapabilities& software) {
  return software.all_receive && (software.all_transmit || software.tagged_transmit);
}

TimestampSource select_timestamp_source(const TimestampCapabilities& active, AddressFamily family) {
  if (hardware_covers_ptp(active.hardware, family)) return TimestampSource::kHardware;
  if (software_covers_ptp(active.software)) return TimestampSource::kSoftware;
  return TimestampSource::kNone;
}

}  // namespace ptp::hal
