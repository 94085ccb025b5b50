# Sightline's front door. `make demo` and `make test` work on a fresh Debian 12 machine:
# each first runs scripts/setup-debian.sh (a fast no-op once everything is installed).
BUILD_DIR ?= build
JOBS ?= 2
MAKEFLAGS += --no-print-directory
CMAKE_BUILD_TYPE ?= RelWithDebInfo

.PHONY: all setup configure build test demo bench format clean

all: build

setup:
	@./scripts/setup-debian.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE)

configure: setup $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: build
	./scripts/demo.sh $(BUILD_DIR)/sightline

bench: build
	./bench/run.sh $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD_DIR)
