#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A/B timing of kheap builds against glibc on one benchmark program.

    python3 bench/ab.py REPS "PROGRAM ARGS" SHIM[@OPTIONS] [SHIM[@OPTIONS]...]

e.g.  python3 bench/ab.py 5 "churn 16M" /tmp/old/libkheap-malloc.so \\
          build/libkheap-malloc.so
      python3 bench/ab.py 9 "fastpath tight 20M" build/libkheap-malloc.so \\
          "build/libkheap-malloc.so@slab_freelist_hardened=0"

Each repetition runs the program (from build/bench/) once with glibc (no
preload) and once with each SHIM preloaded, in an order that rotates per
repetition, through build/bench/rusage-exec (which adds the peak RSS and
the CPU time), as bench/run.py does for the full suite.  "@OPTIONS" runs
that shim with KHEAP_CMDLINE=OPTIONS (kheap's options, e.g. a hardening
feature turned off), so one build measures a feature on and off in the
same run.  Prints, for every RESULT line, for maxrss and for cpu (user +
system time of the program), the median of glibc and of each SHIM with
its ratio to glibc.  On a shared, noisy machine only ratios from one such
run compare.
"""

import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "build" / "bench"


def run_once(shim, argv):
    """{RESULT name, 'maxrss' or 'cpu': value} of one run; shim '-' is glibc."""
    preload, _, cmdline = shim.partition("@")
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_PRELOAD", "KHEAP_CMDLINE")}
    if cmdline:
        env["KHEAP_CMDLINE"] = cmdline
    out = subprocess.run([str(BENCH / "rusage-exec"), preload,
                          str(BENCH / argv[0]), *argv[1:]], env=env,
                         capture_output=True, text=True, check=True).stdout
    values = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] == "RESULT":
            values[f[1]] = float(f[2])
        elif len(f) >= 3 and f[0] == "RUSAGE":	# maxrss, cpu
            values[f[1]] = float(f[2])
    return values


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    reps, argv = int(sys.argv[1]), sys.argv[2].split()
    shims = []
    for arg in sys.argv[3:]:
        path, at, cmdline = arg.partition("@")
        shims.append(os.path.realpath(path) + at + cmdline)
    runs = ["-"] + shims
    for n, s in enumerate(shims, 1):
        print(f"shim{n}: {s}")
    samples = {r: {} for r in runs}
    for i in range(reps):
        for r in runs[i % len(runs):] + runs[:i % len(runs)]:
            for key, v in run_once(r, argv).items():
                samples[r].setdefault(key, []).append(v)
    for key, vals in samples["-"].items():
        g = statistics.median(vals)
        line = f"{argv[0]} {key}: glibc {g:.4g}"
        for n, s in enumerate(shims, 1):
            v = statistics.median(samples[s][key])
            line += f" | shim{n} {v:.4g} ({v / g:.2f})"
        print(line)


if __name__ == "__main__":
    main()
