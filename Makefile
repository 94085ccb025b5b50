# Sightline's front door. `make demo` and `make test` work on a fresh Debian 12 machine:
# each first runs scripts/setup-debian.sh (a fast no-op once everything is installed).
BUILD_DIR ?= build
JOBS ?= 2
MAKEFLAGS += --no-print-directory
CMAKE_BUILD_TYPE ?= RelWithDebInfo
# Test binaries, the CLI they run and gtest's test listing at build time all see these.
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/cmake/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all setup configure build test demo bench format clean check-sanitize fuzz-smoke

all: build

setup:
	@./scripts/setup-debian.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE)

configure: setup $(BUILD_DIR)/CMakeCache.txt

# The workbench's front-end (web/, TypeScript + Vite) is built into web/dist, which `serve` serves.
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@if [ -x scripts/build-web.sh ]; then ./scripts/build-web.sh; fi

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: build
	./scripts/demo.sh $(BUILD_DIR)/sightline

bench: build
	./bench/run.sh $(BUILD_DIR)

# Hardening (issue 9, cmake/Hardening.cmake), each in its own build directory.
# check-sanitize: the whole test suite, hostile inputs included, built with ASan and UBSan (GCC).
SANITIZE_DIR ?= build-asan
check-sanitize: setup
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGHTLINE_SANITIZE=ON
	$(SANITIZE_ENV) cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@if [ -x scripts/build-web.sh ]; then ./scripts/build-web.sh; fi
	cd $(SANITIZE_DIR) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) --timeout 1800

# fuzz-smoke: every libFuzzer target under fuzz/ for FUZZ_SECONDS each (clang, ASan, UBSan).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz-smoke:
	@./scripts/setup-debian.sh --fuzz
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DSIGHTLINE_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	./fuzz/smoke.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD_DIR)
