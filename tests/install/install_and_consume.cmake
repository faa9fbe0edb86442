# cmake -P script run by the install_and_consume and install_and_run_examples tests (see
# CMakeLists.txt here for the -D inputs):
#   1. cmake --install <build> --component ptpstack --prefix <prefix>   (into a fresh prefix)
#   2. configure the project (tests/install/consumer, examples/) with -DCMAKE_PREFIX_PATH=<prefix>,
#      same compiler, build type and sanitizer flags as the main build
#   3. build it and run PTP_PROGRAM with PTP_PROGRAM_ARGS; with PTP_PROGRAM_FAILING_ARGS set, run
#      it once more with those and require exit code 1 (its verdict can fail).
# Any failing step fails the test.
foreach(var PTP_BUILD_DIR PTP_PREFIX PTP_CONSUMER_SOURCE_DIR PTP_CONSUMER_BINARY_DIR
            PTP_GENERATOR PTP_CXX_COMPILER PTP_PROGRAM)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_and_consume.cmake: ${var} is not set")
  endif()
endforeach()

function(run_step what)
  message(STATUS "install_and_consume: ${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc COMMAND_ECHO STDOUT)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_and_consume: ${what} failed (${rc})")
  endif()
endfunction()

# A fresh prefix and consumer build every time: nothing stale can hide a missing file.
file(REMOVE_RECURSE "${PTP_PREFIX}" "${PTP_CONSUMER_BINARY_DIR}")

set(config_args "")
if(NOT "${PTP_BUILD_TYPE}" STREQUAL "")
  set(config_args --config "${PTP_BUILD_TYPE}")
endif()
run_step("install"
  "${CMAKE_COMMAND}" --install "${PTP_BUILD_DIR}" --prefix "${PTP_PREFIX}"
  --component ptpstack ${config_args})

set(configure_args
  -S "${PTP_CONSUMER_SOURCE_DIR}" -B "${PTP_CONSUMER_BINARY_DIR}" -G "${PTP_GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${PTP_PREFIX}"
  "-DCMAKE_CXX_COMPILER=${PTP_CXX_COMPILER}"
  "-DCMAKE_BUILD_TYPE=${PTP_BUILD_TYPE}"
  # Only the prefix: no package registry, no other ptpstack on the system.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(NOT "${PTP_MAKE_PROGRAM}" STREQUAL "")
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${PTP_MAKE_PROGRAM}")
endif()
if(NOT "${PTP_SANITIZE_COMPILE_FLAGS}" STREQUAL "")
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${PTP_SANITIZE_COMPILE_FLAGS}")
endif()
if(NOT "${PTP_SANITIZE_LINK_FLAGS}" STREQUAL "")
  list(APPEND configure_args "-DCMAKE_EXE_LINKER_FLAGS=${PTP_SANITIZE_LINK_FLAGS}")
endif()
run_step("configure the consumer" "${CMAKE_COMMAND}" ${configure_args})
run_step("build the consumer"
  "${CMAKE_COMMAND}" --build "${PTP_CONSUMER_BINARY_DIR}" --parallel 2 ${config_args})

find_program(program_exe NAMES "${PTP_PROGRAM}"
  PATHS "${PTP_CONSUMER_BINARY_DIR}" "${PTP_CONSUMER_BINARY_DIR}/${PTP_BUILD_TYPE}"
  NO_DEFAULT_PATH NO_CACHE)
if(NOT program_exe)
  message(FATAL_ERROR "install_and_consume: ${PTP_PROGRAM} not built")
endif()
separate_arguments(program_args UNIX_COMMAND "${PTP_PROGRAM_ARGS}")
run_step("run ${PTP_PROGRAM}" "${program_exe}" ${program_args})

if(NOT "${PTP_PROGRAM_FAILING_ARGS}" STREQUAL "")
  separate_arguments(failing_args UNIX_COMMAND "${PTP_PROGRAM_FAILING_ARGS}")
  message(STATUS "install_and_consume: run ${PTP_PROGRAM} where it must fail")
  execute_process(COMMAND "${program_exe}" ${failing_args} RESULT_VARIABLE rc COMMAND_ECHO STDOUT)
  if(NOT rc EQUAL 1)
    message(FATAL_ERROR
      "install_and_consume: ${PTP_PROGRAM} ${PTP_PROGRAM_FAILING_ARGS} exited ${rc}, not 1")
  endif()
endif()
