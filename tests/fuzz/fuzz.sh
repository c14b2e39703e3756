#!/bin/sh
# fuzz.sh BUILD SECONDS TARGET... - `make fuzz`: run each libFuzzer target
# for SECONDS, one after the other, growing a working corpus in
# BUILD/corpus/TARGET (seeded from tests/fuzz/corpus/TARGET, which stays as
# committed) and keeping crashes in BUILD/crashes/.  Prints each target's
# executions and speed; exits non-zero if any target found a crash.
#
# For hours, on all cores:  make fuzz FUZZ_TIME=14400 FUZZ_JOBS=$(nproc)
# (FUZZ_JOBS > 1 runs that many libFuzzer workers per target, -fork=N).
set -u
BUILD=$1 SECONDS=$2
shift 2
SRC=$(cd "$(dirname "$0")" && pwd)
JOBS=${FUZZ_JOBS:-1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$BUILD/crashes"
status=0
for t in "$@"; do
	corpus=$BUILD/corpus/$t
	log=$BUILD/fuzz-$t.log
	mkdir -p "$corpus"
	fork=""
	[ "$JOBS" -gt 1 ] && fork="-fork=$JOBS -ignore_crashes=1"
	echo "fuzz: $t for $SECONDS s ($JOBS job(s)); log $log"
	"$BUILD/$t" -max_total_time="$SECONDS" -timeout=20 -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$BUILD/crashes/$t-" $fork \
		"$corpus" "$SRC/corpus/$t" > "$log" 2>&1 || status=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -1)
	echo "fuzz: $t: ${execs:-?} executions (${speed:-?}/s), corpus $(ls "$corpus" | wc -l) inputs"
done
# libFuzzer also keeps inputs that merely ran slowly (slow-unit-*, over
# 10 s, e.g. on a loaded machine): listed, not counted as crashes
slow=$(ls "$BUILD/crashes" | grep -c '^[^-]*-slow-unit-' || true)
[ "$slow" -eq 0 ] || echo "fuzz: $slow slow input(s) in $BUILD/crashes (slow-unit-*: not failures)"
n=$(ls "$BUILD/crashes" | grep -vc -e '-slow-unit-' || true)
if [ "$n" -gt 0 ] || [ $status -ne 0 ]; then
	echo "fuzz: $n crash input(s) in $BUILD/crashes: add each to tests/fuzz/regressions/TARGET/ with the fix"
	exit 1
fi
echo "fuzz: no crashes"
