// Test helper: byte vectors written as hex text, so golden vectors read like the standard's tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ptp::wire::test {

// "00 12 ab" -> {0x00, 0x12, 0xab}; spaces, newlines and '|' (field separators) are ignored.
inline std::vector<std::byte> hex(std::string_view text) {
  std::vector<std::byte> out;
  int high = -1;
  for (const char c : text) {
    int nibble = -1;
    if (c >= '0' && c <= '9') nibble = c - '0';
    if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
    if (nibble < 0) continue;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::byte>((high << 4) | nibble));
      high = -1;
    }
  }
  return out;
}

inline std::vector<std::uint8_t> as_u8(std::span<const std::byte> bytes) {
  std::vector<std::uint8_t> out;
  for (const std::byte b : bytes) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

}  // namespace ptp::wire::test
