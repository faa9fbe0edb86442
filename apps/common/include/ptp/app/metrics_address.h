// The metrics_address option's value: where ptp4win serves /metrics. "ADDRESS:PORT" with an IPv4
// address ("127.0.0.1:9120", "0.0.0.0:9120") or a bracketed IPv6 one ("[::1]:9120"), or a bare
// PORT, which binds loopback (127.0.0.1). Host names are refused: what is exposed must be explicit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ptp/result.h"

namespace ptp::app {

struct MetricsAddress {
  std::string host;  // an IPv4 or IPv6 address, as text without brackets
  std::uint16_t port = 0;
};

// The problem (for "metrics_address: <problem>" errors) when `text` is not such a value.
Result<MetricsAddress, std::string> parse_metrics_address(std::string_view text);

}  // namespace ptp::app
