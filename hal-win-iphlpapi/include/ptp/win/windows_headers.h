// The Windows SDK headers this HAL needs, included in the one order that works (winsock2.h before
// windows.h, iphlpapi.h after both), so that no file of the HAL includes them differently.
#pragma once

// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <mswsock.h>
// clang-format on

// objbase.h (pulled in by iphlpapi.h) defines `interface` as `struct` for COM C code; it breaks
// any C++ that names a variable or parameter `interface` (hal's own headers do).
#undef interface
