#!/bin/sh
# SPDX-License-Identifier: MIT
#
# record_programs.sh - `kheap trace record` on real programs (python3 with
# threads, sort, gzip, git): each program's output is what it is without
# the recorder, its trace reads back whole (binary and as text), and it
# replays.  gzip(1) allocates nothing (valgrind agrees: 0 allocs), so its
# trace holds no event; the others must hold many.
# usage: record_programs.sh KHEAP
set -eu
KHEAP=$1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-trace-rec.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
unset KHEAP_CMDLINE KHEAP_STATS KHEAP_TRACE KHEAP_TRACE_PID

fail() { echo "FAIL: $*" >&2; exit 1; }

# record NAME MIN CMD...: CMD's output agrees with and without the
# recorder; the trace has at least MIN events and replays.
record() {
	name=$1 min=$2; shift 2
	"$@" > plain.out 2>/dev/null || fail "$name failed without kheap"
	"$KHEAP" trace record -o "$name.trace" -- "$@" > traced.out 2> rec.err ||
		fail "$name failed while recorded: $(tail -3 rec.err)"
	cmp -s plain.out traced.out || fail "$name: output differs when recorded"
	n=$(sed -n 's/^kheap: trace: \([0-9]*\) events of .*/\1/p' rec.err)
	[ -n "$n" ] || fail "$name: no trace written: $(cat rec.err)"
	[ "$n" -ge "$min" ] || fail "$name: $n events, expected at least $min"
	"$KHEAP" trace text "$name.trace" > "$name.txt" 2> text.err ||
		fail "$name: trace text failed: $(cat text.err)"
	[ ! -s text.err ] || fail "$name: trace text complains: $(cat text.err)"
	lines=$(grep -c ': k\(malloc\|free\|mem_cache_\|heap_\)\|: mm_page_' "$name.txt" || true)
	if [ "$n" -gt 0 ]; then
		"$KHEAP" --cmdline mem=1G trace replay "$name.trace" > replay.out 2> replay.err ||
			fail "$name: replay failed: $(tail -3 replay.err)"
		grep -q "^replayed $n events" replay.out || fail "$name: replay: $(head -2 replay.out)"
		"$KHEAP" --cmdline mem=1G trace replay "$name.txt" > replay-text.out 2>&1 ||
			fail "$name: replay of the text failed"
	fi
	echo "ok $name: $n events, $lines lines of ftrace text"
}

seq 1 20000 | awk '{ print ($1 * 7919) % 100003 }' > nums.txt
cat > threads.py <<'PY'
import json, threading
out = {}
def work(n):
    d = {str(i): [i] * (i % 30) for i in range(n * 500)}
    out[n] = len(json.dumps(d))
ts = [threading.Thread(target=work, args=(n,)) for n in range(1, 5)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sorted(out.items()))
PY
record python3 3000 python3 threads.py
tids=$(awk '$5 == "kmalloc:" { sub(/.*-/, "", $1); print $1 }' python3.txt | sort -u | wc -l)
[ "$tids" -ge 2 ] || fail "python3: kmallocs of $tids thread(s); the program ran 5"
record sort 100 sort -n nums.txt
record gzip 0 gzip -c nums.txt
git init -q repo
for i in $(seq 1 50); do echo "file $i" > "repo/f$i"; done
git -C repo add .
git -C repo -c user.name=k -c user.email=k@k commit -q -m one
record git 500 git -C repo log --stat -p
# --follow: the programs a program runs record too, each to FILE.PID
"$KHEAP" trace record --follow -o f.trace -- sh -c 'sort -n nums.txt > s.out; git -C repo log > /dev/null' 2> follow.err ||
	fail "--follow: $(cat follow.err)"
grep -q '^kheap: trace: [1-9][0-9]* events of sort (pid [0-9]*) in f\.trace\.[0-9]*$' follow.err ||
	fail "--follow: no trace of sort: $(cat follow.err)"
grep -q '^kheap: trace: [1-9][0-9]* events of git (pid [0-9]*) in f\.trace\.[0-9]*$' follow.err ||
	fail "--follow: no trace of git: $(cat follow.err)"
echo "ok --follow: $(grep -c 'events of' follow.err) processes recorded"
