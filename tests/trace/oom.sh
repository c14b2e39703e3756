#!/bin/sh
# SPDX-License-Identifier: MIT
# A replay that runs out of kheap's memory (mem=) names the first event
# that failed and goes on: twelve 4 MiB kmallocs into 16 MiB.
# usage: oom.sh KHEAP
set -eu
KHEAP=$1
t=$(mktemp "${TMPDIR:-/tmp}/kheap-oom.XXXXXX")
trap 'rm -f "$t"' EXIT
i=1
while [ $i -le 12 ]; do
	printf '         python3-42      [000] .....  100.%06d: kmalloc: call_site=main+0x1/0x2 ptr=%016x bytes_req=4194304 bytes_alloc=4194304 gfp_flags=GFP_KERNEL node=-1 accounted=false\n' \
		$i $((0x7f0000000000 + i * 0x400000)) >> "$t"
	i=$((i + 1))
done
out=$("$KHEAP" --cmdline mem=16M trace replay "$t" 2>&1)
echo "$out" | grep -q '^replayed 12 events' || { echo "FAIL: $out"; exit 1; }
echo "$out" | grep -q 'first allocation out of memory: event [0-9]* (at 0\.0000[0-9]* s): kmalloc of 4194304 bytes$' ||
	{ echo "FAIL: no out-of-memory event named: $out"; exit 1; }
n=$(echo "$out" | sed -n 's/^ *\([0-9]*\)  allocation that failed in the replay$/\1/p')
[ -n "$n" ] && [ "$n" -ge 8 ] || { echo "FAIL: $n failed allocations counted: $out"; exit 1; }
echo "ok: $(echo "$out" | grep 'first allocation out of memory')"
