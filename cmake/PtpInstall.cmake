# Install rules: `cmake --install <build> [--prefix <dir>]` installs the static libraries ptp, hal
# and hal_sim, their public headers and a CMake package, so another project embeds the core with
#
#   find_package(ptpstack 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE ptpstack::ptp ptpstack::hal ptpstack::hal_sim)
#
# Everything here belongs to the install component `ptpstack` (`--component ptpstack` installs
# exactly this). The warnings target ptp_warnings is build-only ($<BUILD_INTERFACE:...> in the
# libraries' CMakeLists) and is neither exported nor required by consumers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PTP_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ptpstack"
    CACHE STRING "Where ptpstackConfig.cmake is installed, relative to the prefix")
mark_as_advanced(PTP_INSTALL_CMAKEDIR)

set_target_properties(ptp PROPERTIES EXPORT_NAME ptp)
set_target_properties(hal PROPERTIES EXPORT_NAME hal)
set_target_properties(hal_sim PROPERTIES EXPORT_NAME hal_sim)

install(TARGETS ptp hal hal_sim
  EXPORT ptpstackTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT ptpstack
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT ptpstack
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT ptpstack)

# The public headers: everything under each library's include/ (ptp/..., ptp/hal/..., ptp/sim/...).
foreach(ptp_include_dir IN ITEMS
    "${PROJECT_SOURCE_DIR}/ptp/include/"
    "${PROJECT_SOURCE_DIR}/hal/include/"
    "${PROJECT_SOURCE_DIR}/hal-sim/include/")
  install(DIRECTORY "${ptp_include_dir}"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT ptpstack
    FILES_MATCHING PATTERN "*.h")
endforeach()

install(EXPORT ptpstackTargets
  NAMESPACE ptpstack::
  DESTINATION "${PTP_INSTALL_CMAKEDIR}"
  COMPONENT ptpstack)

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/ptpstackConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ptpstackConfig.cmake"
  INSTALL_DESTINATION "${PTP_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/ptpstackConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/ptpstackConfig.cmake"
  "${PROJECT_BINARY_DIR}/ptpstackConfigVersion.cmake"
  DESTINATION "${PTP_INSTALL_CMAKEDIR}"
  COMPONENT ptpstack)
