# Builds ptp4win's .msi with wixl from staged files. Two ways in:
#   * CPack's External generator (cmake/PtpPackage.cmake sets CPACK_EXTERNAL_PACKAGE_SCRIPT to this
#     file): the files are CPack's staging directory, the version and tools come from CPACK_*.
#   * Script mode, for the tests (an older package of the same files, for the upgrade test):
#       cmake -DPTP4WIN_STAGE=<dir> -DPTP4WIN_VERSION=0.0.1 -DPTP4WIN_MSI=<out.msi>
#             [-DPTP4WIN_WIXL=wixl] [-DPTP4WIN_MSIBUILD=msibuild] -P build-msi.cmake
#
# wixl (msitools 0.101) builds the tables from ptp4win.wxs; what it cannot express is then set
# with msibuild's SQL: the configuration's component gets msidbComponentAttributesNeverOverwrite,
# so that an upgrade keeps the user's ptp4win.cfg (see the comment in ptp4win.wxs).
cmake_minimum_required(VERSION 3.25)

if(DEFINED CPACK_TEMPORARY_DIRECTORY)
  set(PTP4WIN_STAGE "${CPACK_TEMPORARY_DIRECTORY}")
  set(PTP4WIN_VERSION "${CPACK_PACKAGE_VERSION}")
  set(PTP4WIN_MSI "${CPACK_TOPLEVEL_DIRECTORY}/${CPACK_PACKAGE_FILE_NAME}.msi")
  set(PTP4WIN_WIXL "${CPACK_PTP4WIN_WIXL}")
  set(PTP4WIN_MSIBUILD "${CPACK_PTP4WIN_MSIBUILD}")
endif()
foreach(variable IN ITEMS PTP4WIN_STAGE PTP4WIN_VERSION PTP4WIN_MSI)
  if(NOT DEFINED ${variable} OR "${${variable}}" STREQUAL "")
    message(FATAL_ERROR "build-msi.cmake: ${variable} is not set")
  endif()
endforeach()
if(NOT PTP4WIN_WIXL)
  find_program(PTP4WIN_WIXL wixl REQUIRED)
endif()
if(NOT PTP4WIN_MSIBUILD)
  find_program(PTP4WIN_MSIBUILD msibuild REQUIRED)
endif()

# wixl finds File/@Source relative to the .wxs: work on a copy next to the output, with the
# staged files' path relative to it.
set(work "${PTP4WIN_MSI}.wixl")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")
file(COPY "${CMAKE_CURRENT_LIST_DIR}/ptp4win.wxs" DESTINATION "${work}")
file(RELATIVE_PATH source_dir "${work}" "${PTP4WIN_STAGE}")
if(source_dir STREQUAL "")
  set(source_dir ".")
endif()

execute_process(
  COMMAND "${PTP4WIN_WIXL}" -a x64 -D "Version=${PTP4WIN_VERSION}" -D "SourceDir=${source_dir}"
          -o "${PTP4WIN_MSI}" "${work}/ptp4win.wxs"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "build-msi.cmake: wixl failed (${rc})")
endif()
# 256 msidbComponentAttributes64bit (wixl's, from Win64="yes") + 128 NeverOverwrite.
execute_process(
  COMMAND "${PTP4WIN_MSIBUILD}" "${PTP4WIN_MSI}"
          -q "UPDATE `Component` SET `Attributes` = 384 WHERE `Component` = 'Configuration'"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "build-msi.cmake: msibuild failed (${rc})")
endif()
file(REMOVE_RECURSE "${work}")
message(STATUS "build-msi.cmake: ${PTP4WIN_MSI} (ptp4win ${PTP4WIN_VERSION})")
set(CPACK_EXTERNAL_BUILT_PACKAGES "${PTP4WIN_MSI}")
