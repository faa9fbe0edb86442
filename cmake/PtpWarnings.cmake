# The warning set every ptpstack target compiles with, as an INTERFACE target to link against.
# GCC and Clang (also mingw-w64's g++) get the GNU flags; MSVC (cl, and clang-cl, which takes
# cl's flags) gets its own: /W4 /WX, standard conformance (/permissive-, /Zc:__cplusplus so the
# __cplusplus macro is honest), /EHsc (standard C++ exception handling for the applications'
# Boost code) and /utf-8 (the sources are UTF-8).
add_library(ptp_warnings INTERFACE)
if(MSVC)
  target_compile_options(ptp_warnings INTERFACE
    /W4 /WX /permissive- /Zc:__cplusplus /EHsc /utf-8)
else()
  target_compile_options(ptp_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Wnon-virtual-dtor
    -Woverloaded-virtual -Wimplicit-fallthrough)
endif()
