#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""python-json - a real program's allocation pattern: CPython building,
serialising and parsing 60 000 small dicts, run by bench/run.py with
PYTHONMALLOC=malloc so that every Python object is a malloc() (CPython's
own small-object allocator, pymalloc, is bypassed and the allocator under
test serves ints, strings, dicts and lists directly).

    python_json.py N        N dicts (default 60000), 3 rounds

Each round builds N dicts of a few fields (ints, a float, a short string,
a small list), dumps them to JSON, parses the text back and checks one
field, then drops everything.  Prints "RESULT python-json <s> s" (the
rounds only, not the interpreter's start-up).
"""
import json
import sys
import time


def round_trip(n):
    rows = [{"id": i, "name": "item-%d" % i, "price": i * 0.25,
             "tags": ["a", "b", str(i % 7)], "stock": {"n": i % 100}}
            for i in range(n)]
    text = json.dumps(rows)
    back = json.loads(text)
    if back[n // 2]["name"] != "item-%d" % (n // 2):
        sys.exit("python-json: round trip mismatch")
    return len(text)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    t0 = time.perf_counter()
    for _ in range(3):
        round_trip(n)
    print("RESULT python-json %.6g s" % (time.perf_counter() - t0), flush=True)


main()
