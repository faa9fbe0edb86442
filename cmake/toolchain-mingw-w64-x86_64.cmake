# Cross-build for 64-bit Windows with Debian's mingw-w64 (posix thread model, for std::thread/std::mutex).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PTP_MINGW_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${PTP_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${PTP_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${PTP_MINGW_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${PTP_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Link the GCC runtime statically so the .exe files run under Wine and on Windows without DLLs beside them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Tests run under Wine; see scripts/wine-run.sh for the prefix it prepares.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/../scripts/wine-run.sh")
