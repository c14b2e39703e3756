#!/bin/sh
# rlimit_as.sh SHIM - programs start and run under the shim with a small
# address space limit (ulimit -v 100000, in KiB), as they do on glibc:
# kheap shrinks mem= and the vmalloc range until they fit, and says so once.
set -eu
SHIM=$1
unset KHEAP_CMDLINE KHEAP_STATS
fail() { echo "FAIL (rlimit_as): $*" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-rlimit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# run NAME PROCESSES CMD...: under ulimit -v 100000 and the shim; each of
# the PROCESSES says once that it shrank its ranges
run() {
	name=$1 procs=$2; shift 2
	( ulimit -v 100000; LD_PRELOAD="$SHIM" "$@" ) > out 2> err ||
		fail "$name: exit $?: $(tail -3 err)"
	[ "$(grep -c 'could not reserve' err)" -le "$procs" ] ||
		fail "$name: said it more than once a process: $(cat err)"
	grep -q 'using mem=' err || fail "$name: the shim was not loaded: $(cat err)"
	echo "ok $name: $(head -1 err)"
}

run true 1 /bin/true
run sort 4 sh -c 'seq 1 200000 | sort -rn > sorted && head -1 sorted'
[ "$(head -1 out)" = 200000 ] || fail "sort: $(head -1 out)"
# the system's python3 is one process (a version manager's shim is many)
PY=/usr/bin/python3 PYPROCS=1
[ -x $PY ] || PY=python3 PYPROCS=1000
run python $PYPROCS $PY -c 'x = [bytes(1000) for i in range(5000)]; d = {i: str(i) for i in range(100000)}; print(len(x), len(d))'
[ "$(cat out)" = "5000 100000" ] || fail "python: $(cat out)"
echo "rlimit_as: all passed"
