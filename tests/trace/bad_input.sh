#!/bin/sh
# SPDX-License-Identifier: MIT
# kheap trace text and replay on bad input: a binary trace cut short, one
# of a later format version, a text of lines that are not events.  Each
# gets a message with the offset or line, the rest is read, no crash.
# usage: bad_input.sh KHEAP TRACE
set -eu
KHEAP=$1 TRACE=$2
w=$(mktemp -d "${TMPDIR:-/tmp}/kheap-bad.XXXXXX")
trap 'rm -rf "$w"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

head -c 100000 "$TRACE" > "$w/cut.trace"
"$KHEAP" trace text "$w/cut.trace" > "$w/cut.txt" 2> "$w/cut.err" || fail "text of a cut trace: exit $?"
grep -q 'cut.trace: offset [0-9]*: the file ends inside a chunk of cpu [0-9]* (' "$w/cut.err" ||
	fail "no offset for the cut: $(cat "$w/cut.err")"
[ "$(grep -c ': kmalloc: ' "$w/cut.txt")" -gt 100 ] || fail "the events before the cut were not printed"
"$KHEAP" --cmdline mem=256M trace replay "$w/cut.trace" > "$w/cut.rep" 2>&1 || fail "replay of a cut trace"

# the version field is at offset 8: a later version is refused, said so
cp "$TRACE" "$w/v4.trace"
printf '\004' | dd of="$w/v4.trace" bs=1 seek=8 count=1 conv=notrunc 2>/dev/null
if "$KHEAP" trace text "$w/v4.trace" > /dev/null 2> "$w/v4.err"; then
	fail "a version 4 trace was read"
fi
grep -q 'version 4; this kheap reads versions 1 to 3' "$w/v4.err" || fail "$(cat "$w/v4.err")"

printf 'hello world\n  a-1 [000] ..... 1.000001: kmalloc: call_site=x ptr=zz bytes_req=1\n  a-1 [000] ..... 1.000002: kfree: call_site=x ptr=0000000000001000\n' > "$w/bad.txt"
"$KHEAP" trace replay "$w/bad.txt" > "$w/bad.rep" 2> "$w/bad.err" || fail "replay of bad text"
grep -q 'line 1: not an ftrace event line' "$w/bad.err" || fail "$(cat "$w/bad.err")"
grep -q 'line 2: kmalloc without a valid ptr=' "$w/bad.err" || fail "$(cat "$w/bad.err")"
grep -q '^replayed 1 events' "$w/bad.rep" || fail "$(cat "$w/bad.rep")"
# an older version is read: version 2 (a CPU's chunks), recorded by an
# earlier kheap, every event printed with its CPU and nothing reported
v2="$(dirname "$0")/../fuzz/corpus/fuzz_trace/binary-v2-sort"
"$KHEAP" trace text "$v2" > "$w/v2.txt" 2> "$w/v2.err" || fail "text of a version 2 trace: $(cat "$w/v2.err")"
[ ! -s "$w/v2.err" ] || fail "version 2 trace: $(cat "$w/v2.err")"
grep -q 'entries-in-buffer/entries-written: 292/292' "$w/v2.txt" || fail "version 2: not 292 events"
[ "$(grep -c ' \[000\] .*: kmalloc: ' "$w/v2.txt")" -gt 50 ] || fail "version 2: kmalloc events of CPU 0"

echo "bad input: messages with offsets and lines; the rest read"
