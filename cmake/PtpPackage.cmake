# ptp4win's Windows package: `cmake --build build/windows --target package` runs CPack, which
# stages the install component `ptp4win` (ptp4win.exe, the generated ptp4win.cfg, the docs:
# apps/ptp4win/CMakeLists.txt) and makes from the same staged files
#   ptp4win-<version>-win64.zip  (CPack's ZIP generator) and
#   ptp4win-<version>-win64.msi  (CPack's External generator running packaging/windows/build-msi.cmake,
#                                 which calls wixl from Debian's msitools on packaging/windows/ptp4win.wxs)
# in the build directory. <version> is the project's MAJOR.MINOR.PATCH (Windows Installer's
# ProductVersion is numeric; the git description is in the .exe's version resource).
include_guard(GLOBAL)

if(NOT TARGET ptp4win)
  return()
endif()

find_program(PTP_WIXL wixl)
find_program(PTP_MSIBUILD msibuild)
set(_ptp_generators ZIP)
if(PTP_WIXL AND PTP_MSIBUILD)
  list(APPEND _ptp_generators External)
else()
  message(WARNING "wixl/msibuild (msitools) not found: `package` makes the .zip only "
                  "(scripts/install-deps.sh installs them)")
endif()

set(CPACK_PACKAGE_NAME ptp4win)
set(CPACK_PACKAGE_VENDOR ptpstack)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ptp4win: IEEE 1588 (PTP) ordinary clock for Windows")
set(CPACK_PACKAGE_FILE_NAME "ptp4win-${PROJECT_VERSION}-win64")
set(CPACK_GENERATOR ${_ptp_generators})
# Only ptp4win's component (not the libraries' `ptpstack` component of PtpInstall.cmake).
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};ptpstack;ptp4win;/")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
set(CPACK_EXTERNAL_REQUESTED_VERSIONS "1.0")
set(CPACK_EXTERNAL_ENABLE_STAGING ON)
set(CPACK_EXTERNAL_PACKAGE_SCRIPT "${PROJECT_SOURCE_DIR}/packaging/windows/build-msi.cmake")
set(CPACK_PTP4WIN_WIXL "${PTP_WIXL}")
set(CPACK_PTP4WIN_MSIBUILD "${PTP_MSIBUILD}")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}")
set(CPACK_OUTPUT_CONFIG_FILE "${CMAKE_BINARY_DIR}/CPackConfig.cmake")
set(CPACK_SOURCE_OUTPUT_CONFIG_FILE "${CMAKE_BINARY_DIR}/CPackSourceConfig.cmake")
include(CPack)
unset(_ptp_generators)
