#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The cost of recording a trace: a benchmark of bench/ run on the malloc
shim by `kheap run` and by `kheap trace record`, interleaved.

    python3 bench/trace_overhead.py [--rounds N] [--build DIR] [PROGRAM [ARGS...]]

The default is `churn 1000000` (bench/churn.c: about 4 million allocator
events).  PROGRAM is a program of bench/ (build/bench/PROGRAM), else a
path or a name on PATH; it must print a "RESULT name <seconds> s" line,
as bench/'s programs do (e.g. `PYTHONMALLOC=malloc python3
bench/trace_overhead.py python3 bench/python_json.py 60000`; the
environment passes to both runs).  Each round runs the program once untraced and once traced, in an
order that alternates from round to round, so a shared machine's drifts
hit both alike.  It reports the medians of

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
    plain = {"time": [], "cpu": []}
    traced = {"time": [], "cpu": []}
    events = size = None
    try:
        for r in range(args.rounds):
            order = ("plain", "traced") if r % 2 == 0 else ("traced", "plain")
            for which in order:
                if which == "plain":
                    t, cpu, _ = run([str(kheap), "run", "--", *cmd])
                    plain["time"].append(t)
                    plain["cpu"].append(cpu)
                else:
                    t, cpu, text = run([str(kheap), "trace", "record", "-o",
                                        str(trace), "--", *cmd])
                    traced["time"].append(t)
                    traced["cpu"].append(cpu)
                    m = EVENTS_RE.search(text)
                    events = int(m.group(1)) if m else None
                    size = trace.stat().st_size
                    trace.unlink()
            print(f"round {r + 1}: time {plain['time'][-1]:.3f} s / "
                  f"{traced['time'][-1]:.3f} s traced, CPU "
                  f"{plain['cpu'][-1]:.3f} s / {traced['cpu'][-1]:.3f} s",
                  file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    name = " ".join(args.program)
    print(f"`{name}` on the malloc shim, {args.rounds} interleaved rounds, "
          f"{os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    if events:
        print(f"trace: {events} events, {size} bytes "
              f"({size / events:.1f} bytes an event)")
    print()
    print("| median | kheap run | kheap trace record | ratio | per-round ratios |")
    print("|---|---|---|---|---|")
    for key, label in (("time", "program's own time"), ("cpu", "CPU time")):
        a = statistics.median(plain[key])
        b = statistics.median(traced[key])
        rounds = [y / x for x, y in zip(plain[key], traced[key]) if x > 0]
        print(f"| {label} | {a:.3f} s | {b:.3f} s | {b / a:.2f}x | "
              f"{min(rounds):.2f}x to {max(rounds):.2f}x |")
    if events:
        extra = (statistics.median(traced["cpu"]) -
                 statistics.median(plain["cpu"])) / events * 1e9
        print()
        print(f"CPU per event recorded: {extra:.0f} ns")


if __name__ == "__main__":
    main()
