#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""man_pages - the man pages say what the code does.

kheap(1) lists exactly the commands `kheap --help` lists, and `kheap help
CMD` knows each; kheap(7) lists exactly the options of `kheap options`,
and each view it names is one `kheap view` shows; libkheap(3) names only
functions and macros the installed headers declare, and its synopsis is
exactly <kheap/kheap.h>'s functions.  With groff at hand each page must
also format without a warning.

usage: man_pages.py SOURCE_DIR KHEAP_TOOL
"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL", msg)


def roff(text):
    """Drop roff escapes: \\fB, \\fR, \\- and the like."""
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def section(page, name):
    m = re.search(r"^\.SH %s\n(.*?)(?=^\.SH )" % re.escape(name), page,
                  re.S | re.M)
    return m.group(1) if m else ""


def tagged(body):
    """The first word of each .TP paragraph's tag line."""
    words = []
    lines = body.splitlines()
    for i, l in enumerate(lines):
        if l.startswith(".TP") and i + 1 < len(lines):
            tag = roff(lines[i + 1])
            tag = re.sub(r"^\.B[IR]?\s+", "", tag)
            words.append(tag.split()[0].strip('",'))
    return words


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True)


def check_kheap1(src, tool):
    page = open(os.path.join(src, "man", "kheap.1")).read()
    listed = set(tagged(section(page, "COMMANDS")))
    help_out = run(tool, "--help").stdout
    cmds = help_out.split("Commands:", 1)[1].split("Options:", 1)[0]
    known = {l.split()[0] for l in cmds.splitlines() if l.startswith("  ")}
    for c in sorted(listed - known):
        fail("kheap.1 lists command %r that `kheap --help` does not" % c)
    for c in sorted(known - listed):
        fail("kheap.1 does not list command %r" % c)
    for c in sorted(listed & known):
        if run(tool, "help", c).returncode != 0:
            fail("`kheap help %s` fails" % c)
    # A command's paragraph names only flags its own -h lists (slabinfo
    # and top print their full option lists).
    paras = re.split(r"^\.TP\n", section(page, "COMMANDS"), flags=re.M)
    for p in paras:
        name = roff(p.split("\n", 1)[0]).split()
        if len(name) < 2 or name[1] not in ("slabinfo", "top", "run", "demo"):
            continue
        usage = run(tool, name[1], "-h")
        flags = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", roff(p)))
        for f in sorted(flags):
            if f not in usage.stdout:
                fail("kheap.1 gives %s option %s, which `kheap %s -h` does "
                     "not list" % (name[1], f, name[1]))
    for opt in ("--cmdline", "--help", "--version"):
        if opt.replace("-", "\\-") not in page:
            fail("kheap.1 does not describe %s" % opt)


def check_kheap7(src, tool):
    page = open(os.path.join(src, "man", "kheap.7")).read()
    listed = set(tagged(section(page, "OPTIONS")))
    table = run(tool, "options").stdout
    known = set(re.findall(r"^\| `([^`]+)` \|", table, re.M))
    for o in sorted(listed - known):
        fail("kheap.7 lists option %r that `kheap options` does not" % o)
    for o in sorted(known - listed):
        fail("kheap.7 does not list option %r" % o)
    lines = section(page, "VIEWS").splitlines()
    for i, l in enumerate(lines):
        if not l.startswith(".TP") or i + 1 >= len(lines):
            continue
        tag = re.sub(r"^\.B\s+", "", lines[i + 1])
        for v in roff(tag).split(","):
            v = v.strip()
            if "/" in v and v.split("/")[1].isupper() or \
               v in ("slub_stats", "slab_stats"):
                continue	# a family (slab/CACHE/...); a build option
                		# (slab_stats: also slab_allocator=slab)
            # SLAB's and SLOB's own views exist under their allocator
            if all(run(tool, *pre, "view", v).returncode != 0
                   for pre in ((), ("--cmdline", "slab_allocator=slab"),
                               ("--cmdline", "slab_allocator=slob"))):
                fail("kheap.7 names view %r, which `kheap view` does not "
                     "know" % v)


def check_libkheap3(src):
    page = open(os.path.join(src, "man", "libkheap.3")).read()
    headers = ""
    for d in ("linux", "kheap"):
        for f in os.listdir(os.path.join(src, "include", d)):
            headers += open(os.path.join(src, "include", d, f)).read()
    for name in sorted(set(re.findall(r"^\.BR? (\w+) \(\)", page, re.M))):
        if name.startswith("urcu_"):	# liburcu's, <urcu/urcu-memb.h>
            continue
        if not re.search(r"\b%s\b" % name, headers):
            fail("libkheap.3 names %s(), which no installed header has"
                 % name)
    kheap_h = open(os.path.join(src, "include", "kheap", "kheap.h")).read()
    declared = set(re.findall(r"^[a-z].*\b(kheap_\w+)\(", kheap_h, re.M))
    synopsis = set(re.findall(r"(kheap_\w+)\(", roff(section(page, "SYNOPSIS"))))
    for f in sorted(declared - synopsis):
        fail("libkheap.3's synopsis lacks %s()" % f)
    for f in sorted(synopsis - declared):
        fail("libkheap.3's synopsis has %s(), which kheap.h lacks" % f)


def check_format(src):
    groff = shutil.which("groff")
    if not groff:
        print("groff not installed: formatting not checked")
        return
    for p in ("kheap.1", "kheap.7", "libkheap.3"):
        r = run(groff, "-man", "-ww", "-z", os.path.join(src, "man", p))
        if r.returncode or r.stderr.strip():
            fail("%s: groff: %s" % (p, r.stderr.strip()))


def main():
    src, tool = sys.argv[1], sys.argv[2]
    check_kheap1(src, tool)
    check_kheap7(src, tool)
    check_libkheap3(src)
    check_format(src)
    print("%d problems" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
