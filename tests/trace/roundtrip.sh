#!/bin/sh
# A binary trace and its ftrace text replay to the same figures: every
# count of events replayed and skipped (but the nested page events, which
# the text leaves out) and every exact peak (RSS is sampled, not exact).
# usage: roundtrip.sh KHEAP TRACE
set -e
kheap=$1
trace=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$kheap" trace text "$trace" > "$tmp/t.txt"
grep -q ': kmalloc: call_site=' "$tmp/t.txt"
"$kheap" --cmdline "mem=512M" trace replay "$trace" --machine > "$tmp/bin.out"
"$kheap" --cmdline "mem=512M" trace replay "$tmp/t.txt" --machine > "$tmp/txt.out"
# counts: events replayed run_ns span_ns -> replayed only
figures() {
	awk '$1 == "counts" { print "replayed", $3 }
	     $1 == "skip" && $2 != 0 { print "skip", $2, $3 }
	     $1 == "peak" { print "peak", $2, $3, $4, $5, $6, $7, $9 }' "$1"
}
figures "$tmp/bin.out" > "$tmp/bin.fig"
figures "$tmp/txt.out" > "$tmp/txt.fig"
if ! diff -u "$tmp/bin.fig" "$tmp/txt.fig"; then
	echo "FAIL: the text of $trace replays differently"
	exit 1
fi
test "$(awk '$1 == "replayed" { print $2 }' "$tmp/bin.fig")" -gt 0
# one thread per recorded CPU: the same events in the same order, so the
# same counts and live bytes (slab memory may differ: other CPUs' slabs)
"$kheap" --cmdline "mem=512M" trace replay "$trace" --threads 2 --machine > "$tmp/thr.out"
core() {
	awk '$1 == "counts" { print "replayed", $3 }
	     $1 == "skip" { print "skip", $2, $3 }
	     $1 == "peak" { print "live", $6, $7, $9 }' "$1"
}
core "$tmp/bin.out" > "$tmp/bin.core"
core "$tmp/thr.out" > "$tmp/thr.core"
if ! diff -u "$tmp/bin.core" "$tmp/thr.core"; then
	echo "FAIL: the replay on threads differs"
	exit 1
fi
echo "round trip: $(cat "$tmp/bin.fig" | tr '\n' ' ')"
