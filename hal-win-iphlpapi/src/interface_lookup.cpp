// Adapter enumeration (GetAdaptersAddresses) and matching a user's interface name against it.
#include "ptp/win/interface_lookup.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <vector>

namespace ptp::win {

namespace {

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80U) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800U) {
    out.push_back(static_cast<char>(0xC0U | (code_point >> 6U)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  } else if (code_point < 0x10000U) {
    out.push_back(static_cast<char>(0xE0U | (code_point >> 12U)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  } else {
    out.push_back(static_cast<char>(0xF0U | (code_point >> 18U)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 12U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  }
}

void add_address(AdapterInfo& adapter, const SOCKET_ADDRESS& address) {
  const sockaddr* raw = address.lpSockaddr;
  if (raw == nullptr) return;
  if (raw->sa_family == AF_INET &&
      address.iSockaddrLength >= static_cast<INT>(sizeof(sockaddr_in))) {
    sockaddr_in v4{};
    std::memcpy(&v4, raw, sizeof(v4));
    std::array<std::uint8_t, 4> octets{};
    std::memcpy(octets.data(), &v4.sin_addr, octets.size());
    adapter.ipv4_addresses.push_back(
        hal::IpAddress::v4(octets[0], octets[1], octets[2], octets[3]));
  } else if (raw->sa_family == AF_INET6 &&
             address.iSockaddrLength >= static_cast<INT>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, raw, sizeof(v6));
    std::array<std::uint8_t, 16> octets{};
    std::memcpy(octets.data(), &v6.sin6_addr, octets.size());
    adapter.ipv6_addresses.push_back(hal::IpAddress::v6(octets));
  }
}

AdapterInfo to_adapter_info(const IP_ADAPTER_ADDRESSES& raw) {
  AdapterInfo adapter;
  adapter.friendly_name = utf8_from_utf16(raw.FriendlyName);
  adapter.adapter_name = raw.AdapterName != nullptr ? raw.AdapterName : "";
  adapter.description = utf8_from_utf16(raw.Description);
  adapter.if_index = raw.IfIndex;
  adapter.ipv6_if_index = raw.Ipv6IfIndex;
  adapter.luid = raw.Luid.Value;
  adapter.up = raw.OperStatus == IfOperStatusUp;
  // A length beyond the array would be the OS's bug; never read past it.
  const std::size_t mac_length =
      std::min<std::size_t>(raw.PhysicalAddressLength, sizeof(raw.PhysicalAddress));
  adapter.physical_address.assign(raw.PhysicalAddress, raw.PhysicalAddress + mac_length);
  for (const IP_ADAPTER_UNICAST_ADDRESS* address = raw.FirstUnicastAddress; address != nullptr;
       address = address->Next) {
    add_address(adapter, address->Address);
  }
  return adapter;
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

template <class T>
bool parse_number(std::string_view text, T& value, int base) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string utf8_from_utf16(const WCHAR* text) {
  std::string out;
  if (text == nullptr) return out;
  for (const WCHAR* p = text; *p != 0; ++p) {
    const auto unit = static_cast<std::uint32_t>(static_cast<std::uint16_t>(*p));
    if (unit >= 0xD800U && unit <= 0xDBFFU) {
      const auto next = static_cast<std::uint32_t>(static_cast<std::uint16_t>(p[1]));
      if (next >= 0xDC00U && next <= 0xDFFFU) {
        append_utf8(out, 0x10000U + ((unit - 0xD800U) << 10U) + (next - 0xDC00U));
        ++p;
        continue;
      }
      append_utf8(out, 0xFFFDU);
    } else if (unit >= 0xDC00U && unit <= 0xDFFFU) {
      append_utf8(out, 0xFFFDU);
    } else {
      append_utf8(out, unit);
    }
  }
  return out;
}

Result<std::vector<AdapterInfo>, hal::HalError> enumerate_adapters(const WinApi& api) {
  constexpr ULONG kFlags =
      GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  // The list can grow between the size query and the read: retry a few times, as documented.
  ULONG size = 16 * 1024;
  for (int attempt = 0; attempt < 4; ++attempt) {
    // IP_ADAPTER_ADDRESSES needs 8-byte alignment: keep the storage in ULONG64 units.
    std::vector<ULONG64> storage((size + sizeof(ULONG64) - 1) / sizeof(ULONG64));
    auto* first = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(storage.data());
    ULONG capacity = static_cast<ULONG>(storage.size() * sizeof(ULONG64));
    const ULONG result = api.get_adapters_addresses(AF_UNSPEC, kFlags, first, &capacity);
    if (result == ERROR_BUFFER_OVERFLOW) {
      size = capacity;
      continue;
    }
    if (result == ERROR_NO_DATA) return std::vector<AdapterInfo>{};
    if (result != NO_ERROR) return unexpected(hal::HalError{hal::HalErrorCode::kOsError, result});
    std::vector<AdapterInfo> adapters;
    for (const IP_ADAPTER_ADDRESSES* raw = first; raw != nullptr; raw = raw->Next) {
      adapters.push_back(to_adapter_info(*raw));
    }
    return adapters;
  }
  return unexpected(hal::HalError{hal::HalErrorCode::kOsError, ERROR_BUFFER_OVERFLOW});
}

const AdapterInfo* match_interface(std::span<const AdapterInfo> adapters, std::string_view name) {
  auto find = [&](auto predicate) -> const AdapterInfo* {
    const auto it = std::find_if(adapters.begin(), adapters.end(), predicate);
    return it == adapters.end() ? nullptr : &*it;
  };
  if (const AdapterInfo* a = find([&](const AdapterInfo& x) { return x.friendly_name == name; })) {
    return a;
  }
  if (const AdapterInfo* a = find([&](const AdapterInfo& x) { return x.adapter_name == name; })) {
    return a;
  }
  if (const AdapterInfo* a = find([&](const AdapterInfo& x) { return x.description == name; })) {
    return a;
  }
  if (const AdapterInfo* a = find(
          [&](const AdapterInfo& x) { return equal_ignoring_ascii_case(x.friendly_name, name); })) {
    return a;
  }
  std::uint32_t index = 0;
  if (parse_number(name, index, 10) && index != 0) {
    return find(
        [&](const AdapterInfo& x) { return x.if_index == index || x.ipv6_if_index == index; });
  }
  constexpr std::string_view kLuidPrefix = "luid:";
  if (name.starts_with(kLuidPrefix)) {
    std::string_view digits = name.substr(kLuidPrefix.size());
    std::uint64_t luid = 0;
    const bool hex = digits.starts_with("0x") || digits.starts_with("0X");
    if (hex) digits.remove_prefix(2);
    if (parse_number(digits, luid, hex ? 16 : 10)) {
      return find([&](const AdapterInfo& x) { return x.luid == luid; });
    }
  }
  return nullptr;
}

Result<AdapterInfo, InterfaceLookupError> find_interface(const WinApi& api, std::string_view name) {
  auto adapters = enumerate_adapters(api);
  if (!adapters) {
    return unexpected(InterfaceLookupError{
        adapters.error(), "cannot list the network interfaces (GetAdaptersAddresses failed with " +
                              std::to_string(adapters.error().os_code) + ")"});
  }
  if (const AdapterInfo* match = match_interface(*adapters, name)) return *match;
  std::string message = "no network interface matches \"" + std::string(name) + "\"; available:";
  if (adapters->empty()) message += " none";
  for (const AdapterInfo& adapter : *adapters) {
    message += "\n  \"" + adapter.friendly_name + "\" (index " + std::to_string(adapter.if_index) +
               ", " + adapter.adapter_name + ", " + adapter.description + ")";
  }
  return unexpected(InterfaceLookupError{
      hal::HalError{hal::HalErrorCode::kInvalidArgument, ERROR_NOT_FOUND}, std::move(message)});
}

}  // namespace ptp::win
