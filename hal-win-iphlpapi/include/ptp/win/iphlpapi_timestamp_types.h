// The IP Helper packet-timestamping API (iphlpapi.dll, Windows 10 build 20348+, Windows 11,
// Server 2022), declared here from Microsoft's documented layout because mingw-w64's headers and
// import library lack it and Wine does not export it. The functions are resolved at run time
// (real_win_api.cpp); the static_asserts pin the layout the DLL expects.
//
// Windows 10 1809 exported an older, incompatible API ("reserved for system use") whose structs
// began with a ULONG Version field; CaptureInterfaceHardwareCrossTimestamp kept its export name
// with that older layout. So it is only called where GetInterfaceSupportedTimestampCapabilities
// also resolves (see load_win_api).
#pragma once

#include <cstddef>

#include "ptp/win/win_types.h"

namespace ptp::win {

struct IfHardwareTimestampCapabilities {  // INTERFACE_HARDWARE_TIMESTAMP_CAPABILITIES
  BOOLEAN ptp_v2_over_udp_ipv4_event_message_receive;
  BOOLEAN ptp_v2_over_udp_ipv4_all_message_receive;
  BOOLEAN ptp_v2_over_udp_ipv4_event_message_transmit;
  BOOLEAN ptp_v2_over_udp_ipv4_all_message_transmit;
  BOOLEAN ptp_v2_over_udp_ipv6_event_message_receive;
  BOOLEAN ptp_v2_over_udp_ipv6_all_message_receive;
  BOOLEAN ptp_v2_over_udp_ipv6_event_message_transmit;
  BOOLEAN ptp_v2_over_udp_ipv6_all_message_transmit;
  BOOLEAN all_receive;
  BOOLEAN all_transmit;
  BOOLEAN tagged_transmit;
};

struct IfSoftwareTimestampCapabilities {  // INTERFACE_SOFTWARE_TIMESTAMP_CAPABILITIES
  BOOLEAN all_receive;
  BOOLEAN all_transmit;
  BOOLEAN tagged_transmit;
};

struct IfTimestampCapabilities {  // INTERFACE_TIMESTAMP_CAPABILITIES
  ULONG64 hardware_clock_frequency_hz;
  BOOLEAN supports_cross_timestamp;
  IfHardwareTimestampCapabilities hardware_capabilities;
  IfSoftwareTimestampCapabilities software_capabilities;
};

struct IfHardwareCrossTimestamp {  // INTERFACE_HARDWARE_CROSSTIMESTAMP (not the 1809 layout)
  ULONG64 system_timestamp_1;      // QPC before
  ULONG64 hardware_clock_timestamp;
  ULONG64 system_timestamp_2;  // QPC after
};

static_assert(sizeof(BOOLEAN) == 1);
static_assert(sizeof(IfHardwareTimestampCapabilities) == 11);
static_assert(sizeof(IfSoftwareTimestampCapabilities) == 3);
static_assert(sizeof(IfTimestampCapabilities) == 24);
static_assert(offsetof(IfTimestampCapabilities, hardware_clock_frequency_hz) == 0);
static_assert(offsetof(IfTimestampCapabilities, supports_cross_timestamp) == 8);
static_assert(offsetof(IfTimestampCapabilities, hardware_capabilities) == 9);
static_assert(offsetof(IfTimestampCapabilities, software_capabilities) == 20);
static_assert(offsetof(IfHardwareTimestampCapabilities, tagged_transmit) == 10);
static_assert(sizeof(IfHardwareCrossTimestamp) == 24);
static_assert(offsetof(IfHardwareCrossTimestamp, hardware_clock_timestamp) == 8);
static_assert(offsetof(IfHardwareCrossTimestamp, system_timestamp_2) == 16);

// HIFTIMESTAMPCHANGE: an opaque handle (DECLARE_HANDLE).
struct IfTimestampChangeOpaque;
using IfTimestampChangeHandle = IfTimestampChangeOpaque*;

// INTERFACE_TIMESTAMP_CONFIG_CHANGE_CALLBACK: runs on a system thread.
using IfTimestampConfigChangeCallback = void(CALLBACK*)(PVOID caller_context);

}  // namespace ptp::win
