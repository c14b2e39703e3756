#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""repo_links - every file the repository's docs and comments name exists.

The repository stands alone: README, docs/, man pages and the comments in
the code cite files inside it (and, for kernel facts, the kernel's own
files).  This test reads every tracked text file, collects the paths it
names under the tree's top-level directories (docs/, mm/, lib/, tests/,
...) and the Markdown files it names, and fails on any that does not
exist here, unless tests/repo-links-allow.txt lists it: the kernel's own
files (a path under a directory the kernel also has: mm/, lib/, kernel/,
include/, tools/, Documentation/) and names that are not files here
(view names, files made at build time).  Paths with a placeholder in
capitals (tests/NAME.c) and globs (docs/kernel-notes-*.md) are skipped.

usage: repo_links.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys

TOP = ("docs", "mm", "lib", "kernel", "include", "tests", "bench", "tools",
       "shim", "os", "scripts", "cmake", "man", "debian", ".ci")
PATH_RE = re.compile(r"(?<![\w./~$-])((?:%s)/[\w./+-]*[\w+])" %
                     "|".join(re.escape(t) for t in TOP))
MD_RE = re.compile(r"(?<![\w./~$-])([\w.-]+\.md)\b")
SKIP_SUFFIX = (".json", ".svg", ".png")
OUTSIDE = "../" + "shared/"


def tracked_files(src):
    try:
        out = subprocess.run(["git", "-C", src, "ls-files", "-z"],
                             capture_output=True, check=True).stdout
        return [f for f in out.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for root, dirs, names in os.walk(src):
            dirs[:] = [d for d in dirs
                       if not d.startswith((".git", "build"))]
            for n in names:
                files.append(os.path.relpath(os.path.join(root, n), src))
        return files


def exists(src, path, after):
    if os.path.exists(os.path.join(src, path)):
        return True
    if after.lstrip("-_").startswith("*"):	# a glob: docs/kernel-notes-*.md
        return True
    # a placeholder: tests/NAME.c, slab/CACHE/alloc_traces
    return any(len(c) > 1 and c.isupper() for c in re.split(r"[/.]", path))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    with open(os.path.join(src, "tests", "repo-links-allow.txt")) as f:
        allow = {l.split("#")[0].strip() for l in f} - {""}
    files = tracked_files(src)
    names = {os.path.basename(f) for f in files}
    bad = []
    for f in files:
        if f.endswith(SKIP_SUFFIX) or f == "tests/repo-links-allow.txt":
            continue
        try:
            with open(os.path.join(src, f), encoding="utf-8") as fh:
                text = fh.read()
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for m in PATH_RE.finditer(line):
                p = m.group(1).rstrip(".")
                if exists(src, p, line[m.end():]) or p in allow:
                    continue
                bad.append("%s:%d: %s" % (f, n, p))
            if OUTSIDE in line:		# a directory beside the repository
                bad.append("%s:%d: %s" % (f, n, OUTSIDE))
            for m in MD_RE.finditer(line):
                if m.group(1) not in names and m.group(1) not in allow:
                    bad.append("%s:%d: %s" % (f, n, m.group(1)))
    for b in bad:
        print(b)
    print("%d files read, %d references to files that do not exist"
          % (len(files), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
