// FakeIpHelper: the IP Helper entries of a WinApi table, faked: adapters for GetAdaptersAddresses,
// per-LUID timestamp capabilities and cross-timestamps, and the change-notification registration
// (the test fires the callback, from whichever thread it likes).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/win/win_api.h"

namespace ptp::win::test {

// IP Helper's strings: UTF-16 (WCHAR is wchar_t on Windows, char16_t natively).
using WideString = std::basic_string<WCHAR>;
inline WideString wide(std::u16string_view text) { return {text.begin(), text.end()}; }

struct FakeAdapter {
  WideString friendly_name;
  std::string adapter_name;
  WideString description;
  std::uint32_t if_index = 0;
  std::uint32_t ipv6_if_index = 0;
  std::uint64_t luid = 0;
  std::vector<std::array<std::uint8_t, 4>> ipv4;
  // PhysicalAddress; its length is PhysicalAddressLength (at most 8, MAX_ADAPTER_ADDRESS_LENGTH).
  std::vector<std::uint8_t> mac;
};

class FakeIpHelper {
 public:
  std::vector<FakeAdapter> adapters;
  std::map<std::uint64_t, IfTimestampCapabilities> supported;
  std::map<std::uint64_t, IfTimestampCapabilities> active;
  DWORD capabilities_result = NO_ERROR;  // returned instead when not NO_ERROR
  IfHardwareCrossTimestamp cross_timestamp{};
  DWORD cross_timestamp_result = NO_ERROR;
  DWORD register_result = NO_ERROR;
  IfTimestampConfigChangeCallback callback = nullptr;
  PVOID callback_context = nullptr;
  int unregistered = 0;
  int capability_reads = 0;

  // Installs every IP Helper entry (the timestamping ones too: remove them to fake an old OS).
  void install(WinApi& api) {
    api.get_adapters_addresses = [this](ULONG, ULONG, IP_ADAPTER_ADDRESSES* out, ULONG* size) {
      return get_adapters_addresses(out, size);
    };
    api.get_interface_supported_timestamp_capabilities = [this](const NET_LUID* luid,
                                                                IfTimestampCapabilities* caps) {
      return read(supported, luid, caps);
    };
    api.get_interface_active_timestamp_capabilities = [this](const NET_LUID* luid,
                                                             IfTimestampCapabilities* caps) {
      return read(active, luid, caps);
    };
    api.capture_interface_hardware_cross_timestamp = [this](const NET_LUID*,
                                                            IfHardwareCrossTimestamp* out) {
      if (cross_timestamp_result == NO_ERROR) *out = cross_timestamp;
      return cross_timestamp_result;
    };
    api.register_interface_timestamp_config_change =
        [this](IfTimestampConfigChangeCallback cb, PVOID context, IfTimestampChangeHandle* handle) {
          if (register_result != NO_ERROR) return register_result;
          callback = cb;
          callback_context = context;
          *handle = reinterpret_cast<IfTimestampChangeHandle>(&callback);
          return static_cast<DWORD>(NO_ERROR);
        };
    api.unregister_interface_timestamp_config_change = [this](IfTimestampChangeHandle) {
      ++unregistered;
      callback = nullptr;
    };
  }

  // What the OS does on its own thread when a NIC's timestamp configuration changes.
  void fire() const {
    if (callback != nullptr) callback(callback_context);
  }

 private:
  DWORD read(const std::map<std::uint64_t, IfTimestampCapabilities>& table, const NET_LUID* luid,
             IfTimestampCapabilities* caps) {
    ++capability_reads;
    if (capabilities_result != NO_ERROR) return capabilities_result;
    const auto it = table.find(luid->Value);
    if (it == table.end()) return ERROR_NOT_SUPPORTED;
    *caps = it->second;
    return NO_ERROR;
  }

  // Lays the adapters out in the caller's buffer the way IP Helper does: a linked list whose
  // strings and addresses live elsewhere (here: in this object).
  ULONG get_adapters_addresses(IP_ADAPTER_ADDRESSES* out, ULONG* size) {
    const ULONG needed = static_cast<ULONG>(adapters.size() * sizeof(IP_ADAPTER_ADDRESSES));
    if (adapters.empty()) return ERROR_NO_DATA;
    if (*size < needed) {
      *size = needed;
      return ERROR_BUFFER_OVERFLOW;
    }
    names_.clear();
    unicast_.assign(adapters.size() * 4, IP_ADAPTER_UNICAST_ADDRESS{});
    sockaddrs_.assign(adapters.size() * 4, sockaddr_in{});
    names_.reserve(adapters.size());
    for (std::size_t i = 0; i < adapters.size(); ++i) {
      const FakeAdapter& a = adapters[i];
      IP_ADAPTER_ADDRESSES& r = out[i];
      std::memset(&r, 0, sizeof(r));
      names_.push_back(a.adapter_name);
      r.AdapterName = names_.back().data();
      r.FriendlyName = const_cast<WCHAR*>(a.friendly_name.c_str());
      r.Description = const_cast<WCHAR*>(a.description.c_str());
      const std::size_t mac_length = std::min(a.mac.size(), sizeof(r.PhysicalAddress));
      if (mac_length > 0) std::memcpy(r.PhysicalAddress, a.mac.data(), mac_length);
      r.PhysicalAddressLength = static_cast<ULONG>(a.mac.size());  // as given, even if too long
      r.IfIndex = a.if_index;
      r.Ipv6IfIndex = a.ipv6_if_index;
      r.Luid.Value = a.luid;
      r.OperStatus = IfOperStatusUp;
      IP_ADAPTER_UNICAST_ADDRESS* previous = nullptr;
      for (std::size_t k = 0; k < a.ipv4.size() && k < 4; ++k) {
        sockaddr_in& sa = sockaddrs_[i * 4 + k];
        sa.sin_family = AF_INET;
        std::memcpy(&sa.sin_addr, a.ipv4[k].data(), 4);
        IP_ADAPTER_UNICAST_ADDRESS& u = unicast_[i * 4 + k];
        u.Address.lpSockaddr = reinterpret_cast<sockaddr*>(&sa);
        u.Address.iSockaddrLength = sizeof(sockaddr_in);
        if (previous == nullptr) {
          r.FirstUnicastAddress = &u;
        } else {
          previous->Next = &u;
        }
        previous = &u;
      }
      r.Next = i + 1 < adapters.size() ? &out[i + 1] : nullptr;
    }
    return NO_ERROR;
  }

  std::vector<std::string> names_;
  std::vector<IP_ADAPTER_UNICAST_ADDRESS> unicast_;
  std::vector<sockaddr_in> sockaddrs_;
};

}  // namespace ptp::win::test
