#!/bin/sh
# SPDX-License-Identifier: MIT
#
# record_strategies.sh - `kheap trace record` of a program whose malloc is
# SLAB's or SLOB's (--cmdline slab_allocator=...): every kmalloc event's
# bytes_alloc is what that allocator's kernel tracepoint gives.
#   SLUB, SLAB (v6.12 mm/slub.c, v6.6 mm/slab.c): the kmalloc cache's size,
#     a size class of at least 8 (SLUB) or 32 (SLAB) bytes, >= bytes_req.
#   SLOB (v6.3 mm/slob.c __do_kmalloc_node()): bytes_req + 8 (the size
#     header, ARCH_KMALLOC_MINALIGN) below PAGE_SIZE - 8, else the pages.
#   All: a large kmalloc (pages) gives PAGE_SIZE << order.
# usage: record_strategies.sh KHEAP
set -eu
KHEAP=$1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-trace-strat.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
unset KHEAP_CMDLINE KHEAP_STATS KHEAP_TRACE KHEAP_TRACE_PID
fail() { echo "FAIL: $*" >&2; exit 1; }

for a in slub slab slob; do
	"$KHEAP" trace record --cmdline "slab_allocator=$a" -o $a.trace -- \
		python3 -c 'd = {str(i): bytes(i * 7 % 9000) for i in range(4000)}; print(len(d))' \
		> out.txt 2> rec.err || fail "$a: the program failed: $(tail -3 rec.err)"
	[ "$(cat out.txt)" = 4000 ] || fail "$a: the program's output: $(cat out.txt)"
	"$KHEAP" trace text $a.trace > $a.txt 2> text.err || fail "$a: text: $(cat text.err)"
	sed -n 's/.* kmalloc: .* bytes_req=\([0-9]*\) bytes_alloc=\([0-9]*\) .*/\1 \2/p' $a.txt |
		sort -n | uniq > sizes.txt
	n=$(wc -l < sizes.txt)
	[ "$n" -ge 50 ] || fail "$a: only $n request sizes in kmalloc events"
	bad=$(awk -v a=$a '
		function pages(r,   p) { p = 4096; while (p < r) p *= 2; return p }
		function pow2(x) { while (x > 1 && x % 2 == 0) x /= 2; return x == 1 }
		{
			req = $1; alloc = $2; ok = 0
			if (a == "slob")
				ok = req < 4088 ? alloc == req + 8 : alloc == pages(req)
			else if (req > 8192)
				ok = alloc == pages(req)
			else
				ok = alloc >= req && alloc >= (a == "slab" ? 32 : 8) &&
				     (pow2(alloc) || alloc == 96 || alloc == 192)
			if (!ok) { print; exit }
		}' sizes.txt)
	[ -z "$bad" ] || fail "$a: kmalloc bytes_req and bytes_alloc: $bad"
	echo "ok: $a, $n request sizes"
done
