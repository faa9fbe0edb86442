// Winsock timestamping constants and structures (mstcpip.h, Windows 10 build 20348+), declared
// here because mingw-w64 hides them behind NTDDI_VERSION >= NTDDI_WIN10_FE. Values from the SDK.
#pragma once

#include <cstdint>

#include "ptp/win/win_types.h"

namespace ptp::win {

// WSAIoctl code enabling RX/TX timestamps on a datagram socket: _WSAIOW(IOC_VENDOR, 235).
inline constexpr DWORD kSioTimestamping = 0x980000EBU;
// WSAIoctl code fetching one TX timestamp by id: _WSAIOW(IOC_VENDOR, 234); in UINT32, out UINT64.
inline constexpr DWORD kSioGetTxTimestamp = 0x980000EAU;

inline constexpr ULONG kTimestampingFlagRx = 0x1;
inline constexpr ULONG kTimestampingFlagTx = 0x2;

// Control message types at SOL_SOCKET level.
inline constexpr INT kSoTimestamp = 0x300A;    // receive: UINT64 timestamp
inline constexpr INT kSoTimestampId = 0x300B;  // send: UINT32 id for SIO_GET_TX_TIMESTAMP

struct TimestampingConfig {  // TIMESTAMPING_CONFIG
  ULONG flags;
  USHORT tx_timestamps_buffered;
};
static_assert(sizeof(TimestampingConfig) == 8);

}  // namespace ptp::win
