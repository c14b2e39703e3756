#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""readme_check.py - the README works when pasted.

usage: readme_check.py SOURCE_DIR BUILD_DIR

In a scratch directory where `include` and `build` are the repository's
(as a reader in the repository after `make` has them), it:
  - saves the first ```c block as prog.c (the README says to);
  - runs every ```sh block with bash -e, as pasted, except the lines that
    run `make` (the build itself: this test runs inside it) and blocks
    preceded by <!-- readme-test: skip (REASON) -->;
  - checks that a ```text block right after a ```sh block is an excerpt
    of what that block printed: each of its lines, with numbers, hex and
    runs of spaces normalised, is a line of the output ("..." lines stand
    for omitted ones).
"""
import os
import re
import subprocess
import sys
import tempfile

src, build = sys.argv[1], sys.argv[2]
readme = open(os.path.join(src, "README.md")).read()
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def blocks(text):
    """(lang, body, skip_reason) for every fenced block, in order."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        skip = None
        for k in range(i - 1, max(-1, i - 4), -1):
            mm = re.match(r"<!-- readme-test: skip \((.*)\) -->", lines[k])
            if mm:
                skip = mm.group(1)
            if lines[k].strip() and not mm:
                break
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        out.append((m.group(1), "\n".join(lines[i + 1:j]), skip))
        i = j + 1
    return out


def norm(line):
    line = re.sub(r"0x[0-9a-fA-F]+", "#", line)
    line = re.sub(r"\d+(\.\d+)?", "#", line)
    line = re.sub(r"#([/,-]#)+", "#", line)	# age=min/avg/max, pid=a-b, cpus=0-1
    line = re.sub(r" (age|pid|cpus|waste)=#", "", line)	# shown only when they vary
    return " ".join(line.split())


work = tempfile.mkdtemp(prefix="kheap-readme-")
os.symlink(os.path.join(src, "include"), os.path.join(work, "include"))
os.symlink(build, os.path.join(work, "build"))
env = dict(os.environ)
env.pop("KHEAP_CMDLINE", None)
env.pop("KHEAP_STATS", None)

bl = blocks(readme)
c_blocks = [b for b in bl if b[0] == "c"]
if not c_blocks:
    fail("no C sample")
else:
    open(os.path.join(work, "prog.c"), "w").write(c_blocks[0][1] + "\n")

ran = 0
last_out = None
for lang, body, skip in bl:
    if lang == "sh":
        last_out = None
        if skip:
            print("skip: %s (%s)" % (body.split("\n")[0], skip))
            continue
        script = "\n".join(l for l in body.split("\n") if not re.match(r"^\s*make(\s|$)", l))
        if not script.strip():
            continue
        r = subprocess.run(["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True,
                           text=True, timeout=300)
        ran += 1
        if r.returncode != 0:
            fail("block failed (%d):\n%s\n--- stderr:\n%s" % (r.returncode, script, r.stderr[-1500:]))
        last_out = r.stdout + r.stderr
        print("ran: %s" % script.split("\n")[0][:100])
    elif lang == "text" and last_out is not None:
        out_lines = set(norm(l) for l in last_out.split("\n"))
        for l in body.split("\n"):
            if l.strip() in ("", "...") or norm(l) in out_lines:
                continue
            fail("excerpt line not in the output of its command: %r\n--- output:\n%s" % (l, last_out[:3000]))
            break
        last_out = None
    else:
        last_out = None

if ran < 5:
    fail("only %d shell blocks ran" % ran)
subprocess.run(["rm", "-rf", work])
print("readme_check: %s" % ("FAILED (%d)" % len(failures) if failures else "ok (%d blocks)" % ran))
sys.exit(1 if failures else 0)
