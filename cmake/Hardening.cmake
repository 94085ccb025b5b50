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
  # Frame pointers give whole stacks in reports.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(SIGHTLINE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SIGHTLINE_FUZZ needs clang (cmake -DCMAKE_CXX_COMPILER=clang++-14 "
                        "-DCMAKE_C_COMPILER=clang-14)")
  endif()
  # Everything compiled in this build is instrumented for coverage and checked by ASan and UBSan;
  # only the fuzz executables link libFuzzer's main (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  set(SIGHTLINE_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR}/../fuzz)
  cmake_language(DEFER CALL add_subdirectory ${SIGHTLINE_FUZZ_DIR} ${CMAKE_BINARY_DIR}/fuzz)
endif()
