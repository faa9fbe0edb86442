// Parsing of textual IPv4 and IPv6 addresses (for configuration and command lines), their text
// for log lines, and the conversion to and from the core's PeerAddress.
#include <charconv>
#include <cstddef>
#include <cstdio>

#include "ptp/hal/ip_address.h"

namespace ptp::hal {

namespace {

std::optional<IpAddress> parse_ipv4(std::string_view text) {
  std::array<std::uint8_t, 4> octets{};
  std::size_t index = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (index < 4) {
    unsigned value = 0;
    const auto [next, error] = std::from_chars(p, end, value);
    // Digits only, 1-3 of them, no leading zeros (which some parsers read as octal).
    if (error != std::errc() || value > 255 || next - p > 3 || (next - p > 1 && *p == '0')) {
      return std::nullopt;
    }
    octets[index++] = static_cast<std::uint8_t>(value);
    p = next;
    if (index < 4) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return IpAddress::v4(octets[0], octets[1], octets[2], octets[3]);
}

// Parses up to `max` colon-separated groups of 1-4 hex digits.
bool parse_groups(std::string_view text, std::array<std::uint16_t, 8>& groups, std::size_t& count) {
  count = 0;
  if (text.empty()) return true;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = text.find(':', start);
    const std::string_view group = text.substr(
        start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (group.empty() || group.size() > 4 || count == 8) return false;
    unsigned value = 0;
    const auto [next, error] =
        std::from_chars(group.data(), group.data() + group.size(), value, 16);
    if (error != std::errc() || next != group.data() + group.size()) return false;
    groups[count++] = static_cast<std::uint16_t>(value);
    if (colon == std::string_view::npos) return true;
    start = colon + 1;
  }
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
  std::array<std::uint16_t, 8> head{};
  std::array<std::uint16_t, 8> tail{};
  std::size_t head_count = 0;
  std::size_t tail_count = 0;
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, head, head_count) || head_count != 8) return std::nullopt;
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    if (!parse_groups(text.substr(0, gap), head, head_count) ||
        !parse_groups(text.substr(gap + 2), tail, tail_count) || head_count + tail_count > 7) {
      return std::nullopt;
    }
  }
  std::array<std::uint8_t, 16> octets{};
  auto put = [&](std::size_t group_index, std::uint16_t value) {
    octets[2 * group_index] = static_cast<std::uint8_t>(value >> 8U);
    octets[2 * group_index + 1] = static_cast<std::uint8_t>(value);
  };
  for (std::size_t i = 0; i < head_count; ++i) put(i, head[i]);
  for (std::size_t i = 0; i < tail_count; ++i) put(8 - tail_count + i, tail[i]);
  return IpAddress::v6(octets);
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  return parse_ipv4(text);
}

PeerAddress to_peer_address(const IpAddress& address) {
  PeerAddress peer;
  peer.octets = address.octets();
  peer.length = address.family() == AddressFamily::kIpv4 ? 4 : 16;
  return peer;
}

std::string to_string(const IpAddress& address) {
  const auto& o = address.octets();
  std::array<char, 48> text{};
  if (address.family() == AddressFamily::kIpv4) {
    (void)std::snprintf(text.data(), text.size(), "%u.%u.%u.%u", unsigned{o[0]}, unsigned{o[1]},
                        unsigned{o[2]}, unsigned{o[3]});
    return text.data();
  }
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i] = o[2 * i] * 256U + o[2 * i + 1];
  // RFC 5952 4.2: the longest run of zero groups (at least two; the first of equal runs).
  std::size_t best_start = groups.size();
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < groups.size();) {
    std::size_t run = 0;
    while (i + run < groups.size() && groups[i + run] == 0) ++run;
    if (run > best_length) {
      best_start = i;
      best_length = run;
    }
    i += run == 0 ? 1 : run;
  }
  std::string result;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i == best_start) {
      result += "::";
      i += best_length - 1;
      continue;
    }
    if (!result.empty() && result.back() != ':') result += ':';
    (void)std::snprintf(text.data(), text.size(), "%x", groups[i]);
    result += text.data();
  }
  return result;
}

IpAddress to_ip_address(const PeerAddress& peer) {
  if (peer.length == 4) {
    return IpAddress::v4(peer.octets[0], peer.octets[1], peer.octets[2], peer.octets[3]);
  }
  return IpAddress::v6(peer.octets);
}

}  // namespace ptp::hal
