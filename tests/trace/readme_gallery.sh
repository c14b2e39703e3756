#!/bin/sh
# SPDX-License-Identifier: MIT
#
# readme_gallery.sh - the README's gallery is what the code gives: the
# compare table of docs/gallery/python3-json.trace (all but the run time
# and RSS rows, which vary from run to run), its memory plot
# (docs/gallery/python3-json-memory.svg), and the merging figures it
# quotes for tests/data/kmem-v6.18.txt.
# usage: readme_gallery.sh KHEAP SOURCE_DIR [--update]
# With --update it rewrites the README's table and the plot from what the
# code gives now (after a change to the allocators that moves them).
set -eu
KHEAP=$1 SRC=$2 UPDATE=${3:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-gallery.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

# one run is enough for the rows compared; the README's run times are the
# median of five
RUNS=1
[ "$UPDATE" = --update ] && RUNS=5
# the figures depend on the CPU count (slab_min_objects, per-CPU sheaves)
if [ "$(nproc)" != 2 ]; then
	echo "skipped: the README's gallery was made on 2 CPUs, this machine has $(nproc)"
	exit 77
fi
"$KHEAP" --cmdline mem=1G trace compare "$SRC/docs/gallery/python3-json.trace" \
	--with "" --with slab_max_order=0 --with slab_min_objects=64 \
	--with kheap.sheaves=0 --with slab_allocator=slab --with slab_allocator=slob \
	--runs "$RUNS" --text -o report.html > table.txt 2> err.txt ||
	fail "compare failed: $(tail -3 err.txt)"
if [ "$UPDATE" = --update ]; then
	awk -v table=table.txt '
		/<!-- trace-gallery:begin -->/ { print; print "```"; while ((getline l < table) > 0) print l; print "```"; skip = 1; next }
		/<!-- trace-gallery:end -->/ { skip = 0 }
		!skip' "$SRC/README.md" > readme.new && cp readme.new "$SRC/README.md"
	awk '/<svg class="plot" data-title="Memory in use/,/<\/svg>/' report.html > \
		"$SRC/docs/gallery/python3-json-memory.svg"
	echo "updated the README's gallery table and docs/gallery/python3-json-memory.svg"
	exit 0
fi
volatile='^\(run time\|peak RSS\)'
grep -v "$volatile" table.txt > fresh.txt
sed -n '/<!-- trace-gallery:begin -->/,/<!-- trace-gallery:end -->/p' "$SRC/README.md" |
	sed '1,2d;$d' | sed '$d' | grep -v "$volatile" > readme.txt
diff -u readme.txt fresh.txt || fail "the README's gallery table is not what compare prints (after a change that moves it: sh tests/trace/readme_gallery.sh build/kheap . --update, and check the README's words on it)"
awk '/<svg class="plot" data-title="Memory in use/,/<\/svg>/' report.html > memory.svg
cmp -s memory.svg "$SRC/docs/gallery/python3-json-memory.svg" ||
	fail "docs/gallery/python3-json-memory.svg is not the plot compare draws (readme_gallery.sh ... --update)"
# the figures the README's words quote
words=$(sed -n '/^What it shows:/,/^$/p' "$SRC/README.md" | tr '\n' ' ')
col() { awk -v row="$1" -v n="$2" 'index($0, row) == 1 {
	sub(row, ""); split($0, f, "  +"); i = 0
	for (k in f) ; for (k = 1; k in f; k++) if (f[k] != "") { i++; if (i == n) { print f[k]; exit } } }' table.txt | sed 's/ (.*//'; }
for q in "$(col 'internal fragmentation at peak' 1 | sed 's/ MiB//') of $(col 'peak bytes allocated' 1)" \
	 "$(col 'final memory in use' 1) with them, $(col 'final memory in use' 4) without" \
	 "slab utilisation $(col 'slab utilisation at end' 1 | awk '{ printf "%.0f", $1 * 100 }') %" \
	 "ends with $(col 'final memory in use' 5), near" \
	 "loses $(col 'internal fragmentation at peak' 6) at the peak" \
	 "rather than $(col 'internal fragmentation at peak' 1) and keeps $(col 'final memory in use' 6) at the end"; do
	echo "$words" | grep -qF "$q" || fail "the README's words do not quote \"$q\" (--update, then reword)"
done
"$KHEAP" --cmdline mem=1G trace compare "$SRC/tests/data/kmem-v6.18.txt" \
	--with "" --with slab_nomerge --runs 1 --text > kernel.txt 2>/dev/null
pct=$(sed -n 's/^peak slab (meminfo Slab) .*(\([0-9.]*\)x).*/\1/p' kernel.txt | awk '{ printf "%.0f", ($1 - 1) * 100 }')
caches=$(awk '/^caches holding slabs/ { print $5 - $4 }' kernel.txt)
echo "$words" | grep -qF "need $pct % more slab memory in $caches more caches" ||
	fail "merging on the kernel's trace: $pct % more slab memory in $caches more caches, not what the README says"
echo "README gallery: table, plot, and the figures the words quote agree"
