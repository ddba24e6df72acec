# Writes bidcertConfigVersion.cmake (cmake -DVERSION=x.y.z -DOUT=dir -P version.cmake), with
# CMake's own compatibility rules: before 1.0 a minor version is a breaking one.
include(CMakePackageConfigHelpers)
if(VERSION MATCHES "^0\\.")
  set(_compat SameMinorVersion)
else()
  set(_compat SameMajorVersion)
endif()
# The libraries are 64-bit: a 32-bit project must not pick them up.
set(CMAKE_SIZEOF_VOID_P 8)
write_basic_package_version_file("${OUT}/bidcertConfigVersion.cmake"
  VERSION "${VERSION}" COMPATIBILITY ${_compat})
