// The Win32/Winsock types, structures and constants the Windows HAL's logic uses, declared without
// the SDK so that the logic and its fake-OS tests build and run natively on Linux. Windows builds
// use the SDK instead (win_types.h) and compile win_types_check.cpp, which asserts that every
// structure here has the SDK's size and field offsets and every constant the SDK's value: the
// layouts are those of x86-64 Windows (LLP64: ULONG and DWORD are 32 bits, pointers 64).
//
// Only what the HAL touches is declared; names follow the SDK so that the same source compiles
// against either. Where the SDK uses an anonymous union or struct (an extension ISO C++ lacks),
// the member it gives access to is declared directly, at the same offset.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace ptp::win {

// clang-format off
using BYTE = std::uint8_t;
using UCHAR = std::uint8_t;
using UINT8 = std::uint8_t;
using BOOLEAN = std::uint8_t;
using CHAR = char;
using WCHAR = char16_t;  // UTF-16 code unit, as Windows' 16-bit wchar_t
using WORD = std::uint16_t;
using USHORT = std::uint16_t;
using INT = std::int32_t;
using BOOL = std::int32_t;
using DWORD = std::uint32_t;
using ULONG = std::uint32_t;
using u_long = std::uint32_t;
using DWORD64 = std::uint64_t;
using ULONG64 = std::uint64_t;
using ULONGLONG = std::uint64_t;
using ULONG_PTR = std::uintptr_t;
using SIZE_T = std::size_t;
using PVOID = void*;
using HANDLE = void*;
using SOCKET = std::uintptr_t;  // UINT_PTR
using WSAEVENT = HANDLE;
using ADDRESS_FAMILY = USHORT;
// clang-format on

union NET_LUID {
  ULONG64 Value;
};

struct sockaddr {
  ADDRESS_FAMILY sa_family;
  CHAR sa_data[14];
};

struct in_addr {
  union {
    struct {
      UCHAR s_b1, s_b2, s_b3, s_b4;
    } S_un_b;
    struct {
      USHORT s_w1, s_w2;
    } S_un_w;
    ULONG S_addr;
  } S_un;
};
using IN_ADDR = in_addr;

struct in6_addr {
  union {
    UCHAR Byte[16];
    USHORT Word[8];
  } u;
};
using IN6_ADDR = in6_addr;

struct sockaddr_in {
  ADDRESS_FAMILY sin_family;
  USHORT sin_port;
  IN_ADDR sin_addr;
  CHAR sin_zero[8];
};

struct sockaddr_in6 {
  ADDRESS_FAMILY sin6_family;
  USHORT sin6_port;
  ULONG sin6_flowinfo;
  IN6_ADDR sin6_addr;
  ULONG sin6_scope_id;  // the SDK's union of it with SCOPE_ID
};

struct sockaddr_storage {
  ADDRESS_FAMILY ss_family;
  CHAR ss_pad1[6];
  std::int64_t ss_align;
  CHAR ss_pad2[112];
};

struct ip_mreq {
  IN_ADDR imr_multiaddr;
  IN_ADDR imr_interface;
};

struct ipv6_mreq {
  IN6_ADDR ipv6mr_multiaddr;
  ULONG ipv6mr_interface;
};

struct IN_PKTINFO {
  IN_ADDR ipi_addr;
  ULONG ipi_ifindex;
};

struct IN6_PKTINFO {
  IN6_ADDR ipi6_addr;
  ULONG ipi6_ifindex;
};

struct WSABUF {
  ULONG len;
  CHAR* buf;
};

struct WSAMSG {
  sockaddr* name;
  INT namelen;
  WSABUF* lpBuffers;
  ULONG dwBufferCount;
  WSABUF Control;
  ULONG dwFlags;
};

struct WSACMSGHDR {
  SIZE_T cmsg_len;
  INT cmsg_level;
  INT cmsg_type;
};

struct WSADATA {  // the _WIN64 member order
  WORD wVersion;
  WORD wHighVersion;
  USHORT iMaxSockets;
  USHORT iMaxUdpDg;
  CHAR* lpVendorInfo;
  CHAR szDescription[257];
  CHAR szSystemStatus[129];
};

struct SYSTEMTIME {
  WORD wYear;
  WORD wMonth;
  WORD wDayOfWeek;
  WORD wDay;
  WORD wHour;
  WORD wMinute;
  WORD wSecond;
  WORD wMilliseconds;
};

struct GUID {
  ULONG Data1;
  USHORT Data2;
  USHORT Data3;
  UCHAR Data4[8];
};

struct SOCKET_ADDRESS {
  sockaddr* lpSockaddr;
  INT iSockaddrLength;
};

enum IF_OPER_STATUS {
  IfOperStatusUp = 1,
  IfOperStatusDown,
  IfOperStatusTesting,
  IfOperStatusUnknown,
  IfOperStatusDormant,
  IfOperStatusNotPresent,
  IfOperStatusLowerLayerDown
};

struct alignas(8) IP_ADAPTER_UNICAST_ADDRESS {  // _LH
  ULONG Length;                                 // the SDK: union with ULONGLONG Alignment
  DWORD Flags;
  IP_ADAPTER_UNICAST_ADDRESS* Next;
  SOCKET_ADDRESS Address;
  INT PrefixOrigin;  // IP_PREFIX_ORIGIN
  INT SuffixOrigin;  // IP_SUFFIX_ORIGIN
  INT DadState;      // IP_DAD_STATE
  ULONG ValidLifetime;
  ULONG PreferredLifetime;
  ULONG LeaseLifetime;
  UINT8 OnLinkPrefixLength;
};

// MAX_ADAPTER_ADDRESS_LENGTH: the size of PhysicalAddress.
inline constexpr std::size_t kMaxAdapterAddressLength = 8;

struct alignas(8) IP_ADAPTER_ADDRESSES {  // _LH; lists we never walk are void*
  ULONG Length;                           // the SDK: union with ULONGLONG Alignment
  ULONG IfIndex;
  IP_ADAPTER_ADDRESSES* Next;
  CHAR* AdapterName;
  IP_ADAPTER_UNICAST_ADDRESS* FirstUnicastAddress;
  void* FirstAnycastAddress;
  void* FirstMulticastAddress;
  void* FirstDnsServerAddress;
  WCHAR* DnsSuffix;
  WCHAR* Description;
  WCHAR* FriendlyName;
  BYTE PhysicalAddress[kMaxAdapterAddressLength];
  ULONG PhysicalAddressLength;
  ULONG Flags;  // the SDK: union with bit fields
  ULONG Mtu;
  ULONG IfType;  // IFTYPE
  IF_OPER_STATUS OperStatus;
  ULONG Ipv6IfIndex;
  ULONG ZoneIndices[16];
  void* FirstPrefix;
  ULONG64 TransmitLinkSpeed;
  ULONG64 ReceiveLinkSpeed;
  void* FirstWinsServerAddress;
  void* FirstGatewayAddress;
  ULONG Ipv4Metric;
  ULONG Ipv6Metric;
  NET_LUID Luid;
  SOCKET_ADDRESS Dhcpv4Server;
  std::uint32_t CompartmentId;
  GUID NetworkGuid;
  INT ConnectionType;  // NET_IF_CONNECTION_TYPE
  INT TunnelType;      // TUNNEL_TYPE
  SOCKET_ADDRESS Dhcpv6Server;
  BYTE Dhcpv6ClientDuid[130];
  ULONG Dhcpv6ClientDuidLength;
  ULONG Dhcpv6Iaid;
  void* FirstDnsSuffix;
};

}  // namespace ptp::win

// The SDK's constants, as (type, name, value). Native builds declare them (below); the Windows
// build compares each with the SDK's macro or enumerator (win_types_check.cpp).
// clang-format off
#define PTP_WIN_PORTABLE_CONSTANTS(X)                  \
  X(DWORD, NO_ERROR, 0)                                \
  X(DWORD, ERROR_ACCESS_DENIED, 5)                     \
  X(DWORD, ERROR_NOT_ENOUGH_MEMORY, 8)                 \
  X(DWORD, ERROR_NOT_SUPPORTED, 50)                    \
  X(DWORD, ERROR_INVALID_PARAMETER, 87)                \
  X(DWORD, ERROR_BUFFER_OVERFLOW, 111)                 \
  X(DWORD, ERROR_PROC_NOT_FOUND, 127)                  \
  X(DWORD, ERROR_NO_DATA, 232)                         \
  X(DWORD, ERROR_NOT_FOUND, 1168)                      \
  X(DWORD, ERROR_NOT_ALL_ASSIGNED, 1300)               \
  X(DWORD, ERROR_PRIVILEGE_NOT_HELD, 1314)             \
  X(DWORD, ERROR_BAD_DRIVER, 2001)                     \
  X(int, WSAEACCES, 10013)                             \
  X(int, WSAEINVAL, 10022)                             \
  X(int, WSAEWOULDBLOCK, 10035)                        \
  X(int, WSAEMSGSIZE, 10040)                           \
  X(int, WSAEOPNOTSUPP, 10045)                         \
  X(int, WSAEAFNOSUPPORT, 10047)                       \
  X(int, WSAEADDRINUSE, 10048)                         \
  X(int, WSAEADDRNOTAVAIL, 10049)                      \
  X(int, WSAENETDOWN, 10050)                           \
  X(int, WSAENETUNREACH, 10051)                        \
  X(int, WSAECONNRESET, 10054)                         \
  X(int, WSAENOBUFS, 10055)                            \
  X(int, WSANOTINITIALISED, 10093)                     \
  X(int, SOCKET_ERROR, -1)                             \
  X(int, AF_UNSPEC, 0)                                 \
  X(int, AF_INET, 2)                                   \
  X(int, AF_INET6, 23)                                 \
  X(int, SOCK_DGRAM, 2)                                \
  X(int, IPPROTO_IP, 0)                                \
  X(int, IPPROTO_UDP, 17)                              \
  X(int, IPPROTO_IPV6, 41)                             \
  X(int, SOL_SOCKET, 0xFFFF)                           \
  X(int, IP_MULTICAST_IF, 9)                           \
  X(int, IP_MULTICAST_TTL, 10)                         \
  X(int, IP_MULTICAST_LOOP, 11)                        \
  X(int, IP_ADD_MEMBERSHIP, 12)                        \
  X(int, IP_PKTINFO, 19)                               \
  X(int, IPV6_MULTICAST_IF, 9)                         \
  X(int, IPV6_MULTICAST_HOPS, 10)                      \
  X(int, IPV6_MULTICAST_LOOP, 11)                      \
  X(int, IPV6_ADD_MEMBERSHIP, 12)                      \
  X(int, IPV6_PKTINFO, 19)                             \
  X(int, IPV6_V6ONLY, 27)                              \
  X(long, FD_READ, 1)                                  \
  X(ULONG, GAA_FLAG_SKIP_ANYCAST, 0x2)                 \
  X(ULONG, GAA_FLAG_SKIP_MULTICAST, 0x4)               \
  X(ULONG, GAA_FLAG_SKIP_DNS_SERVER, 0x8)              \
  X(BOOL, TRUE, 1)                                     \
  X(BOOL, FALSE, 0)
// clang-format on

#ifndef _WIN32

// The constants keep the SDK's names, which the POSIX socket headers (and some C libraries) define
// as macros with other values (AF_INET6 is 10 on Linux, 23 on Windows): a file that includes this
// must not include those. Included before this, they stop the build here with a clear message.
#if defined(AF_INET) || defined(SOCKET_ERROR) || defined(TRUE) || defined(NO_ERROR)
#error "POSIX/C-library macros (AF_INET, TRUE, NO_ERROR...) clash with ptp/win/win_types.h"
#endif

namespace ptp::win {

#define PTP_WIN_DECLARE_CONSTANT(type, name, value) inline constexpr type name = value;
PTP_WIN_PORTABLE_CONSTANTS(PTP_WIN_DECLARE_CONSTANT)
#undef PTP_WIN_DECLARE_CONSTANT

inline constexpr SOCKET INVALID_SOCKET = ~SOCKET{0};
inline constexpr WSAEVENT WSA_INVALID_EVENT = nullptr;

constexpr WORD MAKEWORD(BYTE low, BYTE high) {
  return static_cast<WORD>(low | static_cast<WORD>(high << 8U));
}

// Network byte order (big-endian) from a little-endian host's, as every Windows target is.
static_assert(std::endian::native == std::endian::little);
constexpr std::uint16_t htons(std::uint16_t value) {
  return static_cast<std::uint16_t>((value >> 8U) | static_cast<std::uint16_t>(value << 8U));
}
constexpr std::uint16_t ntohs(std::uint16_t value) { return htons(value); }
constexpr std::uint32_t htonl(std::uint32_t value) {
  return (value >> 24U) | ((value >> 8U) & 0xFF00U) | ((value << 8U) & 0xFF0000U) | (value << 24U);
}

}  // namespace ptp::win

#endif
