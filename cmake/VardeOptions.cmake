# Build options shared by every Varde target, carried by one INTERFACE target.
option(VARDE_WERROR "Treat compiler warnings as errors (CI turns this on)" OFF)
option(VARDE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(VARDE_BUILD_TESTS "Build the GoogleTest suites" ON)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(varde_build_options INTERFACE)
add_library(varde::build_options ALIAS varde_build_options)
target_compile_options(varde_build_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(VARDE_WERROR)
  target_compile_options(varde_build_options INTERFACE -Werror)
endif()
if(VARDE_SANITIZE)
  target_compile_options(varde_build_options INTERFACE -fsanitize=address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(varde_build_options INTERFACE -fsanitize=address,undefined)
endif()
# Asio without its deprecated APIs.
target_compile_definitions(varde_build_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED)
