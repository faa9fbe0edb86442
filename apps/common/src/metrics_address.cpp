// Parsing of metrics_address values; see metrics_address.h.
#include "ptp/app/metrics_address.h"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace ptp::app {
namespace {

constexpr std::string_view kExpected =
    "expected PORT, IPv4:PORT or [IPv6]:PORT (e.g. 9120, 127.0.0.1:9120, [::1]:9120)";

// "'what'rest", appended piecewise: g++ 12 at -O3 reports a false -Wrestrict overlap for
// "'" + std::string(...) + ... chains.
std::string quoted(std::string_view what, std::string_view rest) {
  std::string text;
  text.reserve(what.size() + rest.size() + 2);
  text.append("'").append(what).append("'").append(rest);
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::uint16_t, std::string> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!all_digits(text) || error != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return unexpected(std::string("port ").append(quoted(text, " is not in [1, 65535]")));
  }
  return static_cast<std::uint16_t>(value);
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (!all_digits(part) || part.size() > 3 || error != std::errc() || value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

// Only the characters of an IPv6 address (hex digits, colons, and dots of an embedded IPv4);
// the socket layer checks the rest when binding.
bool looks_like_ipv6(std::string_view text) {
  return text.find(':') != std::string_view::npos &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == ':' || c == '.';
         });
}

}  // namespace

Result<MetricsAddress, std::string> parse_metrics_address(std::string_view text) {
  const auto bad = [&](std::string_view why) -> Result<MetricsAddress, std::string> {
    return unexpected(quoted(text, ": ").append(why));
  };
  if (text.empty()) return bad(kExpected);
  if (all_digits(text)) {
    auto port = parse_port(text);
    if (!port) return bad(port.error());
    return MetricsAddress{"127.0.0.1", *port};
  }
  std::string_view host;
  std::string_view port_text;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad(kExpected);
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (!looks_like_ipv6(host)) return bad(quoted(host, " is not an IPv6 address"));
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad(kExpected);
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return bad("an IPv6 address needs brackets: [ADDRESS]:PORT");
    }
    if (!is_ipv4(host)) {
      return bad(quoted(host, " is not an IPv4 address (host names are not accepted)"));
    }
  }
  auto port = parse_port(port_text);
  if (!port) return bad(port.error());
  return MetricsAddress{std::string(host), *port};
}

}  // namespace ptp::app
