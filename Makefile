# kheap - the Linux kernel's heap in userspace.  See README.md.
#
#   make            build build/libkheap.{a,so} and build/kheap (release)
#   make test       install what is missing, build release + ASan/UBSan + TSan
#                   configurations and run CTest in each
#   make demo       build and run `build/kheap demo`
#   make bench      run the benchmarks (bench/; QUICK=1 for a short run)
#   make fuzz       run the libFuzzer targets (tests/fuzz/), FUZZ_TIME seconds
#                   each (default 60; FUZZ_JOBS=N workers per target)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are errors in the test builds (`make test`, CI: the compilers are
# Debian 12's gcc and clang-14); a plain `make` keeps them warnings so that another
# compiler's new warnings do not stop a user's build (WERROR=ON to ask).
WERROR ?= OFF
test test-release test-asan test-tsan test-fuzz: WERROR = ON
CMAKE_OPTS = -DKHEAP_WERROR=$(WERROR)
# Debian packages the build and tests need beyond the compiler and CMake.
# libncurses-dev: kheap top; tmux: the test that drives it in a terminal;
# clang-14, libfuzzer-14-dev: the fuzz targets; dpkg-dev, debhelper: the
# test that builds the Debian packages.
export KHEAP_EXTRA_PKGS = clang-14 libfuzzer-14-dev liburcu-dev libncurses-dev valgrind python3 perl git sqlite3 gzip tmux \
	dpkg-dev debhelper
CMAKE_GEN = -G Ninja

.PHONY: all build deps test test-release test-asan test-tsan test-fuzz fuzz demo bench install clean

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@cmake -S . -B build $(CMAKE_GEN) $(CMAKE_OPTS) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j $(JOBS)

build-asan: deps
	@cmake -S . -B build-asan $(CMAKE_GEN) $(CMAKE_OPTS) -DCMAKE_BUILD_TYPE=Debug -DKHEAP_SANITIZE=address >/dev/null
	@cmake --build build-asan -j $(JOBS)

build-tsan: deps
	@cmake -S . -B build-tsan $(CMAKE_GEN) $(CMAKE_OPTS) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKHEAP_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)

test-release: build
	cd build && ctest --output-on-failure -j $(JOBS)

# The shim tests preload kheap's malloc: ASan and TSan bring their own.
test-asan: build-asan
	cd build-asan && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -LE shim

# detect_deadlocks=0: TSan's lock-order detector tracks at most 64 locks
# held at once, and the fork handlers hold every kheap lock (docs/design.md);
# data races are still detected.
test-tsan: build-tsan
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:detect_deadlocks=0 \
		ctest --output-on-failure -j $(JOBS) -L stress

# The libFuzzer targets (clang-14): a short fixed run of each (10 s) and
# every input that ever crashed one (tests/fuzz/regressions/).
build-fuzz: deps
	@CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz $(CMAKE_GEN) $(CMAKE_OPTS) -DCMAKE_BUILD_TYPE=Debug -DKHEAP_SANITIZE=fuzz >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

test-fuzz: build-fuzz
	cd build-fuzz && ctest --output-on-failure -j $(JOBS) -L fuzz

FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_TARGETS ?= fuzz_kapi fuzz_malloc fuzz_options fuzz_trace
fuzz: build-fuzz
	FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/fuzz.sh build-fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

test: test-release test-asan test-tsan test-fuzz
	@echo "kheap: all test configurations passed"

demo: build
	./build/kheap demo

# Peers (mimalloc, jemalloc, tcmalloc, gnuplot) are installed by run.py when
# missing; QUICK=1 runs smaller sizes, 3 repetitions (10 to 20 minutes,
# 7 of them the kheap shim on SLOB).
bench: build
	@cmake --build build -j $(JOBS)
	python3 bench/run.py $(if $(QUICK),--quick,)

install: build
	cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-tsan build-fuzz
