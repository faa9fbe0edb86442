# Boost 1.81 for ptpstack: defines Boost::program_options (compiled library), Boost::asio and
# Boost::beast (header-only, INTERFACE targets) on every platform.
#
# * Native builds use Debian's installed Boost 1.81 (libboost1.81-dev,
#   libboost-program-options1.81-dev) through its CMake package config.
# * Cross builds for Windows (the `windows` preset, mingw-w64) have no Boost package to use, so
#   Boost is built from Debian's `boost1.81` source package, which scripts/fetch-boost-source.sh
#   fetches with `apt-get source` into ${PTP_CACHE_DIR:-<repo>/.cache}/boost1.81/boost. The tree
#   is added with Boost's own CMake superproject (BoostRoot.cmake, BOOST_INCLUDE_LIBRARIES),
#   static, without tests, EXCLUDE_FROM_ALL (only what our targets link gets built) and SYSTEM
#   (its headers never trip our warnings; Boost itself never links ptp_warnings).
#
# Cache variables:
#   PTP_BOOST_FROM_SOURCE  build Boost from the fetched sources (default: ON when cross-compiling
#                          for Windows, OFF otherwise)
#   PTP_BOOST_SOURCE_DIR   the Boost superproject tree (default: where the fetch script puts it;
#                          with the default, configure runs the script, which is a no-op when the
#                          cache is ready)
#   PTP_BOOST_LIBRARIES    the Boost libraries to build from source (their dependencies follow)
include_guard(GLOBAL)

set(PTP_BOOST_VERSION 1.81)

set(_ptp_boost_from_source_default OFF)
if(CMAKE_CROSSCOMPILING AND WIN32)
  set(_ptp_boost_from_source_default ON)
endif()
option(PTP_BOOST_FROM_SOURCE "Build Boost ${PTP_BOOST_VERSION} from Debian's boost${PTP_BOOST_VERSION} source package instead of using the installed one"
  ${_ptp_boost_from_source_default})
unset(_ptp_boost_from_source_default)

if(NOT PTP_BOOST_FROM_SOURCE)
  # ---- Debian's installed Boost ---------------------------------------------------------------
  find_package(Boost ${PTP_BOOST_VERSION}.0 EXACT CONFIG REQUIRED COMPONENTS program_options)
  find_package(Threads REQUIRED)
  if(NOT TARGET Boost::asio)
    # Asio is header-only and has no component of its own in BoostConfig.
    add_library(Boost::asio INTERFACE IMPORTED)
    target_link_libraries(Boost::asio INTERFACE Boost::headers Threads::Threads)
  endif()
  if(NOT TARGET Boost::beast)
    # Header-only too, on top of Asio.
    add_library(Boost::beast INTERFACE IMPORTED)
    target_link_libraries(Boost::beast INTERFACE Boost::asio)
  endif()
  message(STATUS "Boost: using the installed Boost ${Boost_VERSION} (${Boost_DIR})")
  return()
endif()

# ---- Boost built from Debian's source package -------------------------------------------------
get_filename_component(_ptp_repo_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_ptp_boost_fetch_script "${_ptp_repo_root}/scripts/fetch-boost-source.sh")
if(DEFINED ENV{PTP_CACHE_DIR} AND NOT "$ENV{PTP_CACHE_DIR}" STREQUAL "")
  # Same rule as the script: a relative PTP_CACHE_DIR is under the repository root.
  get_filename_component(_ptp_cache_dir "$ENV{PTP_CACHE_DIR}" ABSOLUTE BASE_DIR "${_ptp_repo_root}")
else()
  set(_ptp_cache_dir "${_ptp_repo_root}/.cache")
endif()
set(_ptp_boost_default_dir "${_ptp_cache_dir}/boost${PTP_BOOST_VERSION}/boost")

set(PTP_BOOST_SOURCE_DIR "${_ptp_boost_default_dir}" CACHE PATH
  "Boost ${PTP_BOOST_VERSION} CMake superproject tree (made by scripts/fetch-boost-source.sh)")
set(PTP_BOOST_LIBRARIES "program_options;asio;beast" CACHE STRING
  "Boost libraries to build from source; their dependencies are added by Boost's CMake")
# What ptpstack links, whatever an older cache holds (beast: ptp4win's /metrics server).
list(APPEND PTP_BOOST_LIBRARIES program_options asio beast)
list(REMOVE_DUPLICATES PTP_BOOST_LIBRARIES)

if(PTP_BOOST_SOURCE_DIR STREQUAL _ptp_boost_default_dir)
  # Idempotent: prints the path at once when the cache already holds these libraries.
  list(JOIN PTP_BOOST_LIBRARIES " " _ptp_libs)
  message(STATUS "Boost: running scripts/fetch-boost-source.sh ${_ptp_libs}")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env "PTP_CACHE_DIR=${_ptp_cache_dir}"
            bash "${_ptp_boost_fetch_script}" ${PTP_BOOST_LIBRARIES}
    RESULT_VARIABLE _ptp_rc
    OUTPUT_VARIABLE _ptp_out
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _ptp_rc EQUAL 0)
    message(FATAL_ERROR "Boost: scripts/fetch-boost-source.sh failed (exit ${_ptp_rc}); see its "
      "messages above. Fix that, or set PTP_BOOST_SOURCE_DIR to a Boost ${PTP_BOOST_VERSION} source tree.")
  endif()
  string(REGEX REPLACE "^.*\n" "" _ptp_out "${_ptp_out}")
  file(REAL_PATH "${_ptp_out}" _ptp_out_real)
  file(REAL_PATH "${PTP_BOOST_SOURCE_DIR}" _ptp_dir_real)
  if(NOT _ptp_out_real STREQUAL _ptp_dir_real)
    message(FATAL_ERROR "Boost: scripts/fetch-boost-source.sh printed '${_ptp_out}', "
      "expected '${PTP_BOOST_SOURCE_DIR}'")
  endif()
endif()

if(NOT EXISTS "${PTP_BOOST_SOURCE_DIR}/CMakeLists.txt"
   OR NOT EXISTS "${PTP_BOOST_SOURCE_DIR}/tools/cmake/include/BoostRoot.cmake")
  message(FATAL_ERROR "Boost: PTP_BOOST_SOURCE_DIR='${PTP_BOOST_SOURCE_DIR}' is not a Boost "
    "CMake superproject tree. Run scripts/fetch-boost-source.sh (it prints the tree's path) "
    "or leave PTP_BOOST_SOURCE_DIR at its default so configure runs it.")
endif()
file(STRINGS "${PTP_BOOST_SOURCE_DIR}/CMakeLists.txt" _ptp_boost_project REGEX "^project\\(Boost VERSION")
if(NOT _ptp_boost_project MATCHES "VERSION ${PTP_BOOST_VERSION}\\.")
  message(FATAL_ERROR "Boost: ${PTP_BOOST_SOURCE_DIR} is not Boost ${PTP_BOOST_VERSION} (${_ptp_boost_project})")
endif()

# Variables set in this block configure Boost's CMake only; they don't leak into ptpstack.
block(SCOPE_FOR VARIABLES)
  set(BOOST_INCLUDE_LIBRARIES ${PTP_BOOST_LIBRARIES})
  set(BUILD_SHARED_LIBS OFF)        # static Boost libraries
  set(BUILD_TESTING OFF)            # no Boost tests (BoostRoot forces this for subprojects too)
  set(BOOST_ENABLE_MPI OFF)
  set(BOOST_ENABLE_PYTHON OFF)
  set(BOOST_SKIP_INSTALL_RULES ON)  # nothing of Boost gets installed with ptpstack
  set(CMAKE_MESSAGE_LOG_LEVEL WARNING) # keep configure output short ("Boost.Context: ..." etc.)
  add_subdirectory("${PTP_BOOST_SOURCE_DIR}" "${CMAKE_BINARY_DIR}/_deps/boost-build"
    EXCLUDE_FROM_ALL SYSTEM)
endblock()

foreach(_ptp_target IN ITEMS Boost::program_options Boost::asio Boost::beast)
  if(NOT TARGET ${_ptp_target})
    message(FATAL_ERROR "Boost: Boost's CMake did not define ${_ptp_target}")
  endif()
endforeach()

# Boost's asio/CMakeLists.txt only lists Boost dependencies; add the system ones.
if(WIN32)
  # Winsock, and Windows 10 as the API level, stated explicitly (Asio asks for _WIN32_WINNT to
  # be defined and picks its Windows code paths from it) rather than left to the SDK's default.
  target_link_libraries(boost_asio INTERFACE ws2_32 mswsock)
  target_compile_definitions(boost_asio INTERFACE _WIN32_WINNT=0x0A00)
else()
  find_package(Threads REQUIRED)
  target_link_libraries(boost_asio INTERFACE Threads::Threads)
endif()

list(JOIN PTP_BOOST_LIBRARIES ", " _ptp_libs)
message(STATUS "Boost: building Boost ${PTP_BOOST_VERSION} (${_ptp_libs}) from ${PTP_BOOST_SOURCE_DIR}")
unset(_ptp_repo_root)
unset(_ptp_boost_fetch_script)
unset(_ptp_cache_dir)
unset(_ptp_boost_default_dir)
unset(_ptp_boost_project)
unset(_ptp_rc)
unset(_ptp_out)
unset(_ptp_out_real)
unset(_ptp_dir_real)
unset(_ptp_target)
unset(_ptp_libs)
