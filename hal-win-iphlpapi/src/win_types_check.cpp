// Compile-time proof that portable_win_types.h (what native builds use instead of the SDK) has the
// SDK's layouts and values: every structure's size, alignment and field offsets, every constant.
// Built on Windows only, where both can be seen side by side; it defines nothing.
#include <cstddef>

// clang-format off
#include "ptp/win/windows_headers.h"
#include "ptp/win/portable_win_types.h"
// clang-format on

namespace {

namespace portable = ptp::win;

// Each constant equals the SDK's macro or enumerator (the argument `name` is expanded to it).
#define PTP_WIN_CHECK_CONSTANT(type, name, value)                              \
  static_assert(static_cast<long long>(name) == static_cast<long long>(value), \
                #name " differs from the SDK");
PTP_WIN_PORTABLE_CONSTANTS(PTP_WIN_CHECK_CONSTANT)
#undef PTP_WIN_CHECK_CONSTANT

static_assert(portable::IfOperStatusUp == static_cast<int>(IfOperStatusUp));
static_assert(portable::kMaxAdapterAddressLength == MAX_ADAPTER_ADDRESS_LENGTH);

// The same size and alignment for both declarations of type T.
#define PTP_WIN_CHECK_TYPE(T)                                             \
  static_assert(sizeof(portable::T) == sizeof(::T), #T ": size differs"); \
  static_assert(alignof(portable::T) == alignof(::T), #T ": alignment differs")
// The same offset and size of field F in both.
#define PTP_WIN_CHECK_FIELD(T, F)                                                             \
  static_assert(offsetof(portable::T, F) == offsetof(::T, F), #T "::" #F ": offset differs"); \
  static_assert(sizeof(portable::T::F) == sizeof(::T::F), #T "::" #F ": size differs")

// Scalars: the LLP64 model (ULONG and DWORD 32-bit) and Windows' 16-bit WCHAR.
PTP_WIN_CHECK_TYPE(BYTE);
PTP_WIN_CHECK_TYPE(BOOLEAN);
PTP_WIN_CHECK_TYPE(WCHAR);
PTP_WIN_CHECK_TYPE(WORD);
PTP_WIN_CHECK_TYPE(USHORT);
PTP_WIN_CHECK_TYPE(INT);
PTP_WIN_CHECK_TYPE(BOOL);
PTP_WIN_CHECK_TYPE(DWORD);
PTP_WIN_CHECK_TYPE(ULONG);
PTP_WIN_CHECK_TYPE(u_long);
PTP_WIN_CHECK_TYPE(DWORD64);
PTP_WIN_CHECK_TYPE(ULONG64);
PTP_WIN_CHECK_TYPE(ULONG_PTR);
PTP_WIN_CHECK_TYPE(SIZE_T);
PTP_WIN_CHECK_TYPE(SOCKET);

PTP_WIN_CHECK_TYPE(NET_LUID);
PTP_WIN_CHECK_TYPE(sockaddr);
PTP_WIN_CHECK_FIELD(sockaddr, sa_family);
PTP_WIN_CHECK_FIELD(sockaddr, sa_data);
PTP_WIN_CHECK_TYPE(IN_ADDR);
PTP_WIN_CHECK_TYPE(IN6_ADDR);
PTP_WIN_CHECK_TYPE(sockaddr_in);
PTP_WIN_CHECK_FIELD(sockaddr_in, sin_family);
PTP_WIN_CHECK_FIELD(sockaddr_in, sin_port);
PTP_WIN_CHECK_FIELD(sockaddr_in, sin_addr);
PTP_WIN_CHECK_TYPE(sockaddr_in6);
PTP_WIN_CHECK_FIELD(sockaddr_in6, sin6_family);
PTP_WIN_CHECK_FIELD(sockaddr_in6, sin6_port);
PTP_WIN_CHECK_FIELD(sockaddr_in6, sin6_flowinfo);
PTP_WIN_CHECK_FIELD(sockaddr_in6, sin6_addr);
PTP_WIN_CHECK_FIELD(sockaddr_in6, sin6_scope_id);
PTP_WIN_CHECK_TYPE(sockaddr_storage);
PTP_WIN_CHECK_FIELD(sockaddr_storage, ss_family);
PTP_WIN_CHECK_TYPE(ip_mreq);
PTP_WIN_CHECK_FIELD(ip_mreq, imr_multiaddr);
PTP_WIN_CHECK_FIELD(ip_mreq, imr_interface);
PTP_WIN_CHECK_TYPE(ipv6_mreq);
PTP_WIN_CHECK_FIELD(ipv6_mreq, ipv6mr_multiaddr);
PTP_WIN_CHECK_FIELD(ipv6_mreq, ipv6mr_interface);
PTP_WIN_CHECK_TYPE(IN_PKTINFO);
PTP_WIN_CHECK_FIELD(IN_PKTINFO, ipi_addr);
PTP_WIN_CHECK_FIELD(IN_PKTINFO, ipi_ifindex);
PTP_WIN_CHECK_TYPE(IN6_PKTINFO);
PTP_WIN_CHECK_FIELD(IN6_PKTINFO, ipi6_addr);
PTP_WIN_CHECK_FIELD(IN6_PKTINFO, ipi6_ifindex);
PTP_WIN_CHECK_TYPE(WSABUF);
PTP_WIN_CHECK_FIELD(WSABUF, len);
PTP_WIN_CHECK_FIELD(WSABUF, buf);
PTP_WIN_CHECK_TYPE(WSAMSG);
PTP_WIN_CHECK_FIELD(WSAMSG, name);
PTP_WIN_CHECK_FIELD(WSAMSG, namelen);
PTP_WIN_CHECK_FIELD(WSAMSG, lpBuffers);
PTP_WIN_CHECK_FIELD(WSAMSG, dwBufferCount);
PTP_WIN_CHECK_FIELD(WSAMSG, Control);
PTP_WIN_CHECK_FIELD(WSAMSG, dwFlags);
PTP_WIN_CHECK_TYPE(WSACMSGHDR);
PTP_WIN_CHECK_FIELD(WSACMSGHDR, cmsg_len);
PTP_WIN_CHECK_FIELD(WSACMSGHDR, cmsg_level);
PTP_WIN_CHECK_FIELD(WSACMSGHDR, cmsg_type);
PTP_WIN_CHECK_TYPE(WSADATA);
PTP_WIN_CHECK_TYPE(SYSTEMTIME);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wYear);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wMonth);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wDayOfWeek);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wDay);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wHour);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wMinute);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wSecond);
PTP_WIN_CHECK_FIELD(SYSTEMTIME, wMilliseconds);
PTP_WIN_CHECK_TYPE(GUID);
PTP_WIN_CHECK_TYPE(SOCKET_ADDRESS);
PTP_WIN_CHECK_FIELD(SOCKET_ADDRESS, lpSockaddr);
PTP_WIN_CHECK_FIELD(SOCKET_ADDRESS, iSockaddrLength);
PTP_WIN_CHECK_TYPE(IP_ADAPTER_UNICAST_ADDRESS);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_UNICAST_ADDRESS, Length);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_UNICAST_ADDRESS, Flags);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_UNICAST_ADDRESS, Next);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_UNICAST_ADDRESS, Address);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_UNICAST_ADDRESS, OnLinkPrefixLength);
PTP_WIN_CHECK_TYPE(IP_ADAPTER_ADDRESSES);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Length);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, IfIndex);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Next);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, AdapterName);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, FirstUnicastAddress);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Description);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, FriendlyName);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, PhysicalAddress);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, PhysicalAddressLength);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Flags);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, OperStatus);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Ipv6IfIndex);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, ZoneIndices);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, TransmitLinkSpeed);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Luid);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Dhcpv4Server);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, NetworkGuid);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Dhcpv6Server);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, Dhcpv6ClientDuid);
PTP_WIN_CHECK_FIELD(IP_ADAPTER_ADDRESSES, FirstDnsSuffix);

#undef PTP_WIN_CHECK_TYPE
#undef PTP_WIN_CHECK_FIELD

}  // namespace
