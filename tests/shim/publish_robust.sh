#!/bin/sh
# publish_robust.sh SHIM KHEAP - no client can stall or kill a process that
# publishes its views (shim/publish.c), and the kheap client times out on
# a publisher that does not answer.
#
# Against `kheap run -- sleep 60` (which publishes):
#  - an idle client (connected, sends nothing, holds on): other clients are
#    still answered, within the 2 s the idle one is given;
#  - 17 idle clients at once (more than the publisher keeps waiting): the
#    same;
#  - 30 clients that send a request and leave without reading the reply:
#    the program is not killed by SIGPIPE and goes on publishing;
#  - a client that sends 1 MB of garbage: refused, publishing goes on;
#  - a client that takes no reply: dropped, publishing goes on.
# And `kheap meminfo --pid` against a socket that accepts but never answers
# gives up after KHEAP_VIEW_TIMEOUT seconds with a clear message.
set -eu
SHIM=$1 KHEAP=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kheap-publish.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
unset KHEAP_CMDLINE KHEAP_STATS
DIR=${XDG_RUNTIME_DIR:-/tmp/kheap-$(id -u)}
case $DIR in /*) ;; *) DIR=/tmp/kheap-$(id -u) ;; esac

fail() { echo "FAIL (publish_robust): $*" >&2; exit 1; }

"$KHEAP" run -- sleep 60 & target=$!
PIDS="$PIDS $target"
i=0
until "$KHEAP" meminfo --pid $target > mem.txt 2> err; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no views from pid $target: $(cat err)"
	sleep 0.1
done
SOCK=$DIR/kheap-$target.sock

# client.py MODE SOCK [N]: the misbehaving clients
cat > client.py <<'PY'
import socket, sys, time
mode, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
if mode == "idle":              # hold N connections open, say nothing
    held = [conn() for _ in range(n)]
    print("connected", flush=True)
    time.sleep(30)
elif mode == "vanish":          # ask, then leave without reading
    for _ in range(n):
        s = conn(); s.sendall(b"slabinfo\n"); s.close()
elif mode == "garbage":         # 1 MB without a newline
    s = conn()
    try:
        s.sendall(b"x" * (1 << 20))
    except OSError:
        pass                    # refused: the publisher closed it
    s.close()
elif mode == "noread":          # ask for a big view, never read it
    s = conn(); s.sendall(b"slabinfo\n"); time.sleep(8); s.close()
elif mode == "mute":            # a server that accepts and never answers
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path); srv.listen(8)
    print("listening", flush=True)
    held = []
    while True:
        c, _ = srv.accept(); held.append(c)
PY

# answered within 3 s (the publisher gives an idle client 2 s)
answered() {
	start=$(date +%s%N)
	KHEAP_VIEW_TIMEOUT=10 "$KHEAP" slabinfo --pid $target > slab.txt 2> err ||
		fail "$1: slabinfo --pid failed: $(cat err)"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	grep -q '^kmalloc-64 ' slab.txt || fail "$1: no kmalloc-64 in the reply"
	[ $ms -lt 3000 ] || fail "$1: the reply took $ms ms"
	echo "ok $1 (answered in $ms ms)"
}

python3 client.py idle "$SOCK" 1 > idle1.out & idle=$!
PIDS="$PIDS $idle"
until grep -q connected idle1.out 2>/dev/null; do sleep 0.05; done
answered "one idle client"

python3 client.py idle "$SOCK" 17 > idle17.out & idle17=$!
PIDS="$PIDS $idle17"
until grep -q connected idle17.out 2>/dev/null; do sleep 0.05; done
answered "17 idle clients"

python3 client.py vanish "$SOCK" 30
kill -0 $target 2>/dev/null || fail "the program died after clients left early"
answered "30 clients that left without reading"

python3 client.py garbage "$SOCK"
kill -0 $target 2>/dev/null || fail "the program died after 1 MB of garbage"
answered "1 MB of garbage"

python3 client.py noread "$SOCK" & noread=$!
PIDS="$PIDS $noread"
sleep 0.5
answered "a client that does not read"
[ -S "$SOCK" ] || fail "the socket is gone"

# the client side: a publisher that never answers
mute_pid=$idle			# a live process of ours, not publishing
MUTE=$DIR/kheap-$mute_pid.sock
python3 client.py mute "$MUTE" > mute.out & mute=$!
PIDS="$PIDS $mute"
until grep -q listening mute.out 2>/dev/null; do sleep 0.05; done
start=$(date +%s)
if KHEAP_VIEW_TIMEOUT=1 "$KHEAP" meminfo --pid $mute_pid > /dev/null 2> err; then
	fail "meminfo --pid of a mute publisher succeeded"
fi
took=$(( $(date +%s) - start ))
rm -f "$MUTE"
grep -q "did not answer within 1 s" err || fail "no timeout message: $(cat err)"
[ $took -le 4 ] || fail "the client waited $took s"
echo "ok a mute publisher: $(cat err)"

kill $target; wait $target 2>/dev/null || true
rm -f "$SOCK"
echo "publish_robust: all passed"
