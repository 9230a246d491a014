# CMake package config for libtongxin, installed as <libdir>/cmake/tongxin/tongxinConfig.cmake
# (by `make -C bindings-c install`). Relocatable: paths are found from this file's place.
#
#   find_package(tongxin 0.1 CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE tongxin::tongxin)         # shared libtongxin.so
#   target_link_libraries(app PRIVATE tongxin::tongxin_static)  # static libtongxin.a
#
# Sets tongxin_FOUND, tongxin_VERSION, tongxin_INCLUDE_DIR, tongxin_LIBRARY.

get_filename_component(_tongxin_libdir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
get_filename_component(_tongxin_prefix "${_tongxin_libdir}/.." ABSOLUTE)
set(tongxin_INCLUDE_DIR "${_tongxin_prefix}/include")
set(tongxin_LIBRARY "${_tongxin_libdir}/libtongxin${CMAKE_SHARED_LIBRARY_SUFFIX}")
set(_tongxin_static "${_tongxin_libdir}/libtongxin${CMAKE_STATIC_LIBRARY_SUFFIX}")

if(NOT EXISTS "${tongxin_INCLUDE_DIR}/tongxin.h" OR NOT EXISTS "${tongxin_LIBRARY}")
  set(tongxin_FOUND FALSE)
  set(tongxin_NOT_FOUND_MESSAGE
      "tongxin.h or libtongxin not found under ${_tongxin_prefix} (was it moved apart?)")
  return()
endif()

include(CMakeFindDependencyMacro)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_dependency(Threads)

if(NOT TARGET tongxin::tongxin)
  add_library(tongxin::tongxin SHARED IMPORTED)
  set_target_properties(tongxin::tongxin PROPERTIES
    IMPORTED_LOCATION "${tongxin_LIBRARY}"
    IMPORTED_NO_SONAME TRUE
    INTERFACE_INCLUDE_DIRECTORIES "${tongxin_INCLUDE_DIR}")
endif()

if(NOT TARGET tongxin::tongxin_static AND EXISTS "${_tongxin_static}")
  add_library(tongxin::tongxin_static STATIC IMPORTED)
  set_target_properties(tongxin::tongxin_static PROPERTIES
    IMPORTED_LOCATION "${_tongxin_static}"
    INTERFACE_INCLUDE_DIRECTORIES "${tongxin_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m;rt;util")
endif()

set(tongxin_FOUND TRUE)
unset(_tongxin_libdir)
unset(_tongxin_prefix)
unset(_tongxin_static)
