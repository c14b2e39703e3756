#!/bin/sh
# SPDX-License-Identifier: MIT
#
# strategies.sh - `kheap trace compare` replays one trace on the three slab
# allocators (slab_allocator=slub, slab, slob): every replay succeeds, and
# where SLOB has no slabinfo its figures say so (slab utilisation n/a, no
# cache holding slabs) rather than a number; the HTML report has a line per
# allocator in every plot but the utilisation one, where SLOB's legend
# entry says "(n/a)", as the table does.
# usage: strategies.sh KHEAP TRACE CHECK_REPORT_PY
set -eu
KHEAP=$1 TRACE=$2 CHECK=$3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-strategies.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
fail() { echo "FAIL: $*" >&2; cat table.txt >&2; exit 1; }

"$KHEAP" trace compare "$TRACE" --with "" --with slab_allocator=slab \
	--with slab_allocator=slob --runs 1 --text -o report.html > table.txt 2> err.txt ||
	fail "compare: $(tail -3 err.txt)"
grep -q '^ *(defaults) *slab_allocator=slab *slab_allocator=slob *$' table.txt ||
	fail "not the three columns"
! grep -q 'failed' table.txt || fail "a replay failed"
grep -q '^slab utilisation at end  *[0-9.]*  *[0-9.]* ([0-9.]*x)  *n/a *$' table.txt ||
	fail "SLOB's slab utilisation is not n/a"
grep -q '^caches holding slabs  *[1-9][0-9]*  *[1-9][0-9]* ([0-9.]*x)  *0 (0.00x) *$' table.txt ||
	fail "caches holding slabs: SLUB's and SLAB's, none under SLOB"
grep -q '^peak slab (meminfo Slab)  *[0-9.]* [KM]iB  *[0-9.]* [KM]iB ([0-9.]*x)  *[0-9.]* [KM]iB ([0-9.]*x) *$' table.txt ||
	fail "peak slab: a figure per allocator"
python3 "$CHECK" report.html '(defaults)' slab_allocator=slab \
	slab_allocator=slob > check.txt || fail "the report: $(cat check.txt)"
# the report's utilisation plot: no line for SLOB, and its legend says why
awk '/<svg class="plot" data-title="Slab utilisation/,/<\/svg>/' report.html > util.svg
grep -q '<text [^>]*>slab_allocator=slob (n/a)</text>' util.svg ||
	fail "the utilisation plot's legend does not say n/a for SLOB"
grep -q '<text [^>]*>slab_allocator=slab</text>' util.svg ||
	fail "the utilisation plot's legend lost SLAB"
echo "ok: $(sed -n 1p table.txt | tr -s ' ')"
