// The Win32/Winsock types, structures and constants of the Windows HAL: the SDK's on Windows, the
// layout-identical declarations of portable_win_types.h elsewhere, so that the HAL's logic and its
// fake-OS tests also build and run natively. Every HAL file includes this, never the SDK directly
// (only real_win_api.cpp, which calls the OS, and the layout check need the SDK itself).
#pragma once

#ifdef _WIN32
#include "ptp/win/windows_headers.h"
#else
#include "ptp/win/portable_win_types.h"
// The calling convention of OS callbacks (__stdcall on 32-bit Windows; nothing elsewhere).
#ifndef CALLBACK
#define CALLBACK
#endif
#endif
