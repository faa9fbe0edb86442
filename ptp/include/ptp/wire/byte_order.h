// Big-endian (network order) loads and stores at raw positions. Callers check bounds once per
// message or field group; these helpers do no checking, which keeps decode on the fast path.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptp::wire {

inline std::uint8_t load_u8(const std::byte* p) { return static_cast<std::uint8_t>(p[0]); }

inline std::uint16_t load_u16(const std::byte* p) {
  return static_cast<std::uint16_t>((static_cast<unsigned>(p[0]) << 8U) |
                                    static_cast<unsigned>(p[1]));
}

inline std::uint32_t load_u32(const std::byte* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24U) | (static_cast<std::uint32_t>(p[1]) << 16U) |
         (static_cast<std::uint32_t>(p[2]) << 8U) | static_cast<std::uint32_t>(p[3]);
}

inline std::uint64_t load_u48(const std::byte* p) {
  return (std::uint64_t{load_u16(p)} << 32U) | load_u32(p + 2);
}

inline std::uint64_t load_u64(const std::byte* p) {
  return (std::uint64_t{load_u32(p)} << 32U) | load_u32(p + 4);
}

inline void store_u8(std::byte* p, std::uint8_t v) { p[0] = static_cast<std::byte>(v); }

inline void store_u16(std::byte* p, std::uint16_t v) {
  p[0] = static_cast<std::byte>(v >> 8U);
  p[1] = static_cast<std::byte>(v);
}

inline void store_u32(std::byte* p, std::uint32_t v) {
  p[0] = static_cast<std::byte>(v >> 24U);
  p[1] = static_cast<std::byte>(v >> 16U);
  p[2] = static_cast<std::byte>(v >> 8U);
  p[3] = static_cast<std::byte>(v);
}

inline void store_u48(std::byte* p, std::uint64_t v) {
  store_u16(p, static_cast<std::uint16_t>(v >> 32U));
  store_u32(p + 2, static_cast<std::uint32_t>(v));
}

inline void store_u64(std::byte* p, std::uint64_t v) {
  store_u32(p, static_cast<std::uint32_t>(v >> 32U));
  store_u32(p + 4, static_cast<std::uint32_t>(v));
}

}  // namespace ptp::wire
