#!/bin/sh
# run.sh FUZZER SECONDS DIR... - CTest's runs of a libFuzzer target:
#   SECONDS > 0: fuzz for that long from the inputs in the DIRs (read only:
#                new inputs go to a scratch corpus, so the tree's corpus
#                stays as committed)
#   SECONDS = 0: run every input in the DIRs once (the seed corpus and the
#                regression inputs: whatever once crashed a target)
# Exits with libFuzzer's status: non-zero when a crash, an abort of the
# shadow model, or a timeout was found.
set -eu
FUZZER=$1 SECONDS=$2
shift 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
if [ "$SECONDS" = 0 ]; then
	inputs=$(find "$@" -type f ! -name '.*' | sort)
	[ -n "$inputs" ] || { echo "run.sh: no inputs in $*" >&2; exit 1; }
	echo "run.sh: $(echo "$inputs" | wc -l) inputs"
	exec "$FUZZER" -runs=1 $inputs
fi
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/kheap-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
"$FUZZER" -max_total_time="$SECONDS" -timeout=20 -rss_limit_mb=4096 \
	-print_final_stats=1 -artifact_prefix="$SCRATCH/" "$SCRATCH" "$@" ||
	{ st=$?; for f in "$SCRATCH"/crash-* "$SCRATCH"/timeout-* "$SCRATCH"/oom-*; do
		[ -f "$f" ] && { echo "run.sh: crash input (base64):"; base64 "$f"; }; done; exit $st; }
