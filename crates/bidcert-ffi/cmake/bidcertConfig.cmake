# find_package(bidcert) for an unpacked bidcert-<version>-linux-<arch>.tar.gz or a `make install`
# tree. Imported targets, each defined when its library is there:
#   bidcert::bidcert         the shared library (programs record libbidcert.so.0)
#   bidcert::bidcert_static  the static library, with what it needs from the system
# The prefix is worked out from this file's own place (lib/cmake/bidcert), so the tree can be
# moved anywhere.

get_filename_component(_bidcert_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(_bidcert_shared "${_bidcert_prefix}/lib/libbidcert.so.@VERSION@")
set(_bidcert_static "${_bidcert_prefix}/lib/libbidcert.a")

if(NOT EXISTS "${_bidcert_prefix}/include/bidcert.h")
  set(bidcert_FOUND FALSE)
  set(bidcert_NOT_FOUND_MESSAGE "${_bidcert_prefix}/include/bidcert.h is missing")
elseif(NOT EXISTS "${_bidcert_shared}" AND NOT EXISTS "${_bidcert_static}")
  set(bidcert_FOUND FALSE)
  set(bidcert_NOT_FOUND_MESSAGE "neither ${_bidcert_shared} nor ${_bidcert_static} is there")
else()
  if(EXISTS "${_bidcert_shared}" AND NOT TARGET bidcert::bidcert)
    add_library(bidcert::bidcert SHARED IMPORTED)
    set_target_properties(bidcert::bidcert PROPERTIES
      IMPORTED_LOCATION "${_bidcert_shared}"
      IMPORTED_SONAME "libbidcert.so.0"
      INTERFACE_INCLUDE_DIRECTORIES "${_bidcert_prefix}/include")
  endif()
  if(EXISTS "${_bidcert_static}" AND NOT TARGET bidcert::bidcert_static)
    add_library(bidcert::bidcert_static STATIC IMPORTED)
    # What the Rust standard library inside the archive needs from the system (the list
    # bidcert.pc gives as Libs.private: rustc --print native-static-libs).
    set_target_properties(bidcert::bidcert_static PROPERTIES
      IMPORTED_LOCATION "${_bidcert_static}"
      IMPORTED_LINK_INTERFACE_LANGUAGES "C"
      INTERFACE_INCLUDE_DIRECTORIES "${_bidcert_prefix}/include"
      INTERFACE_LINK_LIBRARIES "@NATIVE_LIBS@")
  endif()
  set(bidcert_INCLUDE_DIR "${_bidcert_prefix}/include")
endif()

unset(_bidcert_shared)
unset(_bidcert_static)
unset(_bidcert_prefix)
