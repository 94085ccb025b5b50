# Hardening builds (issue 9), each in its own build directory; both are off by default, so
# `make build` and `make test` are unchanged.
#
#   SIGHTLINE_SANITIZE=ON  everything (library, CLI, tests) with AddressSanitizer and
#                          UndefinedBehaviorSanitizer: `make check-sanitize` (build-asan/).
#   SIGHTLINE_FUZZ=ON      libFuzzer targets under fuzz/ (needs clang): `make fuzz-smoke`
#                          (build-fuzz/). The targets compile only the parsers they exercise, so
#                          this build is a fraction of the full one.
#
# Included by CMakeLists.txt after the dependencies are found and before any target is defined,
# so that the compile options below apply to every target.
option(SIGHTLINE_SANITIZE "Build with -fsanitize=address,undefined" OFF)
option(SIGHTLINE_FUZZ "Build the libFuzzer targets under fuzz/ (clang only)" OFF)

if(SIGHTLINE_SANITIZE)
  # Frame pointers give whole stacks in reports; -O1 with line tables only (-g1) compiles about
  # twice as fast as -O2 -g and is what the sanitizers' documentation recommends.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g1)
  add_link_options(-fsanitize=address,undefined)
endif()

if(SIGHTLINE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SIGHTLINE_FUZZ needs clang (cmake -DCMAKE_CXX_COMPILER=clang++-14 "
                        "-DCMAKE_C_COMPILER=clang-14)")
  endif()
  # Everything compiled in this build is instrumented for coverage and checked by ASan and UBSan;
  # only the fuzz executables link libFuzzer's main (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -O1 -g1)
  add_link_options(-fsanitize=address,undefined)
  # The targets use only the dependencies found above, not the targets defined after this file.
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../fuzz ${CMAKE_BINARY_DIR}/fuzz-targets)
endif()
