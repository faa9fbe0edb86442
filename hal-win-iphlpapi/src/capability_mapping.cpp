// IP Helper timestamp capabilities -> hal::InterfaceTimestampCapabilities.
#include "ptp/win/capability_mapping.h"

namespace ptp::win {

namespace {

bool flag(BOOLEAN value) { return value != 0; }

}  // namespace

hal::TimestampCapabilities to_hal(const IfTimestampCapabilities& capabilities) {
  const IfHardwareTimestampCapabilities& hw = capabilities.hardware_capabilities;
  const IfSoftwareTimestampCapabilities& sw = capabilities.software_capabilities;
  hal::TimestampCapabilities result;
  result.hardware_clock_frequency_hz = capabilities.hardware_clock_frequency_hz;
  result.supports_cross_timestamp = flag(capabilities.supports_cross_timestamp);
  result.hardware.ptp_v2_over_udp_ipv4_event_message_receive =
      flag(hw.ptp_v2_over_udp_ipv4_event_message_receive);
  result.hardware.ptp_v2_over_udp_ipv4_all_message_receive =
      flag(hw.ptp_v2_over_udp_ipv4_all_message_receive);
  result.hardware.ptp_v2_over_udp_ipv4_event_message_transmit =
      flag(hw.ptp_v2_over_udp_ipv4_event_message_transmit);
  result.hardware.ptp_v2_over_udp_ipv4_all_message_transmit =
      flag(hw.ptp_v2_over_udp_ipv4_all_message_transmit);
  result.hardware.ptp_v2_over_udp_ipv6_event_message_receive =
      flag(hw.ptp_v2_over_udp_ipv6_event_message_receive);
  result.hardware.ptp_v2_over_udp_ipv6_all_message_receive =
      flag(hw.ptp_v2_over_udp_ipv6_all_message_receive);
  result.hardware.ptp_v2_over_udp_ipv6_event_message_transmit =
      flag(hw.ptp_v2_over_udp_ipv6_event_message_transmit);
  result.hardware.ptp_v2_over_udp_ipv6_all_message_transmit =
      flag(hw.ptp_v2_over_udp_ipv6_all_message_transmit);
  result.hardware.all_receive = flag(hw.all_receive);
  result.hardware.all_transmit = flag(hw.all_transmit);
  result.hardware.tagged_transmit = flag(hw.tagged_transmit);
  result.software.all_receive = flag(sw.all_receive);
  result.software.all_transmit = flag(sw.all_transmit);
  result.software.tagged_transmit = flag(sw.tagged_transmit);
  return result;
}

hal::HalError ip_helper_error(DWORD code) {
  switch (code) {
    case ERROR_NOT_SUPPORTED: return hal::HalError{hal::HalErrorCode::kNotSupported, code};
    case ERROR_BAD_DRIVER: return hal::HalError{hal::HalErrorCode::kUnavailable, code};
    default: return hal::HalError{hal::HalErrorCode::kOsError, code};
  }
}

Result<hal::InterfaceTimestampCapabilities, hal::HalError> read_interface_capabilities(
    const WinApi& api, std::uint64_t luid) {
  if (!api.get_interface_supported_timestamp_capabilities) {
    return unexpected(hal::HalError{hal::HalErrorCode::kNotSupported, ERROR_PROC_NOT_FOUND});
  }
  NET_LUID net_luid{};
  net_luid.Value = luid;
  IfTimestampCapabilities supported{};
  const DWORD supported_result =
      api.get_interface_supported_timestamp_capabilities(&net_luid, &supported);
  if (supported_result != NO_ERROR) return unexpected(ip_helper_error(supported_result));
  hal::InterfaceTimestampCapabilities result;
  result.supported = to_hal(supported);
  // Without the "active" query nothing is known to be switched on: all-false selects none.
  if (api.get_interface_active_timestamp_capabilities) {
    IfTimestampCapabilities active{};
    const DWORD active_result = api.get_interface_active_timestamp_capabilities(&net_luid, &active);
    if (active_result != NO_ERROR) return unexpected(ip_helper_error(active_result));
    result.active = to_hal(active);
  }
  return result;
}

}  // namespace ptp::win
