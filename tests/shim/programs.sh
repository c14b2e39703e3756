#!/bin/sh
# SPDX-License-Identifier: MIT
#
# programs.sh - real programs on the malloc shim, each compared with its own
# output under glibc's malloc.  Usage: programs.sh SHIM KHEAP CASE [ALLOC]
#   SHIM   path of libkheap-malloc.so     KHEAP  path of the kheap tool
#   CASE   python | perl | sort | gzip | git | gcc | sqlite | run_status |
#          pid_view | pid_tune | strategy_views | stats | top
#   ALLOC  the slab allocator under the shim: slub (default), slab, slob
# Each comparison runs the case once plainly and once with the shim and
# kheap.stats=1, and checks that the shim's stats came out (so the program
# really ran on kheap, on ALLOC), then compares the outputs byte for byte.
set -eu
SHIM=$1 KHEAP=$2 CASE=$3 ALLOC=${4:-slub}
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-shim-$CASE.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
unset KHEAP_CMDLINE KHEAP_STATS

fail() { echo "FAIL ($CASE): $*" >&2; exit 1; }

# compare NAME CMD...: CMD's stdout without and with the shim must agree.
compare() {
	name=$1; shift
	"$@" > plain.out 2> plain.err || fail "$name failed without the shim: $(tail -5 plain.err)"
	KHEAP_CMDLINE="kheap.stats=1 slab_allocator=$ALLOC" LD_PRELOAD="$SHIM" "$@" > shim.out 2> shim.err ||
		fail "$name failed under the shim: $(grep -v '^\(==>\|[a-zA-Z(]*[:#]\|slabinfo\|Node\|dma\|kmalloc\|kmem\| \)' shim.err | tail -5)"
	grep -q '^==> kheap meminfo of' shim.err || fail "$name: no kheap stats: the shim was not loaded"
	case $ALLOC in	# and it ran on the allocator asked for
	slub) grep -q '^kmalloc-8 .* : tunables    0    0    0 ' shim.err ;;
	slab) grep -q '^kmalloc-32 .* : tunables  120   60 ' shim.err ;;
	slob) grep -q '^kheap: no slabinfo view under slab_allocator=slob' shim.err ;;
	esac || fail "$name: the stats do not show slab_allocator=$ALLOC"
	cmp -s plain.out shim.out || { diff plain.out shim.out | head -20 >&2; fail "$name: outputs differ"; }
	echo "ok $name on $ALLOC ($(wc -c < shim.out) bytes of output agree; $(grep -c '^==> kheap meminfo' shim.err) process(es) on kheap)"
}

case $CASE in
python)
	# SLOB searches every partial page of its list for a fit: with python's
	# own allocator off (PYTHONMALLOC=malloc) a dict of 200000 entries
	# takes it minutes, so under SLOB that run is 50 times smaller; the
	# other allocators' variants run a quarter of SLUB's size (test time)
	N=200000 NPY=200000
	case $ALLOC in slab) N=50000 NPY=50000 ;; slob) N=4000 NPY=50000 ;; esac
	cat > t.py <<'PY'
import json, threading, multiprocessing, hashlib, sys
N = int(sys.argv[1])
d = {str(i): [i, i * 2.5, str(i) * 3] for i in range(N)}
s = json.dumps(d, sort_keys=True)
assert json.loads(s) == d
l = sorted((x * 7919) % 100003 for x in range(N * 3 // 2))
out = {}
def work(n):
    out[n] = sum(len(str(x)) for x in [bytes(i % 256 for i in range(k % 500)) for k in range(n * N // 200)])
ts = [threading.Thread(target=work, args=(n,)) for n in range(1, 9)]
[t.start() for t in ts]; [t.join() for t in ts]
def sq(x):
    return [str(i) * 2 for i in range(x)][-1]
with multiprocessing.Pool(4) as p:
    mp = p.map(sq, range(1, 2000, 37))
print(hashlib.sha256(s.encode()).hexdigest(), l[:5], l[-5:], sorted(out.items()), mp[-3:])
PY
	PYTHONMALLOC=malloc compare python /usr/bin/python3 t.py $N
	compare python-pymalloc /usr/bin/python3 t.py $NPY ;;
perl)
	compare perl /usr/bin/perl -e '
		my %h; $h{$_ * 7919 % 100003} = "v" x ($_ % 200) for 1 .. 200000;
		my @k = sort { $a <=> $b } keys %h; my $s = join ",", @k[0 .. 20];
		my $t = ""; $t .= "$_:" . length($h{$_}) . ";" for @k; $t =~ s/(\d+):0;//g;
		my @w = split /;/, $t; print "$s\n", scalar(@w), " ", length($t), "\n";' ;;
sort)
	awk 'BEGIN { srand(42); for (i = 0; i < 300000; i++) printf "%08d %s line %d\n", int(rand() * 1e8), substr("kheapslubbuddy", 1 + i % 10), i }' > in.txt
	compare sort sort -S 64M in.txt
	compare sort-numeric-unique sort -n -u -k1,1 in.txt ;;
gzip)
	seq 1 2000000 > in.txt
	compare gzip sh -c 'gzip -6 < in.txt | gunzip | md5sum; gzip -9 < in.txt | wc -c' ;;
git)
	mkdir src
	NFILES=3000	# the SLAB and SLOB variants: 600 (test time)
	[ "$ALLOC" = slub ] || NFILES=600
	awk -v n=$NFILES 'BEGIN { for (i = 0; i < n; i++) { f = sprintf("src/d%02d/f%04d.txt", i % 40, i); print f } }' | while read -r f; do
		mkdir -p "$(dirname "$f")"; echo "file $f" > "$f"; done
	cat > g.sh <<'SH'
set -e
export GIT_AUTHOR_NAME=kheap GIT_AUTHOR_EMAIL=k@example.org GIT_COMMITTER_NAME=kheap GIT_COMMITTER_EMAIL=k@example.org
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' HOME=$PWD GIT_CONFIG_NOSYSTEM=1
rm -rf repo && cp -r src repo && cd repo
git init -q -b main . && git add . && git commit -q -m "many files"
echo more >> d00/f0000.txt && git commit -q -am second
git rev-parse HEAD; git log --oneline | wc -l; git ls-files | wc -l; git fsck -q && echo fsck ok
git gc -q && git count-objects -v | grep -E '^(count|in-pack)'
SH
	compare git sh g.sh ;;
gcc)
	cp "$SRC/malloc_api.c" "$SRC/../check.h" "$SRC/expect.h" .
	compare gcc sh -c 'gcc -O2 -S -I. -o - malloc_api.c | md5sum; gcc -O2 -I. -o a.out malloc_api.c && echo linked'
	compare g++ sh -c "g++ -O2 -S -o - '$SRC/cxx_new.cpp' | md5sum" ;;
sqlite)
	compare sqlite3 sqlite3 ':memory:' '
		CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v REAL);
		WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
		INSERT INTO t(k, v) SELECT printf("key%05d", (x * 7919) % 100003), x * 1.5 FROM c;
		CREATE INDEX tk ON t(k);
		SELECT count(*), sum(v), min(k), max(k) FROM t;
		SELECT substr(k, 1, 5), count(*), avg(v) FROM t GROUP BY substr(k, 1, 5) ORDER BY 1 LIMIT 5;
		SELECT k FROM t WHERE k BETWEEN "key50000" AND "key50010" ORDER BY k;
		UPDATE t SET v = v * 2 WHERE id % 3 = 0; DELETE FROM t WHERE id % 5 = 0;
		SELECT count(*), round(sum(v), 1) FROM t;' ;;
run_status)
	"$KHEAP" run -- true || fail "kheap run -- true"
	set +e
	"$KHEAP" run -- sh -c 'exit 42'; st=$?
	[ $st = 42 ] || fail "exit status 42 came back as $st"
	"$KHEAP" run --cmdline "slab_nomerge" -- sh -c 'kill -TERM $$'; st=$?
	[ $st = 143 ] || fail "a program killed by SIGTERM: status $st, expected 143 (shell convention)"
	"$KHEAP" run -- /nonexistent/prog 2> err; st=$?
	[ $st = 127 ] || fail "a missing program gave $st, not 127"
	"$KHEAP" run 2> err; st=$?
	[ $st = 2 ] || fail "kheap run without a program gave $st, not 2"
	"$KHEAP" run --bogus -- true 2> err; st=$?
	[ $st = 2 ] || fail "a bad option gave $st, not 2"
	set -e
	"$KHEAP" run -- sh -c 'case "$LD_PRELOAD" in *libkheap-malloc.so*) exit 0;; esac; exit 1' ||
		fail "LD_PRELOAD not set by kheap run"
	echo "ok run_status" ;;
pid_view)
	"$KHEAP" run -- sleep 30 & pid=$!
	i=0
	until "$KHEAP" slabinfo --pid $pid > slab.txt 2> err; do
		i=$((i + 1)); [ $i -lt 100 ] || { kill $pid; fail "no views from pid $pid: $(cat err)"; }
		sleep 0.1
	done
	"$KHEAP" meminfo --pid $pid > mem.txt
	"$KHEAP" buddyinfo --pid=$pid > buddy.txt
	"$KHEAP" vmstat --pid $pid > vmstat.txt
	"$KHEAP" unusable_index --pid $pid > unusable.txt
	"$KHEAP" buddyinfo > own.txt 2> note.txt
	kill $pid; wait $pid || true
	# killed by a signal, it could not remove its socket: do it here
	rm -f "${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}/kheap-$pid.sock"
	grep -q '^slabinfo - version: 2.1' slab.txt || fail "slabinfo --pid: $(head -2 slab.txt)"
	grep -q '^kmalloc-64 ' slab.txt || fail "slabinfo --pid has no kmalloc-64"
	grep -q '^MemTotal:' mem.txt || fail "meminfo --pid"
	grep -q '^Node 0, zone' buddy.txt || fail "buddyinfo --pid"
	grep -q '^pgalloc_normal [0-9]' vmstat.txt || fail "vmstat --pid: $(head -3 vmstat.txt)"
	grep -q '^Node 0, zone .* [01]\.[0-9][0-9][0-9] $' unusable.txt || fail "unusable_index --pid: $(head -3 unusable.txt)"
	grep -q "publishing their views.* $pid (sleep)" note.txt || fail "kheap VIEW does not list the publishing process: $(cat note.txt)"
	set +e
	"$KHEAP" slabinfo --pid $$ 2> err; st=$?
	[ $st = 1 ] && grep -q 'does not publish' err || fail "a process without the shim: status $st, $(cat err)"
	"$KHEAP" slabinfo --pid x 2> err; st=$?
	[ $st = 2 ] || fail "bad pid gave $st"
	"$KHEAP" slabinfo --pid 2> err; st=$?
	[ $st = 2 ] && grep -q "option '--pid' needs a value" err || fail "--pid without a value: $st, $(cat err)"
	"$KHEAP" --cmdline 2> err; st=$?
	[ $st = 2 ] && grep -q "option '--cmdline' needs a value" err || fail "--cmdline without a value: $st, $(cat err)"
	"$KHEAP" vmstat --pid 4194398 2> err; st=$?
	[ $st = 2 ] && grep -q "4194398: no such process" err || fail "a pid that does not exist: $st, $(cat err)"
	# a pid of another user: views are served to their owner only.  As
	# root, ask as nobody about this shell; otherwise about pid 1 when
	# another user owns it.  Skipped where nobody cannot run the build.
	other=
	if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null &&
	   setpriv --reuid=65534 --regid=65534 --clear-groups "$KHEAP" --version > /dev/null 2>&1; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$KHEAP" slabinfo --pid $$ 2> err; st=$?
		other=$$
	elif [ "$(id -u)" != 0 ] && [ "$(stat -c %u /proc/1)" != "$(id -u)" ]; then
		"$KHEAP" slabinfo --pid 1 2> err; st=$?
		other=1
	fi
	if [ -n "$other" ]; then
		[ $st = 2 ] && grep -q -- "--pid $other: the process belongs to another user" err ||
			fail "a pid of another user: $st, $(cat err)"
	else
		echo "note: the another-user case is not checked here (nobody cannot run the build)"
	fi
	# without --pid: the command says whose heap it shows
	"$KHEAP" buddyinfo > own.txt 2> err
	grep -q 'fresh kheap heap inside the kheap command' err || fail "kheap VIEW without --pid does not say what it shows: $(cat err)"
	set -e
	# slab_debug=U under the shim: backtrace()'s own allocations must not
	# recurse; the call sites of a running program in the kernel's format
	KHEAP_CMDLINE="slab_debug=U,kmalloc-64" LD_PRELOAD="$SHIM" /bin/ls / > /dev/null ||
		fail "slab_debug=U under the shim: ls failed ($?)"
	PYTHONMALLOC=malloc "$KHEAP" run --cmdline "slab_debug=U,kmalloc-64" -- /usr/bin/python3 -c \
		'import time; d = [str(i) * 2 for i in range(3000)]; time.sleep(30)' & tpid=$!
	i=0
	until "$KHEAP" slabinfo -t '^kmalloc-64$' --pid $tpid > traces.txt 2> err && grep -q ' PyUnicode_New+0x' traces.txt; do
		i=$((i + 1)); [ $i -lt 100 ] || { kill $tpid; fail "no call sites from pid $tpid: $(head -5 traces.txt) $(cat err)"; }
		sleep 0.1
	done
	kill $tpid; wait $tpid || true
	rm -f "${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}/kheap-$tpid.sock"
	grep -q '^kmalloc-64: Kernel object allocation$' traces.txt &&
		grep -q '^ *[0-9][0-9]* PyUnicode_New+0x[0-9a-f]*\(/0x[0-9a-f]*\)\? waste=[0-9]*/[0-9]* age=[0-9]*' traces.txt &&
		grep -q '^        PyUnicode_New+0x' traces.txt || fail "traces: $(head -8 traces.txt)"
	# the socket of a process that died without removing it is swept
	dir=${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}
	: > "$dir/kheap-4194399.sock"
	"$KHEAP" run -- sleep 0.5
	[ ! -e "$dir/kheap-4194399.sock" ] || { rm -f "$dir/kheap-4194399.sock"; fail "a dead pid's socket was not swept"; }
	# without kheap.publish there is no socket and no extra thread
	LD_PRELOAD="$SHIM" sh -c 'ls /proc/$$/task | wc -l; ls ${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}/kheap-$$.sock 2>/dev/null | wc -l' > quiet.txt
	[ "$(cat quiet.txt | tr '\n' ' ')" = "1 0 " ] || fail "a process without kheap.publish: threads/sockets $(cat quiet.txt | tr '\n' ' ')"
	echo "ok pid_view" ;;
pid_tune)
	# SLAB's writable slabinfo, in a running program: kheap slabinfo --tune
	"$KHEAP" run --cmdline slab_allocator=slab -- sleep 30 & pid=$!
	i=0
	until "$KHEAP" slabinfo --pid $pid > slab.txt 2> err; do
		i=$((i + 1)); [ $i -lt 100 ] || { kill $pid; fail "no views from pid $pid: $(cat err)"; }
		sleep 0.1
	done
	grep -q '^kmalloc-64 .* : tunables  120   60 ' slab.txt || { kill $pid; fail "SLAB's default tunables: $(grep '^kmalloc-64 ' slab.txt)"; }
	"$KHEAP" slabinfo --pid $pid --tune "kmalloc-64 32 16 2" > tuned.txt 2> err || { kill $pid; fail "--tune: $(cat err)"; }
	"$KHEAP" slabinfo --pid $pid > again.txt
	set +e
	"$KHEAP" slabinfo --pid $pid --tune "no-such-cache 32 16 2" > /dev/null 2> bad.txt; st=$?
	set -e
	kill $pid; wait $pid || true
	rm -f "${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}/kheap-$pid.sock"
	grep -q '^kmalloc-64 .* : tunables   32   16    2 ' tuned.txt || fail "--tune did not retune: $(grep '^kmalloc-64 ' tuned.txt)"
	grep -q '^kmalloc-64 .* : tunables   32   16    2 ' again.txt || fail "the tuning did not last"
	[ $st = 1 ] && grep -q 'kheap: slabinfo: Invalid argument' bad.txt || fail "an unknown cache: status $st, $(cat bad.txt)"
	# under SLUB the file is read-only, and the tool says why
	set +e
	"$KHEAP" slabinfo --tune "kmalloc-64 32 16 2" > /dev/null 2> ro.txt; st=$?
	set -e
	[ $st = 1 ] && grep -q 'read-only' ro.txt || fail "SLUB's slabinfo was writable: status $st"
	echo "ok pid_tune" ;;
strategy_views)
	# the slabinfo reports and kheap top under SLAB and SLOB: what works,
	# and for what does not, a message naming the allocator
	for a in slab slob; do
		"$KHEAP" run --cmdline slab_allocator=$a -- sleep 30 & pid=$!
		i=0
		until "$KHEAP" buddyinfo --pid $pid > /dev/null 2> err; do
			i=$((i + 1)); [ $i -lt 100 ] || { kill $pid; fail "no views from pid $pid: $(cat err)"; }
			sleep 0.1
		done
		set +e
		"$KHEAP" slabinfo -T --pid $pid > /dev/null 2> $a-T.txt; echo $? > $a-T.st
		"$KHEAP" slabinfo -r --pid $pid > /dev/null 2> $a-r.txt; echo $? > $a-r.st
		"$KHEAP" slabinfo --pid $pid > $a-plain.txt 2> $a-plain.err; echo $? > $a-plain.st
		"$KHEAP" top -b --pid $pid > $a-top.txt 2> $a-top.err; echo $? > $a-top.st
		KHEAP_CMDLINE=slab_allocator=$a "$KHEAP" top -b > $a-own.txt 2> $a-own.err; echo $? > $a-own.st
		set -e
		kill $pid; wait $pid || true
		rm -f "${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}/kheap-$pid.sock"
		for o in T r; do
			[ "$(cat $a-$o.st)" = 1 ] && grep -q "process $pid has no kernel/slab view (SLUB's /sys/kernel/slab" $a-$o.txt ||
				fail "slabinfo -$o on $a: status $(cat $a-$o.st), $(cat $a-$o.txt)"
		done
	done
	[ "$(cat slab-plain.st)" = 0 ] && grep -q '^kmalloc-64 .* : tunables  120   60 ' slab-plain.txt ||
		fail "slabinfo on SLAB: $(cat slab-plain.err)"
	[ "$(cat slab-top.st)" = 0 ] && grep -q 'kmalloc-' slab-top.txt || fail "top on SLAB: $(cat slab-top.err)"
	[ "$(cat slab-own.st)" = 0 ] && grep -q 'top_inode' slab-own.txt || fail "top's workload on SLAB: $(cat slab-own.err)"
	[ "$(cat slob-plain.st)" = 1 ] && grep -q "process [0-9]* runs SLOB (slab_allocator=slob), which has no slabinfo" slob-plain.err ||
		fail "slabinfo on SLOB: status $(cat slob-plain.st), $(cat slob-plain.err)"
	[ "$(cat slob-top.st)" = 1 ] && grep -q "top: process [0-9]* runs SLOB" slob-top.err ||
		fail "top on SLOB: status $(cat slob-top.st), $(cat slob-top.err)"
	[ "$(cat slob-own.st)" = 1 ] && grep -q "top: this heap runs SLOB" slob-own.err ||
		fail "top's workload on SLOB: status $(cat slob-own.st), $(cat slob-own.err)"
	# random kmalloc caches are SLUB's (v6.6's Kconfig too): none on SLAB
	KHEAP_CMDLINE="random_kmalloc_caches=1" "$KHEAP" slabinfo 2> /dev/null | grep -q '^kmalloc-rnd-15-64 ' ||
		fail "random_kmalloc_caches=1 made no kmalloc-rnd caches on SLUB"
	! KHEAP_CMDLINE="slab_allocator=slab random_kmalloc_caches=1" "$KHEAP" slabinfo 2> /dev/null | grep -q '^kmalloc-rnd' ||
		fail "random kmalloc caches on SLAB"
	# the demo tells SLAB's and SLOB's own chapter 2 on them (demo_truth
	# checks those stories), from KHEAP_CMDLINE too
	for a in slab slob; do
		set +e
		KHEAP_CMDLINE=slab_allocator=$a "$KHEAP" demo slab > demo.txt 2> demo.err; st=$?
		set -e
		A=$(echo $a | tr a-z A-Z)
		[ $st = 0 ] && grep -q "^== 2. The slab allocator ($A) ==" demo.txt ||
			fail "demo on $a: status $st, $(head -3 demo.err)"
	done
	echo "ok strategy_views" ;;
stats)
	KHEAP_STATS=1 LD_PRELOAD="$SHIM" /bin/true 2> err
	for v in meminfo slabinfo buddyinfo vmallocinfo; do
		grep -q "^==> kheap $v of true (pid [0-9]*) <==" err || fail "KHEAP_STATS=1: no $v header"
	done
	grep -q '^MemTotal:' err && grep -q '^slabinfo - version: 2.1' err &&
		grep -q '^Node 0, zone' err || fail "KHEAP_STATS=1: views missing"
	"$KHEAP" run --stats -- /bin/true 2> err2
	grep -q '^slabinfo - version: 2.1' err2 || fail "kheap run --stats printed no slabinfo"
	# the peaks come first; caches without slabs are left out unless -z
	head -1 err2 | grep -q '^==> kheap peaks of true (pid [0-9]*) <==' || fail "no peaks first: $(head -2 err2)"
	grep -q '^Slab: *[0-9]* kB  (now [0-9]* kB)$' err2 && grep -q '^Pages in use: ' err2 &&
		grep -q '^RSS (VmHWM): ' err2 && grep -q '^Busiest caches at their peak:' err2 || fail "peaks: $(head -8 err2)"
	sed -n '/slabinfo of/,/buddyinfo of/p' err2 | awk 'NR > 3 && $2 == 0 && $3 == 0 && !/^==>/ { print; bad = 1 } END { exit bad }' ||
		fail "--stats listed caches without slabs"
	"$KHEAP" run --stats -z -- /bin/true 2> err4
	[ "$(sed -n '/slabinfo of/,/buddyinfo of/p' err4 | wc -l)" -gt "$(sed -n '/slabinfo of/,/buddyinfo of/p' err2 | wc -l)" ] ||
		fail "-z did not add the empty caches"
	grep -q '^dma-kmalloc-8k *0 *0 ' err4 || fail "-z: no empty dma-kmalloc-8k line"
	# only the program kheap run started, not what it starts, unless asked
	"$KHEAP" run --stats -- /usr/bin/perl -e 'system("/bin/true"); system("/bin/true")' 2> err5
	[ "$(grep -c '^==> kheap peaks of' err5)" = 1 ] || fail "children printed stats: $(grep '^==> kheap peaks' err5)"
	"$KHEAP" run --stats --follow-children -- /usr/bin/perl -e 'system("/bin/true"); system("/bin/true")' 2> err6
	[ "$(grep -c '^==> kheap peaks of' err6)" = 3 ] || fail "--follow-children: $(grep '^==> kheap peaks' err6)"
	# the peaks are high-water marks: 60 MB taken and given back
	"$KHEAP" run --stats -- /usr/bin/perl -e 'my @a = map { "x" x 1000 } 1 .. 60000; @a = ();' 2> err7
	awk '/^Slab:/ { if ($2 < 50000 || $2 <= $5) exit 1; ok = 1 } END { exit !ok }' err7 ||
		fail "slab peak: $(grep '^Slab:' err7)"
	awk '/^RSS \(VmHWM\):/ { if ($3 < 50000) exit 1; ok = 1 } END { exit !ok }' err7 || fail "RSS peak: $(grep '^RSS' err7)"
	sed -n '/^Busiest caches/,/^==>/p' err7 | sed -n 3p | grep -q '^  kmalloc-1k ' || fail "busiest cache at its peak: $(sed -n '/^Busiest/,/^==>/p' err7)"
	LD_PRELOAD="$SHIM" /bin/true 2> err3
	[ ! -s err3 ] || fail "without KHEAP_STATS the shim printed: $(head -3 err3)"
	echo "ok stats" ;;
top)
	# batch mode on the command's own workload: the summary is the table's sum
	"$KHEAP" top -b -n 2 -d 0.2 -z > own.txt || fail "kheap top -b: $?"
	[ "$(grep -c '^kheap top - ' own.txt)" = 2 ] || fail "two refreshes expected: $(head -3 own.txt)"
	awk '/^kheap top/ { n++ } n == 1 && /^ Active \/ Total Objects/ { split($0, a, ":"); split(a[2], b, " "); act = b[1]; tot = b[3] }
	     n == 1 && /^ *[0-9]+ +[0-9]+ +[0-9]+% / { o += $1; ac += $2; rows++ }
	     END { if (rows < 5 || o != tot || ac != act) { print "rows " rows ": objects " o "/" tot ", active " ac "/" act; exit 1 } }' own.txt ||
		fail "the summary is not the sum of the table"
	grep -q '^ Free blocks  order:    0    1' own.txt && grep -q '^ vmstat (change since the last refresh):' own.txt ||
		fail "free blocks or vmstat missing: $(cat own.txt | head -20)"
	grep -q '^ Normal\|^ DMA32' own.txt || fail "no zone line"
	grep -q '   change  ' own.txt || fail "no change line on the second refresh"
	grep -q 'top_inode' own.txt || fail "the workload's caches are missing"
	set +e
	"$KHEAP" top -b -s x 2> err; st=$?
	[ $st = 2 ] && grep -q "unknown sort key '-s x'" err || fail "bad sort key: $st $(cat err)"
	"$KHEAP" top -b -d 2> err; st=$?
	[ $st = 2 ] && grep -q "option '-d' needs a value" err || fail "-d without value: $st $(cat err)"
	"$KHEAP" top -b --pid $$ 2> err; st=$?
	[ $st = 1 ] && grep -q 'does not publish' err || fail "a process that does not publish: $st $(cat err)"
	set -e
	# a real program started by kheap run
	"$KHEAP" run -- /usr/bin/python3 -c 'import time; d = [str(i) * 20 for i in range(50000)]; time.sleep(60)' & pid=$!
	trap 'kill $pid 2> /dev/null || true; rm -rf "$WORK"' EXIT
	i=0
	until "$KHEAP" top -b --pid $pid > pid1.txt 2> err && grep -q 'kmalloc-' pid1.txt; do
		i=$((i + 1)); [ $i -lt 100 ] || { kill $pid; fail "no kheap top for pid $pid: $(cat err)"; }
		sleep 0.1
	done
	"$KHEAP" top -b -n 2 -d 0.3 -s n --pid $pid > pid2.txt
	grep -q "^kheap top - .* - pid $pid (python3), every 0.3s, sort n" pid2.txt || fail "header: $(head -1 pid2.txt)"
	# sorted by name: the rows of the first screen in order
	awk '/^kheap top/ { n++ } n == 1 && /^ *[0-9]+ +[0-9]+ +[0-9]+% / { print $NF }' pid2.txt > names.txt
	sort -c names.txt || fail "sort n: $(cat names.txt | head)"
	# interactive, in a real terminal: tmux, keys, the pane's text
	if command -v tmux > /dev/null; then
		sock=kheap-test-$$
		tmux -L $sock new-session -d -x 120 -y 40 "$KHEAP top -d 0.3 --pid $pid"
		sleep 1.5
		tmux -L $sock capture-pane -p > pane1.txt
		grep -q "pid $pid (python3)" pane1.txt && grep -q ' Active / Total Objects' pane1.txt &&
			grep -q 'OBJS ACTIVE  USE OBJ SIZE' pane1.txt || { tmux -L $sock kill-server; kill $pid; fail "pane: $(cat pane1.txt)"; }
		tmux -L $sock send-keys s
		sleep 1
		tmux -L $sock capture-pane -p > pane2.txt
		grep -q 'sort s' pane2.txt || { tmux -L $sock kill-server; kill $pid; fail "key s did not sort: $(head -2 pane2.txt)"; }
		awk '/OBJS ACTIVE/ { t = 1; next } t && /^ *[0-9]+ +[0-9]+ +[0-9]+% / { sub("K", "", $4); print $4 }' pane2.txt > sizes.txt
		sort -n -r -c sizes.txt || { tmux -L $sock kill-server; kill $pid; fail "not sorted by size: $(cat sizes.txt)"; }
		tmux -L $sock send-keys q
		sleep 0.5
		if tmux -L $sock has-session 2> /dev/null; then
			tmux -L $sock kill-server; kill $pid; fail "q did not quit"
		fi
		echo "ok top in tmux"
	fi
	kill $pid; wait $pid 2> /dev/null || true
	rm -f "${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}/kheap-$pid.sock"
	set +e
	"$KHEAP" top -b --pid $pid 2> err; st=$?
	set -e
	[ $st = 2 ] && grep -q "no such process" err || fail "top of an exited process: $st $(cat err)"
	# a program that exits while top watches it: a line, status 0
	"$KHEAP" run -- /usr/bin/python3 -c 'import time; time.sleep(2)' & pid=$!
	i=0
	until "$KHEAP" vmstat --pid $pid > /dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "python3 never published"
		sleep 0.05
	done
	"$KHEAP" top -b -n 40 -d 0.25 --pid $pid > gone.txt 2> err || fail "top of a program that exits: $?"
	wait $pid || true
	grep -q "process $pid has exited" err || fail "no message when the process exits: $(cat err)"
	n=$(grep -c '^kheap top - ' gone.txt)
	[ "$n" -ge 1 ] && [ "$n" -lt 40 ] || fail "$n screens of a program that exited"
	echo "ok top" ;;
*)
	echo "unknown case $CASE" >&2; exit 2 ;;
esac
