#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The cost of recording a trace: a benchmark of bench/ run on the malloc
shim by `kheap run` and by `kheap trace record`, interleaved.

    python3 bench/trace_overhead.py [--rounds N] [--build DIR]
        [--clocks NAME,...] [PROGRAM [ARGS...]]

The default is `churn 1000000` (bench/churn.c: about 4 million allocator
events).  PROGRAM is a program of bench/ (build/bench/PROGRAM), else a
path or a name on PATH; it must print a "RESULT name <seconds> s" line,
as bench/'s programs do (e.g. `PYTHONMALLOC=malloc python3
bench/trace_overhead.py python3 bench/python_json.py 60000`; the
environment passes to both runs).  Each round runs the program once
untraced and once traced with each trace_clock= of --clocks (default
local,uptime,counter; kernel/params.c describes them), in an order that
is reversed every other round, so a shared machine's drifts hit all
alike.  It reports, per clock, the medians of

  - the program's own time (its RESULT line: the work, without start-up),
  - its CPU time (user + system, from wait4(): the recorder's writer
    thread is in the same process and counts),

the ratio of the medians, the range of the per-round ratios, and the
events and bytes of the trace.  The trace goes to a scratch directory
(TMPDIR), written as on any file system.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_RE = re.compile(r"^RESULT (\S+) ([0-9.eE+-]+) (\S+)")
EVENTS_RE = re.compile(r"kheap: trace: (\d+) events")


def run(argv):
    """Run argv; return (its first RESULT time in s, CPU s, stdout+stderr)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(proc.pid, 0)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"trace_overhead: {' '.join(argv)} failed:\n{text[-2000:]}")
    t = None
    for line in text.splitlines():
        m = RESULT_RE.match(line.strip())
        if m and m.group(3) == "s":
            t = float(m.group(2))
            break
    if t is None:
        sys.exit(f"trace_overhead: no RESULT time from {' '.join(argv)}")
    return t, ru.ru_utime + ru.ru_stime, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--build", default=str(ROOT / "build"),
                    help="the build directory (default build/)")
    ap.add_argument("--clocks", default="local,uptime,counter",
                    help="trace_clock= values to record with, comma-separated")
    ap.add_argument("program", nargs="*", default=["churn", "1000000"])
    args = ap.parse_args()

    build = Path(args.build)
    kheap = build / "kheap"
    prog = build / "bench" / args.program[0]
    if not prog.exists():
        # any other program: a path, or a name on PATH
        found = shutil.which(args.program[0])
        if found:
            prog = Path(found)
    for f in (kheap, prog):
        if not f.exists():
            sys.exit(f"trace_overhead: {f} is not built (make; cmake --build build)")
    cmd = [str(prog), *args.program[1:]]
    work = Path(tempfile.mkdtemp(prefix="kheap-trace-overhead."))
    trace = work / "bench.trace"
    clocks = [c for c in args.clocks.split(",") if c]
    runs = {w: {"time": [], "cpu": []} for w in ["plain", *clocks]}
    events = {}
    size = {}
    try:
        for r in range(args.rounds):
            order = ["plain", *clocks]
            if r % 2:
                order.reverse()
            for which in order:
                if which == "plain":
                    t, cpu, _ = run([str(kheap), "run", "--", *cmd])
                else:
                    t, cpu, text = run([str(kheap), "--cmdline",
                                        f"trace_clock={which}", "trace",
                                        "record", "-o", str(trace), "--",
                                        *cmd])
                    m = EVENTS_RE.search(text)
                    events[which] = int(m.group(1)) if m else None
                    size[which] = trace.stat().st_size
                    trace.unlink()
                runs[which]["time"].append(t)
                runs[which]["cpu"].append(cpu)
            print(f"round {r + 1}: time " +
                  " / ".join(f"{w} {runs[w]['time'][-1]:.3f} s" for w in runs),
                  file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    name = " ".join(args.program)
    plain = runs["plain"]
    print(f"`{name}` on the malloc shim, {args.rounds} interleaved rounds, "
          f"{os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    print()
    print("| trace_clock | program's own time | ratio | per-round ratios "
          "| CPU time | ratio | CPU per event | bytes an event |")
    print("|---|---|---|---|---|---|---|---|")
    a = statistics.median(plain["time"])
    ac = statistics.median(plain["cpu"])
    print(f"| (untraced) | {a:.3f} s | | | {ac:.3f} s | | | |")
    for c in clocks:
        b = statistics.median(runs[c]["time"])
        bc = statistics.median(runs[c]["cpu"])
        rounds = [y / x for x, y in zip(plain["time"], runs[c]["time"]) if x > 0]
        ev = events.get(c)
        per = f"{(bc - ac) / ev * 1e9:.0f} ns" if ev else ""
        per_b = f"{size[c] / ev:.1f}" if ev else ""
        print(f"| {c} | {b:.3f} s | {b / a:.2f}x | {min(rounds):.2f}x to "
              f"{max(rounds):.2f}x | {bc:.3f} s | {bc / ac:.2f}x | {per} | "
              f"{per_b} |")
    if events:
        print()
        print(f"events per trace: {max(v or 0 for v in events.values())}")


if __name__ == "__main__":
    main()
