#!/bin/sh
# run_radix_tree.sh - build the kernel's tools/testing/radix-tree programs
# (xarray, idr-test, multiorder, main, maple) on kheap's SLUB and run them.
# The suite's own Makefile builds them, in a scratch copy of the parts of
# the tree it reads, with kheap's include/ first on the include path, the
# toy allocator (shared/linux.c, tools/lib/slab.c) left out, and
# radix_tree_kheap.c with libkheap.a in its place (see that file for how
# the toy's hooks map onto failslab and fail-nth).  Without sanitizers and
# at -O2 (the suite's Makefile uses ASan and -Og by default).
#
# usage: tests/kernel/run_radix_tree.sh LINUX_SRC [BUILD_DIR] [PROGRAM...]
#   LINUX_SRC  a v6.12 kernel tree
#   BUILD_DIR  kheap's build directory (default: build), with libkheap.a
#   PROGRAM    which to run (default: xarray idr-test multiorder main maple)
set -e
linux=$1
build=${2:-build}
[ $# -ge 2 ] && shift 2 || shift $#
programs=${*:-xarray idr-test multiorder main maple}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
[ -f "$linux/tools/testing/radix-tree/Makefile" ] ||
	{ echo "usage: $0 LINUX_SRC [BUILD_DIR] [PROGRAM...]" >&2; exit 2; }
tmp=$(mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$tmp"' EXIT
(cd "$linux" && tar cf - tools/testing/radix-tree tools/testing/shared \
	tools/include tools/lib tools/arch tools/scripts lib include/linux \
	include/uapi include/asm-generic 2>/dev/null) | (cd "$tmp" && tar xf -)
cp "$src/tests/kernel/radix_tree_kheap.c" "$tmp/tools/testing/radix-tree/"
wrap="-Wl,--wrap=__kmem_cache_create_args,--wrap=kmem_cache_destroy"
wrap="$wrap,--wrap=kmem_cache_alloc,--wrap=kmem_cache_alloc_lru"
wrap="$wrap,--wrap=kmem_cache_free,--wrap=kmem_cache_alloc_bulk"
wrap="$wrap,--wrap=kmem_cache_free_bulk"
cd "$tmp/tools/testing/radix-tree"
echo "== building $programs on kheap"
make -j"${JOBS:-2}" \
	CFLAGS="-I$src/include -I$tmp/tools/testing/shared -I. -I$tmp/tools/include -I$tmp/lib -O2 -g -Wall -D_LGPL_SOURCE" \
	LDFLAGS="$wrap" \
	LIBS="find_bit.o bitmap.o hweight.o vsprintf.o" \
	SHARED_OFILES="xarray-shared.o radix-tree.o idr.o radix_tree_kheap.o find_bit.o bitmap.o hweight.o vsprintf.o" \
	LDLIBS="$build/libkheap.a -lurcu-memb -lpthread -lurcu" \
	$programs > "$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; exit 1; }
status=0
for p in $programs; do
	start=$(date +%s)
	if ./"$p" > "$tmp/$p.out" 2>&1; then verdict=PASS; else verdict=FAIL; status=1; fi
	grep -E "tests passed|nr_allocated|kheap:|BUG|assert|Assertion" "$tmp/$p.out" | tail -5
	echo "== $verdict: $p ($(( $(date +%s) - start )) s)"
done
exit $status
