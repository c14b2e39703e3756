#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kheap's benchmark driver: `make bench` runs `python3 bench/run.py [--quick]`.

What it does, in order:
  1. installs the peer allocators and gnuplot when missing (Debian packages,
     apt-get update once, only if something is missing) and finds
     libmimalloc.so.2, libjemalloc.so.2 and libtcmalloc_minimal.so.4;
  2. builds the benchmark programs (cmake --build build);
  3. runs every malloc benchmark under each allocator -- glibc (no preload),
     mimalloc, jemalloc, tcmalloc and kheap (LD_PRELOAD=build/libkheap-malloc.so
     when it exists) three times, once per slab allocator: kheap (SLUB),
     kheap-slab and kheap-slob (KHEAP_CMDLINE=slab_allocator=slab|slob) --
     interleaved: each repetition runs every benchmark once under every
     allocator, in an order that rotates per repetition, so slow drifts of a
     shared machine hit all allocators alike.  The kernel-API
     microbenchmarks (no preload) run once per repetition in the same loop,
     the slab ones once per slab allocator;
  4. takes the median of the repetitions (3 with --quick, 5 otherwise) of each
     RESULT line a program prints, of its peak RSS and of its CPU time
     (ru_maxrss and user + system time from wait4(), reported by the launcher
     build/bench/rusage-exec), and writes bench/results/latest.md (tables,
     each with the geometric mean of the ratios to glibc), latest.svg
     (gnuplot: time ratios to glibc, log scale) and latest.json (every sample).

The contract with a benchmark program (see bench/bench.h): it takes its work
size as arguments, measures its own time (excluding start-up), prints lines
"RESULT <name> <value> <unit>" on stdout and exits 0.

Registering a program is one line in MALLOC_BENCHES or KAPI_BENCHES below.
Each RESULT name a malloc benchmark lists in `rows` is a table row (unit "s":
the time table and the plot; other units: the "other metrics" table).  A
kernel-API program prints "RESULT <case>:<implementation> <value> <unit>" and
gets a table of cases by implementations, kheap's API first.  A program that
is not built (yet) is listed as such, not an error.
"""

import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
RESULTS = ROOT / "bench" / "results"


# ---- what runs ------------------------------------------------------------

@dataclass
class MallocBench:
    """A program that uses only malloc/free, run under every allocator."""
    name: str               # row name, and the RESULT name of its time
    program: str            # executable in build/bench/ (or build/)
    args: list              # arguments for a full run
    quick: list             # arguments for --quick
    rows: tuple = ()        # RESULT names shown as rows (default: (name,))
    env: dict = field(default_factory=dict)   # added to every run's environment

    def metrics(self):
        return self.rows or (self.name,)


@dataclass
class KapiBench:
    """A program that calls kheap's kernel API itself, beside libc equivalents."""
    title: str
    program: str
    args: list
    quick: list
    strategies: bool = False    # run under each slab allocator (slab layer)
    relative_to: str = None  # ratios: each column ÷ this one (default:
                             # the first column ÷ the best other)


MALLOC_BENCHES = [
    MallocBench("fastpath-tight", "fastpath", ["tight", "320M"], ["tight", "160M"]),
    MallocBench("fastpath-batch", "fastpath", ["batch", "320M"], ["batch", "160M"]),
    MallocBench("churn", "churn", ["32M"], ["16M"]),
    MallocBench("xmalloc", "xmalloc", ["32M"], ["16M"]),
    MallocBench("larson", "larson", ["64M"], ["32M"]),
    MallocBench("cache-scratch", "cache_scratch", ["16M"], ["8M"]),
    MallocBench("frag", "frag", ["4M"], ["2M"], rows=("frag", "frag-rss")),
    MallocBench("scaling", "scaling", ["128M"], ["64M"],
                rows=("scaling-t1", "scaling-t2", "scaling-t4", "scaling-t8",
                      "scaling-t16")),
    MallocBench("large", "large", ["1000"], ["300"],
                rows=("large", "large-realloc")),
    MallocBench("threads", "threads", ["8000"], ["4000"]),
    # Real programs: scripts in bench/ (a "{src}" argument is the source tree).
    MallocBench("python-json", "python_json.py", ["60000"], ["60000"],
                env={"PYTHONMALLOC": "malloc"}),
    MallocBench("gcc-compile", "gcc_compile.sh", ["{src}", "3"], ["{src}", "2"]),
]

KAPI_BENCHES = [
    KapiBench("page allocator, ns per allocation + free: alloc_pages/"
              "__free_pages vs mmap/munmap and posix_memalign/free",
              "page_bench", ["40000"], ["20000"]),
    # Kernel-API microbenchmarks of the other layers; listed as "not built
    # yet" until their programs exist.
    KapiBench("slab: kmem_cache_alloc/free and kmalloc/kfree vs malloc/free",
              "slab_bench", ["1M"], ["200k"], strategies=True),
    KapiBench("kmalloc: kmalloc+kfree vs malloc+free, ns per pair",
              "kmalloc_bench", ["2000000"], ["500000"], strategies=True),
    KapiBench("vmalloc: vmalloc/vfree vs mmap/munmap and malloc/free",
              "vmalloc_bench", ["20000"], ["5000"]),
    KapiBench("init_on_alloc / init_on_free: kmalloc+kfree and alloc_page+"
              "__free_page, ns per pair, each option beside neither",
              "meminit_bench", ["2000000"], ["500000"], relative_to="off"),
]

# (column name, library file, Debian package); None: no preload.
ALLOCATORS = [
    ("glibc", None, None),
    ("mimalloc", "libmimalloc.so.2", "libmimalloc2.0"),
    ("jemalloc", "libjemalloc.so.2", "libjemalloc2"),
    ("tcmalloc", "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4"),
    ("kheap", str(BUILD / "libkheap-malloc.so"), None),
    ("kheap-slab", str(BUILD / "libkheap-malloc.so"), None),
    ("kheap-slob", str(BUILD / "libkheap-malloc.so"), None),
]
GNUPLOT_PKG = "gnuplot-nox"

# kheap's slab allocators: the options each column runs with (slab_allocator=)
STRATEGIES = [("slub", None), ("slab", "slab_allocator=slab"),
              ("slob", "slab_allocator=slob")]
ALLOCATOR_CMDLINE = {"kheap-" + name: cmdline for name, cmdline in STRATEGIES
                     if cmdline}
# SLOB's first fit walks every partial page per allocation and gives a page
# back the moment it is empty: a workload takes it tens of seconds to
# minutes, so it runs in the first repetition only (its medians are of one)
# and is stopped after 2 minutes; a time-out there is a result ("> 120 s"),
# not a failure of the run
ALLOCATOR_REPS = {"kheap-slob": 1}
ALLOCATOR_TIMEOUT = {"kheap-slob": 120}
# kernel-API implementations that are libc's, not kheap's (the same under
# every slab allocator, so measured once)
LIBC_IMPLS = {"malloc", "mmap", "posix_memalign"}


# ---- small helpers ------------------------------------------------------

def note(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def find_library(soname):
    """Path of a shared library by soname, from ldconfig or the usual dirs."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        out = subprocess.run([ldconfig, "-p"], capture_output=True,
                             text=True, check=False).stdout
    except OSError:
        out = ""
    for line in out.splitlines():
        name, _, path = line.strip().partition(" => ")
        if name.split(" ")[0] == soname and os.path.exists(path):
            return path
    dirs = glob.glob("/usr/lib/*-linux-gnu*") + glob.glob("/lib/*-linux-gnu*")
    for d in dirs + ["/usr/lib", "/usr/local/lib"]:
        p = os.path.join(d, soname)
        if os.path.exists(p):
            return p
    return None


def install_missing(packages):
    """apt-get install what is missing (update once first); False on failure."""
    if not packages:
        return True
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if sudo and not shutil.which("sudo"):
        note(f"not root and no sudo: cannot install {' '.join(packages)}")
        return False
    note(f"installing missing packages: {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", *packages]):
        r = subprocess.run(sudo + cmd, env=env, stdout=subprocess.DEVNULL)
        if r.returncode != 0:
            note(f"'{' '.join(cmd)}' failed (exit {r.returncode}); "
                 "going on with what is installed")
            return False
    return True


def locate_peers(may_install):
    """{allocator: library path or None}, installing the missing ones."""
    missing = [pkg for _, lib, pkg in ALLOCATORS if pkg and not find_library(lib)]
    if not shutil.which("gnuplot"):
        missing.append(GNUPLOT_PKG)
    if missing and may_install:
        install_missing(missing)
    libs = {}
    for name, lib, pkg in ALLOCATORS:
        if lib is None:
            libs[name] = None
        elif pkg is None:
            libs[name] = lib if os.path.exists(lib) else None
        else:
            libs[name] = find_library(lib)
    return libs


def build():
    if not (BUILD / "CMakeCache.txt").exists():
        gen = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(BUILD), *gen,
                        "-DCMAKE_BUILD_TYPE=Release"], check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(BUILD)], check=True,
                   stdout=subprocess.DEVNULL)


def program_path(program):
    """A built program in build/bench/ or build/, or a script in bench/."""
    if program.endswith((".py", ".sh")):
        p = ROOT / "bench" / program
        return p if p.is_file() and os.access(p, os.X_OK) else None
    for d in (BUILD / "bench", BUILD):
        p = d / program
        if p.is_file() and os.access(p, os.X_OK):
            return p
    return None


def package_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                       capture_output=True, text=True, check=False)
    return r.stdout.strip() if r.returncode == 0 else None


# ---- running one program ----------------------------------------------------

RESULT_RE = re.compile(r"^RESULT (\S+) (\S+) (\S+)$")


RESULT_RE = re.compile(r"^RESULT (\S+) (\S+) (\S+)$")
RUSAGE_RE = re.compile(r"^RUSAGE maxrss (\d+)$")
CPU_RE = re.compile(r"^RUSAGE cpu ([0-9.]+)$")


def launcher():
    return program_path("rusage-exec")


def run_once(argv, preload, timeout, extra_env=None, cmdline=None):
    """Run argv with LD_PRELOAD=preload (None: none) and extra_env added,
    with cmdline added to KHEAP_CMDLINE when given.

    Returns (metrics {name: (value, unit)}, peak RSS kB, CPU s, error or None).
    The program is started by build/bench/rusage-exec, which reaps it with
    wait4() and prints its ru_maxrss: the driver's own wait4() would report
    at least this interpreter's RSS, which Linux carries across execve().
    """
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env.update(extra_env or {})
    if cmdline:
        env["KHEAP_CMDLINE"] = (env.get("KHEAP_CMDLINE", "") + " " + cmdline).strip()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(launcher()), preload or "-", *argv],
                                stdout=out, stderr=err, env=env,
                                start_new_session=True)
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, _ = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    metrics, maxrss, cpu = {}, None, None
    for line in stdout.splitlines():
        m = CPU_RE.match(line.strip())
        if m:
            cpu = float(m.group(1))
        m = RESULT_RE.match(line.strip())
        if m:
            try:
                metrics[m.group(1)] = (float(m.group(2)), m.group(3))
            except ValueError:
                pass
        m = RUSAGE_RE.match(line.strip())
        if m:
            maxrss = int(m.group(1))
    error = None
    if "cannot be preloaded" in stderr:
        error = "preload failed"
    elif proc.returncode == -signal.SIGKILL:
        error = f"timed out after {timeout} s"
    elif proc.returncode > 128:
        error = f"killed by signal {proc.returncode - 128}"
    elif proc.returncode != 0:
        error = f"exit {proc.returncode}"
    elif not metrics or maxrss is None:
        error = "no RESULT line"
    if error:
        tail = stderr.strip().splitlines()[-3:]
        error += (": " + " / ".join(tail)) if tail else ""
    return metrics, maxrss, cpu, error


# ---- the interleaved loop -------------------------------------------------

@dataclass
class Samples:
    metrics: dict = field(default_factory=dict)    # name -> [values]
    units: dict = field(default_factory=dict)
    maxrss: list = field(default_factory=list)     # kB
    cpu: list = field(default_factory=list)        # s, user + system
    errors: list = field(default_factory=list)

    def add(self, metrics, maxrss, cpu, error):
        if error:
            self.errors.append(error)
            return
        for k, (v, unit) in metrics.items():
            self.metrics.setdefault(k, []).append(v)
            self.units[k] = unit
        self.maxrss.append(maxrss)
        if cpu is not None:
            self.cpu.append(cpu)

    def median(self, name):
        v = self.metrics.get(name)
        return statistics.median(v) if v else None


def fmt_duration(s):
    s = int(s)
    return f"{s // 60}:{s % 60:02d}"


class Progress:
    def __init__(self, total):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.tty = sys.stderr.isatty()

    def show(self, what):
        self.done += 1
        el = time.monotonic() - self.start
        eta = el / self.done * (self.total - self.done) if self.done > 1 else 0
        line = (f"[{self.done:3d}/{self.total}] {what:<42} "
                f"{fmt_duration(el)} elapsed, ~{fmt_duration(eta)} left")
        if self.tty:
            print("\r\033[K" + line, end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def finish(self):
        if self.tty:
            print(file=sys.stderr)
        return time.monotonic() - self.start


def run_all(args, libs):
    reps = args.reps or (3 if args.quick else 5)
    timeout = 120 if args.quick else 600
    allocs = [a for a, _, _ in ALLOCATORS if a == "glibc" or libs.get(a)]
    mallocs = [(b, program_path(b.program)) for b in MALLOC_BENCHES
               if not args.only or b.name in args.only]
    kapis = [(b, program_path(b.program)) for b in KAPI_BENCHES
             if not args.only or b.program in args.only]
    if launcher() is None:
        sys.exit("bench: build/bench/rusage-exec is not built")
    for b, path in mallocs:
        if path is None:
            sys.exit(f"bench: {b.program} is not built (is build/ a sanitizer "
                     "configuration?)")
    kapis_run = [(b, p) for b, p in kapis if p]
    samples = {}
    total = len(mallocs) * sum(min(reps, ALLOCATOR_REPS.get(a, reps))
                               for a in allocs) + reps * sum(
        len(STRATEGIES) if b.strategies else 1 for b, _ in kapis_run)
    progress = Progress(total)
    for rep in range(reps):
        order = allocs[rep % len(allocs):] + allocs[:rep % len(allocs)]
        for b, path in mallocs:
            argv = [str(path), *(a.replace("{src}", str(ROOT)) for a in
                                 (b.quick if args.quick else b.args))]
            for a in order:
                if rep >= ALLOCATOR_REPS.get(a, reps):
                    continue
                progress.show(f"rep {rep + 1}/{reps} {b.name} x {a}")
                s = samples.setdefault((b.name, a), Samples())
                s.add(*run_once(argv, libs[a],
                                min(timeout, ALLOCATOR_TIMEOUT.get(a, timeout)),
                                b.env, ALLOCATOR_CMDLINE.get(a)))
        for b, path in kapis_run:
            argv = [str(path), *(b.quick if args.quick else b.args)]
            for name, cmdline in STRATEGIES if b.strategies else STRATEGIES[:1]:
                progress.show(f"rep {rep + 1}/{reps} {b.program}"
                              + (f" ({name})" if b.strategies else ""))
                metrics, maxrss, cpu, error = run_once(argv, None, timeout,
                                                       cmdline=cmdline)
                if cmdline:     # kheap's columns under SLAB, SLOB
                    metrics = {f"{k}[{name}]": v for k, v in metrics.items()
                               if k.partition(":")[2] not in LIBC_IMPLS}
                samples.setdefault((b.program, "kapi"), Samples()).add(
                    metrics, maxrss, cpu, error)
    elapsed = progress.finish()
    return samples, allocs, mallocs, kapis, reps, elapsed


# ---- reports --------------------------------------------------------------

def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    osname = ""
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "os": osname, "libc": " ".join(platform.libc_ver())}


def command_line(args):
    """The command as markdown: make's, then the driver's own."""
    own = "python3 bench/run.py" + "".join(
        " " + shlex.quote(a) for a in sys.argv[1:])
    if "MAKELEVEL" in os.environ:
        return f"`make bench{' QUICK=1' if args.quick else ''}` (runs `{own}`)"
    return f"`{own}`"


def fmt_value(v, unit):
    if v is None:
        return "—"
    if unit == "s":
        return f"{v:.3f} s" if v >= 0.01 else f"{v * 1e3:.2f} ms"
    if unit == "kB":
        return f"{v / 1024:.1f} MiB"
    return f"{v:.4g} {unit}"


def ratio_cell(v, base, unit):
    if v is None:
        return "—"
    if not base:
        return fmt_value(v, unit)
    return f"{v / base:.2f} ({fmt_value(v, unit)})"


def cell_error(s):
    if s is None or (not s.metrics and s.errors):
        if s and s.errors and s.errors[0].startswith("timed out after "):
            return "> " + s.errors[0].removeprefix("timed out after ")
        return f"failed ({s.errors[0].split(':')[0]})" if s and s.errors else "—"
    return None


def malloc_tables(samples, allocs, mallocs):
    """(time rows, other-metric rows, peak-RSS rows, CPU rows) as markdown
    lines; the time, peak-RSS and CPU tables end with the geometric mean of
    each allocator's ratios to glibc."""
    shown = [a for a, _, _ in ALLOCATORS]
    head = "| benchmark | " + " | ".join(shown) + " |"
    sep = "|---|" + "---|" * len(shown)
    time_rows, other_rows, rss_rows = [head, sep], [head, sep], [head, sep]
    cpu_rows = [head, sep]
    ratios = {"time": {}, "rss": {}, "cpu": {}}    # table -> allocator -> [ratio]

    def note_ratio(table, a, v, base):
        if v and base:
            ratios[table].setdefault(a, []).append(v / base)

    def geomean_row(table):
        cells = []
        for a in shown:
            r = ratios[table].get(a)
            cells.append(f"**{math.exp(sum(map(math.log, r)) / len(r)):.2f}**"
                         if r else "—")
        return "| geometric mean | " + " | ".join(cells) + " |"

    def row(label, bench, cell_of):
        """One table row: "—" for an allocator not run, its error if it
        failed, else cell_of(its samples)."""
        cells = []
        for a in shown:
            s = samples.get((bench, a))
            if a not in allocs:
                cells.append("—")
            elif cell_error(s):
                cells.append(cell_error(s))
            else:
                cells.append(cell_of(s))
        return f"| {label} | " + " | ".join(cells) + " |"

    for b, _ in mallocs:
        base = samples.get((b.name, "glibc"))
        for metric in b.metrics():
            unit = base.units.get(metric, "s") if base else "s"
            bv = base.median(metric) if base else None
            line = row(metric, b.name,
                       lambda s, m=metric, v=bv, u=unit: ratio_cell(s.median(m), v, u))
            (time_rows if unit == "s" else other_rows).append(line)
            if unit == "s":
                for a in allocs:
                    s = samples.get((b.name, a))
                    if s and not cell_error(s):
                        note_ratio("time", a, s.median(metric), bv)
        brss = statistics.median(base.maxrss) if base and base.maxrss else None
        rss_rows.append(row(b.name, b.name,
                            lambda s: ratio_cell(statistics.median(s.maxrss), brss, "kB")))
        bcpu = statistics.median(base.cpu) if base and base.cpu else None
        cpu_rows.append(row(b.name, b.name,
                            lambda s: ratio_cell(statistics.median(s.cpu) if s.cpu else None,
                                                 bcpu, "s")))
        for a in allocs:
            s = samples.get((b.name, a))
            if s and not cell_error(s):
                note_ratio("rss", a, statistics.median(s.maxrss), brss)
                if s.cpu:
                    note_ratio("cpu", a, statistics.median(s.cpu), bcpu)
    time_rows.append(geomean_row("time"))
    rss_rows.append(geomean_row("rss"))
    cpu_rows.append(geomean_row("cpu"))
    return time_rows, other_rows if len(other_rows) > 2 else [], rss_rows, cpu_rows


def strategy_table(samples, allocs, mallocs):
    """kheap's slab allocators side by side: SLUB's medians, SLAB's and
    SLOB's as ratios to SLUB's, for every time metric and peak RSS."""
    cols = [a for a in ("kheap", "kheap-slab", "kheap-slob") if a in allocs]
    if len(cols) < 2:
        return []
    names = {"kheap": "SLUB", "kheap-slab": "SLAB", "kheap-slob": "SLOB"}
    out = ["| benchmark | " + " | ".join(
        names[a] + (" (median)" if a == "kheap" else " ÷ SLUB") for a in cols)
        + " |", "|---|" + "---|" * len(cols)]
    for b, _ in mallocs:
        base = samples.get((b.name, "kheap"))
        rows = [(m, lambda s, m=m: s.median(m), base.units.get(m, "s") if base else "s")
                for m in b.metrics()]
        rows.append((f"{b.name} peak RSS",
                     lambda s: statistics.median(s.maxrss) if s.maxrss else None, "kB"))
        for label, value, unit in rows:
            bv = value(base) if base and not cell_error(base) else None
            cells = []
            for a in cols:
                s = samples.get((b.name, a))
                if cell_error(s):
                    cells.append(cell_error(s))
                elif a == "kheap":
                    cells.append(fmt_value(bv, unit))
                else:
                    v = value(s)
                    cells.append(f"{v / bv:.2f}" if v is not None and bv else "—")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    return out


def kapi_tables(samples, kapis):
    out = []
    for b, path in kapis:
        out.append(f"### {b.title} (`{b.program}`)")
        out.append("")
        s = samples.get((b.program, "kapi"))
        if path is None:
            out += [f"{b.program}: not built yet", ""]
            continue
        if not s or not s.metrics:
            err = s.errors[0] if s and s.errors else "no results"
            out += [f"{b.program}: failed ({err})", ""]
            continue
        cell = {}                       # (case, implementation) -> median
        cases, impls = [], []
        for key in s.metrics:
            case, _, impl = key.partition(":")
            impl = impl or "value"
            cell[case, impl] = s.median(key)
            if case not in cases:
                cases.append(case)
            if impl not in impls:
                impls.append(impl)
        unit = next(iter(s.units.values()))
        # kheap's columns first (SLUB, then [slab], [slob]), libc's last;
        # the ratio is kheap's first column to the best libc one, unless
        # the bench names the column the others are relative to
        impls.sort(key=lambda i: i in LIBC_IMPLS)
        libc = [i for i in impls if i in LIBC_IMPLS]
        base = b.relative_to if b.relative_to in impls else None
        ratios = [i for i in impls if i != base] if base else []
        if base:
            ratio_head = "".join(f" {i} ÷ {base} |" for i in ratios)
        else:
            ratio_head = f" {impls[0]} ÷ best other |" if len(impls) > 1 else ""
        nratio = len(ratios) if base else int(len(impls) > 1)
        out.append(f"| case ({unit}) | " + " | ".join(impls) + " |" + ratio_head)
        out.append("|---|" + "---|" * (len(impls) + nratio))
        for case in cases:
            vals = [cell.get((case, i)) for i in impls]
            row = f"| {case} | " + " | ".join(
                f"{v:.1f}" if v is not None else "—" for v in vals) + " |"
            if base:
                bv = cell.get((case, base))
                for i in ratios:
                    v = cell.get((case, i))
                    row += f" {v / bv:.2f} |" if v and bv else " — |"
            elif len(impls) > 1:
                others = [v for i, v in zip(impls[1:], vals[1:])
                          if v and (i in libc or not libc)]
                row += (f" {vals[0] / min(others):.2f} |" if vals[0] and others
                        else " — |")
            out.append(row)
        out.append("")
    return out


def write_markdown(path, args, samples, allocs, mallocs, kapis, libs, reps,
                   elapsed, svg):
    m = machine()
    now = datetime.datetime.now(datetime.timezone.utc)
    versions = []
    for name, lib, pkg in ALLOCATORS:
        if name == "glibc":
            versions.append(f"glibc {platform.libc_ver()[1]}")
        elif name == "kheap":
            versions.append("kheap " + ("`build/libkheap-malloc.so`" if libs.get(name)
                                        else "— **kheap: shim not built yet** "
                                        "(`build/libkheap-malloc.so` does not exist)"))
        elif name in ALLOCATOR_CMDLINE:
            if libs.get(name):
                once = (f", {ALLOCATOR_REPS[name]} repetition only"
                        if name in ALLOCATOR_REPS else "")
                versions.append(f"{name}: the same with "
                                f"`KHEAP_CMDLINE={ALLOCATOR_CMDLINE[name]}`{once}")
        elif libs.get(name):
            versions.append(f"{name} {package_version(pkg) or ''} (`{libs[name]}`)")
        else:
            versions.append(f"{name}: not installed")
    time_rows, other_rows, rss_rows, cpu_rows = malloc_tables(samples, allocs, mallocs)
    lines = [
        "# kheap benchmarks",
        "",
        f"- machine: {m['nproc']} CPUs (`nproc`), {m['cpu']}, Linux {m['kernel']}, "
        f"{m['os']}",
        f"- date: {now:%Y-%m-%d %H:%M} UTC; the run took {fmt_duration(elapsed)}",
        f"- command: {command_line(args)}",
        f"- method: {reps} repetition{'s' if reps > 1 else ''}, allocators interleaved (round robin per "
        "repetition, order rotating); median of the repetitions; time measured "
        "inside each program (start-up excluded); peak RSS of the program from "
        "`wait4()` (ru_maxrss, taken by the small launcher `build/bench/rusage-exec`)",
        "- allocators: " + "; ".join(versions),
        "",
        "## Time: ratio to glibc (lower is better), median in parentheses",
        "",
        *time_rows,
    ]
    if not libs.get("kheap"):
        lines += ["", "kheap: shim not built yet"]
    if other_rows:
        lines += ["", "## Other metrics: ratio to glibc, median in parentheses", "",
                  "`frag-rss` is the RSS at the end of the fragmentation workload.",
                  "", *other_rows]
    strategies = strategy_table(samples, allocs, mallocs)
    lines += ["", "## Peak RSS: ratio to glibc, median in parentheses", "",
              *rss_rows, "",
              "## CPU time (user + system of the whole program): ratio to glibc, "
              "median in parentheses", "",
              "On a shared machine a multi-threaded program's wall time also "
              "measures its share of the cores; its CPU time does not.", "",
              *cpu_rows, ""]
    if strategies:
        lines += ["## kheap's slab allocators: SLAB and SLOB as ratios to SLUB", "",
                  "The same shim with `KHEAP_CMDLINE=slab_allocator=slab` and "
                  "`=slob`; lower is better.", "", *strategies, "",
                  "![SLAB and SLOB to SLUB](latest-strategies.svg)" if svg else "",
                  ""]
    lines += ["## Kernel API beside libc (no LD_PRELOAD; medians)", "",
              "`[slab]` and `[slob]` columns: the same calls with "
              "`KHEAP_CMDLINE=slab_allocator=slab` and `=slob`.", "",
              *kapi_tables(samples, kapis)]
    if svg:
        lines += ["![time ratio to glibc](latest.svg)", ""]
    path.write_text("\n".join(lines))


def write_svg(path, samples, allocs, mallocs, base_alloc="glibc",
              title="Time as a ratio to glibc malloc (lower is better; log scale)",
              rss=False):
    """Grouped bars of ratios to base_alloc (log scale) with gnuplot: each
    time metric, and with rss also each benchmark's peak RSS."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        note("gnuplot not found: no plot")
        return False
    cols = allocs
    rows = []
    for b, _ in mallocs:
        base = samples.get((b.name, base_alloc))
        for metric in b.metrics():
            if not base or base.units.get(metric) != "s" or not base.median(metric):
                continue
            vals = []
            for a in cols:
                s = samples.get((b.name, a))
                v = s.median(metric) if s else None
                vals.append(f"{v / base.median(metric):.4f}" if v else "NaN")
            rows.append(metric + " " + " ".join(vals))
        if rss and base and base.maxrss:
            brss = statistics.median(base.maxrss)
            vals = []
            for a in cols:
                s = samples.get((b.name, a))
                v = statistics.median(s.maxrss) if s and s.maxrss else None
                vals.append(f"{v / brss:.4f}" if v else "NaN")
            rows.append(f"{b.name}(RSS) " + " ".join(vals))
    data = path.with_suffix(".dat.tmp")
    data.write_text("benchmark " + " ".join(cols) + "\n" + "\n".join(rows) + "\n")
    ratios = [float(v) for r in rows for v in r.split()[1:] if v != "NaN"]
    lo = min([0.25] + [2 ** math.floor(math.log2(v)) for v in ratios if v > 0])
    hi = max([4.0] + [2 ** math.ceil(math.log2(v)) for v in ratios if v > 0])
    tics, t = [], lo
    while t <= hi:
        tics.append(f"'{t:g}' {t}" if t >= 1 else f"'1/{1 / t:g}' {t}")
        t *= 2
    script = f"""
set terminal svg size {max(1100, 40 * len(rows))},{560 + 60 * rss} dynamic font 'sans,11' background '#ffffff'
set output '{path}'
set title '{title.replace("'", "''")}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set yrange [{lo}:{hi}]
set ytics ({', '.join(tics)})
set grid ytics
set xtics nomirror rotate by {60 if rss else 30} right
set bmargin {10 if rss else 6}
set key top left horizontal
set datafile missing 'NaN'
plot for [i=2:{len(cols) + 1}] '{data}' using i:xtic(1) title columnheader(i)
"""
    r = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
    data.unlink(missing_ok=True)
    if r.returncode != 0:
        note("gnuplot failed: " + r.stderr.strip()[:300])
        return False
    return True


def write_json(path, samples, libs, reps):
    raw = {f"{b}|{a}": {"metrics": s.metrics, "units": s.units,
                        "maxrss_kB": s.maxrss, "cpu_s": s.cpu, "errors": s.errors}
           for (b, a), s in samples.items()}
    path.write_text(json.dumps({"machine": machine(), "libraries": libs,
                                "repetitions": reps, "samples": raw}, indent=1))


def write_plots(samples, allocs, mallocs):
    """latest.svg, and latest-strategies.svg when the run has SLAB and SLOB
    (strategies.svg stays the README's, beside strategies.md)."""
    svg = write_svg(RESULTS / "latest.svg", samples, allocs, mallocs)
    kheaps = [a for a in allocs if a.startswith("kheap")]
    if svg and len(kheaps) > 1:     # SLUB, SLAB, SLOB: time, RSS to SLUB's
        write_svg(RESULTS / "latest-strategies.svg", samples, kheaps, mallocs,
                  base_alloc="kheap", rss=True,
                  title="SLAB and SLOB beside SLUB: time and peak RSS (RSS) "
                        "as ratios to SLUB (lower is better; log scale)")
    return svg


def replot():
    """The plots of the run latest.json holds, drawn again."""
    raw = json.loads((RESULTS / "latest.json").read_text())
    samples = {}
    for key, v in raw["samples"].items():
        b, a = key.split("|", 1)
        samples[(b, a)] = Samples(metrics=v["metrics"], units=v["units"],
                                  maxrss=v["maxrss_kB"], cpu=v["cpu_s"],
                                  errors=v["errors"])
    present = {a for _, a in samples}
    allocs = [a for a, _, _ in ALLOCATORS if a in present]
    mallocs = [(b, None) for b in MALLOC_BENCHES
               if any((b.name, a) in samples for a in allocs)]
    write_plots(samples, allocs, mallocs)
    note(f"drew {RESULTS.relative_to(ROOT)}/latest.svg and "
         "latest-strategies.svg again from latest.json")


# ---- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Run kheap's allocator benchmarks.")
    ap.add_argument("--quick", action="store_true",
                    help="smaller sizes and 3 repetitions (10 to 20 minutes, "
                         "7 of them SLOB's column)")
    ap.add_argument("--reps", type=int, help="repetitions (default 5, --quick 3)")
    ap.add_argument("--only", nargs="*", help="only these benchmarks/programs")
    ap.add_argument("--no-install", action="store_true",
                    help="do not install missing packages")
    ap.add_argument("--no-build", action="store_true", help="do not run cmake")
    ap.add_argument("--replot", action="store_true",
                    help="only draw latest.svg and latest-strategies.svg again "
                         "from latest.json")
    args = ap.parse_args()
    if args.reps is not None and args.reps < 1:
        ap.error("--reps must be at least 1")
    if args.replot:
        replot()
        return

    libs = locate_peers(not args.no_install)
    for name, lib, pkg in ALLOCATORS:
        if name == "kheap" and not libs[name]:
            note("kheap: shim not built yet (build/libkheap-malloc.so); "
                 "running the others")
        elif lib and not libs[name]:
            note(f"{name}: {lib} not found; leaving it out")
    if not args.no_build:
        build()

    samples, allocs, mallocs, kapis, reps, elapsed = run_all(args, libs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    svg = write_plots(samples, allocs, mallocs)
    write_markdown(RESULTS / "latest.md", args, samples, allocs, mallocs, kapis,
                   libs, reps, elapsed, svg)
    write_json(RESULTS / "latest.json", samples, libs, reps)
    print((RESULTS / "latest.md").read_text())
    note(f"wrote {RESULTS.relative_to(ROOT)}/latest.md"
         + (", latest.svg, latest-strategies.svg" if svg else "")
         + f", latest.json in {fmt_duration(elapsed)}")
    failed = [(k, s.errors[0]) for k, s in samples.items() if s.errors]
    for (b, a), e in failed:
        note(f"{b} under {a}: {e}")
    # a slow allocator's time-out is its result, not a failure
    failed = [((b, a), e) for (b, a), e in failed
              if not (a in ALLOCATOR_TIMEOUT and e.startswith("timed out"))]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
