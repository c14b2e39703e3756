#!/bin/sh
# run_kernel_tests.sh - build the kernel's own test files, unchanged, on
# kheap and run them: lib/slub_kunit.c (KUnit, on tests/kunit/),
# lib/test_meminit.c under init_on_alloc=1 and under init_on_free=1, and
# lib/test_free_pages.c (modules, on module_main.c).  The kernel files are
# copied into a scratch directory first, so that "../mm/slab.h" is found
# through kheap's include/ (kheap's mm/slab.h), not in the kernel tree.
#
# usage: tests/kernel/run_kernel_tests.sh LINUX_SRC [BUILD_DIR]
#   LINUX_SRC  a v6.12 kernel tree (only lib/ is read)
#   BUILD_DIR  kheap's build directory (default: build), with libkheap.a
set -e
linux=$1
build=${2:-build}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
[ -f "$linux/lib/slub_kunit.c" ] || { echo "usage: $0 LINUX_SRC [BUILD_DIR]" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib"
for f in slub_kunit.c test_meminit.c test_free_pages.c; do
	cp "$linux/lib/$f" "$tmp/lib/$f"
done
cflags="-std=gnu11 -O2 -g -Wall -Wno-sign-compare -Wno-unused-function
	-I$src/tests/kernel/include -I$src/tests/kunit -I$src/include"
libs="$build/libkheap.a -lurcu-memb -lpthread"
status=0

run() {		# name, command...: run, print its output, keep the verdict
	name=$1; shift
	if "$@" > "$tmp/out" 2>&1; then
		verdict=PASS
	else
		verdict=FAIL; status=1
	fi
	tail -n 25 "$tmp/out"
	echo "== $verdict: $name"
}

echo "== building lib/slub_kunit.c"
cc $cflags -DKBUILD_MODNAME='"slub_kunit"' -o "$tmp/slub_kunit" \
	"$tmp/lib/slub_kunit.c" "$src/tests/kunit/kunit.c" $libs
for t in test_meminit test_free_pages; do
	echo "== building lib/$t.c"
	cc $cflags -DKBUILD_MODNAME="\"$t\"" -o "$tmp/$t" \
		"$tmp/lib/$t.c" "$src/tests/kernel/module_main.c" $libs
done

run "slub_kunit" "$tmp/slub_kunit"
run "test_meminit, init_on_alloc=1" env KHEAP_CMDLINE="init_on_alloc=1" "$tmp/test_meminit"
run "test_meminit, init_on_free=1" env KHEAP_CMDLINE="init_on_free=1" "$tmp/test_meminit"
run "test_free_pages" "$tmp/test_free_pages"
exit $status
