# The warning set every ptpstack target compiles with, as an INTERFACE target to link against.
add_library(ptp_warnings INTERFACE)
target_compile_options(ptp_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Wnon-virtual-dtor
  -Woverloaded-virtual -Wimplicit-fallthrough)
