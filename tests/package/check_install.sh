#!/bin/sh
# check_install.sh - an installed kheap works with nothing else from the
# source tree: its files are where kheap.pc, the CMake package and the tool
# expect them, a program builds against its headers and libraries through
# pkg-config and through find_package(kheap) (shared and static) and runs,
# the tool runs a program on the malloc shim and reads the demo's trace.
#
# usage: check_install.sh SRC ROOT LIBDIR WORK
#   SRC     kheap's source tree (for tests/package/consumer.c)
#   ROOT    the installed prefix (a `make install` PREFIX, or the usr/ of
#           unpacked .debs)
#   LIBDIR  the library directory below ROOT (lib, lib/x86_64-linux-gnu)
#   WORK    a scratch directory
set -eu
src=$1 root=$2 libdir=$3 work=$4
lib=$root/$libdir
mkdir -p "$work"

fail() { echo "check_install: $*" >&2; exit 1; }

for f in bin/kheap "$libdir/libkheap.so.0" "$libdir/libkheap.so" \
	 "$libdir/libkheap.a" "$libdir/libkheap-malloc.so" \
	 "$libdir/pkgconfig/kheap.pc" "$libdir/cmake/kheap/kheapConfig.cmake" \
	 include/kheap/linux/slab.h include/kheap/kheap/kheap.h; do
	[ -e "$root/$f" ] || fail "missing $f"
done
for m in man1/kheap.1 man3/libkheap.3 man7/kheap.7; do
	[ -e "$root/share/man/$m" ] || [ -e "$root/share/man/$m.gz" ] ||
		fail "missing share/man/$m"
done

# pkg-config: the relocatable kheap.pc finds the tree where it is
cflags=$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --cflags kheap)
libs=$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --libs kheap)
cc -std=gnu11 -Wall -Wextra -Werror $cflags -o "$work/consumer_pc" \
	"$src/tests/package/consumer.c" $libs
LD_LIBRARY_PATH="$lib" "$work/consumer_pc" > "$work/consumer_pc.out" ||
	fail "consumer (pkg-config) failed: $?"
grep -q "^Node 0, zone" "$work/consumer_pc.out" ||
	fail "consumer (pkg-config) printed no buddyinfo"

# CMake: find_package(kheap) with the imported targets
cmake -S "$src/tests/package/cmake" -B "$work/cmake" \
	-DCMAKE_PREFIX_PATH="$root" -DCMAKE_BUILD_TYPE=Release > "$work/cmake.log" ||
	{ cat "$work/cmake.log"; fail "find_package(kheap) failed"; }
cmake --build "$work/cmake" > "$work/cmake-build.log" 2>&1 ||
	{ cat "$work/cmake-build.log"; fail "the CMake consumer did not build"; }
LD_LIBRARY_PATH="$lib" "$work/cmake/consumer_shared" > /dev/null ||
	fail "consumer (kheap::kheap) failed"
"$work/cmake/consumer_static" > /dev/null ||
	fail "consumer (kheap::kheap_static) failed"

# the tool, and the shim it finds beside its installed library directory
"$root/bin/kheap" --version | grep -q "^kheap " || fail "kheap --version"
"$root/bin/kheap" options | grep -q '^| `mem` |' || fail "kheap options"
"$root/bin/kheap" run -- sh -c 'case "$LD_PRELOAD" in
	'"$lib"'/libkheap-malloc.so) exit 0;; esac; exit 3' ||
	fail "kheap run did not preload $lib/libkheap-malloc.so"
"$root/bin/kheap" run -- sort "$src/README.md" > /dev/null ||
	fail "sort did not run on the shim"
# the trace the demo's last chapter compares, and the tool reads it
"$root/bin/kheap" --cmdline mem=1G trace compare \
	"$root/share/kheap/python3-json.trace" --with '' --text --runs 1 \
	--quiet | grep -q '^peak memory in use' ||
	fail "kheap trace compare of share/kheap/python3-json.trace"
echo "check_install: $root works"
